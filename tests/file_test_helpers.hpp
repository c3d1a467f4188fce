#pragma once
// Helpers for the tests of file readers and writers: bytes given in hex, a file size limit
// (RLIMIT_FSIZE) for one scope, a folder that cannot be written, and the listing and bytes of files to
// prove that a failed save changed nothing.

#include "error_message.hpp"

#include <xgrad/core/binary_io.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

namespace xg_test {

// "00ff" -> the two bytes 0x00, 0xFF: how the fuzzers' reproducers are written down.
inline std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

// While alive, no file of this process may grow beyond `bytes`: a write past it fails with EFBIG,
// as on a full quota. SIGXFSZ, which would otherwise kill the process, is ignored meanwhile.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_), 0);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = SIG_DFL;
};

// While alive, `folder` is read-only (mode 0555). Root ignores the mode: check can_block_writes().
class ReadOnlyFolder {
 public:
  explicit ReadOnlyFolder(const std::filesystem::path& folder) : folder_(folder) {
    std::filesystem::permissions(folder_,
                                 std::filesystem::perms::owner_write | std::filesystem::perms::group_write |
                                     std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::remove);
  }
  ~ReadOnlyFolder() {
    std::filesystem::permissions(folder_, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  }
  ReadOnlyFolder(const ReadOnlyFolder&) = delete;
  ReadOnlyFolder& operator=(const ReadOnlyFolder&) = delete;

  // False for root, whom a folder's mode does not stop.
  static bool can_block_writes() { return ::geteuid() != 0; }

 private:
  std::filesystem::path folder_;
};

// The names of the files in `folder`, to show that a failed save left no temporary file behind.
inline std::set<std::string> files_in(const std::filesystem::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

// A path `name` in the folder `folder` under the tests' temporary folder (made if missing).
inline std::string scratch_file(const std::string& folder, const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / folder;
  std::filesystem::create_directories(path);
  return (path / name).string();
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A save the system refuses: runs `save` while a `Refusal` made from `cause` (a FileSizeLimit of so
// many bytes, a ReadOnlyFolder) is alive, checks that the file at `path` still holds `old_bytes` and
// that nothing but it is left in its folder (no temporary file), and returns the save's error message.
template <class Refusal, class Cause, class Save>
std::string refused_save(Cause cause, const std::string& path, const std::string& old_bytes, Save&& save) {
  std::string message;
  {
    Refusal refusal(cause);
    message = error_message(save);
  }
  EXPECT_EQ(file_bytes(path), old_bytes);
  const std::filesystem::path file(path);
  EXPECT_EQ(files_in(file.parent_path()), (std::set<std::string>{file.filename().string()}));
  return message;
}

// An optimizer or scheduler state file as its format describes it: the 8-byte magic ("XGOPTIM\0",
// "XGSCHED\0"), version 1, the payload's size, the payload and its CRC-32.
inline std::string state_file_around(std::string_view magic, const xg::LittleEndianWriter& payload) {
  xg::LittleEndianWriter file;
  file.raw(magic);
  file.u32(1);
  file.u64(payload.size());
  file.raw(payload.bytes());
  file.u32(xg::crc32_of(payload.bytes()));
  return file.bytes();
}

// Calls expect_refused(prefix, part) for every proper prefix of a file's bytes: the empty one is "not an
// xgrad <what>", and every longer one a "truncated <what>".
template <class ExpectRefused>
void expect_every_truncation_refused(const std::string& bytes, const std::string& what, ExpectRefused expect_refused) {
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(size);
    expect_refused(bytes.substr(0, size), (size == 0 ? "not an xgrad " : "truncated ") + what);
  }
}

}  // namespace xg_test
