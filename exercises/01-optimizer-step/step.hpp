#pragma once
// Exercise 01: the optimizer step on plain numbers (README.md). Given: these declarations.
// You write their bodies in step.cpp.

#include <vector>

namespace course {

// One step of gradient descent: the weight w moved against its gradient, by lr times the gradient.
float step(float w, float grad, float lr);

// Gradient descent on f(x) = x^2 (whose gradient is 2x), `steps` steps from x0 with learning rate lr,
// each taken with step(). Returns every x on the way: x0 first, then one entry per step, so
// steps + 1 values.
std::vector<float> descend_x_squared(float x0, float lr, int steps);

}  // namespace course
