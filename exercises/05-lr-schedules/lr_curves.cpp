// Exercise 05's program (given; scripts/exercise.sh 5 runs it once the checks pass): your three
// schedules over 100 steps from a base lr of 0.1, printed at a few steps and written to
// lr_curves.csv in the folder argv[1] (one row per step: step, step decay, cosine, warmup + cosine)
// and drawn in lr_curves.svg.
#include "schedules.hpp"

#include <support/plot.hpp>
#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  xg::Tensor x = xg::tensor(xt::xarray<float>{1.0f}, true);
  xg::optim::SGD optimizer({x}, xg::optim::SGDOptions(0.1));
  const course::StepDecay step_decay(optimizer, 30, 0.5);
  const course::Cosine cosine(optimizer, 100, 0.001);
  const course::WarmupCosine warmup_cosine(optimizer, 10, 100, 0.001);

  std::vector<double> steps, step_decay_lr, cosine_lr, warmup_cosine_lr;
  std::ofstream csv(out + "/lr_curves.csv");
  csv << "step,step_decay,cosine,warmup_cosine\n";
  std::printf("%5s  %12s  %12s  %14s\n", "step", "step decay", "cosine", "warmup+cosine");
  for (std::int64_t t = 0; t <= 100; ++t) {
    steps.push_back(static_cast<double>(t));
    step_decay_lr.push_back(step_decay.lr_at(t));
    cosine_lr.push_back(cosine.lr_at(t));
    warmup_cosine_lr.push_back(warmup_cosine.lr_at(t));
    csv << t << ',' << step_decay.lr_at(t) << ',' << cosine.lr_at(t) << ',' << warmup_cosine.lr_at(t) << '\n';
    if (t % 10 == 0 || t == 29 || t == 1 || t == 11) {
      std::printf("%5lld  %12.6f  %12.6f  %14.6f\n", static_cast<long long>(t), step_decay.lr_at(t), cosine.lr_at(t),
                  warmup_cosine.lr_at(t));
    }
  }
  const support::LineChart curves("learning rate by step (base 0.1)", "step", "lr",
                                  {{"step decay (30, 0.5)", steps, step_decay_lr},
                                   {"cosine to 0.001", steps, cosine_lr},
                                   {"warmup 10 + cosine", steps, warmup_cosine_lr}});
  support::save_svg(out + "/lr_curves.svg", {"Exercise 05: your schedules", {curves}});
  std::printf("wrote %s/lr_curves.csv and %s/lr_curves.svg\n", out.c_str(), out.c_str());
  return 0;
}
