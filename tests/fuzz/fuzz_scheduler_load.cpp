// libFuzzer harness for load_scheduler_state: any bytes, as a scheduler state file, into the
// SequentialLR and into the ReduceLROnPlateau of fixed_schedulers(4) (the file goes to a path in memory).
//
// Promises checked (abort otherwise):
//  - a load that throws xg::Error changes nothing: the scheduler's state (its sub-schedulers' too) and
//    the optimizer's lrs stay byte for byte;
//  - what loads, saves, and the saved file loads into fresh schedulers to the same state.
// Any other exception, a crash or a sanitizer report is a finding too.

#include "checksum_mutator.hpp"
#include "fixtures.hpp"
#include "input_file.hpp"

#include <cstddef>
#include <cstdint>

namespace {

std::string lr_bytes(const xg::optim::Optimizer& optimizer) {
  std::string bytes;
  for (const xg::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    const double lr = group.options().get_lr();
    bytes.append(reinterpret_cast<const char*>(&lr), sizeof lr);
  }
  return bytes;
}

// Loads the file at `path` into `scheduler` and checks the promises; `fresh` is the same scheduler in
// another fixed_schedulers(0), for the round trip.
template <typename Scheduler>
void check_load(Scheduler& scheduler, const xg::optim::Optimizer& optimizer, Scheduler& fresh, const std::string& path,
                xg_fuzz::InputFile& saved_file) {
  const std::string state_before = xg::optim::encode_scheduler_state(scheduler.state_dict());
  const std::string lrs_before = lr_bytes(optimizer);
  try {
    xg::optim::load_scheduler_state(scheduler, path);
  } catch (const xg::Error&) {
    if (xg::optim::encode_scheduler_state(scheduler.state_dict()) != state_before) {
      xg_fuzz::fail("a load that threw changed the scheduler's state");
    }
    if (lr_bytes(optimizer) != lrs_before) xg_fuzz::fail("a load that threw changed the optimizer's lrs");
    return;
  }
  if (lr_bytes(optimizer) != lrs_before) xg_fuzz::fail("a load changed the optimizer's lrs");
  const std::string saved = xg::optim::encode_scheduler_state(scheduler.state_dict());
  // An xg::Error escaping here is a finding: what loaded must save and load back.
  xg::optim::load_scheduler_state(fresh,
                                  saved_file.hold(reinterpret_cast<const std::uint8_t*>(saved.data()), saved.size()));
  if (xg::optim::encode_scheduler_state(fresh.state_dict()) != saved) {
    xg_fuzz::fail("a saved scheduler state loaded back to another state");
  }
}

}  // namespace

XG_FUZZ_MUTATE_THEN_FIX(xg_fuzz::fix_sealed_checksum)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static xg_fuzz::InputFile input, saved;
  const std::string& path = input.hold(data, size);
  xg_fuzz::FixedSchedulers fixed = xg_fuzz::fixed_schedulers(4);
  xg_fuzz::FixedSchedulers fresh = xg_fuzz::fixed_schedulers(0);
  check_load(*fixed.sequential, *fixed.optimizer.adam, *fresh.sequential, path, saved);
  check_load(*fixed.plateau, *fixed.optimizer.adam, *fresh.plateau, path, saved);
  return 0;
}
