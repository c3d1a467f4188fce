// The optimizer race: how many steps each of xgrad's optimizers needs to get within 0.01 of the
// minimum of two classic problems, with learning rates tuned once (the best of a grid from 1e-4 to 1,
// leaving out lucky single hits) and then fixed:
//   - Rosenbrock's banana valley f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1), minimum (1, 1);
//   - a quadratic bowl with condition number 100, f = (x - 1)^2 / 2 + 100 (y - 1)^2 / 2 from (-1, -1).
// Then Adam with L2 weight decay against AdamW on the quadratic: the same decay, different places.
//
//   optimizer_race [--out DIR]     (default ./out/optimizer_race)
// Every trajectory goes to DIR/<problem>_<optimizer>.csv (step, x, y, loss, distance to the minimum),
// and all of them to DIR/trajectories.svg, drawn over each function's contours.
#include <support/plot.hpp>
#include <xgrad/xgrad.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;

struct Problem {
  std::string name;
  float start_x, start_y, best_x, best_y;
  double box[4];  // x_min, x_max, y_min, y_max: what the picture shows
  std::function<float(float, float)> loss;
  std::function<void(float, float, float&, float&)> gradient;  // written by hand: two numbers, no graph
};

Problem rosenbrock() {
  return {"rosenbrock",
          -1.2f,
          1.0f,
          1.0f,
          1.0f,
          {-2.0, 2.0, -1.0, 3.0},
          [](float x, float y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); },
          [](float x, float y, float& gx, float& gy) {
            gx = -2 * (1 - x) - 400 * x * (y - x * x);
            gy = 200 * (y - x * x);
          }};
}

Problem quadratic_kappa_100() {
  return {"quadratic",
          -1.0f,
          -1.0f,
          1.0f,
          1.0f,
          {-1.5, 1.5, -1.5, 3.0},
          [](float x, float y) { return 0.5f * (x - 1) * (x - 1) + 50 * (y - 1) * (y - 1); },
          [](float x, float y, float& gx, float& gy) {
            gx = x - 1;
            gy = 100 * (y - 1);
          }};
}

using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<xg::Tensor>)>;

struct Racer {
  std::string name;
  Factory rosenbrock, quadratic;  // each with the learning rate tuned for that problem
};

std::vector<Racer> racers() {
  auto sgd = [](double lr, double momentum, bool nesterov) {
    return [=](std::vector<xg::Tensor> p) -> std::unique_ptr<Optimizer> {
      return std::make_unique<SGD>(p, SGDOptions(lr).momentum(momentum).nesterov(nesterov));
    };
  };
  auto adam = [](double lr) {
    return [=](std::vector<xg::Tensor> p) -> std::unique_ptr<Optimizer> {
      return std::make_unique<Adam>(p, AdamOptions(lr));
    };
  };
  auto adamw = [](double lr) {
    return [=](std::vector<xg::Tensor> p) -> std::unique_ptr<Optimizer> {
      return std::make_unique<AdamW>(p, AdamWOptions(lr).weight_decay(1e-4));
    };
  };
  auto rmsprop = [](double lr) {
    return [=](std::vector<xg::Tensor> p) -> std::unique_ptr<Optimizer> {
      return std::make_unique<RMSprop>(p, RMSpropOptions(lr));
    };
  };
  auto adagrad = [](double lr) {
    return [=](std::vector<xg::Tensor> p) -> std::unique_ptr<Optimizer> {
      return std::make_unique<Adagrad>(p, AdagradOptions(lr));
    };
  };
  return {
      {"SGD", sgd(2e-3, 0, false), sgd(0.019, 0, false)},
      {"Momentum 0.9", sgd(3e-3, 0.9, false), sgd(0.012, 0.9, false)},
      {"Nesterov 0.9", sgd(1e-3, 0.9, true), sgd(0.01, 0.9, true)},
      {"Adam", adam(0.1), adam(0.05)},
      {"AdamW (wd 1e-4)", adamw(0.1), adamw(0.05)},
      {"RMSprop", rmsprop(3e-3), rmsprop(0.03)},
      {"Adagrad", adagrad(0.5), adagrad(0.5)},
  };
}

struct Result {
  long steps_to_goal = -1;  // -1: not within the limit
  float final_distance = 0;
  std::vector<double> xs, ys;  // the points written to the CSV, for the picture
};

constexpr long kMaxSteps = 50000;
constexpr float kGoal = 0.01f;

// Runs until ||x - x*|| < kGoal (or kMaxSteps), writing the trajectory to `csv_path`.
Result race(const Problem& problem, const Factory& make, const std::string& csv_path) {
  xg::Tensor point = xg::tensor(xt::xarray<float>{problem.start_x, problem.start_y}, true);
  std::unique_ptr<Optimizer> optimizer = make({point});
  std::ofstream csv(csv_path);
  csv << "step,x,y,loss,distance\n";
  Result result;
  for (long step = 0;; ++step) {
    const float x = point.data()(0), y = point.data()(1);
    const float distance = std::hypot(x - problem.best_x, y - problem.best_y);
    // Every step at first, then every 10th: the CSVs stay small and still show the path.
    if (step <= 1000 || step % 10 == 0 || distance < kGoal || step == kMaxSteps) {
      csv << step << ',' << x << ',' << y << ',' << problem.loss(x, y) << ',' << distance << '\n';
      result.xs.push_back(x);
      result.ys.push_back(y);
    }
    if (distance < kGoal || step == kMaxSteps || !std::isfinite(distance)) {
      result.steps_to_goal = distance < kGoal ? step : -1;
      result.final_distance = distance;
      return result;
    }
    float gx, gy;
    problem.gradient(x, y, gx, gy);
    point.mutable_grad()(0) = gx;
    point.mutable_grad()(1) = gy;
    optimizer->step();
  }
}

// Adam's L2 term is added to the gradient and then divided by sqrt(v) like the rest of it, so it
// pulls hardest on the coordinate with the smallest gradients; AdamW shrinks every weight by the same
// factor. On the quadratic the two settle in different places.
void l2_versus_decoupled(const std::string& out_dir) {
  const Problem problem = quadratic_kappa_100();
  const double lr = 0.01, weight_decay = 0.1;
  xg::Tensor a = xg::tensor(xt::xarray<float>{problem.start_x, problem.start_y}, true);
  xg::Tensor b = xg::tensor(xt::xarray<float>{problem.start_x, problem.start_y}, true);
  Adam adam_l2({a}, AdamOptions(lr).weight_decay(weight_decay));
  AdamW adamw({b}, AdamWOptions(lr).weight_decay(weight_decay));
  std::ofstream csv(out_dir + "/l2_vs_adamw.csv");
  csv << "step,adam_l2_x,adam_l2_y,adamw_x,adamw_y\n";
  long parted_at = -1;
  const long steps = 3000;
  for (long step = 0; step <= steps; ++step) {
    csv << step << ',' << a.data()(0) << ',' << a.data()(1) << ',' << b.data()(0) << ',' << b.data()(1) << '\n';
    const float gap = std::hypot(a.data()(0) - b.data()(0), a.data()(1) - b.data()(1));
    if (parted_at < 0 && gap > 0.01f) parted_at = step;
    for (auto [point, optimizer] : {std::pair<xg::Tensor*, Optimizer*>{&a, &adam_l2}, {&b, &adamw}}) {
      float gx, gy;
      problem.gradient(point->data()(0), point->data()(1), gx, gy);
      point->mutable_grad()(0) = gx;
      point->mutable_grad()(1) = gy;
      optimizer->step();
    }
  }
  std::printf("\nAdam + L2 vs AdamW on the quadratic (lr %g, weight decay %g, %ld steps):\n", lr, weight_decay, steps);
  std::printf("  the two are 0.01 apart after %ld steps\n", parted_at);
  std::printf("  Adam + L2 ends at (%.4f, %.4f): the minimum of f + wd/2 |w|^2 is (%.4f, %.4f), so the flat\n",
              a.data()(0), a.data()(1), 1.0 / (1.0 + weight_decay), 100.0 / (100.0 + weight_decay));
  std::printf("            coordinate (curvature 1) is pulled 100x further than the steep one\n");
  std::printf("  AdamW     ends at (%.4f, %.4f): the decay shrinks both coordinates alike\n", b.data()(0), b.data()(1));
}

// Each problem's contours with every optimizer's path over them. Levels a constant factor apart: both
// functions rise steeply away from their valley, and even levels would crowd there.
void write_picture(const std::string& path, const Problem (&problems)[2],
                   const std::vector<std::vector<support::Series>>& paths) {
  support::Figure figure{"Optimizer race: the paths, and the steps to within 0.01 of the minimum", {}};
  for (std::size_t p = 0; p < 2; ++p) {
    const Problem& problem = problems[p];
    support::ContourPlot plot;
    plot.title = problem.name == "rosenbrock" ? "Rosenbrock" : "quadratic, condition number 100";
    plot.f = [&problem](double x, double y) { return problem.loss(static_cast<float>(x), static_cast<float>(y)); };
    plot.x_min = problem.box[0], plot.x_max = problem.box[1], plot.y_min = problem.box[2], plot.y_max = problem.box[3];
    plot.levels = support::geometric_levels(0.01, problem.name == "rosenbrock" ? 1000 : 200, 12);
    plot.trajectories = paths[p];
    figure.charts.push_back(plot);
  }
  support::save_svg(path, figure);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir = "out/optimizer_race";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("usage: %s [--out DIR]   (trajectories as CSV and SVG; default ./out/optimizer_race)\n", argv[0]);
      return 0;
    } else {
      std::fprintf(stderr, "optimizer_race: unknown argument '%s' (expected --out DIR or --help)\n", argv[i]);
      return 2;
    }
  }
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) {
    std::fprintf(stderr, "optimizer_race: cannot create the output directory '%s': %s\n", out_dir.c_str(),
                 error.message().c_str());
    return 2;
  }

  const Problem problems[] = {rosenbrock(), quadratic_kappa_100()};
  std::vector<std::vector<support::Series>> paths(2);
  std::printf("Steps to within %.2f of the minimum (at most %ld):\n\n", kGoal, kMaxSteps);
  std::printf("  %-16s %22s %22s\n", "optimizer", "Rosenbrock", "quadratic, kappa 100");
  for (const Racer& racer : racers()) {
    std::printf("  %-16s", racer.name.c_str());
    for (std::size_t p = 0; p < 2; ++p) {
      const Problem& problem = problems[p];
      std::string file = problem.name + "_" + racer.name.substr(0, racer.name.find(' ')) + ".csv";
      const Factory& make = problem.name == "rosenbrock" ? racer.rosenbrock : racer.quadratic;
      const Result result = race(problem, make, out_dir + "/" + file);
      const std::string steps = result.steps_to_goal >= 0 ? std::to_string(result.steps_to_goal) : "not there";
      paths[p].emplace_back(racer.name + ": " + steps, result.xs, result.ys);
      if (result.steps_to_goal >= 0) {
        std::printf(" %22ld", result.steps_to_goal);
      } else {
        char text[64];
        std::snprintf(text, sizeof text, "> %ld (at %.3g)", kMaxSteps, result.final_distance);
        std::printf(" %22s", text);
      }
    }
    std::printf("\n");
  }
  l2_versus_decoupled(out_dir);
  write_picture(out_dir + "/trajectories.svg", problems, paths);
  std::printf("\nTrajectories: %s/*.csv, and over the contours in %s/trajectories.svg\n", out_dir.c_str(),
              out_dir.c_str());
  return 0;
}
