#include <xgrad/optim/lr_scheduler/lambda_lr.hpp>

#include <xgrad/core/error.hpp>

namespace xg::optim {

LrLambdaScheduler::LrLambdaScheduler(Optimizer& optimizer, std::vector<LrLambda> lambdas, const char* scheduler)
    : LRScheduler(optimizer), lambdas_(std::move(lambdas)) {
  if (lambdas_.size() != num_groups()) {
    throw Error(std::string(scheduler) + ": expected " + std::to_string(num_groups()) +
                " lr_lambdas (one per param group), got " + std::to_string(lambdas_.size()));
  }
  for (std::size_t g = 0; g < lambdas_.size(); ++g) {
    if (!lambdas_[g]) throw Error(std::string(scheduler) + ": lr_lambda " + std::to_string(g) + " is empty");
  }
}

LambdaLR::LambdaLR(Optimizer& optimizer, LrLambda lr_lambda)
    : LambdaLR(optimizer, std::vector<LrLambda>(optimizer.param_groups().size(), lr_lambda)) {}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas)
    : LrLambdaScheduler(optimizer, std::move(lr_lambdas), "LambdaLR") {
  initial_step();
}

double LambdaLR::get_lr(std::size_t group) const { return base_lrs()[group] * lambda_at(group, last_epoch()); }

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, LrLambda lr_lambda)
    : MultiplicativeLR(optimizer, std::vector<LrLambda>(optimizer.param_groups().size(), lr_lambda)) {}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas)
    : LrLambdaScheduler(optimizer, std::move(lr_lambdas), "MultiplicativeLR") {
  initial_step();
}

double MultiplicativeLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  return t > 0 ? group_lr(group) * lambda_at(group, t) : group_lr(group);
}

}  // namespace xg::optim
