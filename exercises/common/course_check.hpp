#pragma once
// What several exercises' checks share (given code, not part of any task): a parameter on f(x) = x^2,
// a small problem with parameters of several shapes, and the side-by-side run of the student's
// optimizer against xgrad's that reports the first value that differs, bit for bit.

#include "array_check.hpp"

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course_check {

using array_check::exact;
using array_check::first_difference;
using array_check::shape_text;

// One parameter holding x0, for f(x) = x^2.
inline xg::Tensor start_at(float x0) { return xg::tensor(xt::xarray<float>{x0}, true); }

// Sets the parameter's gradient to that of f(x) = x^2 at its value: 2x.
inline void set_square_gradient(xg::Tensor& x) { x.set_grad(xt::xarray<float>{2.0f * x.data()(0)}); }

inline float value(const xg::Tensor& x) { return x.data()(0); }

// A small problem with parameters of three shapes: a linear layer W [4, 3], b [3] fitted to targets by
// mean squared error, plus a quartic term on a third parameter E [2, 2, 2], so that the gradients
// differ in size from parameter to parameter and from step to step.
struct SmallProblem {
  xg::Tensor inputs;   // [5, 4]
  xg::Tensor targets;  // [5, 3]
  std::vector<xg::Array> initial;

  explicit SmallProblem(std::uint64_t seed = 0) {
    xg::Generator generator(seed);
    inputs = xg::randn({5, 4}, generator);
    targets = xg::randn({5, 3}, generator);
    initial = {xg::randn({4, 3}, generator).data(), xg::randn({3}, generator).data(),
               xg::randn({2, 2, 2}, generator).data()};
  }

  // A fresh set of parameters at the initial values.
  std::vector<xg::Tensor> parameters() const {
    std::vector<xg::Tensor> params;
    for (const xg::Array& values : initial) params.push_back(xg::tensor(values, true));
    return params;
  }

  // Sets every parameter's gradient (the previous ones are dropped first).
  void backward(std::vector<xg::Tensor>& params) const {
    for (xg::Tensor& p : params) p.zero_grad(/*set_to_none=*/true);
    const xg::Tensor error = xg::matmul(inputs, params[0]) + params[1] - targets;
    const xg::Tensor& e = params[2];
    const xg::Tensor loss = xg::mean(error * error) + 0.1f * xg::sum(e * e * e * e);
    loss.backward();
  }
};

using MakeOptimizer = std::function<std::unique_ptr<xg::optim::Optimizer>(std::vector<xg::Tensor>)>;

// Runs `steps` steps of the student's optimizer and of xgrad's on two copies of the problem; fails the
// check at the first step where a parameter differs, naming the step, the parameter and the element.
inline void expect_same_trajectory(const SmallProblem& problem, const MakeOptimizer& make_mine,
                                   const MakeOptimizer& make_xgrad, int steps, const std::string& what) {
  std::vector<xg::Tensor> mine = problem.parameters();
  std::vector<xg::Tensor> reference = problem.parameters();
  const std::unique_ptr<xg::optim::Optimizer> my_optimizer = make_mine(mine);
  const std::unique_ptr<xg::optim::Optimizer> xgrad_optimizer = make_xgrad(reference);
  for (int step = 1; step <= steps; ++step) {
    problem.backward(mine);
    problem.backward(reference);
    my_optimizer->step();
    xgrad_optimizer->step();
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const std::string difference = first_difference(mine[i].data(), reference[i].data());
      if (!difference.empty()) {
        ADD_FAILURE() << what << ": after step " << step << ", parameter " << i << " (shape "
                      << shape_text(mine[i].shape()) << "): " << difference;
        return;
      }
    }
  }
}

// expect_same_trajectory for each (name, options) case, the student's optimizer Mine against xgrad's
// Xgrad, both constructed from (parameters, options).
template <class Mine, class Xgrad, class Options>
void expect_same_trajectories(const std::vector<std::pair<std::string, Options>>& cases, int steps,
                              const std::string& what) {
  const SmallProblem problem;
  for (const auto& [name, options] : cases) {
    expect_same_trajectory(
        problem, [&](std::vector<xg::Tensor> p) { return std::make_unique<Mine>(std::move(p), options); },
        [&](std::vector<xg::Tensor> p) { return std::make_unique<Xgrad>(std::move(p), options); }, steps,
        what + " with " + name);
  }
}

// The named state buffer of a parameter; fails the check (and throws to end it) when there is none.
inline const xg::Array& buffer(const xg::optim::Optimizer& optimizer, const xg::Tensor& p, const std::string& name) {
  const xg::optim::OptimizerParamState* state = optimizer.state(p);
  if (state == nullptr) {
    ADD_FAILURE() << "the parameter has no state after a step (state_of(p) creates it)";
    throw std::runtime_error("no state");
  }
  const auto found = state->buffers.find(name);
  if (found == state->buffers.end()) {
    ADD_FAILURE() << "the parameter's state has no buffer \"" << name << "\" (state_buffer(state, \"" << name
                  << "\", p) creates it)";
    throw std::runtime_error("no buffer");
  }
  return found->second;
}

}  // namespace course_check
