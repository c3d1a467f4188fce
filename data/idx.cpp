#include <xgrad/data/idx.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace xg::data {

namespace {

std::string hex(std::uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*X", digits, static_cast<unsigned>(value));
  return text;
}

// A file read through zlib: gzread decompresses gzip data and passes any other file through as is.
class ZFile {
 public:
  ZFile(std::string op, std::string path) : op_(std::move(op)), path_(std::move(path)) {
    if (std::filesystem::is_directory(path_)) fail("cannot open the file: it is a directory");
    errno = 0;
    file_ = gzopen(path_.c_str(), "rb");
    if (!file_) fail(std::string("cannot open the file: ") + (errno ? std::strerror(errno) : "out of memory"));
    gzbuffer(file_, 1u << 17);  // fewer, larger reads than zlib's 8 KiB default
    compressed_ = gzdirect(file_) == 0;
  }
  ~ZFile() { gzclose(file_); }
  ZFile(const ZFile&) = delete;
  ZFile& operator=(const ZFile&) = delete;

  [[noreturn]] void fail(const std::string& what) const { throw Error(op_ + ": " + path_ + ": " + what); }
  const std::string& op() const { return op_; }

  bool compressed() const { return compressed_; }
  // Offsets in a .gz file count decompressed bytes; say so in messages.
  std::string offset_text(std::uint64_t offset) const {
    return (compressed_ ? "decompressed byte offset " : "byte offset ") + std::to_string(offset);
  }

  // Reads up to n bytes; fewer only where the data ends. Throws on a read error or corrupt gzip data.
  std::size_t read(void* out, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1u << 30));
      const int got = gzread(file_, static_cast<unsigned char*>(out) + total, chunk);
      if (got < 0) fail("read failed at " + offset_text(total_read_) + ": " + zlib_error());
      total += static_cast<std::size_t>(got);
      total_read_ += static_cast<std::uint64_t>(got);
      if (static_cast<unsigned>(got) < chunk) break;
    }
    return total;
  }

  // zlib's message for the last error, without the path it puts in front.
  std::string zlib_error() {
    int code = Z_OK;
    std::string message = gzerror(file_, &code);
    if (message.compare(0, path_.size() + 2, path_ + ": ") == 0) message.erase(0, path_.size() + 2);
    return (code == Z_DATA_ERROR ? "corrupt gzip data: " : "") + message;
  }

  // True when the gzip stream was cut off (as opposed to the data simply ending).
  bool gzip_cut_short() {
    int code = Z_OK;
    gzerror(file_, &code);
    return code == Z_BUF_ERROR;
  }

 private:
  std::string op_;
  std::string path_;
  gzFile file_ = nullptr;
  bool compressed_ = false;
  std::uint64_t total_read_ = 0;
};

struct IdxContents {
  Shape dims;
  std::vector<std::uint8_t> bytes;  // product(dims) unsigned bytes, row-major
  std::size_t header_size = 0;
};

// Reads an IDX file of unsigned bytes with `expected_dims` dimensions (`dims_meaning` names them for
// messages), validating the header against the data actually present before trusting it.
IdxContents read_idx(ZFile& file, std::uint8_t expected_dims, const char* dims_meaning, const std::string& path) {
  const std::uint32_t expected_magic = 0x0800u | expected_dims;
  const std::string expected_magic_text =
      hex(expected_magic, 8) + " (IDX, unsigned bytes, " + std::to_string(expected_dims) + " dimensions)";

  unsigned char magic[4];
  const std::size_t magic_got = file.read(magic, 4);
  if (magic_got < 4) {
    file.fail("truncated at " + file.offset_text(magic_got) + ": expected the 4-byte magic number " +
              expected_magic_text + ", found only " + std::to_string(magic_got) + " bytes");
  }
  const std::uint32_t magic_value =
      ByteReader(std::string_view(reinterpret_cast<const char*>(magic), 4), ByteOrder::big_endian, path).u32("magic");
  if (magic[0] != 0 || magic[1] != 0) {
    file.fail("bad magic number " + hex(magic_value, 8) + " at " + file.offset_text(0) + ": expected " +
              expected_magic_text);
  }
  if (magic[2] != 0x08) {
    file.fail("unsupported data type " + hex(magic[2], 2) + " at " + file.offset_text(2) + " (magic number " +
              hex(magic_value, 8) + "): expected 0x08 (unsigned bytes)");
  }
  if (magic[3] != expected_dims) {
    file.fail("wrong number of dimensions at " + file.offset_text(3) + " (magic number " + hex(magic_value, 8) +
              "): expected " + std::to_string(expected_dims) + " (" + dims_meaning + "), got " +
              std::to_string(magic[3]));
  }

  IdxContents contents;
  contents.header_size = 4 + 4 * std::size_t{expected_dims};
  std::vector<unsigned char> dims_bytes(4 * std::size_t{expected_dims});
  const std::size_t dims_got = file.read(dims_bytes.data(), dims_bytes.size());
  if (dims_got < dims_bytes.size()) {
    file.fail("truncated header at " + file.offset_text(4 + dims_got) + ": expected " + std::to_string(expected_dims) +
              " big-endian uint32 sizes (" + dims_meaning + ") in bytes 4.." +
              std::to_string(contents.header_size - 1) + ", found only " + std::to_string(dims_got) + " bytes");
  }
  ByteReader header(std::string_view(reinterpret_cast<const char*>(dims_bytes.data()), dims_bytes.size()),
                    ByteOrder::big_endian, path);
  std::vector<std::uint64_t> dims;
  for (std::size_t i = 0; i < expected_dims; ++i) dims.push_back(header.u32("a size"));
  contents.dims.assign(dims.begin(), dims.end());

  // A plain file's size is known: the shape is checked against it before anything is allocated. A
  // gzip file's is not until it is decompressed: the chunked read below stops where its data does.
  std::error_code error;
  const std::uint64_t file_size = file.compressed() ? 0 : std::filesystem::file_size(path, error);
  const bool size_known = !file.compressed() && !error && file_size >= contents.header_size;
  const std::uint64_t data_size = check_shape(ArrayClaim{
      file.op() + ": " + path, std::string("the data (") + dims_meaning + ")", dims, UINT32_MAX, 1,
      contents.header_size, size_known ? static_cast<std::size_t>(file_size - contents.header_size) : SIZE_MAX});
  const std::string promise = " bytes of data after the " + std::to_string(contents.header_size) +
                              "-byte header (dimensions " + to_string(contents.dims) + ")";
  if (size_known && file_size - contents.header_size > data_size) {
    file.fail("unexpected data at " + file.offset_text(contents.header_size + data_size) +
              ": expected the file to end after " + std::to_string(data_size) + promise + ", found " +
              std::to_string(file_size - contents.header_size - data_size) + " more bytes");
  }

  // Read in chunks, so a gzip file whose header lies costs memory only for the data it really holds.
  constexpr std::size_t kChunk = std::size_t{1} << 22;
  const std::uint64_t trusted = size_known ? data_size : std::min<std::uint64_t>(data_size, 4 * kChunk);
  contents.bytes.reserve(static_cast<std::size_t>(trusted));
  while (contents.bytes.size() < data_size) {
    const std::size_t have = contents.bytes.size();
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, data_size - have));
    contents.bytes.resize(have + want);
    const std::size_t got = file.read(contents.bytes.data() + have, want);
    if (got < want) {
      file.fail("truncated at " + file.offset_text(contents.header_size + have + got) + ": expected " +
                std::to_string(data_size) + promise + ", found " + std::to_string(have + got) +
                (file.gzip_cut_short() ? " (the gzip stream is cut short)" : ""));
    }
  }
  unsigned char extra;
  if (file.read(&extra, 1) != 0) {
    file.fail("unexpected data at " + file.offset_text(contents.header_size + data_size) +
              ": expected the file to end after " + std::to_string(data_size) + promise + ", found more");
  }
  return contents;
}

}  // namespace

Array read_idx_images(const std::string& path) {
  ZFile file("read_idx_images", path);
  const IdxContents contents = read_idx(file, 3, "count, rows, columns", path);
  Array images = Array::from_shape({contents.dims[0], contents.dims[1], contents.dims[2]});
  float* out = images.data();
  const std::uint8_t* in = contents.bytes.data();
  for (std::size_t i = 0, n = contents.bytes.size(); i < n; ++i) out[i] = static_cast<float>(in[i]);
  return images;
}

Labels read_idx_labels(const std::string& path, std::size_t num_classes) {
  ZFile file("read_idx_labels", path);
  const IdxContents contents = read_idx(file, 1, "count", path);
  Labels labels(contents.bytes.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::uint8_t label = contents.bytes[i];
    if (num_classes != 0 && label >= num_classes) {
      file.fail("label out of range at " + file.offset_text(contents.header_size + i) + " (example " +
                std::to_string(i) + "): expected a class in 0.." + std::to_string(num_classes - 1) + ", got " +
                std::to_string(label));
    }
    labels[i] = label;
  }
  return labels;
}

}  // namespace xg::data
