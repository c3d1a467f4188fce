#pragma once
// Exercise 10: the optimizer race (README.md). Given: this header, the problems and the racers. You
// write the two gradients, race() and trajectory_figure() in race.cpp.

#include "adamw_optimizer.hpp"
#include "sgd_momentum.hpp"

#include <support/plot.hpp>
#include <xgrad/xgrad.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course {

struct Gradient {
  float x = 0;
  float y = 0;
};

// Rosenbrock's banana valley f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). Yours.
Gradient rosenbrock_gradient(float x, float y);

// A quadratic bowl of condition number 100, f(x, y) = (x - 1)^2 / 2 + 50 (y - 1)^2, minimum 0 at
// (1, 1): its curvatures are 1 along x and 100 along y. Yours.
Gradient quadratic_gradient(float x, float y);

// Given: a problem is a function, its gradient, a start, the minimum and the box the picture shows.
struct Problem {
  std::string name;
  float start_x, start_y, best_x, best_y;
  double x_min, x_max, y_min, y_max;
  std::function<float(float, float)> f;
  std::function<Gradient(float, float)> gradient;
};

inline Problem rosenbrock() {
  return {"Rosenbrock",
          -1.2f,
          1.0f,
          1.0f,
          1.0f,
          -2.0,
          2.0,
          -1.0,
          3.0,
          [](float x, float y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); },
          rosenbrock_gradient};
}

inline Problem quadratic() {
  return {"quadratic, condition number 100",
          -1.0f,
          -1.0f,
          1.0f,
          1.0f,
          -1.5,
          1.5,
          -1.5,
          3.0,
          [](float x, float y) { return 0.5f * (x - 1) * (x - 1) + 50 * (y - 1) * (y - 1); },
          quadratic_gradient};
}

constexpr float kGoal = 0.01f;     // within this distance of the minimum
constexpr long kMaxSteps = 50000;  // give up after this many steps

struct RaceResult {
  long steps = -1;                     // steps taken until the point was within kGoal; -1: never
  float final_distance = 0;            // from the last point to the minimum
  std::vector<double> path_x, path_y;  // every point, the start first
};

// The race of one optimizer that owns `point` (a [2] tensor at the problem's start) on `problem`:
// before every step, the point's distance to the minimum; done when it is below kGoal, or after
// kMaxSteps steps, or when it is no longer finite. Yours.
RaceResult race(const Problem& problem, xg::optim::Optimizer& optimizer, xg::Tensor& point);

// Given: a racer makes its optimizer for a point on either problem, with the learning rate tuned for
// that problem (those of examples/optimizer_race.cpp): yours (course::) and xgrad's, the same settings.
using MakeOptimizer = std::function<std::unique_ptr<xg::optim::Optimizer>(xg::Tensor)>;
struct Racer {
  std::string name;
  MakeOptimizer yours_on_rosenbrock, yours_on_quadratic;
  MakeOptimizer xgrads_on_rosenbrock, xgrads_on_quadratic;
};

inline std::vector<Racer> racers() {
  using namespace xg::optim;
  const auto sgd = [](double lr, double momentum, bool nesterov, bool yours) -> MakeOptimizer {
    return [=](xg::Tensor p) -> std::unique_ptr<Optimizer> {
      const SGDOptions options = SGDOptions(lr).momentum(momentum).nesterov(nesterov);
      if (yours) return std::make_unique<MomentumSGD>(std::vector<xg::Tensor>{p}, options);
      return std::make_unique<SGD>(std::vector<xg::Tensor>{p}, options);
    };
  };
  const auto adam = [](double lr, bool yours) -> MakeOptimizer {
    return [=](xg::Tensor p) -> std::unique_ptr<Optimizer> {
      if (yours) return std::make_unique<AdamOptimizer>(std::vector<xg::Tensor>{p}, AdamOptions(lr));
      return std::make_unique<Adam>(std::vector<xg::Tensor>{p}, AdamOptions(lr));
    };
  };
  const auto adamw = [](double lr, bool yours) -> MakeOptimizer {
    return [=](xg::Tensor p) -> std::unique_ptr<Optimizer> {
      const AdamWOptions options = AdamWOptions(lr).weight_decay(1e-4);
      if (yours) return std::make_unique<AdamWOptimizer>(std::vector<xg::Tensor>{p}, options);
      return std::make_unique<AdamW>(std::vector<xg::Tensor>{p}, options);
    };
  };
  return {
      {"SGD", sgd(2e-3, 0, false, true), sgd(0.019, 0, false, true), sgd(2e-3, 0, false, false),
       sgd(0.019, 0, false, false)},
      {"Momentum 0.9", sgd(3e-3, 0.9, false, true), sgd(0.012, 0.9, false, true), sgd(3e-3, 0.9, false, false),
       sgd(0.012, 0.9, false, false)},
      {"Nesterov 0.9", sgd(1e-3, 0.9, true, true), sgd(0.01, 0.9, true, true), sgd(1e-3, 0.9, true, false),
       sgd(0.01, 0.9, true, false)},
      {"Adam", adam(0.1, true), adam(0.05, true), adam(0.1, false), adam(0.05, false)},
      {"AdamW (wd 1e-4)", adamw(0.1, true), adamw(0.05, true), adamw(0.1, false), adamw(0.05, false)},
  };
}

// Given: a point at the problem's start that requires grad.
inline xg::Tensor start_point(const Problem& problem) {
  return xg::tensor(xt::xarray<float>{problem.start_x, problem.start_y}, true);
}

// One problem's race: the racers' names and results, in the same order.
struct RaceOnProblem {
  Problem problem;
  std::vector<std::pair<std::string, RaceResult>> results;
};

// The picture: one ContourPlot per problem, side by side, each with every racer's path drawn over the
// function's contours (a Series named after the racer). Yours.
support::Figure trajectory_figure(const std::vector<RaceOnProblem>& races);

}  // namespace course
