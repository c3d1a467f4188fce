// libFuzzer harness for the safetensors reader: any bytes, as a file, through xg::interop::load_model
// into fixed_model() (strict for inputs of even length, not strict for odd ones) and through load_file.
//
// Promises checked (abort otherwise):
//  - a load that throws xg::Error changes nothing: parameters and gradients stay byte for byte;
//  - load_file and load_model agree on whether the file is readable (load_model may also refuse a
//    readable file that does not fit the model);
//  - what loads, saves, and the saved file loads into a fresh model to the same values.
// Any other exception, a crash or a sanitizer report is a finding too.

#include "fixtures.hpp"
#include "input_file.hpp"

#include <xgrad/interop/safetensors.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace {

std::vector<xg::Tensor> parameters_of(const xg::nn::Sequential& model) {
  std::vector<xg::Tensor> parameters;
  for (const auto& entry : model.named_parameters()) parameters.push_back(entry.second);
  return parameters;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static xg_fuzz::InputFile input;
  const std::string& path = input.hold(data, size);
  xg::nn::Sequential model = xg_fuzz::fixed_model();
  const std::vector<xg::Tensor> parameters = parameters_of(model);
  const std::string values_before = xg_fuzz::value_bytes(parameters);
  const std::string gradients_before = xg_fuzz::gradient_bytes(parameters);

  bool readable = true;
  try {
    xg::interop::load_file(path);
  } catch (const xg::Error&) {
    readable = false;
  }
  try {
    xg::interop::load_model(model, path, /*strict=*/size % 2 == 0);
  } catch (const xg::Error&) {
    if (xg_fuzz::value_bytes(parameters) != values_before) xg_fuzz::fail("a load that threw changed a parameter");
    if (xg_fuzz::gradient_bytes(parameters) != gradients_before) xg_fuzz::fail("a load that threw changed a gradient");
    return 0;
  }
  if (!readable) xg_fuzz::fail("load_model read a file that load_file refused");
  if (xg_fuzz::gradient_bytes(parameters) != gradients_before) xg_fuzz::fail("a load changed a gradient");

  const std::string saved = (std::filesystem::temp_directory_path() / "xgrad_fuzz_safetensors.safetensors").string();
  xg::interop::save_model(model, saved);
  xg::nn::Sequential reloaded = xg_fuzz::fixed_model(1.0f);
  xg::interop::load_model(reloaded, saved);  // an xg::Error escapes here: libFuzzer reports it as a finding
  if (xg_fuzz::value_bytes(parameters_of(reloaded)) != xg_fuzz::value_bytes(parameters)) {
    xg_fuzz::fail("a saved model loaded back to other values");
  }
  return 0;
}
