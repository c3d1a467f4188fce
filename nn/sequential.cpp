#include <xgrad/nn/sequential.hpp>

namespace xg::nn {

void SequentialImpl::push_back(std::shared_ptr<Module> module) {
  if (!module) throw Error("Sequential::push_back: the module is empty (nullptr)");
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

std::shared_ptr<Module> SequentialImpl::replace_module(const std::string& name, std::shared_ptr<Module> module) {
  Module::replace_module(name, module);  // checks the name; the names are the indices
  modules_[std::stoul(name)] = module;
  return module;
}

Tensor SequentialImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& module : modules_) x = module->forward(x);
  return x;
}

const std::shared_ptr<Module>& SequentialImpl::ptr(std::size_t index) const {
  if (index >= modules_.size()) {
    throw Error("Sequential: index " + std::to_string(index) + " is out of range for " +
                std::to_string(modules_.size()) + " modules");
  }
  return modules_[index];
}

}  // namespace xg::nn
