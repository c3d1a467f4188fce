#pragma once
// Reading a safetensors file's bytes (safetensors_read.cpp): its header in one pread, then its tensors'
// data with one preadv straight into new arrays, converted to float where the dtype is not F32. The
// loads (safetensors.cpp) open the file, read the header, choose the entries and read their values.
// Internal to interop/.

#include <xgrad/core/tensor.hpp>
#include <xgrad/interop/detail/safetensors_header.hpp>

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xg::interop::detail {

// A file opened for reading with POSIX calls: pread and preadv read at an offset (no stream, no
// buffer of its own), and one preadv reads many tensors straight into their arrays.
class InputFile {
 public:
  // `op` starts the message when the file cannot be opened ("load_file: cannot open 'm.safetensors' ...").
  InputFile(const std::string& path, const std::string& op);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  std::uint64_t size() const { return size_; }

  // Fills the spans, in order, with the bytes from `offset` on; false when the file ends first or the
  // system refuses (the file changed after its header was checked, or a read error).
  bool read(std::uint64_t offset, std::vector<iovec> spans) const;

 private:
  int fd_;
  std::uint64_t size_ = 0;
};

// A checked header, and the file's first bytes as they were read for it: the header and, after it,
// usually the first tensors' data, which the reads of the data then take from here.
struct HeaderRead {
  CheckedHeader checked;
  std::unique_ptr<char[]> bytes;  // the file's first `size` bytes, then simdjson's padding (not zeroed)
  std::size_t size = 0;
  std::string_view first_bytes() const { return {bytes.get(), size}; }
};

// The header, read with one pread when it is within the first 4 KiB (a model of a few hundred
// tensors), then checked (parse_header). `where` starts every message.
HeaderRead read_header(const InputFile& file, const std::string& where);

// The values of `entries` (in the order of their data), read from the file straight into new arrays
// of their shapes; a file that ends early or changed is refused.
std::vector<Array> read_values(const InputFile& file, const HeaderRead& read,
                               const std::vector<const CheckedEntry*>& entries, const std::string& where);

}  // namespace xg::interop::detail
