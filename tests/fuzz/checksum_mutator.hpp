#pragma once
// For the harnesses of formats with a CRC-32 (model files, optimizer state): almost every random
// mutation breaks the checksum, and the code behind the check would never run. Their
// LLVMFuzzerCustomMutator calls mutate_then_fix: libFuzzer's own mutation, then, seven times in eight,
// `fix` makes the checksums right again; the rest keep a wrong one, so the check itself stays fuzzed.

#include <cstddef>
#include <cstdint>

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace xg_fuzz {

inline std::size_t mutate_then_fix(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed,
                                   void (*fix)(std::uint8_t* data, std::size_t size)) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) fix(data, size);
  return size;
}

}  // namespace xg_fuzz
