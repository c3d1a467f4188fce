// safetensors write: serialize() lays out the file, save_file() writes it atomically. The format and
// the reference writer's layout are described in safetensors.hpp.

#include <xgrad/interop/safetensors.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/interop/detail/safetensors_format.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace xg::interop {

using detail::append_le;
using detail::append_sizes;
using detail::kLittleEndianHost;
using detail::quoted;
using detail::refuse;

namespace {

struct Item {
  const std::string* name;
  const Tensor* tensor;
  bool count;
};

// A JSON string: nlohmann::json escapes it (and refuses one that is not UTF-8).
std::string json_string(const std::string& text) { return nlohmann::json(text).dump(); }

// The JSON header, compact, as nlohmann::json's dump() writes it, and padded with spaces to a multiple
// of 8 bytes. The names and the metadata's strings go through nlohmann::json, which escapes them; the
// rest is a fixed layout of numbers, written straight into the text: a document of the whole header
// would cost more than the whole rest of a small model's save.
std::string header_json(const std::vector<Item>& items, const Metadata& metadata, const std::string& where) {
  Metadata all = metadata;
  all.emplace("format", "pt");  // the caller's own "format" wins, as the reference writer keeps it
  std::string text = "{\"__metadata__\":{";
  try {
    for (const auto& [key, value] : all) {
      text.append(text.back() == '{' ? "" : ",").append(json_string(key)).append(":").append(json_string(value));
    }
    text += '}';
    std::uint64_t offset = 0;
    for (const Item& item : items) {
      const std::uint64_t bytes = item.tensor->numel() * (item.count ? 8 : 4);
      text.append(",")
          .append(json_string(*item.name))
          .append(item.count ? ":{\"dtype\":\"I64\"" : ":{\"dtype\":\"F32\"");
      text += ",\"shape\":";
      append_sizes(text, item.tensor->shape());
      text += ",\"data_offsets\":";
      append_sizes(text, std::array<std::uint64_t, 2>{offset, offset + bytes});
      text += '}';
      offset += bytes;
    }
  } catch (const nlohmann::json::exception& error) {
    throw Error(where + ": a name or a metadata string is not valid UTF-8 (" + error.what() + ")");
  }
  text += '}';
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

// A count's value as the I64 the file holds; a count must be a whole number.
std::uint64_t count_bits(float value, const std::string& name, const std::string& where) {
  if (!(value == std::nearbyint(value)) || std::fabs(value) > 9.0e15f) {
    refuse(where, name, "is a count but holds " + format_number(value));
  }
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
}

}  // namespace

std::vector<std::string_view> SafetensorsBytes::parts() const {
  std::vector<std::string_view> all = {header};
  for (const Piece& piece : pieces) {
    all.push_back(piece.encoded < 0 ? std::string_view(piece.data, piece.size)
                                    : std::string_view(encoded[piece.encoded]));
  }
  return all;
}

SafetensorsBytes serialize(const nn::StateDict& state, const Metadata& metadata, const std::string& where) {
  std::vector<Item> items;
  items.reserve(state.size());
  for (const auto& [name, tensor] : state) {
    if (!tensor.defined()) refuse(where, name, "the tensor is undefined");
    if (name == "__metadata__") refuse(where, name, "is the name the header's metadata takes");
    items.push_back({&name, &tensor, state.kind(name) == nn::EntryKind::count});
  }
  // The reference writer's order: by dtype, the larger enum value (I64 before F32) first, then by name.
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.count != b.count ? a.count : *a.name < *b.name; });

  SafetensorsBytes bytes;
  const std::string text = header_json(items, metadata, where);
  append_le(bytes.header, text.size(), 8);
  bytes.header += text;
  // Each tensor is a view of its own memory (F32 as it is on a little-endian host); only counts (and
  // floats on a big-endian host) are encoded.
  for (const Item& item : items) {
    const Array& values = item.tensor->data();
    if (!item.count && kLittleEndianHost) {
      bytes.pieces.push_back({reinterpret_cast<const char*>(values.data()), 4 * values.size(), -1});
      continue;
    }
    std::string& encoded = bytes.encoded.emplace_back();
    for (float value : values) {
      if (item.count) {
        append_le(encoded, count_bits(value, *item.name, where), 8);
      } else {
        std::uint32_t bits;
        std::memcpy(&bits, &value, 4);
        append_le(encoded, bits, 4);
      }
    }
    bytes.pieces.push_back({nullptr, 0, static_cast<int>(bytes.encoded.size() - 1)});
  }
  return bytes;
}

void save_file(const nn::StateDict& state, const std::string& path, const Metadata& metadata) {
  const SafetensorsBytes bytes = serialize(state, metadata, "save_file: " + quoted(path));
  save_atomically(path, bytes.parts(), "save_file");  // one writev from the parts, fsync, rename
}

void save_model(const nn::Module& module, const std::string& path, const Metadata& metadata) {
  save_file(module.state_dict(), path, metadata);
}

}  // namespace xg::interop
