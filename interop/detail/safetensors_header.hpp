#pragma once
// A safetensors header as the reader checks and uses it: made by parse_header (safetensors_header.cpp),
// which checks it whole before anything is allocated for the data; read by safetensors_read.cpp and the
// loads (safetensors.cpp). Internal to interop/.

#include <xgrad/interop/detail/safetensors_format.hpp>
#include <xgrad/interop/safetensors.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xg::interop::detail {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference reader's cap

// The header's length: the file's first 8 bytes, little-endian.
inline std::uint64_t header_length(const char* file_start) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(file_start);
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// Like SafetensorsEntry, but its shape is a run of one array of all the dimensions (CheckedHeader::dims)
// and its dtype points into kDtypes: a load makes no vector per tensor. (read_safetensors_header gives
// the public form, public_header below.)
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

// The header of a file that starts with `first_bytes` (at least the header, with simdjson's padding
// after it when `padded`) and is `file_size` bytes long, checked whole; refuses (xg::Error starting
// with `where`) at the first thing wrong.
CheckedHeader parse_header(std::string_view first_bytes, bool padded, std::uint64_t file_size,
                           const std::string& where);

// The public form of a checked header.
SafetensorsHeader public_header(const CheckedHeader& checked);

}  // namespace xg::interop::detail
