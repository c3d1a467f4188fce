#pragma once
// Binary files: the one place where xgrad turns numbers into bytes and back. Model files
// (nn/serialize), optimizer state (optim/state_dict) and IDX images and labels (data/idx) all use it.
//
//   LittleEndianWriter out;            // numbers appended to a byte string, least significant byte first
//   out.u32(1); out.f32s(values, n);
//   save_atomically("model.xgp", out.bytes(), "save");
//
//   ByteReader in(bytes, ByteOrder::little_endian, "load: 'model.xgp'");
//   const std::uint32_t version = in.u32("the version");   // throws if the bytes are not there
//
// Files are untrusted input: a reader never reads past its bytes, and a shape read from a file passes
// check_shape before anything is allocated for it. Every error is an xg::Error that names the
// operation, the file, the field and the offset.

#include <xgrad/core/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xg {

// CRC-32 as zlib, gzip and PNG compute it (IEEE 802.3 polynomial, reflected, inverted):
// crc32_of("123456789") is 0xCBF43926.
std::uint32_t crc32_of(std::string_view bytes);

// Appends numbers to a byte string in little-endian order, whatever the host's order.
class LittleEndianWriter {
 public:
  void u32(std::uint32_t value);
  void u64(std::uint64_t value);
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f32(float value);
  void f64(double value);
  void f32s(const float* values, std::size_t count);
  void raw(std::string_view bytes) { bytes_.append(bytes.data(), bytes.size()); }
  // A u32 byte count, then the bytes.
  void string(std::string_view text);

  std::size_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// The largest dimension an array may have: xtensor indexes with std::ptrdiff_t. Formats that store
// sizes as u64 use it as their limit.
constexpr std::uint64_t kMaxArrayDimension = static_cast<std::uint64_t>(PTRDIFF_MAX);

enum class ByteOrder { little_endian, big_endian };

// Reads numbers from bytes held in memory (which must outlive the reader). Every read first checks that
// its bytes are there, and otherwise throws
//   "<where> is truncated: <field> needs 4 bytes at offset 52, but the file ends at 54".
class ByteReader {
 public:
  // `where` names the operation and the file for messages, e.g. "load: 'model.xgp'".
  ByteReader(std::string_view bytes, ByteOrder order, std::string where);
  // The reader keeps a view of the bytes: a temporary string would be gone before the first read.
  ByteReader(std::string&& bytes, ByteOrder order, std::string where) = delete;

  std::uint32_t u32(const std::string& field);
  std::uint64_t u64(const std::string& field);
  std::int64_t i64(const std::string& field) { return static_cast<std::int64_t>(u64(field)); }
  float f32(const std::string& field);
  double f64(const std::string& field);
  void f32s(float* out, std::size_t count, const std::string& field);
  std::string_view raw(std::size_t size, const std::string& field);
  // A u32 byte count, then the bytes.
  std::string string(const std::string& field);

  // The next `rank` dimensions, each a u64, for an array whose values (`element_bytes` each; 0 when
  // the file does not hold them) follow the dimensions: checked by check_shape against `max_dim` and
  // the bytes left.
  Shape shape(std::uint32_t rank, const std::string& field, std::uint64_t max_dim, std::size_t element_bytes);

  // The next `size` bytes as a reader of their own (the offsets in its messages still count from the
  // start of the file); `part` names them for its messages: "the payload ends at ...".
  ByteReader part(std::size_t size, const std::string& part);

  // A u32 count of items that take at least `item_bytes` each, checked against the bytes left before
  // anyone allocates for it, so that a damaged count cannot ask for gigabytes.
  std::uint32_t count(std::size_t item_bytes, const std::string& what);

  // Throws unless `size` more bytes are there.
  void need(std::size_t size, const std::string& field) const;
  // Throws "<where> is corrupted: <what>".
  [[noreturn]] void corrupted(const std::string& what) const;

  std::size_t offset() const { return base_ + position_; }  // from the start of the file
  std::size_t remaining() const { return bytes_.size() - position_; }
  bool at_end() const { return position_ == bytes_.size(); }
  const std::string& where() const { return where_; }

 private:
  ByteReader(std::string_view bytes, ByteOrder order, std::string where, std::size_t base, std::string region);
  std::uint64_t unsigned_number(std::size_t size, const std::string& field);

  std::string_view bytes_;
  ByteOrder order_;
  std::string where_;
  std::size_t base_ = 0;             // the offset of bytes_[0] in the file
  std::string region_ = "the file";  // what ends where bytes_ ends, for messages
  std::size_t position_ = 0;
};

// What a file claims about one array, before anything is allocated for it.
struct ArrayClaim {
  std::string where;                // the operation and the file: "load: 'model.xgp'"
  std::string field;                // "record 0 ('0.weight')"
  std::vector<std::uint64_t> dims;  // as read
  std::uint64_t max_dim = 0;        // the format's limit for one dimension
  std::size_t element_bytes = 0;    // bytes per value in the file; 0 when the file does not hold them
  std::size_t offset = 0;           // where the values start, for messages
  std::size_t bytes_present = 0;    // bytes from there to the end of the file
};

// The one check for every shape read from a file. Returns the number of elements, after checking that
//  - each dimension is at most the format's limit;
//  - the product of the non-zero dimensions fits in std::ptrdiff_t. A plain product is not enough: with
//    a 0 among them it is 0, yet xtensor's stride computation multiplies the others in signed
//    arithmetic and overflows ([0, 2^32, 2^32] did, found by fuzzing);
//  - the values need at most the bytes present.
// Throws xg::Error naming the file, the field and the shape otherwise.
std::size_t check_shape(const ArrayClaim& claim);

// The envelope of xgrad's state files (optimizer state, scheduler state):
//   8 bytes magic | u32 version | u64 payload size N | N bytes payload | u32 CRC-32 of the payload
// All the formats that use it refuse their files with the same messages, which name the format.
struct SealedFormat {
  std::string_view magic;  // 8 bytes, e.g. "XGOPTIM\0"
  std::uint32_t version;
  std::string op;    // starts every message: "read_state_dict"
  std::string what;  // names the format in messages: "optimizer state"
};
constexpr std::size_t kSealedHeaderSize = 8 + 4 + 8;  // magic, version, payload size

// The envelope around `payload`.
std::string seal(const SealedFormat& format, std::string_view payload);
// The payload of a sealed file, after checking its magic, version, size and CRC (before any of the
// payload is decoded). The reader views `bytes`, which must outlive it; its messages start with
// "<op>: the <what>". Throws xg::Error naming the problem otherwise.
ByteReader open_sealed(std::string_view bytes, const SealedFormat& format);

// Writes `bytes` to `path` so that `path` holds either its old contents or all the new ones, never a
// part: the bytes go to `path + ".tmp"` in the same folder, are flushed to the disk (fsync), and the
// temporary file is renamed over `path`. On any failure (no permission, a full disk, a file size limit,
// a failed rename) the temporary file is removed, `path` is left as it was, and xg::Error says what
// failed, starting with `op`.
void save_atomically(const std::string& path, std::string_view bytes, const std::string& op);
// The same for a file made of several byte ranges, written in order by writev from their own memory:
// a writer need not first copy a large file's parts into one buffer.
void save_atomically(const std::string& path, const std::vector<std::string_view>& parts, const std::string& op);

// Writes all of `bytes` to the open file descriptor `fd` (retrying short writes); throws xg::Error
// "<op>: cannot write '<name>': <reason>" when the system refuses (ENOSPC, EFBIG, EIO, ...).
void write_all(int fd, std::string_view bytes, const std::string& name, const std::string& op);
void write_all(int fd, std::vector<std::string_view> parts, const std::string& name, const std::string& op);

// The whole file as bytes; throws xg::Error "<op>: cannot open '<path>' for reading: <reason>".
std::string read_file(const std::string& path, const std::string& op);

}  // namespace xg
