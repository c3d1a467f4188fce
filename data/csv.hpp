#pragma once
// A CSV reader for tables of numeric feature columns with one integer label column (classification),
// one or several float target columns (regression), or both.
//
//   auto iris = xg::data::read_csv("iris.csv");                                  // label last, header auto
//   auto wine = xg::data::read_csv("wine.csv", xg::data::CsvOptions().label_column(0).header(false));
//   auto house = xg::data::read_csv("house.csv", xg::data::CsvOptions().targets({"price"}));  // by name
//   auto two = xg::data::read_csv("two.csv", xg::data::CsvOptions().targets({-2, -1}));       // by index
//
// Each row becomes one example: inputs [N, F] (floats, in column order without the label and target
// columns), labels [N] (integers >= 0) and targets [N, K] (floats, in the order the target columns were
// given; [N, 1] for one, to match a network's [B, 1] output). With targets given, a label is read only
// when label_column() is set too. Blank lines are skipped; "\r\n" line ends are fine; fields may be
// surrounded by spaces or double quotes, but a quoted field cannot contain the delimiter.
// Numbers are read in the "C" locale whatever the program's locale; "nan" and "inf" are refused.
// Every error names the file, the 1-based line and column, what was expected and what was found:
//   read_csv: data.csv line 17 column 3: expected a number, got "abc"

#include <xgrad/core/options.hpp>
#include <xgrad/data/dataset.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xg::data {

// A column of a CSV table, by its name in the header or by its 0-based index (negative counting from
// the end as in Python), so that targets({"price"}) and targets({0, -1}) both read.
class CsvColumn {
 public:
  CsvColumn(const char* name) : name_(name) {}             // NOLINT(google-explicit-constructor)
  CsvColumn(std::string name) : name_(std::move(name)) {}  // NOLINT(google-explicit-constructor)
  CsvColumn(int index) : index_(index) {}                  // NOLINT(google-explicit-constructor)
  CsvColumn(long index) : index_(index) {}                 // NOLINT(google-explicit-constructor)

  bool by_name() const { return !index_.has_value(); }
  const std::string& name() const { return name_; }
  long index() const { return index_.value_or(0); }
  // 'price' or column -1, for messages.
  std::string describe() const { return by_name() ? "'" + name_ + "'" : std::to_string(index()); }

 private:
  std::string name_;
  std::optional<long> index_;
};

struct CsvOptions {
  // 0-based, negative counting from the end as in Python. Unset: the last column (-1), and none at all
  // when targets are given (see reads_labels).
  XG_ARG(std::optional<long>, label_column, std::nullopt);
  // The columns that hold float targets, by header name or index; the dataset's targets are [N, K].
  XG_ARG(std::vector<CsvColumn>, targets, {});
  // Whether the first non-blank line names the columns. Unset (the default): it does when any of its
  // fields is not a number.
  XG_ARG(std::optional<bool>, header, std::nullopt);
  XG_ARG(char, delimiter, ',');

  // A label column is read unless targets are given without one.
  bool reads_labels() const { return targets_.empty() || label_column_.has_value(); }
};

TensorDataset read_csv(const std::string& path, const CsvOptions& options = CsvOptions());

}  // namespace xg::data
