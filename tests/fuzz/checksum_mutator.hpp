#pragma once
// For the harnesses of formats with a CRC-32 (model files, optimizer state): almost every random
// mutation breaks the checksum, and the code behind the check would never run. Their
// LLVMFuzzerCustomMutator, which XG_FUZZ_MUTATE_THEN_FIX(fix) defines, calls mutate_then_fix: libFuzzer's
// own mutation, then, seven times in eight, `fix` makes the checksums right again; the rest keep a wrong
// one, so the check itself stays fuzzed.

#include <xgrad/core/binary_io.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace xg_fuzz {

// The `fix` of the formats in core/binary_io.hpp's sealed envelope (optimizer and scheduler state):
// makes the payload size and the CRC-32 at the end agree with the bytes between.
inline void fix_sealed_checksum(std::uint8_t* data, std::size_t size) {
  if (size < xg::kSealedHeaderSize + 4) return;
  const std::uint64_t payload_size = size - xg::kSealedHeaderSize - 4;
  std::memcpy(data + 12, &payload_size, 8);  // the format and the host (x86-64) are little-endian
  const std::uint32_t crc =
      xg::crc32_of(std::string_view(reinterpret_cast<const char*>(data + xg::kSealedHeaderSize), payload_size));
  std::memcpy(data + size - 4, &crc, 4);
}

inline std::size_t mutate_then_fix(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed,
                                   void (*fix)(std::uint8_t* data, std::size_t size)) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) fix(data, size);
  return size;
}

}  // namespace xg_fuzz

// Defines the harness's LLVMFuzzerCustomMutator (libFuzzer looks it up by that name) with this `fix`.
#define XG_FUZZ_MUTATE_THEN_FIX(fix)                                                                         \
  extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size, \
                                                 unsigned int seed) {                                        \
    return xg_fuzz::mutate_then_fix(data, size, max_size, seed, fix);                                        \
  }
