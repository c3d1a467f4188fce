#pragma once
// The readers of IDX and CSV files take a path, not bytes: this gives each input a path. The file
// lives in memory (memfd_create), so fuzzing does not wear the disk and a crash leaves nothing behind;
// "/proc/self/fd/N" opens it like any file.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace xg_fuzz {

class InputFile {
 public:
  InputFile() : fd_(memfd_create("xgrad-fuzz-input", 0)) {
    if (fd_ < 0) {
      std::perror("xgrad fuzz: memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~InputFile() { close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Makes the file hold exactly these bytes; returns its path.
  const std::string& hold(const std::uint8_t* data, std::size_t size) {
    bool written = ftruncate(fd_, 0) == 0;
    for (std::size_t done = 0; written && done < size;) {
      const ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      written = n > 0;
      done += written ? static_cast<std::size_t>(n) : 0;
    }
    if (!written) {
      std::perror("xgrad fuzz: writing the input file");
      std::abort();
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace xg_fuzz
