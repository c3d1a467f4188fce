#include <xgrad/optim/lr_scheduler/lambda_lr.hpp>

#include <xgrad/core/error.hpp>

namespace xg::optim {

LrLambdaScheduler::LrLambdaScheduler(Optimizer& optimizer, std::vector<LrLambda> lambdas, const char* name, Rule rule)
    : LRScheduler(optimizer), lambdas_(std::move(lambdas)), name_(name), rule_(rule) {
  if (lambdas_.size() != num_groups()) {
    throw Error(std::string(name) + ": expected " + std::to_string(num_groups()) +
                " lr_lambdas (one per param group), got " + std::to_string(lambdas_.size()));
  }
  for (std::size_t g = 0; g < lambdas_.size(); ++g) {
    if (!lambdas_[g]) throw Error(std::string(name) + ": lr_lambda " + std::to_string(g) + " is empty");
  }
  initial_step();  // get_lr() is this class's own, so the step can be taken here
}

std::vector<LrLambda> LrLambdaScheduler::for_every_group(const Optimizer& optimizer, const LrLambda& lambda) {
  return std::vector<LrLambda>(optimizer.param_groups().size(), lambda);
}

double LrLambdaScheduler::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  if (rule_ == Rule::times_base_lr) return base_lrs()[group] * lambdas_[group](t);
  return t > 0 ? group_lr(group) * lambdas_[group](t) : group_lr(group);  // lr(0) is the group's lr
}

LambdaLR::LambdaLR(Optimizer& optimizer, const LrLambda& lr_lambda)
    : LambdaLR(optimizer, for_every_group(optimizer, lr_lambda)) {}
LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas)
    : LrLambdaScheduler(optimizer, std::move(lr_lambdas), "LambdaLR", Rule::times_base_lr) {}

MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, const LrLambda& lr_lambda)
    : MultiplicativeLR(optimizer, for_every_group(optimizer, lr_lambda)) {}
MultiplicativeLR::MultiplicativeLR(Optimizer& optimizer, std::vector<LrLambda> lr_lambdas)
    : LrLambdaScheduler(optimizer, std::move(lr_lambdas), "MultiplicativeLR", Rule::times_current_lr) {}

}  // namespace xg::optim
