// Exercise 01: write the two bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 1
#include "step.hpp"

#include "not_implemented.hpp"

namespace course {

float step(float w, float grad, float lr) { throw course::NotImplemented("01-optimizer-step", "step()"); }

std::vector<float> descend_x_squared(float x0, float lr, int steps) {
  throw course::NotImplemented("01-optimizer-step", "descend_x_squared()");
}

}  // namespace course
