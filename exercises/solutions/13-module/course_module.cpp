// Exercise 13, the reference solution.
#include "course_module.hpp"

#include <xgrad/core/error.hpp>

#include <set>

namespace course {

namespace {

// Throws unless `name` can be registered in a module that holds these parameters and children.
void check_new_name(const std::string& name, const std::vector<std::pair<std::string, xg::Tensor>>& parameters,
                    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children) {
  if (name.empty()) throw xg::Error("course::Module: a name must not be empty");
  if (name.find('.') != std::string::npos) {
    throw xg::Error("course::Module: the name \"" + name + "\" has a dot (dots join the names of a tree)");
  }
  for (const auto& entry : parameters) {
    if (entry.first == name) throw xg::Error("course::Module: \"" + name + "\" is already a parameter here");
  }
  for (const auto& entry : children) {
    if (entry.first == name) throw xg::Error("course::Module: \"" + name + "\" is already a submodule here");
  }
}

// Appends the parameters of `module` and of the modules below it, names prefixed, skipping tensors
// already listed (a layer shared by two parents).
void collect(const std::string& prefix, const std::vector<std::pair<std::string, xg::Tensor>>& own,
             const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children, std::set<const void*>& seen,
             std::vector<std::pair<std::string, xg::Tensor>>& out) {
  for (const auto& [name, tensor] : own) {
    if (seen.insert(tensor.id()).second) out.emplace_back(prefix + name, tensor);
  }
  for (const auto& [name, child] : children) {
    for (const auto& [child_name, tensor] : child->named_parameters()) {
      if (seen.insert(tensor.id()).second) out.emplace_back(prefix + name + "." + child_name, tensor);
    }
  }
}

}  // namespace

xg::Tensor Module::register_parameter(const std::string& name, xg::Tensor tensor) {
  check_new_name(name, parameters_, children_);
  if (!tensor.defined() || !tensor.is_leaf()) {
    throw xg::Error("course::Module: the parameter \"" + name + "\" must be a leaf tensor (made, not computed)");
  }
  tensor.requires_grad_(true);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

void Module::register_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, parameters_, children_);
  if (!module) throw xg::Error("course::Module: the submodule \"" + name + "\" is a null pointer");
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, xg::Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, xg::Tensor>> out;
  std::set<const void*> seen;
  collect("", parameters_, children_, seen, out);
  return out;
}

void Module::zero_grad(bool set_to_none) {
  for (xg::Tensor& p : parameters()) {
    if (!p.has_grad()) continue;
    if (set_to_none) {
      p.zero_grad(/*set_to_none=*/true);
    } else {
      p.mutable_grad().fill(0.0f);
    }
  }
}

void Module::train(bool on) {
  training_ = on;
  for (auto& entry : children_) entry.second->train(on);
}

}  // namespace course
