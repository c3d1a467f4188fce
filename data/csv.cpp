#include <xgrad/data/csv.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

namespace xg::data {

namespace {

std::string_view trim(std::string_view field) {
  while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
  while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
  return field;
}

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    fields.push_back(trim(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

// from_chars: locale-independent, and it must consume the whole field. It refuses a leading '+'
// (strtod accepts one), so allow that here.
template <typename T>
bool parse_whole(std::string_view text, T& value) {
  if (text.size() >= 2 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && stop == end && !text.empty();
}

bool is_number(std::string_view text) {
  float value;
  return parse_whole(text, value);
}

bool is_blank(std::string_view line) { return trim(line).empty() && line.find('"') == std::string_view::npos; }

// What each column of a row holds, once the first line has been read.
struct Layout {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t label = kNone;        // 0-based column of the label, if the table has one
  std::vector<std::size_t> target;  // per column: its place among the targets, or kNone
  std::size_t target_count = 0;
  std::size_t feature_count = 0;
};

// A 0-based index, negative counting from the end; nullopt when outside the row.
std::optional<std::size_t> resolve_index(long wanted, std::size_t columns) {
  const long resolved = wanted < 0 ? static_cast<long>(columns) + wanted : wanted;
  if (resolved < 0 || resolved >= static_cast<long>(columns)) return std::nullopt;
  return static_cast<std::size_t>(resolved);
}

std::string index_range(std::size_t columns) {
  return "(expected -" + std::to_string(columns) + ".." + std::to_string(columns - 1) + ")";
}

// Where each target named in the options sits in a row of `fields`, the first non-blank line (its
// names when it is a header). Returns an error message, or "" when every column is found.
std::string place_targets(const CsvOptions& options, const std::vector<std::string_view>& fields, bool header,
                          Layout& layout) {
  const std::size_t columns = fields.size();
  layout.target.assign(columns, Layout::kNone);
  for (const CsvColumn& column : options.targets()) {
    std::optional<std::size_t> index;
    if (column.by_name()) {
      if (!header) {
        return "target column " + column.describe() +
               " is a name, but the file has no header line to find it in (give its 0-based index instead)";
      }
      const auto found = std::find(fields.begin(), fields.end(), std::string_view(column.name()));
      if (found == fields.end()) {
        std::string names;
        for (std::string_view field : fields) names += (names.empty() ? "" : ", ") + std::string(field);
        return "target column " + column.describe() + " is not in the header (" + names + ")";
      }
      index = static_cast<std::size_t>(found - fields.begin());
    } else {
      index = resolve_index(column.index(), columns);
      if (!index) {
        return "target column " + column.describe() + " does not exist in a row of " + std::to_string(columns) +
               " columns " + index_range(columns);
      }
    }
    if (*index == layout.label) {
      return "column " + std::to_string(*index + 1) + " is both the label column and target column " +
             column.describe();
    }
    if (layout.target[*index] != Layout::kNone) {
      return "target column " + column.describe() + " is given twice (column " + std::to_string(*index + 1) + ")";
    }
    layout.target[*index] = layout.target_count++;
  }
  layout.feature_count = columns - layout.target_count - (layout.label == Layout::kNone ? 0 : 1);
  if (layout.feature_count == 0) {
    return "expected at least one feature column besides the label and target columns, got " + std::to_string(columns) +
           " columns in all";
  }
  return "";
}

}  // namespace

TensorDataset read_csv(const std::string& path, const CsvOptions& options) {
  const auto fail = [&path](const std::string& where, const std::string& what) -> void {
    throw Error("read_csv: " + path + where + ": " + what);
  };
  const auto at = [](std::size_t line, std::size_t column = 0) {
    return " line " + std::to_string(line) + (column ? " column " + std::to_string(column) : "");
  };

  if (std::filesystem::is_directory(path)) fail("", "cannot open the file: it is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("", std::string("cannot open the file: ") + (errno ? std::strerror(errno) : "unknown error"));

  std::vector<float> features;  // row-major [rows, feature_count]
  std::vector<float> targets;   // row-major [rows, target_count]
  Labels labels;
  std::size_t rows = 0;
  std::size_t columns = 0;     // set by the first non-blank line
  std::size_t first_line = 0;  // that line's number
  Layout layout;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view text(line);
    if (number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
    if (is_blank(text)) continue;
    const std::vector<std::string_view> fields = split(text, options.delimiter());

    if (columns == 0) {
      columns = fields.size();
      first_line = number;
      if (columns < 2 && options.targets().empty()) {
        fail(at(number), "expected at least 2 columns (features and a label), got " + std::to_string(columns));
      }
      if (options.reads_labels()) {
        const long label_column = options.label_column().value_or(-1);  // the last column unless set
        const std::optional<std::size_t> label = resolve_index(label_column, columns);
        if (!label) {
          fail(at(number), "label column " + std::to_string(label_column) + " does not exist in a row of " +
                               std::to_string(columns) + " columns " + index_range(columns));
        }
        layout.label = *label;
      }
      bool header = false;
      if (options.header()) {
        header = *options.header();
      } else {
        for (std::string_view field : fields) header = header || !is_number(field);
      }
      const std::string problem = place_targets(options, fields, header, layout);
      if (!problem.empty()) fail(at(number), problem);
      if (header) continue;
    }

    if (fields.size() != columns) {
      fail(at(number), "expected " + std::to_string(columns) + " columns (as on line " + std::to_string(first_line) +
                           "), got " + std::to_string(fields.size()));
    }
    targets.resize(targets.size() + layout.target_count);
    float* target_row = targets.data() + rows * layout.target_count;
    for (std::size_t column = 0; column < columns; ++column) {
      const std::string_view field = fields[column];
      if (column == layout.label) {
        long long label = 0;
        if (!parse_whole(field, label) || label < 0) {
          fail(at(number, column + 1), "expected an integer class label >= 0, got \"" + std::string(field) + "\"");
        }
        labels.push_back(static_cast<std::int64_t>(label));
        continue;
      }
      float value = 0.0f;
      if (!parse_whole(field, value)) {
        fail(at(number, column + 1), "expected a number, got \"" + std::string(field) + "\"");
      }
      if (!std::isfinite(value)) {
        fail(at(number, column + 1), "expected a finite number, got \"" + std::string(field) + "\"");
      }
      if (layout.target[column] != Layout::kNone) {
        target_row[layout.target[column]] = value;
      } else {
        features.push_back(value);
      }
    }
    ++rows;
  }
  if (in.bad()) fail("", "read error after " + std::to_string(rows) + " rows");
  if (rows == 0) fail("", "expected at least one data row, found none");

  Array inputs = Array::from_shape({rows, layout.feature_count});
  std::copy(features.begin(), features.end(), inputs.data());
  if (layout.target_count == 0) return TensorDataset(std::move(inputs), std::move(labels));
  Array target_array = Array::from_shape({rows, layout.target_count});
  std::copy(targets.begin(), targets.end(), target_array.data());
  if (layout.label == Layout::kNone) return TensorDataset(std::move(inputs), std::move(target_array));
  return TensorDataset(std::move(inputs), std::move(labels), std::move(target_array));
}

}  // namespace xg::data
