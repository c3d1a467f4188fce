#pragma once
// Helpers shared by the data package's tests: a per-test temporary folder and error-message capture.

#include "error_message.hpp"

#include <xgrad/core/error.hpp>

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace xg_test {

using xg_test::error_message;  // error_message.hpp

// Passes when `part` occurs in `text` (for messages whose rest depends on zlib's internals).
inline testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// A fresh, uniquely named folder under the system's temp directory for one test, deleted with
// everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string("xgrad_") +
                             (test ? test->test_suite_name() + std::string("_") + test->name() : "test") + "_" +
                             std::to_string(::getpid()) + "_" + std::to_string(counter++);
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the folder, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `contents` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& contents) const {
    const std::string target = file(name);
    std::ofstream out(target, std::ios::binary);
    out << contents;
    return target;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace xg_test
