// The experiment of docs/tour/06-scheduler.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  namespace optim = xg::optim;
  xg::Tensor w = xg::zeros({1}, /*requires_grad=*/true);
  auto lr_of = [](const optim::Optimizer& o) { return o.param_groups()[0].options().get_lr(); };

  optim::SGD a({w}, optim::SGDOptions(0.1));
  optim::StepLR step_lr(a, /*step_size=*/2, /*gamma=*/0.5);
  std::printf("StepLR:           ");
  for (int epoch = 0; epoch <= 6; ++epoch, step_lr.step()) std::printf(" %.4f", lr_of(a));

  optim::SGD b({w}, optim::SGDOptions(0.1));
  optim::CosineAnnealingLR cosine(b, /*T_max=*/4);
  std::printf("\nCosineAnnealingLR:");
  for (int epoch = 0; epoch <= 8; ++epoch, cosine.step()) std::printf(" %.4f", lr_of(b));

  optim::SGD c({w}, optim::SGDOptions(0.1));
  optim::WarmupCosineLR warmup(c, /*warmup_steps=*/2, /*total_steps=*/6);
  std::printf("\nWarmupCosineLR:   ");
  for (int epoch = 0; epoch <= 8; ++epoch, warmup.step()) std::printf(" %.4f", lr_of(c));
  std::printf("\nWarmupCosineLR.lr_at(3) = %.4f\n", warmup.lr_at(3));
  // tour: end
  return 0;
}
