// Exercise 10's program (given; scripts/exercise.sh 10 runs it once the checks pass): your optimizers
// raced on both problems, the table of steps to within 0.01 of the minimum, and trajectories.svg (the
// paths over each function's contours) in the folder argv[1].
#include "race.hpp"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  std::vector<course::RaceOnProblem> races = {{course::rosenbrock(), {}}, {course::quadratic(), {}}};
  for (const course::Racer& racer : course::racers()) {
    for (course::RaceOnProblem& on_problem : races) {
      const bool is_rosenbrock = &on_problem == &races[0];
      xg::Tensor point = course::start_point(on_problem.problem);
      const std::unique_ptr<xg::optim::Optimizer> optimizer =
          (is_rosenbrock ? racer.yours_on_rosenbrock : racer.yours_on_quadratic)(point);
      on_problem.results.emplace_back(racer.name, course::race(on_problem.problem, *optimizer, point));
    }
  }
  std::printf("steps to within %.2g of the minimum (-1: not within %ld steps)\n\n", static_cast<double>(course::kGoal),
              course::kMaxSteps);
  std::printf("  %-18s %12s %12s\n", "optimizer", "Rosenbrock", "quadratic");
  for (std::size_t r = 0; r < races[0].results.size(); ++r) {
    std::printf("  %-18s %12ld %12ld\n", races[0].results[r].first.c_str(), races[0].results[r].second.steps,
                races[1].results[r].second.steps);
  }
  support::save_svg(out + "/trajectories.svg", course::trajectory_figure(races));
  std::printf("\nwrote %s/trajectories.svg\n", out.c_str());
  return 0;
}
