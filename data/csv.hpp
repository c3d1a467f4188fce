#pragma once
// A CSV reader for classification tables: numeric feature columns and one integer label column.
//
//   auto iris = xg::data::read_csv("iris.csv");                                  // label last, header auto
//   auto wine = xg::data::read_csv("wine.csv", xg::data::CsvOptions().label_column(0).header(false));
//
// Each row becomes one example: inputs [N, columns - 1] (floats, in column order without the label)
// and labels [N] (integers >= 0). Blank lines are skipped; "\r\n" line ends are fine; fields may be
// surrounded by spaces or double quotes, but a quoted field cannot contain the delimiter.
// Numbers are read in the "C" locale whatever the program's locale; "nan" and "inf" are refused.
// Every error names the file, the 1-based line and column, what was expected and what was found:
//   read_csv: data.csv line 17 column 3: expected a number, got "abc"

#include <xgrad/data/dataset.hpp>

#include <optional>
#include <string>

namespace xg::data {

class CsvOptions {
 public:
  // 0-based, negative counting from the end as in Python: -1 (the default) is the last column.
  CsvOptions& label_column(long column) {
    label_column_ = column;
    return *this;
  }
  // Whether the first non-blank line names the columns. Unset (the default): it does when any of its
  // fields is not a number.
  CsvOptions& header(bool has_header) {
    header_ = has_header;
    return *this;
  }
  CsvOptions& delimiter(char delimiter) {
    delimiter_ = delimiter;
    return *this;
  }

  long label_column() const { return label_column_; }
  std::optional<bool> header() const { return header_; }
  char delimiter() const { return delimiter_; }

 private:
  long label_column_ = -1;
  std::optional<bool> header_;
  char delimiter_ = ',';
};

TensorDataset read_csv(const std::string& path, const CsvOptions& options = CsvOptions());

}  // namespace xg::data
