#pragma once
// What safetensors' reader (safetensors_header.cpp, safetensors_read.cpp, safetensors.cpp) and writer
// (safetensors_write.cpp) share: the dtypes, the byte order, the JSON of sizes and the wording of
// refusals. Internal to interop/.

#include <xgrad/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xg::interop::detail {

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

inline const DtypeInfo* find_dtype(std::string_view name) {
  for (const DtypeInfo& info : kDtypes) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

inline std::string quoted(const std::string& path) { return "'" + path + "'"; }

// "load_file: 'm.safetensors': tensor '0.bias': <what>" (no tensor part when `key` is empty).
[[noreturn]] inline void refuse(const std::string& where, std::string_view key, const std::string& what) {
  throw Error(where + ": " + (key.empty() ? "" : "tensor '" + std::string(key) + "': ") + what);
}

// "[784,256]", a JSON array of sizes: in the writer's header, and in the reader's messages, which quote
// the header's own numbers.
template <class Sizes>
void append_sizes(std::string& out, const Sizes& sizes) {
  out += '[';
  for (std::size_t i = 0; i < sizes.size(); ++i) out.append(i ? "," : "").append(std::to_string(sizes[i]));
  out += ']';
}

inline void append_le(std::string& out, std::uint64_t value, std::size_t size) {
  for (std::size_t b = 0; b < size; ++b) out.push_back(static_cast<char>((value >> (8 * b)) & 0xff));
}

}  // namespace xg::interop::detail
