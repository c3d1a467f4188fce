// libFuzzer harness for xg::load: any bytes, as a model file, into fixed_model().
//
// Promises checked (abort otherwise):
//  - a load that throws xg::Error changes nothing: parameters and gradients stay byte for byte;
//  - a load never touches the gradients;
//  - what loads, saves, and the saved file loads into a fresh model to the same values.
// Any other exception, a crash or a sanitizer report is a finding too.

#include "checksum_mutator.hpp"
#include "fixtures.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

std::vector<xg::Tensor> parameters_of(const xg::nn::Sequential& model) {
  std::vector<xg::Tensor> parameters;
  for (const auto& entry : model.named_parameters()) parameters.push_back(entry.second);
  return parameters;
}

std::uint32_t u32_at(const std::uint8_t* data) {
  std::uint32_t value;
  std::memcpy(&value, data, 4);  // the format and the host (x86-64) are little-endian
  return value;
}

// Makes each record's CRC-32 right, walking the records as serialize.hpp lays them out, as far as the
// bytes allow, so that name matching, the shapes against the module and the copy get fuzzed too.
void fix_checksums(std::uint8_t* data, std::size_t size) {
  std::size_t offset = 8 + 4 + 8;  // magic, version, count
  while (offset + 8 <= size) {
    const std::size_t start = offset;
    offset += 4 + std::size_t{u32_at(data + offset)};  // the name
    if (offset + 4 > size) return;
    const std::uint32_t dims = u32_at(data + offset);
    offset += 4;
    if (dims > 64 || offset + 8 * std::size_t{dims} > size) return;
    std::uint64_t count = 1;
    for (std::uint32_t d = 0; d < dims; ++d, offset += 8) {
      std::uint64_t extent;
      std::memcpy(&extent, data + offset, 8);
      if (extent != 0 && count > (size / 4) / extent) return;  // more values than bytes
      count *= extent;
    }
    offset += 4 * count;
    if (offset + 4 > size) return;
    const std::uint32_t crc =
        xg::crc32_of(std::string_view(reinterpret_cast<const char*>(data + start), offset - start));
    std::memcpy(data + offset, &crc, 4);
    offset += 4;
  }
}

}  // namespace

XG_FUZZ_MUTATE_THEN_FIX(fix_checksums)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xg::nn::Sequential model = xg_fuzz::fixed_model();
  const std::vector<xg::Tensor> parameters = parameters_of(model);
  const std::string values_before = xg_fuzz::value_bytes(parameters);
  const std::string gradients_before = xg_fuzz::gradient_bytes(parameters);

  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    xg::load(model, in);
  } catch (const xg::Error&) {
    if (xg_fuzz::value_bytes(parameters) != values_before) xg_fuzz::fail("a load that threw changed a parameter");
    if (xg_fuzz::gradient_bytes(parameters) != gradients_before) xg_fuzz::fail("a load that threw changed a gradient");
    return 0;
  }
  if (xg_fuzz::gradient_bytes(parameters) != gradients_before) xg_fuzz::fail("a load changed a gradient");

  std::ostringstream saved;
  xg::save(model, saved);
  xg::nn::Sequential reloaded = xg_fuzz::fixed_model(1.0f);
  std::istringstream saved_in(saved.str());
  xg::load(reloaded, saved_in);  // an xg::Error escapes here: libFuzzer reports it as a finding
  if (xg_fuzz::value_bytes(parameters_of(reloaded)) != xg_fuzz::value_bytes(parameters)) {
    xg_fuzz::fail("a saved model loaded back to other values");
  }
  return 0;
}
