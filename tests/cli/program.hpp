#pragma once
// Running a program as a user would, for the command-line tests: its exit code, its stdout and its
// stderr, and the checks on them (regular expressions, files written, files equal).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cli_test {

struct RunResult {
  std::string command;  // the command line, for failure messages
  int exit_code = -1;   // a program killed by signal S: 128 + S, as a shell says
  std::string out, err;
  std::string output() const { return out + err; }
};

using Environment = std::vector<std::pair<std::string, std::string>>;  // set on top of this process's

// Runs `program` with `args` and waits for it.
RunResult run(const std::string& program, const std::vector<std::string>& args, const Environment& environment = {});

// Passes when `text` holds a match of the ECMAScript regular expression `pattern` (anywhere in it).
testing::AssertionResult matches(const std::string& text, const std::string& pattern);

// The exit code, then every pattern against stdout + stderr; the whole run is printed on failure.
void expect_run(const RunResult& run, int exit_code, const std::vector<std::string>& patterns = {});

// "final test accuracy: 0.9533" in the output ("" if none).
std::string final_accuracy(const RunResult& run);

// Files `a` and `b` hold the same bytes.
testing::AssertionResult same_bytes(const std::string& a, const std::string& b);

// `text` written to `path` (its folder made).
void write_file(const std::string& path, const std::string& text);

// An empty folder `name` under the tests' work folder (emptied first, so that checks see fresh files only).
std::string fresh_dir(const std::string& name);

}  // namespace cli_test
