// Exercise 10, the reference solution.
#include "race.hpp"

#include <cmath>

namespace course {

// df/dx = -2 (1 - x) - 400 x (y - x^2), df/dy = 200 (y - x^2).
Gradient rosenbrock_gradient(float x, float y) { return {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)}; }

// df/dx = x - 1, df/dy = 100 (y - 1).
Gradient quadratic_gradient(float x, float y) { return {x - 1, 100 * (y - 1)}; }

RaceResult race(const Problem& problem, xg::optim::Optimizer& optimizer, xg::Tensor& point) {
  RaceResult result;
  for (long step = 0;; ++step) {
    const float x = point.data()(0), y = point.data()(1);
    const float distance = std::hypot(x - problem.best_x, y - problem.best_y);
    result.path_x.push_back(x);
    result.path_y.push_back(y);
    if (distance < kGoal || step == kMaxSteps || !std::isfinite(distance)) {
      result.steps = distance < kGoal ? step : -1;
      result.final_distance = distance;
      return result;
    }
    // The gradient by hand (two numbers, no graph), then the optimizer's step.
    const Gradient g = problem.gradient(x, y);
    point.set_grad(xt::xarray<float>{g.x, g.y});
    optimizer.step();
  }
}

support::Figure trajectory_figure(const std::vector<RaceOnProblem>& races) {
  support::Figure figure{"Optimizer race: your optimizers' paths to within 0.01 of the minimum", {}};
  for (const RaceOnProblem& race : races) {
    support::ContourPlot plot;
    plot.title = race.problem.name;
    const Problem problem = race.problem;
    plot.f = [problem](double x, double y) { return problem.f(static_cast<float>(x), static_cast<float>(y)); };
    plot.x_min = problem.x_min, plot.x_max = problem.x_max, plot.y_min = problem.y_min, plot.y_max = problem.y_max;
    for (const auto& [name, result] : race.results) plot.trajectories.emplace_back(name, result.path_x, result.path_y);
    figure.charts.push_back(plot);
  }
  return figure;
}

}  // namespace course
