#pragma once
// Sequential: runs its modules one after another, each one's output the next one's input.
//
//   xg::nn::Sequential net{xg::nn::Linear(784, 256), xg::nn::ReLU(), xg::nn::Linear(256, 10)};
//   net->push_back(xg::nn::Dropout(0.1));
//   xg::Tensor logits = net(x);                  // or net->forward(x)
//   net[0]                                        // std::shared_ptr<Module> of the first Linear
//   net->at<xg::nn::LinearImpl>(0).weight         // the layer with its own type
//   for (const auto& layer : *net) std::cout << *layer << "\n";
//
// The modules are registered as "0", "1", ..., so the parameters are named "0.weight", "0.bias", ...

#include <xgrad/nn/module.hpp>

#include <typeinfo>

namespace xg::nn {

class SequentialImpl : public Module {
 public:
  using Iterator = std::vector<std::shared_ptr<Module>>::const_iterator;

  SequentialImpl() = default;
  // One argument per module: holders (Linear(3, 4)) or shared_ptrs to Module-derived classes.
  template <class... Modules,
            class = std::enable_if_t<(sizeof...(Modules) > 0) &&
                                     !(std::is_base_of_v<SequentialImpl, std::decay_t<Modules>> || ...)>>
  explicit SequentialImpl(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }

  // Appends a module under the name "<its index>".
  void push_back(std::shared_ptr<Module> module);
  template <class Impl>
  void push_back(const ModuleHolder<Impl>& module) {
    push_back(std::shared_ptr<Module>(module.ptr()));
  }

  Tensor forward(const Tensor& input) override;
  // Replaces module "<index>" in the registration and in the order forward runs.
  std::shared_ptr<Module> replace_module(const std::string& name, std::shared_ptr<Module> module) override;

  std::size_t size() const { return modules_.size(); }
  bool is_empty() const { return modules_.empty(); }
  // The module at `index`; throws xg::Error when out of range.
  const std::shared_ptr<Module>& operator[](std::size_t index) const { return ptr(index); }
  const std::shared_ptr<Module>& ptr(std::size_t index) const;
  // The module at `index` as its own type; throws xg::Error when it is not a T.
  template <class T>
  T& at(std::size_t index) const {
    T* module = dynamic_cast<T*>(ptr(index).get());
    if (!module) {
      throw Error("Sequential::at: module " + std::to_string(index) + " is a " + ptr(index)->name() +
                  ", not the requested type");
    }
    return *module;
  }
  Iterator begin() const { return modules_.begin(); }
  Iterator end() const { return modules_.end(); }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder::ModuleHolder;
  // net[i] with a dot, like net->ptr(i).
  const std::shared_ptr<Module>& operator[](std::size_t index) const { return (*this)->ptr(index); }
};

}  // namespace xg::nn
