// Exercise 01, the reference solution.
#include "step.hpp"

namespace course {

float step(float w, float grad, float lr) { return w - lr * grad; }

std::vector<float> descend_x_squared(float x0, float lr, int steps) {
  std::vector<float> xs{x0};
  float x = x0;
  for (int k = 0; k < steps; ++k) {
    const float grad = 2 * x;  // d/dx x^2
    x = step(x, grad, lr);
    xs.push_back(x);
  }
  return xs;
}

}  // namespace course
