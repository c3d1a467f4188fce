// read_csv: round trip, header detection, label column choice, tolerated formatting, every error.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>

namespace {

using xg::data::CsvOptions;
using xg::data::Labels;
using xg::data::read_csv;
using xg_test::error_message;
using xg_test::TempDir;

TEST(Csv, RoundTripIsBitExact) {
  const xg::Array features = {{0.1f, -2.5f, 3.0e-8f}, {1234567.9f, -0.0f, 1.0f / 3.0f}, {-1e30f, 7.0f, 0.3f}};
  const Labels labels = {2, 0, 11};
  std::string text;
  for (std::size_t row = 0; row < 3; ++row) {
    for (std::size_t column = 0; column < 3; ++column) {
      char field[32];
      std::snprintf(field, sizeof field, "%.9g,", static_cast<double>(features(row, column)));  // 9 digits: exact
      text += field;
    }
    text += std::to_string(labels[row]) + "\n";
  }
  TempDir dir;
  const xg::data::TensorDataset data = read_csv(dir.write("data.csv", text));
  EXPECT_EQ(data.inputs(), features);
  EXPECT_EQ(data.labels(), labels);
}

TEST(Csv, HeaderIsDetectedWhenAFieldIsNotANumber) {
  TempDir dir;
  const xg::data::TensorDataset with_header = read_csv(dir.write("a.csv", "x,y,label\n1,2,0\n3,4,1\n"));
  EXPECT_EQ(with_header.inputs(), (xg::Array{{1, 2}, {3, 4}}));
  EXPECT_EQ(with_header.labels(), (Labels{0, 1}));
  const xg::data::TensorDataset without = read_csv(dir.write("b.csv", "1,2,0\n3,4,1\n"));
  EXPECT_EQ(without.inputs(), (xg::Array{{1, 2}, {3, 4}}));
}

TEST(Csv, HeaderOptionOverridesDetection) {
  TempDir dir;
  const std::string numeric_header = dir.write("a.csv", "10,20,30\n1,2,0\n");  // column names that are numbers
  EXPECT_EQ(read_csv(numeric_header).size(), 2u);
  const xg::data::TensorDataset skipped = read_csv(numeric_header, CsvOptions().header(true));
  EXPECT_EQ(skipped.inputs(), (xg::Array{{1, 2}}));
  EXPECT_EQ(skipped.labels(), (Labels{0}));
  const std::string named = dir.write("b.csv", "x,y,label\n1,2,0\n");
  EXPECT_EQ(error_message([&] { read_csv(named, CsvOptions().header(false)); }),
            "read_csv: " + named + " line 1 column 1: expected a number, got \"x\"");
}

TEST(Csv, LabelColumnCanBeAnyColumn) {
  TempDir dir;
  const std::string path = dir.write("data.csv", "3,0.5,1.5\n1,2.5,3.5\n");
  const xg::data::TensorDataset first = read_csv(path, CsvOptions().label_column(0));
  EXPECT_EQ(first.inputs(), (xg::Array{{0.5, 1.5}, {2.5, 3.5}}));
  EXPECT_EQ(first.labels(), (Labels{3, 1}));
  const std::string middle = dir.write("middle.csv", "0.5,3,1.5\n2.5,1,3.5\n");
  EXPECT_EQ(read_csv(middle, CsvOptions().label_column(-2)).labels(), (Labels{3, 1}));
  EXPECT_EQ(read_csv(middle, CsvOptions().label_column(1)).inputs(), (xg::Array{{0.5, 1.5}, {2.5, 3.5}}));
  EXPECT_EQ(error_message([&] { read_csv(path, CsvOptions().label_column(3)); }),
            "read_csv: " + path + " line 1: label column 3 does not exist in a row of 3 columns (expected -3..2)");
  EXPECT_EQ(error_message([&] { read_csv(path, CsvOptions().label_column(-4)); }),
            "read_csv: " + path + " line 1: label column -4 does not exist in a row of 3 columns (expected -3..2)");
}

TEST(Csv, ToleratesCrlfBlankLinesSpacesQuotesSignsAndByteOrderMark) {
  TempDir dir;
  const std::string text = "\xEF\xBB\xBF\"f1\", \"f2\" ,\"class\"\r\n\r\n 1.5 ,\t+2e1, 3\r\n  \r\n\"-4\",.25,\"0\"\r\n";
  const xg::data::TensorDataset data = read_csv(dir.write("data.csv", text));
  EXPECT_EQ(data.inputs(), (xg::Array{{1.5, 20}, {-4, 0.25}}));
  EXPECT_EQ(data.labels(), (Labels{3, 0}));
}

TEST(Csv, OtherDelimiter) {
  TempDir dir;
  const std::string path = dir.write("data.tsv", "a\tb\tc\n1\t2\t5\n");
  EXPECT_EQ(read_csv(path, CsvOptions().delimiter('\t')).labels(), (Labels{5}));
}

// What read_csv says of a file holding `text`, after the "read_csv: PATH" that every refusal starts with.
std::string refusal_of(const std::string& text) {
  TempDir dir;
  const std::string path = dir.write("data.csv", text);
  const std::string message = error_message([&] { read_csv(path); });
  const std::string start = "read_csv: " + path;
  return message.rfind(start, 0) == 0 ? message.substr(start.size()) : "(no path) " + message;
}

// Every refusal of a file's contents names the line (and column) and says what was expected and found.
TEST(Csv, RefusalsNameTheLineWhatWasExpectedAndWhatWasFound) {
  const std::pair<const char*, const char*> refusals[] = {
      // not a number
      {"x,y,z,label\n1,2,3,0\n4,5,abc,1\n", " line 3 column 3: expected a number, got \"abc\""},
      {"1,2,0\n1.5x,2,0\n", " line 2 column 1: expected a number, got \"1.5x\""},
      {"1,2,0\n1,,0\n", " line 2 column 2: expected a number, got \"\""},
      {"1,2,0\nnan,2,0\n", " line 2 column 1: expected a finite number, got \"nan\""},
      // labels are integers >= 0
      {"1,2,0\n3,4,2.5\n", " line 2 column 3: expected an integer class label >= 0, got \"2.5\""},
      {"1,2,-1\n", " line 1 column 3: expected an integer class label >= 0, got \"-1\""},
      // the column count
      {"x,y,label\n1,2,0\n\n1,2\n", " line 4: expected 3 columns (as on line 1), got 2"},
      {"1,2,0\n1,2,3,4\n", " line 2: expected 3 columns (as on line 1), got 4"},
      {"\n5\n6\n", " line 2: expected at least 2 columns (features and a label), got 1"},
      // no data
      {"", ": expected at least one data row, found none"},
      {"x,y,label\n", ": expected at least one data row, found none"},
  };
  for (const auto& [text, refusal] : refusals) EXPECT_EQ(refusal_of(text), refusal) << text;
}

TEST(Csv, MissingFile) {
  TempDir dir;
  const std::string missing = dir.file("missing.csv");
  EXPECT_EQ(error_message([&] { read_csv(missing); }),
            "read_csv: " + missing + ": cannot open the file: No such file or directory");
}

}  // namespace
