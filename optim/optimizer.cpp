#include <xgrad/optim/optimizer.hpp>

#include <xgrad/core/error.hpp>

#include <unordered_set>

namespace xg::optim {

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& other)
    : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  if (!options_) throw Error("OptimizerParamGroup: this group has no options yet (add it to an optimizer first)");
  return *options_;
}

const OptimizerOptions& OptimizerParamGroup::options() const {
  if (!options_) throw Error("OptimizerParamGroup: this group has no options yet (add it to an optimizer first)");
  return *options_;
}

Optimizer::Optimizer(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (const OptimizerParamGroup& group : groups) add_param_group(group);
}

void Optimizer::add_param_group(const OptimizerParamGroup& group) {
  // A parameter in two groups would be updated twice per step: PyTorch refuses, and so do we.
  std::unordered_set<const TensorImpl*> seen;
  for (const OptimizerParamGroup& existing : param_groups_) {
    for (const Tensor& p : existing.params()) seen.insert(p.id());
  }
  for (std::size_t i = 0; i < group.params().size(); ++i) {
    const Tensor& p = group.params()[i];
    if (!p.defined()) throw Error("add_param_group: parameter " + std::to_string(i) + " is an undefined tensor");
    if (!seen.insert(p.id()).second) {
      throw Error("add_param_group: parameter " + std::to_string(i) + " of shape " + to_string(p.shape()) +
                  " appears in more than one parameter group (or twice in one)");
    }
  }
  OptimizerParamGroup added(group.params(), group.has_options() ? group.options().clone() : defaults_->clone());
  param_groups_.push_back(std::move(added));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (OptimizerParamGroup& group : param_groups_) {
    for (Tensor& p : group.params()) p.zero_grad(set_to_none);
  }
}

}  // namespace xg::optim
