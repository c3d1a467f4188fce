// Exercise 10's checks: one TEST per task in README.md, named as the task reads.
#include "race.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace {

// The race written out with xgrad's optimizer and gradients of its own (given; the yardstick).
long reference_steps(const course::Problem& problem, const course::MakeOptimizer& make, bool rosenbrock) {
  xg::Tensor point = course::start_point(problem);
  const std::unique_ptr<xg::optim::Optimizer> optimizer = make(point);
  for (long step = 0;; ++step) {
    const float x = point.data()(0), y = point.data()(1);
    const float distance = std::hypot(x - problem.best_x, y - problem.best_y);
    if (distance < course::kGoal) return step;
    if (step == course::kMaxSteps || !std::isfinite(distance)) return -1;
    const float gx = rosenbrock ? -2 * (1 - x) - 400 * x * (y - x * x) : x - 1;
    const float gy = rosenbrock ? 200 * (y - x * x) : 100 * (y - 1);
    point.set_grad(xt::xarray<float>{gx, gy});
    optimizer->step();
  }
}

course::RaceResult your_race(const course::Problem& problem, const course::MakeOptimizer& make) {
  xg::Tensor point = course::start_point(problem);
  const std::unique_ptr<xg::optim::Optimizer> optimizer = make(point);
  return course::race(problem, *optimizer, point);
}

TEST(Race, GradientsByHand) {
  // Rosenbrock at the start (-1.2, 1): -2 (2.2) - 400 (-1.2)(1 - 1.44) = -215.6, 200 (1 - 1.44) = -88.
  const course::Gradient r = course::rosenbrock_gradient(-1.2f, 1.0f);
  EXPECT_FLOAT_EQ(r.x, -215.6f);
  EXPECT_FLOAT_EQ(r.y, -88.0f);
  const course::Gradient r0 = course::rosenbrock_gradient(1.0f, 1.0f);
  EXPECT_EQ(r0.x, 0.0f) << "the gradient at the minimum (1, 1)";
  EXPECT_EQ(r0.y, 0.0f) << "the gradient at the minimum (1, 1)";
  // The quadratic at (-1, -1): x - 1 = -2, 100 (y - 1) = -200; at (3, 2): 2 and 100.
  const course::Gradient q = course::quadratic_gradient(-1.0f, -1.0f);
  EXPECT_EQ(q.x, -2.0f);
  EXPECT_EQ(q.y, -200.0f);
  const course::Gradient q2 = course::quadratic_gradient(3.0f, 2.0f);
  EXPECT_EQ(q2.x, 2.0f);
  EXPECT_EQ(q2.y, 100.0f);
}

TEST(Race, StepCountsEqualXgradsOptimizers) {
  // The steps each of your optimizers needs, to the step, against xgrad's own on the same problem.
  for (const course::Racer& racer : course::racers()) {
    const long mine_r = your_race(course::rosenbrock(), racer.yours_on_rosenbrock).steps;
    const long mine_q = your_race(course::quadratic(), racer.yours_on_quadratic).steps;
    EXPECT_EQ(mine_r, reference_steps(course::rosenbrock(), racer.xgrads_on_rosenbrock, true))
        << racer.name << " on Rosenbrock";
    EXPECT_EQ(mine_q, reference_steps(course::quadratic(), racer.xgrads_on_quadratic, false))
        << racer.name << " on the quadratic";
  }
  // Two of the counts, as the README's table shows them.
  EXPECT_EQ(your_race(course::rosenbrock(), course::racers()[3].yours_on_rosenbrock).steps, 972)
      << "Adam on Rosenbrock";
  EXPECT_EQ(your_race(course::quadratic(), course::racers()[1].yours_on_quadratic).steps, 85)
      << "Momentum 0.9 on the quadratic";
}

TEST(Race, EveryRacerReachesTheMinimum) {
  for (const course::Racer& racer : course::racers()) {
    for (const auto& [problem, make] : {std::pair{course::rosenbrock(), racer.yours_on_rosenbrock},
                                        {course::quadratic(), racer.yours_on_quadratic}}) {
      const course::RaceResult result = your_race(problem, make);
      EXPECT_GT(result.steps, 0) << racer.name << " on " << problem.name << ": steps to within 0.01";
      EXPECT_LT(result.final_distance, course::kGoal) << racer.name << " on " << problem.name;
      ASSERT_EQ(result.path_x.size(), static_cast<std::size_t>(result.steps + 1))
          << racer.name << " on " << problem.name << ": the path holds the start and one point per step";
      ASSERT_EQ(result.path_y.size(), result.path_x.size());
      EXPECT_EQ(result.path_x.front(), problem.start_x) << "the path starts at the start";
      EXPECT_EQ(result.path_y.front(), problem.start_y) << "the path starts at the start";
      EXPECT_LT(std::hypot(result.path_x.back() - 1.0, result.path_y.back() - 1.0), course::kGoal)
          << racer.name << " on " << problem.name << ": the path ends within 0.01 of (1, 1)";
    }
  }
}

TEST(Race, TheTrajectoryPictureIsWritten) {
  std::vector<course::RaceOnProblem> races;
  for (const course::Problem& problem : {course::rosenbrock(), course::quadratic()}) {
    course::RaceOnProblem on_problem{problem, {}};
    for (const course::Racer& racer : course::racers()) {
      const bool is_rosenbrock = problem.name == "Rosenbrock";
      on_problem.results.emplace_back(
          racer.name, your_race(problem, is_rosenbrock ? racer.yours_on_rosenbrock : racer.yours_on_quadratic));
    }
    races.push_back(on_problem);
  }
  const support::Figure figure = course::trajectory_figure(races);
  ASSERT_EQ(figure.charts.size(), 2u) << "one chart per problem";
  for (std::size_t p = 0; p < 2; ++p) {
    const auto* plot = std::get_if<support::ContourPlot>(&figure.charts[p]);
    ASSERT_NE(plot, nullptr) << "chart " << p << " is not a ContourPlot";
    EXPECT_EQ(plot->title, races[p].problem.name) << "the chart's title names its problem";
    ASSERT_TRUE(plot->f) << "the contour plot has no function";
    EXPECT_FLOAT_EQ(static_cast<float>(plot->f(0.0, 0.0)), races[p].problem.f(0.0f, 0.0f)) << "f(0, 0)";
    EXPECT_EQ(plot->x_min, races[p].problem.x_min);
    EXPECT_EQ(plot->x_max, races[p].problem.x_max);
    EXPECT_EQ(plot->y_min, races[p].problem.y_min);
    EXPECT_EQ(plot->y_max, races[p].problem.y_max);
    ASSERT_EQ(plot->trajectories.size(), races[p].results.size()) << "one path per racer";
    for (std::size_t r = 0; r < plot->trajectories.size(); ++r) {
      EXPECT_EQ(plot->trajectories[r].name, races[p].results[r].first);
      EXPECT_EQ(plot->trajectories[r].x, races[p].results[r].second.path_x) << races[p].results[r].first;
      EXPECT_EQ(plot->trajectories[r].y, races[p].results[r].second.path_y) << races[p].results[r].first;
    }
  }
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "xgrad_exercise10_race.svg";
  support::save_svg(file.string(), figure);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(file);
  EXPECT_EQ(text.str().rfind("<svg", 0), 0u) << "the file is an SVG";
  for (const course::Racer& racer : course::racers()) {
    EXPECT_NE(text.str().find(racer.name), std::string::npos) << "the legend names " << racer.name;
  }
}

}  // namespace
