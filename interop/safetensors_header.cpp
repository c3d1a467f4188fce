// safetensors' header: everything that must be true of a file before anything is allocated for its
// data. The 8-byte length, then the JSON through simdjson: each entry's dtype, shape and data_offsets
// where they are, then the layout of the whole (no name twice, the data back to back to the file's end).
// The checks are listed in safetensors.hpp; the bytes are read in safetensors_read.cpp.

#include <xgrad/interop/detail/safetensors_header.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>

namespace xg::interop {
namespace detail {
namespace {

// "[2,3]", as a JSON array of sizes prints: messages quote the header's own numbers.
std::string list_text(const std::vector<std::uint64_t>& values) {
  std::string text;
  append_sizes(text, values);
  return text;
}

// A JSON value as the header has it (compact), for messages.
std::string json_text(simdjson::dom::element value) { return simdjson::minify(value); }

const char* type_name(simdjson::dom::element_type type) {
  switch (type) {
    case simdjson::dom::element_type::ARRAY:
      return "array";
    case simdjson::dom::element_type::OBJECT:
      return "object";
    case simdjson::dom::element_type::STRING:
      return "string";
    case simdjson::dom::element_type::BOOL:
      return "boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "number";
  }
}

// The checks of one entry's values, then the entry at the end of header.entries. `claim` holds its shape
// (claim.dims) and is reused from entry to entry, so that the shared shape check allocates nothing.
// Messages are built only for a refusal.
void add_checked_entry(std::string_view name, std::string_view dtype, ArrayClaim& claim, std::uint64_t begin,
                       std::uint64_t end, CheckedHeader& header) {
  const std::string& where = claim.where;
  const DtypeInfo* type = find_dtype(dtype);
  if (!type) {
    std::string known;
    for (const DtypeInfo& info : kDtypes) known += (known.empty() ? "" : ", ") + std::string(info.name);
    refuse(where, name, "dtype \"" + std::string(dtype) + "\" is not one xgrad reads (" + known + ")");
  }
  if (end < begin) refuse(where, name, "data_offsets " + list_text({begin, end}) + " end before they begin");
  // The product of the dimensions must fit (the shared check); then its bytes must be the span exactly.
  // The check's words name the tensor only when it refuses: a shape that fails is checked again with them.
  std::size_t count = 0;
  try {
    count = check_shape(claim);
  } catch (const Error&) {
    claim.field.assign("tensor '").append(name).append("'");
    check_shape(claim);
    throw;
  }
  std::size_t bytes = 0;
  const auto shape_of = [&] { return "shape " + list_text(claim.dims) + " of " + std::string(dtype); };
  if (__builtin_mul_overflow(count, type->size, &bytes)) refuse(where, name, shape_of() + " overflows a byte count");
  if (bytes != end - begin) {
    refuse(where, name,
           shape_of() + " needs " + std::to_string(bytes) + " bytes, but its data_offsets " + list_text({begin, end}) +
               " span " + std::to_string(end - begin));
  }
  CheckedEntry& entry = header.entries.emplace_back();
  entry.name.assign(name);
  entry.dtype = type;
  entry.first_dim = header.dims.size();
  entry.rank = claim.dims.size();
  header.dims.insert(header.dims.end(), claim.dims.begin(), claim.dims.end());
  entry.begin = begin;
  entry.end = end;
}

// One entry: {"dtype": string, "shape": [size, ...], "data_offsets": [begin, end]}, each field once.
void parse_entry(std::string_view name, simdjson::dom::element info, ArrayClaim& claim, CheckedHeader& header) {
  const std::string& where = claim.where;
  simdjson::dom::object fields;
  if (info.get(fields)) refuse(where, name, "expected an object {dtype, shape, data_offsets}, got " + json_text(info));
  constexpr std::string_view kFields[] = {"dtype", "shape", "data_offsets"};
  simdjson::dom::element values[3];
  bool found[3] = {false, false, false}, other = false;
  for (const simdjson::dom::key_value_pair field : fields) {
    const auto known = std::find(std::begin(kFields), std::end(kFields), field.key);
    const std::size_t slot = static_cast<std::size_t>(known - std::begin(kFields));
    if (known == std::end(kFields) || found[slot]) {
      other = true;
      continue;
    }
    found[slot] = true;
    values[slot] = field.value;
  }
  for (std::size_t slot = 0; slot < 3; ++slot) {
    if (!found[slot]) refuse(where, name, "has no \"" + std::string(kFields[slot]) + "\"");
  }
  if (other) refuse(where, name, "expected only dtype, shape and data_offsets, each once, got " + json_text(info));
  const auto [dtype, shape, offsets] = values;
  std::string_view dtype_name;
  if (dtype.get(dtype_name)) refuse(where, name, "dtype must be a string, got " + json_text(dtype));
  simdjson::dom::array shape_array;
  if (shape.get(shape_array)) refuse(where, name, "shape must be an array, got " + json_text(shape));
  claim.dims.clear();
  for (const simdjson::dom::element dim : shape_array) {
    std::uint64_t size = 0;
    if (dim.get(size)) refuse(where, name, "shape " + json_text(shape) + " holds a value that is not a size");
    claim.dims.push_back(size);
  }
  simdjson::dom::array offsets_array;
  std::uint64_t bounds[2] = {0, 0};
  std::size_t count = 0;
  bool two_sizes = !offsets.get(offsets_array);
  if (two_sizes) {
    for (const simdjson::dom::element bound : offsets_array) {
      if (count == 2 || bound.get(bounds[count])) {
        two_sizes = false;
        break;
      }
      ++count;
    }
  }
  if (!two_sizes || count != 2) {
    refuse(where, name, "data_offsets must be two sizes [begin, end], got " + json_text(offsets));
  }
  add_checked_entry(name, dtype_name, claim, bounds[0], bounds[1], header);
}

// The header's JSON (`text`, with simdjson::SIMDJSON_PADDING readable bytes after it when `padded`)
// into its entries and metadata. simdjson checks UTF-8 and the syntax of the whole text first (and
// keeps every key, so a name twice is seen); then each value is checked where it is.
void parse_header_json(const char* text, std::size_t length, bool padded, CheckedHeader& header,
                       const std::string& where) {
  // A parser allocates its buffers at its first parse, about 14 bytes per byte of JSON: one per
  // thread is kept for the headers of ordinary models (up to 64 KiB, some 600 tensors, so that it never
  // holds more than about 1 MB), a larger header gets its own.
  constexpr std::size_t kKeptParserBytes = std::size_t{64} << 10;
  thread_local simdjson::dom::parser kept_parser;
  std::optional<simdjson::dom::parser> own_parser;
  simdjson::dom::parser& parser = length <= kKeptParserBytes ? kept_parser : own_parser.emplace();
  simdjson::dom::element root;
  if (const auto error = parser.parse(text, length, /*realloc_if_needed=*/!padded).get(root)) {
    refuse(where, "", std::string("the header is not valid UTF-8 JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get(object))
    refuse(where, "", std::string("the header must be a JSON object, got ") + type_name(root.type()));
  header.entries.reserve(object.size());
  header.dims.reserve(2 * object.size());                        // mostly matrices and vectors
  ArrayClaim claim{where, "", {}, kMaxArrayDimension, 0, 0, 0};  // each entry's shape in turn
  bool metadata_seen = false;
  for (const simdjson::dom::key_value_pair item : object) {
    if (item.key != "__metadata__") {
      parse_entry(item.key, item.value, claim, header);
      continue;
    }
    if (metadata_seen) refuse(where, item.key, "appears twice in the header");
    metadata_seen = true;
    simdjson::dom::object metadata;
    if (item.value.get(metadata)) {
      refuse(where, "", "__metadata__ must be an object of strings, got " + json_text(item.value));
    }
    for (const simdjson::dom::key_value_pair entry : metadata) {
      std::string_view value;
      if (entry.value.get(value)) {
        refuse(where, "",
               "__metadata__ '" + std::string(entry.key) + "' must be a string, got " + json_text(entry.value));
      }
      header.metadata.insert_or_assign(std::string(entry.key), std::string(value));  // the last of a key twice
    }
  }
}

// The checks that need the whole header: no name twice, and the data the tensors back to back, in
// any order of names, and nothing else. Leaves the entries in the order of their data and returns
// their places in the order of their names (what load_model looks the module's names up in).
void check_layout(CheckedHeader& header, const std::string& where) {
  // Sorted by their data (a writer usually lists them so already: then nothing moves).
  const auto data_less = [](const CheckedEntry& a, const CheckedEntry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  };
  if (!std::is_sorted(header.entries.begin(), header.entries.end(), data_less)) {
    std::sort(header.entries.begin(), header.entries.end(), data_less);
  }
  std::vector<std::uint32_t>& by_name = header.by_name;  // a header of 100 MB holds < 2^32 entries
  by_name.resize(header.entries.size());
  for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = static_cast<std::uint32_t>(i);
  const auto name_of = [&header](std::uint32_t i) -> const std::string& { return header.entries[i].name; };
  std::sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) { return name_of(a) < name_of(b); });
  for (std::size_t i = 1; i < by_name.size(); ++i) {
    if (name_of(by_name[i]) == name_of(by_name[i - 1]))
      refuse(where, name_of(by_name[i]), "appears twice in the header");
  }
  std::uint64_t expected_begin = 0;
  for (const CheckedEntry& entry : header.entries) {
    if (entry.begin != expected_begin) {
      refuse(where, entry.name,
             "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "] " +
                 (entry.begin < expected_begin ? "overlap" : "leave a gap after") +
                 " the previous tensor's, which end at " + std::to_string(expected_begin));
    }
    expected_begin = entry.end;
  }
  const std::uint64_t data_size = header.file_size - header.data_start;
  if (expected_begin != data_size) {
    refuse(where, header.entries.empty() ? "" : header.entries.back().name,
           "the tensors' data end at " + std::to_string(expected_begin) + ", but the file holds " +
               std::to_string(data_size) + " bytes of data");
  }
}

}  // namespace

// The length first (an 8-byte number from the file, checked before it sizes anything), then the JSON's
// entries, then their layout.
CheckedHeader parse_header(std::string_view first_bytes, bool padded, std::uint64_t file_size,
                           const std::string& where) {
  if (file_size < 8 || first_bytes.size() < 8) {
    refuse(where, "",
           "is too short for a safetensors file: " + std::to_string(file_size) +
               " bytes, and the header length alone takes 8");
  }
  const std::uint64_t length = header_length(first_bytes.data());
  if (length > kMaxHeaderBytes) {
    refuse(where, "",
           "the header claims " + std::to_string(length) + " bytes, above the limit of " +
               std::to_string(kMaxHeaderBytes));
  }
  if (8 + length > file_size || 8 + length > first_bytes.size()) {
    refuse(where, "",
           "the header claims " + std::to_string(length) + " bytes, but the file ends at " + std::to_string(file_size));
  }
  CheckedHeader header;
  header.data_start = 8 + length;
  header.file_size = file_size;
  parse_header_json(first_bytes.data() + 8, length, padded, header, where);
  check_layout(header, where);
  return header;
}

SafetensorsHeader public_header(const CheckedHeader& checked) {
  SafetensorsHeader header;
  header.entries.reserve(checked.entries.size());
  for (const CheckedEntry& entry : checked.entries) {
    header.entries.push_back(
        {entry.name, std::string(entry.dtype->name), checked.shape(entry), entry.begin, entry.end});
  }
  header.metadata = checked.metadata;
  header.data_start = checked.data_start;
  header.file_size = checked.file_size;
  return header;
}

}  // namespace detail

std::size_t dtype_size(std::string_view dtype) {
  const detail::DtypeInfo* info = detail::find_dtype(dtype);
  return info ? info->size : 0;
}

SafetensorsHeader parse_safetensors_header(std::string_view first_bytes, std::uint64_t file_size,
                                           const std::string& where) {
  return detail::public_header(detail::parse_header(first_bytes, /*padded=*/false, file_size, where));
}

}  // namespace xg::interop
