// safetensors read: the header through simdjson, checked whole before anything is allocated; the data
// with preadv straight into new arrays. The format and the checks are described in safetensors.hpp.

#include <xgrad/interop/safetensors.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/interop/detail/safetensors_format.hpp>

#include <simdjson.h>

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
#include <memory>
#include <optional>

namespace xg::interop {

using detail::DtypeInfo;
using detail::find_dtype;
using detail::kDtypes;
using detail::kLittleEndianHost;
using detail::quoted;
using detail::refuse;

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference reader's cap

std::uint64_t u64_le(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// "[2,3]", as a JSON array of sizes prints: messages quote the header's own numbers.
std::string list_text(const std::vector<std::uint64_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + std::to_string(values[i]);
  return text + "]";
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

// A header as the reader checks and uses it. Like SafetensorsHeader, but each entry's shape is a run
// of one array of all the dimensions, and its dtype points into kDtypes: a load makes no vector per
// tensor. (read_safetensors_header gives the public form, public_header below.)
struct CheckedEntry {
  std::string name;
  const DtypeInfo* dtype = nullptr;
  std::size_t first_dim = 0, rank = 0;  // its shape: dims[first_dim], ..., dims[first_dim + rank - 1]
  std::uint64_t begin = 0, end = 0;     // its bytes in the data section (after the header)
};

struct CheckedHeader {
  std::vector<CheckedEntry> entries;   // in the order of their data (after check_layout)
  std::vector<std::uint64_t> dims;     // every entry's shape, one after the other
  std::vector<std::uint32_t> by_name;  // the entries' places in the order of their names
  Metadata metadata;
  std::uint64_t data_start = 0;  // 8 + the header length
  std::uint64_t file_size = 0;

  const std::uint64_t* dims_begin(const CheckedEntry& entry) const { return dims.data() + entry.first_dim; }
  const std::uint64_t* dims_end(const CheckedEntry& entry) const { return dims_begin(entry) + entry.rank; }
  Shape shape(const CheckedEntry& entry) const { return Shape(dims_begin(entry), dims_end(entry)); }
};

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

// The header of a file that starts with `first_bytes` (at least the header, with simdjson's padding
// after it when `padded`) and is `file_size` bytes long.
CheckedHeader parse_header(std::string_view first_bytes, bool padded, std::uint64_t file_size,
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
  CheckedHeader header;
  header.data_start = 8 + length;
  header.file_size = file_size;
  parse_header_json(first_bytes.data() + 8, length, padded, header, where);
  check_layout(header, where);
  return header;
}

}  // namespace

std::size_t dtype_size(std::string_view dtype) {
  const DtypeInfo* info = find_dtype(dtype);
  return info ? info->size : 0;
}

SafetensorsHeader parse_safetensors_header(std::string_view first_bytes, std::uint64_t file_size,
                                           const std::string& where) {
  return public_header(parse_header(first_bytes, /*padded=*/false, file_size, where));
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

// A checked header, and the file's first bytes as they were read for it: the header and, after it,
// usually the first tensors' data, which the reads of the data then take from here.
struct HeaderRead {
  CheckedHeader checked;
  std::unique_ptr<char[]> bytes;  // the file's first `size` bytes, then simdjson's padding (not zeroed)
  std::size_t size = 0;
  std::string_view first_bytes() const { return {bytes.get(), size}; }
};

// The header, read with one pread when it is within the first kFirstRead bytes (a model of a few
// hundred tensors), into a buffer with simdjson's padding after it; then checked.
HeaderRead read_header(const InputFile& file, const std::string& where) {
  constexpr std::uint64_t kFirstRead = 4096;
  HeaderRead read;
  std::uint64_t wanted = std::min(file.size(), kFirstRead);
  read.bytes.reset(new char[wanted + simdjson::SIMDJSON_PADDING]);
  bool done = file.read(0, {{read.bytes.get(), wanted}});
  if (done && wanted >= 8) {
    const std::uint64_t length = u64_le(reinterpret_cast<const unsigned char*>(read.bytes.get()));
    // Only a length the checks will accept is read; the checks then say what is wrong with the others.
    if (length <= kMaxHeaderBytes && 8 + length <= file.size() && 8 + length > wanted) {
      std::unique_ptr<char[]> whole(new char[8 + length + simdjson::SIMDJSON_PADDING]);
      std::memcpy(whole.get(), read.bytes.get(), wanted);
      read.bytes = std::move(whole);
      done = file.read(wanted, {{read.bytes.get() + wanted, 8 + length - wanted}});
      wanted = 8 + length;
    }
  }
  if (!done) throw Error(where + ": cannot read the header");
  read.size = static_cast<std::size_t>(wanted);
  read.checked = parse_header(read.first_bytes(), /*padded=*/true, file.size(), where);
  return read;
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

// How one value of `dtype`, its little-endian bytes read into `raw`, becomes a float. Chosen once per
// tensor, so that the loop below does not compare dtype names for every value.
using ValueToFloat = float (*)(std::uint64_t raw, std::size_t size);
ValueToFloat value_to_float(std::string_view dtype) {
  if (dtype == "F32") {
    return [](std::uint64_t raw, std::size_t) {
      const auto bits = static_cast<std::uint32_t>(raw);
      float value;
      std::memcpy(&value, &bits, 4);
      return value;
    };
  }
  if (dtype == "F64") {
    return [](std::uint64_t raw, std::size_t) {
      double wide;
      std::memcpy(&wide, &raw, 8);
      // Beyond float's range the cast would be undefined: IEEE rounding gives infinity there.
      const double largest = std::numeric_limits<float>::max();
      return wide > largest    ? std::numeric_limits<float>::infinity()
             : wide < -largest ? -std::numeric_limits<float>::infinity()
                               : static_cast<float>(wide);
    };
  }
  if (dtype == "F16")
    return [](std::uint64_t raw, std::size_t) { return half_to_float(static_cast<std::uint16_t>(raw)); };
  if (dtype == "BF16") {
    return [](std::uint64_t raw, std::size_t) {
      const std::uint32_t bits = static_cast<std::uint32_t>(raw) << 16;
      float value;
      std::memcpy(&value, &bits, 4);
      return value;
    };
  }
  if (dtype[0] == 'I') {  // two's complement of `size` bytes, sign-extended
    return [](std::uint64_t raw, std::size_t size) {
      const unsigned shift = static_cast<unsigned>(64 - 8 * size);
      return static_cast<float>(static_cast<std::int64_t>(raw << shift) >> shift);
    };
  }
  return [](std::uint64_t raw, std::size_t) { return static_cast<float>(raw); };  // U8..U64, BOOL
}

// `count` values of `dtype` from little-endian bytes into floats.
void convert(const unsigned char* bytes, std::size_t count, std::string_view dtype, float* out) {
  const std::size_t size = dtype_size(dtype);
  const ValueToFloat to_float = value_to_float(dtype);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t raw = 0;
    for (std::size_t b = size; b-- > 0;) raw = (raw << 8) | bytes[i * size + b];
    out[i] = to_float(raw, size);
  }
}

// Copies bytes of the file to places in memory, given in the order of the file: what the header's
// read already holds is copied from there, the rest is read with one preadv per run of consecutive
// bytes (for a model read whole: one call). finish() reads the last run.
class GatherReads {
 public:
  // `spans`: how many add() calls there may be, at most.
  GatherReads(const InputFile& file, std::string_view first_bytes, std::size_t spans, const std::string& where)
      : file_(file), first_bytes_(first_bytes), where_(where) {
    run_.reserve(spans);
  }

  // `size` bytes from `offset` on, to `to`; `name` is the tensor a failed read names.
  void add(std::uint64_t offset, char* to, std::size_t size, const std::string& name) {
    if (offset < first_bytes_.size()) {
      const std::size_t held = static_cast<std::size_t>(std::min<std::uint64_t>(size, first_bytes_.size() - offset));
      if (held > 0) std::memcpy(to, first_bytes_.data() + offset, held);
      offset += held, to += held, size -= held;
    }
    if (size == 0) return;
    if (!run_.empty() && offset != run_end_) finish();
    if (run_.empty()) run_begin_ = offset, run_name_ = &name;
    run_.push_back({to, size});
    run_end_ = offset + size;
  }

  void finish() {
    if (!run_.empty() && !file_.read(run_begin_, run_)) {
      refuse(where_, *run_name_, "cannot read its data (did the file change while it was read?)");
    }
    run_.clear();
  }

 private:
  const InputFile& file_;
  std::string_view first_bytes_;
  const std::string& where_;
  std::vector<iovec> run_;
  std::uint64_t run_begin_ = 0, run_end_ = 0;
  const std::string* run_name_ = nullptr;
};

// The values of `entries` (in the order of their data), read from the file straight into new arrays.
// F32 on a little-endian host needs no conversion: its bytes land in the arrays themselves. Other
// dtypes are converted from a buffer: the small tensors' (up to kSmallBytes in all) read along with
// the rest, each larger one in chunks of its own, so that a load never holds a second copy of a model.
std::vector<Array> read_values(const InputFile& file, const HeaderRead& read,
                               const std::vector<const CheckedEntry*>& entries, const std::string& where) {
  constexpr std::size_t kSmallBytes = std::size_t{1} << 20;
  constexpr std::size_t kInArray = SIZE_MAX, kLarge = SIZE_MAX - 1;  // else: its place in `small`
  std::vector<Array> values;
  values.reserve(entries.size());
  std::vector<std::size_t> goes_to(entries.size());
  std::size_t small_bytes = 0;
  const CheckedHeader& header = read.checked;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const CheckedEntry& entry = *entries[i];
    values.push_back(Array::from_shape(Array::shape_type(header.dims_begin(entry), header.dims_end(entry))));
    const std::size_t bytes = static_cast<std::size_t>(entry.end - entry.begin);
    if (entry.dtype->name == "F32" && kLittleEndianHost) {
      goes_to[i] = kInArray;
    } else if (small_bytes + bytes <= kSmallBytes) {
      goes_to[i] = small_bytes;
      small_bytes += bytes;
    } else {
      goes_to[i] = kLarge;
    }
  }
  std::vector<unsigned char> small(small_bytes);
  GatherReads reads(file, read.first_bytes(), entries.size(), where);
  const std::uint64_t data_start = header.data_start;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (goes_to[i] == kLarge) continue;
    const CheckedEntry& entry = *entries[i];
    char* to = goes_to[i] == kInArray ? reinterpret_cast<char*>(values[i].data())
                                      : reinterpret_cast<char*>(small.data() + goes_to[i]);
    reads.add(data_start + entry.begin, to, static_cast<std::size_t>(entry.end - entry.begin), entry.name);
  }
  reads.finish();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const CheckedEntry& entry = *entries[i];
    if (goes_to[i] == kInArray) continue;
    if (goes_to[i] != kLarge) {
      convert(small.data() + goes_to[i], values[i].size(), entry.dtype->name, values[i].data());
      continue;
    }
    const std::size_t size = entry.dtype->size, count = values[i].size();
    constexpr std::size_t kChunk = 16384;  // values per read
    std::vector<unsigned char> buffer(std::min(count, kChunk) * size);
    for (std::size_t done = 0; done < count; done += kChunk) {
      const std::size_t n = std::min(kChunk, count - done);
      if (!file.read(data_start + entry.begin + done * size, {{buffer.data(), n * size}})) {
        refuse(where, entry.name, "cannot read its data (did the file change while it was read?)");
      }
      convert(buffer.data(), n, entry.dtype->name, values[i].data() + done);
    }
  }
  return values;
}

}  // namespace

SafetensorsHeader read_safetensors_header(const std::string& path, const std::string& op) {
  return public_header(read_header(InputFile(path, op), op + ": " + quoted(path)).checked);
}

nn::StateDict load_file(const std::string& path, Metadata* metadata) {
  const std::string where = "load_file: " + quoted(path);
  const InputFile file(path, "load_file");
  HeaderRead read = read_header(file, where);
  const std::vector<CheckedEntry>& all = read.checked.entries;  // in the order of their data
  std::vector<const CheckedEntry*> entries;
  entries.reserve(all.size());
  for (const CheckedEntry& entry : all) entries.push_back(&entry);
  std::vector<Array> values = read_values(file, read, entries, where);
  nn::StateDict state;
  for (std::size_t i = 0; i < all.size(); ++i) {
    state.insert(all[i].name, Tensor(std::move(values[i])),
                 all[i].dtype->is_float ? nn::EntryKind::real : nn::EntryKind::count);
  }
  if (metadata) *metadata = std::move(read.checked.metadata);
  return state;
}

LoadResult load_model(nn::Module& module, const std::string& path, bool strict) {
  const std::string where = "load_model: " + quoted(path);
  const InputFile file(path, "load_model");
  HeaderRead read = read_header(file, where);
  const CheckedHeader& header = read.checked;
  const std::vector<CheckedEntry>& entries = header.entries;  // in the order of their data
  const std::vector<std::uint32_t>& by_name = read.checked.by_name;

  // Keys and shapes first, from the header alone: nothing is read or allocated for a file that does not fit.
  // Each of the module's names (visited, not copied into a StateDict) is looked up in the file's, sorted.
  std::vector<bool> in_module(entries.size(), false);
  std::vector<std::pair<std::uint32_t, Tensor>> targets;  // the file's entry (its place), the module's tensor
  targets.reserve(entries.size());
  LoadResult result;
  std::vector<std::string> mismatched;
  module.for_each_state_entry([&](const std::string& name, const Tensor& tensor, nn::EntryKind) {
    const auto found =
        std::lower_bound(by_name.begin(), by_name.end(), name,
                         [&entries](std::uint32_t i, const std::string& key) { return entries[i].name < key; });
    if (found == by_name.end() || entries[*found].name != name) {
      result.missing_keys.push_back(name);
      return;
    }
    const CheckedEntry& entry = entries[*found];
    in_module[*found] = true;
    targets.emplace_back(*found, tensor);
    const auto& dims = tensor.data().shape();
    if (!std::equal(header.dims_begin(entry), header.dims_end(entry), dims.begin(), dims.end())) {
      mismatched.push_back("'" + name + "' is " + to_string(header.shape(entry)) + " in the file and " +
                           to_string(tensor.shape()) + " in the module");
    }
  });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!in_module[i]) result.unexpected_keys.push_back(entries[i].name);
  }
  std::string problems;
  if (!mismatched.empty()) problems += " shape mismatch: " + join(mismatched, "; ") + ";";
  if (strict && !result.missing_keys.empty()) problems += " missing keys: " + join(result.missing_keys) + ";";
  if (strict && !result.unexpected_keys.empty()) problems += " unexpected keys: " + join(result.unexpected_keys) + ";";
  if (!problems.empty())
    throw Error(where + " does not fit " + module.name() + ":" + problems + " the module was not changed");

  // Then the values, in the order of their data, into new arrays. Only when all of them are read do
  // they replace the module's (a move, not a copy): the module's tensors stay the same handles, so an
  // optimizer's stay valid.
  std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const CheckedEntry*> wanted;
  wanted.reserve(targets.size());
  for (const auto& target : targets) wanted.push_back(&entries[target.first]);
  std::vector<Array> values = read_values(file, read, wanted, where);
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i].second.data() = std::move(values[i]);
  result.metadata = std::move(read.checked.metadata);
  return result;
}

}  // namespace xg::interop
