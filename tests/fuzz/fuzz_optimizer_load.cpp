// libFuzzer harness for Optimizer::load: any bytes, as an optimizer state file, into the Adam of
// fixed_optimizer(2) (state for all three parameters, steps 2 and 1).
//
// Promises checked (abort otherwise):
//  - a load that throws xg::Error changes nothing: hyperparameters and state (state_dict()),
//    parameters and gradients stay byte for byte;
//  - a load never touches parameters or gradients;
//  - what loads, saves, and the saved file loads into a fresh optimizer to the same state.
// Any other exception, a crash or a sanitizer report is a finding too.

#include "checksum_mutator.hpp"
#include "fixtures.hpp"

#include <cstddef>
#include <cstdint>

namespace {

std::string state_bytes(const xg::optim::Optimizer& optimizer) {
  return xg::optim::encode_state_dict(optimizer.state_dict());
}

}  // namespace

XG_FUZZ_MUTATE_THEN_FIX(xg_fuzz::fix_sealed_checksum)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xg_fuzz::FixedOptimizer fixed = xg_fuzz::fixed_optimizer(2);
  const std::string state_before = state_bytes(*fixed.adam);
  const std::string values_before = xg_fuzz::value_bytes(fixed.params);
  const std::string gradients_before = xg_fuzz::gradient_bytes(fixed.params);
  const auto check_parameters = [&](const char* when) {
    if (xg_fuzz::value_bytes(fixed.params) != values_before) xg_fuzz::fail(std::string(when) + " changed a parameter");
    if (xg_fuzz::gradient_bytes(fixed.params) != gradients_before) {
      xg_fuzz::fail(std::string(when) + " changed a gradient");
    }
  };

  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    fixed.adam->load(in);
  } catch (const xg::Error&) {
    if (state_bytes(*fixed.adam) != state_before) xg_fuzz::fail("a load that threw changed the optimizer's state");
    check_parameters("a load that threw");
    return 0;
  }
  check_parameters("a load");

  std::ostringstream saved;
  fixed.adam->save(saved);
  xg_fuzz::FixedOptimizer fresh = xg_fuzz::fixed_optimizer(0);
  std::istringstream saved_in(saved.str());
  fresh.adam->load(saved_in);  // an xg::Error escapes here: libFuzzer reports it as a finding
  if (state_bytes(*fresh.adam) != state_bytes(*fixed.adam)) {
    xg_fuzz::fail("a saved optimizer state loaded back to another state");
  }
  return 0;
}
