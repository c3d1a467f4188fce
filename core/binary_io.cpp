// Byte order, CRC-32, the shape check and the atomic save; see binary_io.hpp.

#include <xgrad/core/binary_io.hpp>

#include <xgrad/core/error.hpp>

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace xg {

std::uint32_t crc32_of(std::string_view bytes) {
  // crc32_z takes a size_t length; plain crc32 takes an unsigned int and would need chunks beyond 4 GiB.
  return static_cast<std::uint32_t>(crc32_z(0L, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

// ---- writing ----

void LittleEndianWriter::u32(std::uint32_t value) {
  for (int byte = 0; byte < 4; ++byte) bytes_.push_back(static_cast<char>((value >> (8 * byte)) & 0xFFu));
}

void LittleEndianWriter::u64(std::uint64_t value) {
  for (int byte = 0; byte < 8; ++byte) bytes_.push_back(static_cast<char>((value >> (8 * byte)) & 0xFFu));
}

void LittleEndianWriter::f32(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  u32(bits);
}

void LittleEndianWriter::f64(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  u64(bits);
}

void LittleEndianWriter::f32s(const float* values, std::size_t count) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // The host's order is the file's: the floats' bytes go as they are, in one copy rather than four
  // pushes per float (a checkpoint of the MLP example holds 700,000 floats).
  bytes_.append(reinterpret_cast<const char*>(values), 4 * count);
#else
  bytes_.reserve(bytes_.size() + 4 * count);
  for (std::size_t i = 0; i < count; ++i) f32(values[i]);
#endif
}

void LittleEndianWriter::string(std::string_view text) {
  u32(static_cast<std::uint32_t>(text.size()));
  raw(text);
}

// ---- reading ----

ByteReader::ByteReader(std::string_view bytes, ByteOrder order, std::string where)
    : bytes_(bytes), order_(order), where_(std::move(where)) {}

ByteReader::ByteReader(std::string_view bytes, ByteOrder order, std::string where, std::size_t base, std::string region)
    : bytes_(bytes), order_(order), where_(std::move(where)), base_(base), region_(std::move(region)) {}

void ByteReader::need(std::size_t size, const std::string& field) const {
  if (size > remaining()) {
    throw Error(where_ + " is truncated: " + field + " needs " + std::to_string(size) + " bytes at offset " +
                std::to_string(offset()) + ", but " + region_ + " ends at " + std::to_string(base_ + bytes_.size()));
  }
}

std::uint32_t ByteReader::count(std::size_t item_bytes, const std::string& what) {
  const std::uint32_t n = u32(what + " (count)");
  if (n > remaining() / item_bytes) {
    corrupted(std::to_string(n) + " " + what + " at offset " + std::to_string(offset() - 4) + " cannot fit in the " +
              std::to_string(remaining()) + " bytes left");
  }
  return n;
}

void ByteReader::corrupted(const std::string& what) const { throw Error(where_ + " is corrupted: " + what); }

namespace {

std::uint64_t decode_unsigned(const char* bytes, std::size_t size, ByteOrder order) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t shift = order == ByteOrder::little_endian ? 8 * i : 8 * (size - 1 - i);
    value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << shift;
  }
  return value;
}

}  // namespace

std::uint64_t ByteReader::unsigned_number(std::size_t size, const std::string& field) {
  return decode_unsigned(raw(size, field).data(), size, order_);
}

std::uint32_t ByteReader::u32(const std::string& field) {
  return static_cast<std::uint32_t>(unsigned_number(4, field));
}

std::uint64_t ByteReader::u64(const std::string& field) { return unsigned_number(8, field); }

float ByteReader::f32(const std::string& field) {
  const std::uint32_t bits = u32(field);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

double ByteReader::f64(const std::string& field) {
  const std::uint64_t bits = u64(field);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void ByteReader::f32s(float* out, std::size_t count, const std::string& field) {
  const std::string_view bytes = raw(count > SIZE_MAX / 4 ? SIZE_MAX : 4 * count, field);
  for (std::size_t i = 0; i < count; ++i) {
    const auto bits = static_cast<std::uint32_t>(decode_unsigned(bytes.data() + 4 * i, 4, order_));
    std::memcpy(&out[i], &bits, sizeof bits);
  }
}

std::string_view ByteReader::raw(std::size_t size, const std::string& field) {
  need(size, field);
  const std::string_view view = bytes_.substr(position_, size);
  position_ += size;
  return view;
}

std::string ByteReader::string(const std::string& field) {
  const std::uint32_t size = u32(field + " (size)");
  return std::string(raw(size, field));
}

Shape ByteReader::shape(std::uint32_t rank, const std::string& field, std::uint64_t max_dim,
                        std::size_t element_bytes) {
  ArrayClaim claim{where_, field, {}, max_dim, element_bytes, 0, 0};
  // Each dimension is 8 bytes: a rank beyond the bytes left is a truncation, found before reserving.
  need(std::size_t{8} * rank, field + " (" + std::to_string(rank) + " dimensions)");
  claim.dims.reserve(rank);
  for (std::uint32_t d = 0; d < rank; ++d) claim.dims.push_back(u64(field + " (shape)"));
  claim.offset = offset();
  claim.bytes_present = remaining();
  check_shape(claim);
  return Shape(claim.dims.begin(), claim.dims.end());
}

ByteReader ByteReader::part(std::size_t size, const std::string& part) {
  const std::size_t start = offset();
  const std::string_view bytes = raw(size, part);
  return ByteReader(bytes, order_, where_, start, part);
}

// ---- the shape check ----

namespace {

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  return "[" + join_with(dims, [](std::uint64_t size) { return std::to_string(size); }) + "]";
}

}  // namespace

std::size_t check_shape(const ArrayClaim& claim) {
  // The words for a refusal, built only for one: every load checks every shape it reads.
  const auto shape = [&claim] { return claim.field + " has shape " + dims_text(claim.dims); };
  constexpr auto kMaxElements = static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max());
  for (std::size_t i = 0; i < claim.dims.size(); ++i) {
    if (claim.dims[i] > claim.max_dim) {
      throw Error(claim.where + " is corrupted: " + shape() + ": dimension " + std::to_string(i) + " is above " +
                  std::to_string(claim.max_dim) + ", the format's limit");
    }
  }
  std::uint64_t nonzero_product = 1;
  bool any_zero = false;
  for (const std::uint64_t dim : claim.dims) {
    if (dim == 0) {
      any_zero = true;
    } else if (nonzero_product > kMaxElements / dim) {
      throw Error(claim.where + " is corrupted: " + shape() +
                  ": its non-zero dimensions multiply to more than std::ptrdiff_t holds (" +
                  std::to_string(kMaxElements) + ")");
    } else {
      nonzero_product *= dim;
    }
  }
  const std::uint64_t count = any_zero ? 0 : nonzero_product;
  if (claim.element_bytes > 0 && count > claim.bytes_present / claim.element_bytes) {
    // count * element_bytes may not fit in 64 bits; then say so instead of printing a wrapped number.
    const bool fits = count <= std::numeric_limits<std::uint64_t>::max() / claim.element_bytes;
    const std::string needed =
        fits ? std::to_string(count * claim.element_bytes) : "more than " + std::to_string(UINT64_MAX);
    throw Error(claim.where + " is truncated: " + shape() + ", which needs " + needed + " bytes at offset " +
                std::to_string(claim.offset) + ", but only " + std::to_string(claim.bytes_present) + " are left");
  }
  return static_cast<std::size_t>(count);
}

// ---- sealed files ----

std::string seal(const SealedFormat& format, std::string_view payload) {
  LittleEndianWriter file;
  file.raw(format.magic);
  file.u32(format.version);
  file.u64(payload.size());
  file.raw(payload);
  file.u32(crc32_of(payload));
  return file.bytes();
}

ByteReader open_sealed(std::string_view bytes, const SealedFormat& format) {
  constexpr std::size_t kTrailerSize = 4;  // CRC-32
  const std::string op = format.op + ": ";
  const std::string_view magic = format.magic;
  const std::size_t magic_bytes = std::min(bytes.size(), magic.size());
  if (bytes.empty() || bytes.substr(0, magic_bytes) != magic.substr(0, magic_bytes)) {
    const std::string_view shown = magic.substr(0, magic.find('\0'));
    throw Error(op + "not an xgrad " + format.what + " (expected the magic \"" + std::string(shown) +
                "\" at the start)");
  }
  if (bytes.size() < kSealedHeaderSize + kTrailerSize) {
    throw Error(op + "truncated " + format.what + ": " + std::to_string(bytes.size()) +
                " bytes is shorter than the header and checksum");
  }
  ByteReader file(bytes, ByteOrder::little_endian, op + "the " + format.what);
  file.raw(magic.size(), "the magic");
  const std::uint32_t version = file.u32("the version");
  if (version != format.version) {
    throw Error(op + "unsupported " + format.what + " version " + std::to_string(version) + " (expected " +
                std::to_string(format.version) + ")");
  }
  const std::uint64_t payload_size = file.u64("the payload size");
  const std::size_t available = bytes.size() - kSealedHeaderSize - kTrailerSize;
  if (payload_size > available) {
    throw Error(op + "truncated " + format.what + ": the header announces " + std::to_string(payload_size) +
                " payload bytes, the file holds " + std::to_string(available));
  }
  if (payload_size < available) {
    throw Error(op + std::to_string(available - payload_size) + " unexpected bytes after the " + format.what);
  }
  ByteReader payload = file.part(static_cast<std::size_t>(payload_size), "the payload");
  const std::uint32_t stored_crc = file.u32("the checksum");
  const std::uint32_t actual_crc = crc32_of(bytes.substr(kSealedHeaderSize, payload_size));
  if (stored_crc != actual_crc) {
    throw Error(op + "checksum mismatch (the " + format.what + " is corrupt): stored CRC-32 " +
                std::to_string(stored_crc) + ", computed " + std::to_string(actual_crc));
  }
  return payload;
}

// ---- files ----

void write_all(int fd, std::string_view bytes, const std::string& name, const std::string& op) {
  write_all(fd, std::vector<std::string_view>{bytes}, name, op);
}

void write_all(int fd, std::vector<std::string_view> parts, const std::string& name, const std::string& op) {
  std::size_t next = 0;  // the first part not yet written whole
  while (next < parts.size()) {
    // One writev for as many parts as the system takes at once (IOV_MAX), from their own memory.
    std::vector<iovec> spans;
    for (std::size_t i = next; i < parts.size() && spans.size() < IOV_MAX; ++i) {
      spans.push_back({const_cast<char*>(parts[i].data()), parts[i].size()});
    }
    std::size_t total = 0;
    for (const iovec& span : spans) total += span.iov_len;
    if (total == 0) {
      next += spans.size();
      continue;
    }
    const ssize_t written = ::writev(fd, spans.data(), static_cast<int>(spans.size()));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      // writev() returns 0 only for a size of 0; treat it as "no space" rather than loop forever.
      const int error = written < 0 ? errno : ENOSPC;
      throw Error(op + ": cannot write '" + name + "': " + std::strerror(error));
    }
    // Drop what was written: whole parts, then the front of a part written in part.
    std::size_t done = static_cast<std::size_t>(written);
    while (done > 0 && done >= parts[next].size()) done -= parts[next++].size();
    if (done > 0) parts[next].remove_prefix(done);
  }
}

namespace {

// The folder holding `path` ("." for a bare name), whose entry for the renamed file must reach the disk.
std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void save_atomically(const std::string& path, std::string_view bytes, const std::string& op) {
  save_atomically(path, std::vector<std::string_view>{bytes}, op);
}

void save_atomically(const std::string& path, const std::vector<std::string_view>& parts, const std::string& op) {
  const std::string temporary = path + ".tmp";
  // A leftover from a crashed save goes first; O_EXCL then refuses to write through anything that
  // appears at that name in between (a symlink planted there would otherwise redirect the write).
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(op + ": cannot open '" + temporary + "' for writing: " + std::strerror(errno));
  const std::string unchanged = " ('" + path + "' was left as it was)";
  try {
    write_all(fd, parts, temporary, op);
    // Without fsync a crash soon after the rename can leave `path` empty on disk (ext4's delayed
    // allocation); a full disk may also only show here, on file systems that allocate late.
    if (::fsync(fd) != 0) throw Error(op + ": cannot flush '" + temporary + "' to disk: " + std::strerror(errno));
  } catch (const Error& error) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw Error(error.what() + unchanged);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw Error(op + ": cannot close '" + temporary + "': " + std::strerror(error) + unchanged);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw Error(op + ": cannot rename '" + temporary + "' to '" + path + "': " + std::strerror(error) + unchanged);
  }
  // Make the rename itself durable. The new file is in place whatever happens here, so a failure to
  // open or sync the folder (some file systems refuse) is not an error of the save.
  const int folder = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);
    ::close(folder);
  }
}

std::string read_file(const std::string& path, const std::string& op) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(op + ": cannot open '" + path + "' for reading: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw Error(op + ": error while reading '" + path + "': " + std::strerror(errno));
  return bytes;
}

}  // namespace xg
