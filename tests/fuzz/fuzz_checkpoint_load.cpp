// libFuzzer harness for Checkpoint::load: any bytes, as a checkpoint, into fixed_checkpoint(): the
// model of fixed_model(), an Adam over it with state, a StepLR part way through, and two generators.
//
// Promises checked (abort otherwise):
//  - a load that throws xg::Error changes nothing: parameters, gradients, the optimizer's state, the
//    scheduler's state, the generators, epoch, step and notes stay byte for byte;
//  - a load never touches the gradients;
//  - what loads, saves, and the saved bytes load into a fresh fixed_checkpoint() to the same bytes.
// Any other exception, a crash or a sanitizer report is a finding too.

#include "checksum_mutator.hpp"
#include "fixtures.hpp"

#include <xgrad/optim/lr_scheduler/scheduler_state.hpp>

#include <cstddef>
#include <cstdint>

namespace {

// Everything a load may change, as bytes.
std::string everything(xg_fuzz::FixedCheckpoint& fixed) {
  std::string bytes = xg_fuzz::value_bytes(fixed.model.parameters());
  bytes += xg::optim::encode_state_dict(fixed.adam->state_dict());
  bytes += xg::optim::encode_scheduler_state(fixed.scheduler->state_dict());
  for (const xg::Generator* generator : {fixed.dropout.get(), fixed.shuffle.get()}) {
    const xg::GeneratorState state = generator->get_state();
    bytes.append(reinterpret_cast<const char*>(&state.seed), 8);
    bytes.append(reinterpret_cast<const char*>(&state.state), 8);
    bytes += state.has_spare_normal ? "spare" : "none";
    if (state.has_spare_normal) bytes.append(reinterpret_cast<const char*>(&state.spare_normal), 8);
  }
  bytes += std::to_string(fixed.checkpoint->epoch) + "/" + std::to_string(fixed.checkpoint->step);
  for (const auto& [key, value] : fixed.checkpoint->notes) bytes += key + "=" + value + ";";
  return bytes;
}

}  // namespace

XG_FUZZ_MUTATE_THEN_FIX(xg_fuzz::fix_sealed_checksum)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xg_fuzz::FixedCheckpoint fixed = xg_fuzz::fixed_checkpoint(2);
  const std::string before = everything(fixed);
  const std::string gradients_before = xg_fuzz::gradient_bytes(fixed.model.parameters());

  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    fixed.checkpoint->load_bytes(bytes, "'the input'");
  } catch (const xg::Error&) {
    if (everything(fixed) != before) xg_fuzz::fail("a checkpoint load that threw changed something");
    if (xg_fuzz::gradient_bytes(fixed.model.parameters()) != gradients_before) {
      xg_fuzz::fail("a checkpoint load that threw changed a gradient");
    }
    return 0;
  }
  if (xg_fuzz::gradient_bytes(fixed.model.parameters()) != gradients_before) {
    xg_fuzz::fail("a checkpoint load changed a gradient");
  }
  const std::string saved = fixed.checkpoint->encode();
  xg_fuzz::FixedCheckpoint fresh = xg_fuzz::fixed_checkpoint(0);
  fresh.checkpoint->load_bytes(saved, "'the saved input'");  // an xg::Error escapes: a finding
  if (everything(fresh) != everything(fixed)) xg_fuzz::fail("a saved checkpoint loaded back to another state");
  return 0;
}
