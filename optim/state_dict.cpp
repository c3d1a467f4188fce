#include <xgrad/optim/state_dict.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>

#include <algorithm>
#include <istream>
#include <iterator>
#include <ostream>

namespace xg::optim {
namespace {

constexpr char kMagic[8] = {'X', 'G', 'O', 'P', 'T', 'I', 'M', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 8;  // magic, version, payload size
constexpr std::size_t kTrailerSize = 4;         // CRC-32

std::string encode_payload(const OptimizerStateDict& dict) {
  LittleEndianWriter w;
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
      w.f32s(buffer.data(), buffer.size());
    }
  }
  return w.bytes();
}

// A count of items of at least `item_bytes` each, checked against the bytes left before anyone
// allocates for it: a damaged count cannot ask for gigabytes.
std::uint32_t read_count(ByteReader& r, std::size_t item_bytes, const std::string& what) {
  const std::uint32_t n = r.u32(what + " (count)");
  if (n > r.remaining() / item_bytes) {
    r.corrupted(std::to_string(n) + " " + what + " at offset " + std::to_string(r.offset() - 4) +
                " cannot fit in the " + std::to_string(r.remaining()) + " bytes left");
  }
  return n;
}

OptimizerStateDict decode_payload(ByteReader& r) {
  OptimizerStateDict dict;
  dict.optimizer = r.string("the optimizer name");
  const std::uint32_t group_count = read_count(r, 8, "param groups");
  for (std::uint32_t g = 0; g < group_count; ++g) {
    const std::string group_label = "param group " + std::to_string(g);
    OptimizerStateDict::ParamGroup group;
    const std::uint32_t option_count = read_count(r, 12, group_label + " hyperparameters");
    for (std::uint32_t i = 0; i < option_count; ++i) {
      std::string name = r.string(group_label + " hyperparameter " + std::to_string(i));
      group.options.emplace_back(name, r.f64(group_label + " hyperparameter '" + name + "'"));
    }
    const std::uint32_t param_count = read_count(r, 4, group_label + " parameters");
    for (std::uint32_t i = 0; i < param_count; ++i) {
      const std::string label = group_label + " parameter " + std::to_string(i);
      const std::uint32_t rank = r.u32(label + " (dimensions)");
      // The file holds only the shape: the values are the model's.
      group.param_shapes.push_back(r.shape(rank, label, kMaxArrayDimension, 0));
    }
    dict.param_groups.push_back(std::move(group));
  }
  const std::uint64_t state_count = r.u64("the state count");
  if (state_count > r.remaining() / 20) {
    r.corrupted(std::to_string(state_count) + " parameter states cannot fit in the " + std::to_string(r.remaining()) +
                " bytes left");
  }
  for (std::uint64_t s = 0; s < state_count; ++s) {
    const std::string state_label = "state " + std::to_string(s);
    const std::uint64_t index = r.u64(state_label + " (parameter index)");
    OptimizerParamState state;
    state.step = r.i64(state_label + " (step)");
    const std::uint32_t buffer_count = read_count(r, 12, state_label + " buffers");
    for (std::uint32_t b = 0; b < buffer_count; ++b) {
      const std::string name = r.string(state_label + " buffer " + std::to_string(b) + " (name)");
      const std::string label = state_label + " buffer '" + name + "'";
      // Saved as a flat count; load_state_dict gives it the parameter's shape after checking the count.
      const Shape shape = r.shape(1, label, kMaxArrayDimension, sizeof(float));
      Array values = Array::from_shape(shape);
      r.f32s(values.data(), values.size(), label);
      if (!state.buffers.emplace(name, std::move(values)).second) r.corrupted(label + " appears twice");
    }
    if (!dict.state.emplace(static_cast<std::size_t>(index), std::move(state)).second) {
      r.corrupted("the state of parameter " + std::to_string(index) + " appears twice");
    }
  }
  if (!r.at_end()) r.corrupted(std::to_string(r.remaining()) + " unread bytes at the end of the payload");
  return dict;
}

}  // namespace

void write_state_dict(const OptimizerStateDict& dict, std::ostream& out) {
  const std::string bytes = encode_state_dict(dict);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw Error("write_state_dict: writing the optimizer state failed");
}

std::string encode_state_dict(const OptimizerStateDict& dict) {
  const std::string payload = encode_payload(dict);
  LittleEndianWriter file;
  file.raw(std::string_view(kMagic, sizeof kMagic));
  file.u32(kVersion);
  file.u64(payload.size());
  file.raw(payload);
  file.u32(crc32_of(payload));
  return file.bytes();
}

OptimizerStateDict read_state_dict(std::istream& in) {
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("read_state_dict: reading the optimizer state failed");
  return decode_state_dict(bytes);
}

OptimizerStateDict decode_state_dict(std::string_view bytes) {
  const std::size_t magic_bytes = std::min(bytes.size(), sizeof kMagic);
  if (bytes.empty() || bytes.substr(0, magic_bytes) != std::string_view(kMagic, magic_bytes)) {
    throw Error("read_state_dict: not an xgrad optimizer state (expected the magic \"XGOPTIM\" at the start)");
  }
  if (bytes.size() < kHeaderSize + kTrailerSize) {
    throw Error("read_state_dict: truncated optimizer state: " + std::to_string(bytes.size()) +
                " bytes is shorter than the header and checksum");
  }
  ByteReader file(bytes, ByteOrder::little_endian, "read_state_dict: the optimizer state");
  file.raw(sizeof kMagic, "the magic");
  const std::uint32_t version = file.u32("the version");
  if (version != kVersion) {
    throw Error("read_state_dict: unsupported optimizer state version " + std::to_string(version) + " (expected " +
                std::to_string(kVersion) + ")");
  }
  const std::uint64_t payload_size = file.u64("the payload size");
  const std::size_t available = bytes.size() - kHeaderSize - kTrailerSize;
  if (payload_size > available) {
    throw Error("read_state_dict: truncated optimizer state: the header announces " + std::to_string(payload_size) +
                " payload bytes, the file holds " + std::to_string(available));
  }
  if (payload_size < available) {
    throw Error("read_state_dict: " + std::to_string(available - payload_size) +
                " unexpected bytes after the optimizer state");
  }
  // The whole payload is checked against its CRC before any of it is decoded.
  ByteReader payload = file.part(static_cast<std::size_t>(payload_size), "the payload");
  const std::uint32_t stored_crc = file.u32("the checksum");
  const std::uint32_t actual_crc = crc32_of(bytes.substr(kHeaderSize, payload_size));
  if (stored_crc != actual_crc) {
    throw Error("read_state_dict: checksum mismatch (the optimizer state is corrupt): stored CRC-32 " +
                std::to_string(stored_crc) + ", computed " + std::to_string(actual_crc));
  }
  return decode_payload(payload);
}

}  // namespace xg::optim
