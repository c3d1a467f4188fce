// safetensors read and write; the format and the checks are described in safetensors.hpp.

#include <xgrad/interop/safetensors.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace xg::interop {

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference reader's cap
constexpr bool kLittleEndianHost = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

// The dtypes xgrad reads, with their sizes. Floats go into float tensors, the rest are counts.
struct DtypeInfo {
  std::string_view name;
  std::size_t size;
  bool is_float;
};
constexpr DtypeInfo kDtypes[] = {{"F32", 4, true},  {"F64", 8, true},  {"F16", 2, true},  {"BF16", 2, true},
                                 {"I64", 8, false}, {"I32", 4, false}, {"I16", 2, false}, {"I8", 1, false},
                                 {"U64", 8, false}, {"U32", 4, false}, {"U16", 2, false}, {"U8", 1, false},
                                 {"BOOL", 1, false}};

const DtypeInfo* find_dtype(std::string_view name) {
  for (const DtypeInfo& info : kDtypes) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

[[noreturn]] void refuse(const std::string& where, const std::string& key, const std::string& what) {
  throw Error(where + ": " + (key.empty() ? "" : "tensor '" + key + "': ") + what);
}

std::uint64_t u64_le(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// Parses the header, and names in `duplicate` the first top-level key that appears twice: nlohmann::json
// would silently keep only the last of them.
nlohmann::json parse_json(std::string_view text, std::string& duplicate) {
  std::set<std::string> seen;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && duplicate.empty() &&
        !seen.insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  return nlohmann::json::parse(text.begin(), text.end(), callback);
}

// "[2,3]", as nlohmann::json prints an array of sizes: messages quote the header's own numbers.
std::string list_text(const std::vector<std::uint64_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + std::to_string(values[i]);
  return text + "]";
}

// The checks of one entry's values, whichever parser read them (see read_simple_header).
SafetensorsEntry checked_entry(const std::string& name, const std::string& dtype,
                               const std::vector<std::uint64_t>& dims, std::uint64_t begin, std::uint64_t end,
                               const std::string& where) {
  SafetensorsEntry entry;
  entry.name = name;
  entry.dtype = dtype;
  const DtypeInfo* type = find_dtype(entry.dtype);
  if (!type) {
    std::string known;
    for (const DtypeInfo& info_of : kDtypes) known += (known.empty() ? "" : ", ") + std::string(info_of.name);
    refuse(where, name, "dtype \"" + entry.dtype + "\" is not one xgrad reads (" + known + ")");
  }
  entry.begin = begin;
  entry.end = end;
  const std::string offsets = list_text({begin, end});
  if (entry.end < entry.begin) refuse(where, name, "data_offsets " + offsets + " end before they begin");
  // The product of the dimensions must fit (the shared check); then its bytes must be the span exactly.
  ArrayClaim claim{where, "tensor '" + name + "'", dims, kMaxArrayDimension, 0, 0, 0};
  const std::size_t count = check_shape(claim);
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(count, type->size, &bytes)) {
    refuse(where, name, "shape " + list_text(dims) + " of " + entry.dtype + " overflows a byte count");
  }
  if (bytes != entry.end - entry.begin) {
    refuse(where, name,
           "shape " + list_text(dims) + " of " + entry.dtype + " needs " + std::to_string(bytes) +
               " bytes, but its data_offsets " + offsets + " span " + std::to_string(entry.end - entry.begin));
  }
  entry.shape.assign(dims.begin(), dims.end());
  return entry;
}

SafetensorsEntry parse_entry(const std::string& name, const nlohmann::json& info, const std::string& where) {
  if (!info.is_object()) refuse(where, name, "expected an object {dtype, shape, data_offsets}, got " + info.dump());
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!info.contains(field)) refuse(where, name, std::string("has no \"") + field + "\"");
  }
  if (info.size() != 3) refuse(where, name, "expected only dtype, shape and data_offsets, got " + info.dump());
  const nlohmann::json& dtype = info["dtype"];
  if (!dtype.is_string()) refuse(where, name, "dtype must be a string, got " + dtype.dump());
  const nlohmann::json& shape = info["shape"];
  if (!shape.is_array()) refuse(where, name, "shape must be an array, got " + shape.dump());
  std::vector<std::uint64_t> dims;
  for (const nlohmann::json& dim : shape) {
    if (!dim.is_number_unsigned()) refuse(where, name, "shape " + shape.dump() + " holds a value that is not a size");
    dims.push_back(dim.get<std::uint64_t>());
  }
  const nlohmann::json& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    refuse(where, name, "data_offsets must be two sizes [begin, end], got " + offsets.dump());
  }
  return checked_entry(name, dtype.get<std::string>(), dims, offsets[0].get<std::uint64_t>(),
                       offsets[1].get<std::uint64_t>(), where);
}

// The fast path for headers of the usual form: nlohmann::json's SAX parser (the same lexer, UTF-8 and
// syntax checks) hands over the values one by one, with no document built. It accepts only
//   {"__metadata__": {string: string, ...}, name: {"dtype": string, "shape": [size, ...],
//    "data_offsets": [size, size]}, ...} with no name twice,
// and gives up (returns false) on anything else; the full document path then finds what is wrong and
// says it in its words. Entries it accepts pass the same checks (checked_entry) in the same order.
class SimpleHeaderReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  struct RawEntry {
    std::string name, dtype;
    std::vector<std::uint64_t> shape, offsets;
    int fields_seen = 0;  // a bit per field
  };
  std::vector<RawEntry> entries;
  Metadata metadata;

  bool start_object(std::size_t) override {
    if (depth_ == 0) return ++depth_, true;
    if (depth_ != 1) return false;
    ++depth_;
    in_metadata_ = name_ == "__metadata__";
    if (in_metadata_ && metadata_seen_) return false;  // twice
    metadata_seen_ = metadata_seen_ || in_metadata_;
    if (!in_metadata_) entries.push_back({name_, "", {}, {}, 0});
    return true;
  }
  bool key(string_t& key) override {
    if (depth_ == 1) {
      name_ = key;
    } else if (in_metadata_) {
      metadata_key_ = key;
    } else {
      const int bit = key == "dtype" ? 1 : key == "shape" ? 2 : key == "data_offsets" ? 4 : 0;
      if (bit == 0 || (entries.back().fields_seen & bit)) return false;
      entries.back().fields_seen |= bit;
      field_ = bit;
    }
    return true;
  }
  bool end_object() override {
    if (depth_ == 2 && !in_metadata_ && entries.back().fields_seen != 7) return false;
    --depth_;
    return true;
  }
  bool string(string_t& value) override {
    if (depth_ != 2) return false;
    if (in_metadata_) return metadata[metadata_key_] = value, true;
    if (field_ != 1) return false;
    entries.back().dtype = value;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ != 2 || in_metadata_ || field_ == 1 || in_array_) return false;
    in_array_ = true;
    return true;
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (!in_array_) return false;
    (field_ == 2 ? entries.back().shape : entries.back().offsets).push_back(value);
    return true;
  }
  bool end_array() override {
    in_array_ = false;
    return field_ == 2 || entries.back().offsets.size() == 2;
  }
  bool null() override { return false; }
  bool boolean(bool) override { return false; }
  bool number_integer(number_integer_t) override { return false; }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  int depth_ = 0;
  bool in_metadata_ = false, metadata_seen_ = false, in_array_ = false;
  int field_ = 0;
  std::string name_, metadata_key_;
};

// The header's entries and metadata through SimpleHeaderReader, or false when the header is not of its
// form (or names a tensor twice).
bool read_simple_header(std::string_view text, SafetensorsHeader& header, const std::string& where) {
  SimpleHeaderReader reader;
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &reader)) return false;
  // The order the document path checks them in (its object is sorted by name); a name twice goes there.
  std::sort(
      reader.entries.begin(), reader.entries.end(),
      [](const SimpleHeaderReader::RawEntry& a, const SimpleHeaderReader::RawEntry& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < reader.entries.size(); ++i) {
    if (reader.entries[i].name == reader.entries[i - 1].name) return false;
  }
  for (const auto& raw : reader.entries) {
    header.entries.push_back(checked_entry(raw.name, raw.dtype, raw.shape, raw.offsets[0], raw.offsets[1], where));
  }
  header.metadata = std::move(reader.metadata);
  return true;
}

// The header as a whole JSON document: every form the format allows, and the words for what is wrong.
SafetensorsHeader read_header_document(std::string_view text, SafetensorsHeader header, const std::string& where) {
  nlohmann::json json;
  std::string duplicate;
  try {
    json = parse_json(text, duplicate);
  } catch (const nlohmann::json::exception& error) {
    refuse(where, "", std::string("the header is not valid UTF-8 JSON: ") + error.what());
  }
  if (!json.is_object()) refuse(where, "", "the header must be a JSON object, got " + std::string(json.type_name()));
  if (!duplicate.empty()) refuse(where, duplicate, "appears twice in the header");
  header.entries.clear();
  header.metadata.clear();
  for (const auto& [name, info] : json.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) refuse(where, "", "__metadata__ must be an object of strings, got " + info.dump());
      for (const auto& [key, value] : info.items()) {
        if (!value.is_string()) refuse(where, "", "__metadata__ '" + key + "' must be a string, got " + value.dump());
        header.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    header.entries.push_back(parse_entry(name, info, where));
  }
  return header;
}

}  // namespace

std::size_t dtype_size(std::string_view dtype) {
  const DtypeInfo* info = find_dtype(dtype);
  return info ? info->size : 0;
}

SafetensorsHeader parse_safetensors_header(std::string_view first_bytes, std::uint64_t file_size,
                                           const std::string& where) {
  if (file_size < 8 || first_bytes.size() < 8) {
    refuse(where, "",
           "is too short for a safetensors file: " + std::to_string(file_size) +
               " bytes, and the header length alone takes 8");
  }
  const std::uint64_t length = u64_le(reinterpret_cast<const unsigned char*>(first_bytes.data()));
  if (length > kMaxHeaderBytes) {
    refuse(where, "",
           "the header claims " + std::to_string(length) + " bytes, above the limit of " +
               std::to_string(kMaxHeaderBytes));
  }
  if (8 + length > file_size || 8 + length > first_bytes.size()) {
    refuse(where, "",
           "the header claims " + std::to_string(length) + " bytes, but the file ends at " + std::to_string(file_size));
  }
  const std::string_view text = first_bytes.substr(8, length);
  SafetensorsHeader header;
  header.data_start = 8 + length;
  header.file_size = file_size;
  if (!read_simple_header(text, header, where)) header = read_header_document(text, header, where);
  // The data must be the tensors back to back, in any order of names, and nothing else.
  std::sort(header.entries.begin(), header.entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  std::uint64_t expected_begin = 0;
  for (const SafetensorsEntry& entry : header.entries) {
    if (entry.begin != expected_begin) {
      refuse(where, entry.name,
             "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "] " +
                 (entry.begin < expected_begin ? "overlap" : "leave a gap after") +
                 " the previous tensor's, which end at " + std::to_string(expected_begin));
    }
    expected_begin = entry.end;
  }
  const std::uint64_t data_size = file_size - header.data_start;
  if (expected_begin != data_size) {
    refuse(where, header.entries.empty() ? "" : header.entries.back().name,
           "the tensors' data end at " + std::to_string(expected_begin) + ", but the file holds " +
               std::to_string(data_size) + " bytes of data");
  }
  return header;
}

namespace {

// A file opened for reading with POSIX calls: pread and preadv read at an offset (no stream, no
// buffer of its own), and one preadv reads many tensors straight into their arrays.
class InputFile {
 public:
  InputFile(const std::string& path, const std::string& op) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct stat status {};
    if (fd_ < 0 || ::fstat(fd_, &status) != 0) {
      const int error = errno;
      if (fd_ >= 0) ::close(fd_);
      throw Error(op + ": cannot open " + quoted(path) + " for reading: " + std::strerror(error));
    }
    size_ = static_cast<std::uint64_t>(status.st_size);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { ::close(fd_); }

  std::uint64_t size() const { return size_; }

  // Fills the spans, in order, with the bytes from `offset` on; false when the file ends first or the
  // system refuses (the file changed after its header was checked, or a read error).
  bool read(std::uint64_t offset, std::vector<iovec> spans) const {
    std::size_t next = 0;
    while (next < spans.size()) {
      if (spans[next].iov_len == 0) {
        ++next;
        continue;
      }
      const int count = static_cast<int>(std::min<std::size_t>(spans.size() - next, IOV_MAX));
      const ssize_t got = ::preadv(fd_, spans.data() + next, count, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      offset += static_cast<std::uint64_t>(got);
      // Drop what was read: whole spans, then the front of a span read in part.
      std::size_t done = static_cast<std::size_t>(got);
      while (done > 0 && done >= spans[next].iov_len) done -= spans[next++].iov_len;
      if (done > 0) {
        spans[next].iov_base = static_cast<char*>(spans[next].iov_base) + done;
        spans[next].iov_len -= done;
      }
    }
    return true;
  }

 private:
  int fd_;
  std::uint64_t size_ = 0;
};

// The file's first bytes: the header length, then (when it is within the cap) the header, checked.
SafetensorsHeader read_header(const InputFile& file, const std::string& where) {
  std::string bytes(std::min<std::uint64_t>(file.size(), 8), '\0');
  bool read = file.read(0, {{bytes.data(), bytes.size()}});
  if (read && bytes.size() == 8) {
    const std::uint64_t length = u64_le(reinterpret_cast<const unsigned char*>(bytes.data()));
    // Only a length the checks will accept is read; the checks then say what is wrong with the others.
    if (length <= kMaxHeaderBytes && 8 + length <= file.size()) {
      bytes.resize(8 + length);
      read = file.read(8, {{bytes.data() + 8, length}});
    }
  }
  if (!read) throw Error(where + ": cannot read the header");
  return parse_safetensors_header(bytes, file.size(), where);
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = (half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1f;
  const std::uint32_t mantissa = half & 0x3ffu;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  } else if (exponent == 31) {
    magnitude = mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  return sign ? -magnitude : magnitude;
}

// `count` values of `dtype` from little-endian bytes into floats.
void convert(const unsigned char* bytes, std::size_t count, std::string_view dtype, float* out) {
  auto unsigned_at = [bytes](std::size_t index, std::size_t size) {
    std::uint64_t value = 0;
    for (std::size_t b = size; b-- > 0;) value = (value << 8) | bytes[index * size + b];
    return value;
  };
  const std::size_t size = dtype_size(dtype);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t raw = unsigned_at(i, size);
    float value;
    if (dtype == "F32") {
      std::uint32_t bits = static_cast<std::uint32_t>(raw);
      std::memcpy(&value, &bits, 4);
    } else if (dtype == "F64") {
      double wide;
      std::memcpy(&wide, &raw, 8);
      // Beyond float's range the cast would be undefined: IEEE rounding gives infinity there.
      const double largest = std::numeric_limits<float>::max();
      value = wide > largest    ? std::numeric_limits<float>::infinity()
              : wide < -largest ? -std::numeric_limits<float>::infinity()
                                : static_cast<float>(wide);
    } else if (dtype == "F16") {
      value = half_to_float(static_cast<std::uint16_t>(raw));
    } else if (dtype == "BF16") {
      const std::uint32_t bits = static_cast<std::uint32_t>(raw) << 16;
      std::memcpy(&value, &bits, 4);
    } else if (dtype[0] == 'I') {  // two's complement of `size` bytes, sign-extended
      const unsigned shift = static_cast<unsigned>(64 - 8 * size);
      value = static_cast<float>(static_cast<std::int64_t>(raw << shift) >> shift);
    } else {  // U8..U64, BOOL
      value = static_cast<float>(raw);
    }
    out[i] = value;
  }
}

// The values of `entries` (in the order of their data), read from the file straight into new arrays.
// F32 on a little-endian host needs no conversion: each run of consecutive entries is one preadv into
// the arrays themselves. Other dtypes are read through a small buffer and converted.
std::vector<Array> read_values(const InputFile& file, const SafetensorsHeader& header,
                               const std::vector<const SafetensorsEntry*>& entries, const std::string& where) {
  std::vector<Array> values;
  values.reserve(entries.size());
  std::vector<iovec> run;  // F32 entries whose data follow each other in the file
  std::uint64_t run_begin = 0, run_end = 0;
  std::string run_first;
  auto read_run = [&] {
    if (!run.empty() && !file.read(header.data_start + run_begin, run)) {
      refuse(where, run_first, "cannot read its data (did the file change while it was read?)");
    }
    run.clear();
  };
  for (const SafetensorsEntry* entry : entries) {
    Array& array = values.emplace_back(Array::from_shape(entry->shape));
    const std::size_t count = array.size();
    if (entry->dtype == "F32" && kLittleEndianHost) {
      if (!run.empty() && entry->begin != run_end) read_run();
      if (run.empty()) run_begin = entry->begin, run_first = entry->name;
      run.push_back({array.data(), 4 * count});
      run_end = entry->end;
      continue;
    }
    read_run();
    const std::size_t size = dtype_size(entry->dtype);
    constexpr std::size_t kChunk = 16384;  // values per read
    std::vector<unsigned char> buffer(std::min(count, kChunk) * size);
    for (std::size_t done = 0; done < count; done += kChunk) {
      const std::size_t n = std::min(kChunk, count - done);
      if (!file.read(header.data_start + entry->begin + done * size, {{buffer.data(), n * size}})) {
        refuse(where, entry->name, "cannot read its data (did the file change while it was read?)");
      }
      convert(buffer.data(), n, entry->dtype, array.data() + done);
    }
  }
  read_run();
  return values;
}

bool is_count_dtype(const std::string& dtype) { return !find_dtype(dtype)->is_float; }

void append_le(std::string& out, std::uint64_t value, std::size_t size) {
  for (std::size_t b = 0; b < size; ++b) out.push_back(static_cast<char>((value >> (8 * b)) & 0xff));
}

}  // namespace

SafetensorsHeader read_safetensors_header(const std::string& path, const std::string& op) {
  return read_header(InputFile(path, op), op + ": " + quoted(path));
}

void save_file(const nn::StateDict& state, const std::string& path, const Metadata& metadata) {
  const std::string where = "save_file: " + quoted(path);
  struct Item {
    std::string name;
    const Tensor* tensor;
    bool count;
  };
  std::vector<Item> items;
  for (const auto& [name, tensor] : state) {
    if (!tensor.defined()) refuse(where, name, "the tensor is undefined");
    items.push_back({name, &tensor, state.kind(name) == nn::EntryKind::count});
  }
  // The reference writer's order: by dtype, the larger enum value (I64 before F32) first, then by name.
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.count != b.count ? a.count : a.name < b.name; });

  nlohmann::ordered_json header;
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  Metadata all = metadata;
  all.emplace("format", "pt");
  for (const auto& [key, value] : all) meta[key] = value;
  header["__metadata__"] = meta;
  std::uint64_t offset = 0;
  for (const Item& item : items) {
    const std::uint64_t bytes = item.tensor->numel() * (item.count ? 8 : 4);
    header[item.name] = {{"dtype", item.count ? "I64" : "F32"},
                         {"shape", item.tensor->shape()},
                         {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& error) {
    throw Error(where + ": a name or a metadata string is not valid UTF-8 (" + error.what() + ")");
  }
  text.append((8 - text.size() % 8) % 8, ' ');

  // The file is written from its parts with one writev: the header, then each tensor's own memory
  // (F32 as it is on a little-endian host); only counts (and floats on a big-endian host) are encoded.
  std::string length;
  append_le(length, text.size(), 8);
  std::vector<std::string> encoded;  // the encoded tensors' bytes, which `parts` views
  encoded.reserve(items.size());
  std::vector<std::string_view> parts = {length, text};
  for (const Item& item : items) {
    const Array& values = item.tensor->data();
    if (!item.count && kLittleEndianHost) {
      parts.emplace_back(reinterpret_cast<const char*>(values.data()), 4 * values.size());
      continue;
    }
    std::string& bytes = encoded.emplace_back();
    for (float value : values) {
      if (item.count) {
        if (!(value == std::nearbyint(value)) || std::fabs(value) > 9.0e15f) {
          refuse(where, item.name, "is a count but holds " + format_number(value));
        }
        append_le(bytes, static_cast<std::uint64_t>(static_cast<std::int64_t>(value)), 8);
      } else {
        std::uint32_t bits;
        std::memcpy(&bits, &value, 4);
        append_le(bytes, bits, 4);
      }
    }
    parts.emplace_back(bytes);
  }
  save_atomically(path, parts, "save_file");
}

nn::StateDict load_file(const std::string& path, Metadata* metadata) {
  const std::string where = "load_file: " + quoted(path);
  const InputFile file(path, "load_file");
  const SafetensorsHeader header = read_header(file, where);
  std::vector<const SafetensorsEntry*> entries;
  for (const SafetensorsEntry& entry : header.entries) entries.push_back(&entry);
  std::vector<Array> values = read_values(file, header, entries, where);
  nn::StateDict state;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    state.insert(entries[i]->name, Tensor(std::move(values[i])),
                 is_count_dtype(entries[i]->dtype) ? nn::EntryKind::count : nn::EntryKind::real);
  }
  if (metadata) *metadata = header.metadata;
  return state;
}

void save_model(const nn::Module& module, const std::string& path, const Metadata& metadata) {
  save_file(module.state_dict(), path, metadata);
}

LoadResult load_model(nn::Module& module, const std::string& path, bool strict) {
  const std::string where = "load_model: " + quoted(path);
  const InputFile file(path, "load_model");
  const SafetensorsHeader header = read_header(file, where);
  const nn::StateDict own = module.state_dict();

  // Keys and shapes first, from the header alone: nothing is read or allocated for a file that does not fit.
  LoadResult result;
  result.metadata = header.metadata;
  std::vector<std::string> mismatched;
  for (const auto& [name, tensor] : own) {
    const auto entry = std::find_if(header.entries.begin(), header.entries.end(),
                                    [&name = name](const SafetensorsEntry& e) { return e.name == name; });
    if (entry == header.entries.end()) {
      result.missing_keys.push_back(name);
    } else if (entry->shape != tensor.shape()) {
      mismatched.push_back("'" + name + "' is " + to_string(entry->shape) + " in the file and " +
                           to_string(tensor.shape()) + " in the module");
    }
  }
  for (const SafetensorsEntry& entry : header.entries) {
    if (!own.contains(entry.name)) result.unexpected_keys.push_back(entry.name);
  }
  std::string problems;
  if (!mismatched.empty()) problems += " shape mismatch: " + join(mismatched, "; ") + ";";
  if (strict && !result.missing_keys.empty()) problems += " missing keys: " + join(result.missing_keys) + ";";
  if (strict && !result.unexpected_keys.empty()) problems += " unexpected keys: " + join(result.unexpected_keys) + ";";
  if (!problems.empty())
    throw Error(where + " does not fit " + module.name() + ":" + problems + " the module was not changed");

  // Then the values, into new arrays. Only when all of them are read do they replace the module's
  // (a move, not a copy): the module's tensors stay the same handles, so an optimizer's stay valid.
  std::vector<const SafetensorsEntry*> entries;
  for (const SafetensorsEntry& entry : header.entries) {
    if (own.contains(entry.name)) entries.push_back(&entry);
  }
  std::vector<Array> values = read_values(file, header, entries, where);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Tensor target = *own.find(entries[i]->name);
    target.data() = std::move(values[i]);
  }
  return result;
}

}  // namespace xg::interop
