// Exercise 04: write the three bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 4
#include "adamw_optimizer.hpp"

#include "not_implemented.hpp"

namespace course {

float adamw_decay_factor(double lr, double weight_decay) {
  throw course::NotImplemented("04-adamw-vs-adam-l2", "adamw_decay_factor()");
}

void adamw_update(float& param, float grad, float& m, float& v, float decay_factor, const AdamConstants& c) {
  throw course::NotImplemented("04-adamw-vs-adam-l2", "adamw_update()");
}

void AdamWOptimizer::step() {
  // Given: check every parameter before changing any, flush denormals while stepping (optim/optimizer.hpp).
  check_step("AdamWOptimizer.step");
  const xg::optim::FlushDenormalsGuard flush_denormals;
  throw course::NotImplemented("04-adamw-vs-adam-l2", "AdamWOptimizer::step()");
}

}  // namespace course
