#include <xgrad/optim/state_dict.hpp>

#include <xgrad/core/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <istream>
#include <iterator>
#include <limits>
#include <ostream>

namespace xg::optim {
namespace {

constexpr char kMagic[8] = {'X', 'G', 'O', 'P', 'T', 'I', 'M', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 8;  // magic, version, payload size
constexpr std::size_t kTrailerSize = 4;         // CRC-32

// Appends numbers byte by byte, least significant first, so files read the same on any host.
class ByteWriter {
 public:
  void u32(std::uint32_t value) { unsigned_bytes(value, 4); }
  void u64(std::uint64_t value) { unsigned_bytes(value, 8); }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f32(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    u32(bits);
  }
  void f64(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    u64(bits);
  }
  void string(const std::string& text) {
    u32(static_cast<std::uint32_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
  }
  void raw(const char* data, std::size_t size) { bytes_.insert(bytes_.end(), data, data + size); }
  const std::string& bytes() const { return bytes_; }

 private:
  void unsigned_bytes(std::uint64_t value, int count) {
    for (int i = 0; i < count; ++i) bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
  }
  std::string bytes_;
};

// Reads what ByteWriter wrote; every read checks that the bytes are there.
class ByteReader {
 public:
  ByteReader(const char* data, std::size_t size) : data_(data), size_(size) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(unsigned_bytes(4)); }
  std::uint64_t u64() { return unsigned_bytes(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  float f32() {
    const std::uint32_t bits = u32();
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  double f64() {
    const std::uint64_t bits = u64();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::string string() {
    const std::uint32_t size = u32();
    need(size, "a string");
    std::string text(data_ + position_, size);
    position_ += size;
    return text;
  }
  // A count of items of at least `item_bytes` each: checked against what is left before anyone
  // allocates for it, so a damaged count cannot ask for gigabytes.
  std::uint64_t count(std::size_t item_bytes, const char* what) {
    const std::uint64_t n = u64();
    if (item_bytes > 0 && n > remaining() / item_bytes) malformed(std::string("too many ") + what);
    return n;
  }
  std::uint32_t count32(std::size_t item_bytes, const char* what) {
    const std::uint32_t n = u32();
    if (item_bytes > 0 && n > remaining() / item_bytes) malformed(std::string("too many ") + what);
    return n;
  }
  std::size_t remaining() const { return size_ - position_; }

  [[noreturn]] static void malformed(const std::string& what) {
    throw Error("read_state_dict: malformed optimizer state payload: " + what);
  }

 private:
  void need(std::size_t bytes, const char* what) const {
    if (bytes > remaining()) malformed(std::string("it ends inside ") + what);
  }
  std::uint64_t unsigned_bytes(int count) {
    need(static_cast<std::size_t>(count), "a number");
    std::uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[position_ + i])) << (8 * i);
    }
    position_ += static_cast<std::size_t>(count);
    return value;
  }
  const char* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

std::uint32_t crc32_of(const char* data, std::size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most uInt bytes per call.
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    size -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

std::string encode_payload(const OptimizerStateDict& dict) {
  ByteWriter w;
  w.string(dict.optimizer);
  w.u32(static_cast<std::uint32_t>(dict.param_groups.size()));
  for (const OptimizerStateDict::ParamGroup& group : dict.param_groups) {
    w.u32(static_cast<std::uint32_t>(group.options.size()));
    for (const auto& [name, value] : group.options) {
      w.string(name);
      w.f64(value);
    }
    w.u32(static_cast<std::uint32_t>(group.param_shapes.size()));
    for (const Shape& shape : group.param_shapes) {
      w.u32(static_cast<std::uint32_t>(shape.size()));
      for (std::size_t size : shape) w.u64(size);
    }
  }
  w.u64(dict.state.size());
  for (const auto& [index, state] : dict.state) {
    w.u64(index);
    w.i64(state.step);
    w.u32(static_cast<std::uint32_t>(state.buffers.size()));
    for (const auto& [name, buffer] : state.buffers) {
      w.string(name);
      w.u64(buffer.size());
      for (float value : buffer) w.f32(value);
    }
  }
  return w.bytes();
}

OptimizerStateDict decode_payload(const char* data, std::size_t size) {
  ByteReader r(data, size);
  OptimizerStateDict dict;
  dict.optimizer = r.string();
  const std::uint32_t group_count = r.count32(8, "param groups");
  for (std::uint32_t g = 0; g < group_count; ++g) {
    OptimizerStateDict::ParamGroup group;
    const std::uint32_t option_count = r.count32(12, "hyperparameters");
    for (std::uint32_t i = 0; i < option_count; ++i) {
      std::string name = r.string();
      group.options.emplace_back(std::move(name), r.f64());
    }
    const std::uint32_t param_count = r.count32(4, "parameters");
    for (std::uint32_t i = 0; i < param_count; ++i) {
      Shape shape(r.count32(8, "dimensions"));
      for (std::size_t& dim : shape) dim = r.u64();
      group.param_shapes.push_back(std::move(shape));
    }
    dict.param_groups.push_back(std::move(group));
  }
  const std::uint64_t state_count = r.count(20, "parameter states");
  for (std::uint64_t s = 0; s < state_count; ++s) {
    const std::uint64_t index = r.u64();
    OptimizerParamState state;
    state.step = r.i64();
    const std::uint32_t buffer_count = r.count32(12, "state buffers");
    for (std::uint32_t b = 0; b < buffer_count; ++b) {
      std::string name = r.string();
      const std::uint64_t n = r.count(4, "buffer values");
      // Shaped as a vector here; load_state_dict gives it the parameter's shape after checking the count.
      Array values = Array::from_shape({static_cast<std::size_t>(n)});
      for (float& value : values) value = r.f32();
      if (!state.buffers.emplace(name, std::move(values)).second) ByteReader::malformed("buffer '" + name + "' twice");
    }
    if (!dict.state.emplace(static_cast<std::size_t>(index), std::move(state)).second) {
      ByteReader::malformed("state for parameter " + std::to_string(index) + " twice");
    }
  }
  if (r.remaining() != 0) ByteReader::malformed(std::to_string(r.remaining()) + " unread bytes at its end");
  return dict;
}

std::uint64_t read_u64_le(const char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return value;
}

}  // namespace

void write_state_dict(const OptimizerStateDict& dict, std::ostream& out) {
  const std::string payload = encode_payload(dict);
  ByteWriter file;
  file.raw(kMagic, sizeof kMagic);
  file.u32(kVersion);
  file.u64(payload.size());
  file.raw(payload.data(), payload.size());
  file.u32(crc32_of(payload.data(), payload.size()));
  out.write(file.bytes().data(), static_cast<std::streamsize>(file.bytes().size()));
  out.flush();
  if (!out) throw Error("write_state_dict: writing the optimizer state failed");
}

OptimizerStateDict read_state_dict(std::istream& in) {
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("read_state_dict: reading the optimizer state failed");
  const std::size_t magic_bytes = std::min(bytes.size(), sizeof kMagic);
  if (bytes.empty() || std::memcmp(bytes.data(), kMagic, magic_bytes) != 0) {
    throw Error("read_state_dict: not an xgrad optimizer state (expected the magic \"XGOPTIM\" at the start)");
  }
  if (bytes.size() < kHeaderSize + kTrailerSize) {
    throw Error("read_state_dict: truncated optimizer state: " + std::to_string(bytes.size()) +
                " bytes is shorter than the header and checksum");
  }
  ByteReader header(bytes.data() + sizeof kMagic, 4);
  const std::uint32_t version = header.u32();
  if (version != kVersion) {
    throw Error("read_state_dict: unsupported optimizer state version " + std::to_string(version) + " (expected " +
                std::to_string(kVersion) + ")");
  }
  const std::uint64_t payload_size = read_u64_le(bytes.data() + 12);
  const std::size_t available = bytes.size() - kHeaderSize - kTrailerSize;
  if (payload_size > available) {
    throw Error("read_state_dict: truncated optimizer state: the header announces " + std::to_string(payload_size) +
                " payload bytes, the file holds " + std::to_string(available));
  }
  if (payload_size < available) {
    throw Error("read_state_dict: " + std::to_string(available - payload_size) +
                " unexpected bytes after the optimizer state");
  }
  const char* payload = bytes.data() + kHeaderSize;
  ByteReader trailer(payload + payload_size, kTrailerSize);
  const std::uint32_t stored_crc = trailer.u32();
  const std::uint32_t actual_crc = crc32_of(payload, payload_size);
  if (stored_crc != actual_crc) {
    throw Error("read_state_dict: checksum mismatch (the optimizer state is corrupt): stored CRC-32 " +
                std::to_string(stored_crc) + ", computed " + std::to_string(actual_crc));
  }
  return decode_payload(payload, payload_size);
}

}  // namespace xg::optim
