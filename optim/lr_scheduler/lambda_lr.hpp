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

// The functions of LambdaLR and MultiplicativeLR, checked: one per param group of `optimizer`, none empty.
class LrLambdaScheduler : public LRScheduler {
 protected:
  LrLambdaScheduler(Optimizer& optimizer, std::vector<LrLambda> lambdas, const char* scheduler);
  double lambda_at(std::size_t group, std::int64_t epoch) const { return lambdas_[group](epoch); }

 private:
  std::vector<LrLambda> lambdas_;
};

class LambdaLR final : public LrLambdaScheduler {
 public:
  // Throws xg::Error when a function is empty, or there is not one per param group.
  LambdaLR(Optimizer& optimizer, LrLambda lr_lambda);
  LambdaLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas);

  const char* name() const override { return "LambdaLR"; }

 private:
  double get_lr(std::size_t group) const override;
};

class MultiplicativeLR final : public LrLambdaScheduler {
 public:
  // Throws xg::Error when a function is empty, or there is not one per param group.
  MultiplicativeLR(Optimizer& optimizer, LrLambda lr_lambda);
  MultiplicativeLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas);

  const char* name() const override { return "MultiplicativeLR"; }

 private:
  double get_lr(std::size_t group) const override;
};

}  // namespace xg::optim
