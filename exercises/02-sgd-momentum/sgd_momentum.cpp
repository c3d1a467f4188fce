// Exercise 02: write the two bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 2
#include "sgd_momentum.hpp"

#include "not_implemented.hpp"

#include <cmath>

namespace course {

void momentum_update(float& param, float grad, float& velocity, bool first_step, const MomentumConstants& c) {
  throw course::NotImplemented("02-sgd-momentum", "momentum_update()");
}

void MomentumSGD::step() {
  // Given: xgrad's optimizers check every parameter before changing any, and flush denormals while
  // they step (see optim/optimizer.hpp). Keep these two lines first.
  check_step("MomentumSGD.step");
  const xg::optim::FlushDenormalsGuard flush_denormals;
  throw course::NotImplemented("02-sgd-momentum", "MomentumSGD::step()");
}

}  // namespace course
