// safetensors' bytes: the header in one pread of the file's first 4 KiB (usually), then the tensors'
// data with one preadv straight into new arrays, each value converted to float where the file's dtype
// is not F32. The header's checks are in safetensors_header.cpp; what is read, in safetensors.cpp.

#include <xgrad/interop/detail/safetensors_read.hpp>

#include <xgrad/core/error.hpp>

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

namespace xg::interop {
namespace detail {

InputFile::InputFile(const std::string& path, const std::string& op) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
  struct stat status {};
  if (fd_ < 0 || ::fstat(fd_, &status) != 0) {
    const int error = errno;
    if (fd_ >= 0) ::close(fd_);
    throw Error(op + ": cannot open " + quoted(path) + " for reading: " + std::strerror(error));
  }
  size_ = static_cast<std::uint64_t>(status.st_size);
}

InputFile::~InputFile() { ::close(fd_); }

bool InputFile::read(std::uint64_t offset, std::vector<iovec> spans) const {
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

// The first read takes 4 KiB, or the whole file when smaller: a header of a few hundred tensors and,
// after it, the first tensors' data; a longer header is read to its end with a second pread. The
// buffer has simdjson's padding after the bytes read, so that the parse needs no copy of them.
HeaderRead read_header(const InputFile& file, const std::string& where) {
  constexpr std::uint64_t kFirstRead = 4096;
  HeaderRead read;
  std::uint64_t wanted = std::min(file.size(), kFirstRead);
  read.bytes.reset(new char[wanted + simdjson::SIMDJSON_PADDING]);
  bool done = file.read(0, {{read.bytes.get(), wanted}});
  if (done && wanted >= 8) {
    const std::uint64_t length = header_length(read.bytes.get());
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

namespace {

// A refusal of a file whose data cannot be read after its header was checked.
constexpr const char* kCannotReadData = "cannot read its data (did the file change while it was read?)";

float float_from_bits(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
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
    return [](std::uint64_t raw, std::size_t) { return float_from_bits(static_cast<std::uint32_t>(raw)); };
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
    return [](std::uint64_t raw, std::size_t) { return float_from_bits(static_cast<std::uint32_t>(raw) << 16); };
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
void convert(const unsigned char* bytes, std::size_t count, const DtypeInfo& dtype, float* out) {
  const std::size_t size = dtype.size;
  const ValueToFloat to_float = value_to_float(dtype.name);
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
      refuse(where_, *run_name_, kCannotReadData);
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

}  // namespace

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
      convert(small.data() + goes_to[i], values[i].size(), *entry.dtype, values[i].data());
      continue;
    }
    const std::size_t size = entry.dtype->size, count = values[i].size();
    constexpr std::size_t kChunk = 16384;  // values per read
    std::vector<unsigned char> buffer(std::min(count, kChunk) * size);
    for (std::size_t done = 0; done < count; done += kChunk) {
      const std::size_t n = std::min(kChunk, count - done);
      if (!file.read(data_start + entry.begin + done * size, {{buffer.data(), n * size}})) {
        refuse(where, entry.name, kCannotReadData);
      }
      convert(buffer.data(), n, *entry.dtype, values[i].data() + done);
    }
  }
  return values;
}

}  // namespace detail

SafetensorsHeader read_safetensors_header(const std::string& path, const std::string& op) {
  const std::string where = op + ": " + detail::quoted(path);
  return detail::public_header(detail::read_header(detail::InputFile(path, op), where).checked);
}

}  // namespace xg::interop
