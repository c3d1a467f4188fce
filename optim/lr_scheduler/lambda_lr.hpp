#pragma once
// LambdaLR and MultiplicativeLR (PyTorch 1.13): the schedule is a function of the epoch that you give.
//   LambdaLR:         lr(t) = base_lr * lr_lambda(t)
//   MultiplicativeLR: lr(t) = lr(t-1) * lr_lambda(t) for t > 0, lr(0) = the group's lr
//
//   xg::optim::LambdaLR warmup(opt, [](std::int64_t epoch) { return std::min(1.0, (epoch + 1) / 10.0); });
//
// One function for every group, or one per group. As in PyTorch the functions are not part of the
// state: state_dict() saves the progress, and the scheduler it is loaded into brings its own functions.
// Neither has a closed form in PyTorch (LambdaLR's rule is one, but PyTorch does not declare it).

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <functional>

namespace xg::optim {

using LrLambda = std::function<double(std::int64_t epoch)>;

// What LambdaLR and MultiplicativeLR share: one function per param group of `optimizer` (checked: one
// per group, none empty), and the rule that applies them. The two classes below only name the rule.
class LrLambdaScheduler : public LRScheduler {
 public:
  const char* name() const override { return name_; }

 protected:
  enum class Rule {
    times_base_lr,     // LambdaLR
    times_current_lr,  // MultiplicativeLR
  };
  // Throws xg::Error when a function is empty, or there is not one per param group.
  LrLambdaScheduler(Optimizer& optimizer, std::vector<LrLambda> lambdas, const char* name, Rule rule);
  // The same function for every param group.
  static std::vector<LrLambda> for_every_group(const Optimizer& optimizer, const LrLambda& lambda);

 private:
  double get_lr(std::size_t group) const override;

  std::vector<LrLambda> lambdas_;
  const char* name_;
  Rule rule_;
};

class LambdaLR final : public LrLambdaScheduler {
 public:
  LambdaLR(Optimizer& optimizer, const LrLambda& lr_lambda);
  LambdaLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas);
};

class MultiplicativeLR final : public LrLambdaScheduler {
 public:
  MultiplicativeLR(Optimizer& optimizer, const LrLambda& lr_lambda);
  MultiplicativeLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas);
};

}  // namespace xg::optim
