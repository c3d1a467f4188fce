#include <xgrad/data/csv.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
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

  std::vector<float> features;  // row-major [rows, columns - 1]
  Labels labels;
  std::size_t columns = 0;      // set by the first non-blank line
  std::size_t first_line = 0;   // that line's number
  std::size_t label_index = 0;  // 0-based column of the label
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
      if (columns < 2) {
        fail(at(number), "expected at least 2 columns (features and a label), got " + std::to_string(columns));
      }
      const long wanted = options.label_column();
      const long resolved = wanted < 0 ? static_cast<long>(columns) + wanted : wanted;
      if (resolved < 0 || resolved >= static_cast<long>(columns)) {
        fail(at(number), "label column " + std::to_string(wanted) + " does not exist in a row of " +
                             std::to_string(columns) + " columns (expected -" + std::to_string(columns) + ".." +
                             std::to_string(columns - 1) + ")");
      }
      label_index = static_cast<std::size_t>(resolved);
      bool header = false;
      if (options.header()) {
        header = *options.header();
      } else {
        for (std::string_view field : fields) header = header || !is_number(field);
      }
      if (header) continue;
    }

    if (fields.size() != columns) {
      fail(at(number), "expected " + std::to_string(columns) + " columns (as on line " + std::to_string(first_line) +
                           "), got " + std::to_string(fields.size()));
    }
    for (std::size_t column = 0; column < columns; ++column) {
      const std::string_view field = fields[column];
      if (column == label_index) {
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
      features.push_back(value);
    }
  }
  if (in.bad()) fail("", "read error after " + std::to_string(labels.size()) + " rows");
  if (labels.empty()) fail("", "expected at least one data row, found none");

  Array inputs = Array::from_shape({labels.size(), columns - 1});
  std::copy(features.begin(), features.end(), inputs.data());
  return TensorDataset(std::move(inputs), std::move(labels));
}

}  // namespace xg::data
