#pragma once
// What the scheduler tests drive schedulers with: an optimizer whose options hold only the lr, in two
// param groups with the reference scripts' lrs.

#include <xgrad/xgrad.hpp>

#include <memory>
#include <string>
#include <vector>

namespace xg_test {

namespace optim = xg::optim;
using Lrs = std::vector<double>;

// A test-only optimizer: plain SGD (p -= lr * grad) whose options hold only the lr. Enough to drive
// schedulers without depending on the real optimizers.
class PlainSGDOptions final : public optim::OptimizerOptions {
 public:
  explicit PlainSGDOptions(double lr) : lr_(lr) {}
  std::unique_ptr<optim::OptimizerOptions> clone() const override { return std::make_unique<PlainSGDOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

 private:
  double lr_;
};

class PlainSGD final : public optim::Optimizer {
 public:
  PlainSGD(std::vector<optim::OptimizerParamGroup> groups, double default_lr)
      : Optimizer(std::move(groups), std::make_unique<PlainSGDOptions>(default_lr)) {}

  std::string name() const override { return "PlainSGD"; }

  void step() override {
    for (optim::OptimizerParamGroup& group : param_groups()) {
      const float lr = static_cast<float>(group.options().get_lr());
      for (xg::Tensor& p : group.params()) {
        if (!p.has_grad()) continue;
        float* value = p.data().data();
        const float* grad = p.grad().data();
        for (std::size_t i = 0; i < p.numel(); ++i) value[i] -= lr * grad[i];
      }
    }
  }
};

inline const Lrs kBaseLrs = {0.1, 0.03};  // the reference script's BASE_LRS

// Param groups of one parameter each, with lrs `lrs`.
inline std::vector<optim::OptimizerParamGroup> plain_groups(const Lrs& lrs) {
  std::vector<optim::OptimizerParamGroup> groups;
  for (double lr : lrs) {
    groups.emplace_back(std::vector<xg::Tensor>{xg::zeros({2}, true)}, std::make_unique<PlainSGDOptions>(lr));
  }
  return groups;
}

// Two param groups of one parameter each, with lrs 0.1 and 0.03 (or `lrs`).
inline PlainSGD two_groups(const Lrs& lrs = kBaseLrs) { return PlainSGD(plain_groups(lrs), kBaseLrs[0]); }

inline Lrs group_lrs(const optim::Optimizer& opt) {
  Lrs lrs;
  for (const optim::OptimizerParamGroup& group : opt.param_groups()) lrs.push_back(group.options().get_lr());
  return lrs;
}

}  // namespace xg_test
