#pragma once
// xg::nn::Module, the base of every layer, and xg::nn::ModuleHolder, the handle users hold.
//
// Holder semantics, as in libtorch: each layer is a class `FooImpl : Module` that does the work, and a
// thin handle `Foo : ModuleHolder<FooImpl>` that shares one FooImpl through a shared_ptr. So
//
//   xg::nn::Linear fc(784, 256);                      // makes one LinearImpl
//   xg::nn::Sequential net{fc, xg::nn::ReLU()};      // net holds that same LinearImpl
//   fc->weight                                        // is net's "0.weight": one tensor, not a copy
//   xg::nn::Sequential alias = net;                   // another handle to the same network
//
// `->` reaches the layer (net->parameters(), fc->weight, net->forward(x)); `net(x)` runs forward.
// For convenience the holder also forwards the Module basics with a dot: net.parameters(),
// net.named_parameters(), net.train(), net.eval(), net.zero_grad().
//
// A module of your own derives from Module, registers its parameters and submodules in its
// constructor, and overrides forward:
//
//   struct NetImpl : xg::nn::Module {
//     xg::nn::Linear fc1{nullptr}, fc2{nullptr};  // empty holders, filled below
//     NetImpl() {
//       fc1 = register_module("fc1", xg::nn::Linear(784, 128));
//       fc2 = register_module("fc2", xg::nn::Linear(128, 10));
//     }
//     xg::Tensor forward(const xg::Tensor& x) override { return fc2(xg::relu(fc1(x))); }
//   };
//   XG_MODULE(Net);   // the handle: struct Net : xg::nn::ModuleHolder<NetImpl> (libtorch's TORCH_MODULE)
//
// named_parameters() is recursive, in registration order, own parameters before the children's
// (PyTorch's order), with dotted names ("fc1.weight", "0.bias"); a tensor registered twice (a shared
// layer) is listed once, under its first name.
//
// Buffers are a module's tensors that are not trained but belong to its state: BatchNorm1d's running
// mean and variance. They never require grad, optimizers never see them (parameters() leaves them
// out), and a persistent buffer is saved with the parameters. state_dict() lists both, the way
// PyTorch orders it: for each module, depth first, its parameters, then its persistent buffers.
//
//   auto state = net->state_dict();       // "0.weight", "0.bias", "1.running_mean", ...
//   other->load_state_dict(state);        // copies the values into other's own tensors

#include <xgrad/core/error.hpp>
#include <xgrad/core/tensor.hpp>

#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace xg::nn {

template <class Impl>
class ModuleHolder;

// What a state entry holds. Every tensor here is float32; a count (BatchNorm1d's num_batches_tracked)
// is an int64 in torch, so the formats that keep dtypes (safetensors) write it as an integer.
enum class EntryKind { real, count };

// Names and tensors in a fixed order (a module's state_dict()). The tensors are the module's own
// handles, as in PyTorch: writing into one's data() changes the module. detach() makes a copy.
class StateDict {
 public:
  using Entry = std::pair<std::string, Tensor>;
  StateDict() = default;
  StateDict(std::initializer_list<Entry> entries);  // NOLINT: implicit, like a braced list

  // Adds a name at the end; throws if the name is already there.
  void insert(std::string name, Tensor tensor, EntryKind kind = EntryKind::real);
  // The kind `name` was inserted with (real for a name that is not there).
  EntryKind kind(const std::string& name) const;
  // The tensor under `name`, or nullptr.
  const Tensor* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  // Throws naming the key when it is missing.
  const Tensor& operator[](const std::string& name) const;
  std::vector<std::string> keys() const;
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
  std::vector<EntryKind> kinds_;  // one per entry
};

class Module : public std::enable_shared_from_this<Module> {
 public:
  Module() = default;
  virtual ~Module() = default;
  // A module owns its registrations; copying one would silently share or duplicate parameters.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The layer's computation. Layers with one input and one output override it; the default throws.
  virtual Tensor forward(const Tensor& input);

  // Adds a parameter under `name` (no dots, unique in this module) and sets its requires_grad flag.
  // The tensor must be a leaf. Returns the registered handle.
  Tensor& register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);

  // Adds a buffer under `name` (no dots, unique in this module): state that is not trained, such as
  // running statistics. It never requires grad. A persistent buffer is part of state_dict() and of
  // the files xg::save writes; a non-persistent one is only the module's working memory. A buffer of
  // kind count holds an integer (state_dict() says so; safetensors files keep it as int64).
  Tensor& register_buffer(const std::string& name, Tensor tensor, bool persistent = true,
                          EntryKind kind = EntryKind::real);

  // Adds a submodule under `name`; its parameters appear as "name.<its names>". Returns the module,
  // so that `fc = register_module("fc", Linear(3, 4));` keeps a handle to it.
  std::shared_ptr<Module> register_module(const std::string& name, std::shared_ptr<Module> module);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    register_module(name, std::shared_ptr<Module>(module));
    return module;
  }
  template <class Impl>
  std::shared_ptr<Impl> register_module(const std::string& name, const ModuleHolder<Impl>& holder) {
    return register_module(name, holder.ptr());
  }

  // Puts `module` in place of the submodule registered as `name` (libtorch's replace_module), keeping
  // its place in the order; throws when there is none. Returns the new module.
  virtual std::shared_ptr<Module> replace_module(const std::string& name, std::shared_ptr<Module> module);

  // Parameters of this module and (with recurse) all submodules, in registration order.
  std::vector<Tensor> parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  // Buffers (persistent or not) of this module and (with recurse) all submodules, the same way.
  std::vector<Tensor> buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;

  // The named parameters and persistent buffers, module by module (see the top of this file).
  StateDict state_dict() const;
  // The same entries in the same order, handed one by one to visit(name, tensor, kind) without building
  // a StateDict: for code that only looks them up, such as a file's reader matching its names. The
  // name lives only during the call.
  using StateVisitor = std::function<void(const std::string& name, const Tensor& tensor, EntryKind kind)>;
  void for_each_state_entry(const StateVisitor& visit) const;
  // Copies the values of `state` into this module's parameters and buffers, in place: the tensors an
  // optimizer holds stay the same tensors. strict: every key of state_dict() must be present and no
  // other; not strict: missing and unexpected keys are skipped. A key present in both with another
  // shape is an error either way. Everything is checked first: on an error nothing has changed.
  void load_state_dict(const StateDict& state, bool strict = true);

  // Direct submodules, in registration order.
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
  // This module (named "") and every module below it, depth first, with dotted names. The pointers
  // live as long as this module.
  std::vector<std::pair<std::string, const Module*>> named_modules() const;

  // Training mode (the default) or evaluation mode, for this module and every submodule. Only
  // layers such as Dropout behave differently.
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // PyTorch 1.13's Module.zero_grad: zero every parameter's existing gradient, or drop it.
  void zero_grad(bool set_to_none = false);

  // The class name without namespace and "Impl" ("Linear"), and how the module prints itself on one
  // line ("Linear(in_features=784, out_features=256, bias=true)"); layers with settings override it.
  std::string name() const;
  virtual void pretty_print(std::ostream& out) const;

  // A table: one row per layer with its parameter shapes and count, then the total.
  std::string summary() const;

 private:
  // Checks that `name` can be registered here (not empty, no dot, not taken).
  void check_new_name(const char* what, const std::string& name) const;

  struct Buffer {
    std::string name;
    Tensor tensor;
    bool persistent;
    EntryKind kind;
  };
  // for_each_state_entry's walk down the tree (the visitor, the dotted name so far, what was seen).
  struct StateWalk;
  void walk_state(StateWalk& walk) const;
  // Own entries of every module below (and including) this one, with dotted names, each tensor once.
  template <class OwnEntries>
  std::vector<std::pair<std::string, Tensor>> collect(bool recurse, OwnEntries own_entries) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<Buffer> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Prints the module tree like PyTorch: Sequential(\n  (0): Linear(...)\n  (1): ReLU()\n)
std::ostream& operator<<(std::ostream& out, const Module& module);

// A shared handle to one Impl (see the top of this file). Copies share the Impl.
template <class Impl>
class ModuleHolder {
 public:
  // Makes a new Impl from the constructor arguments: Linear(784, 256) runs LinearImpl(784, 256).
  ModuleHolder() : impl_(std::make_shared<Impl>()) {}
  // (The condition keeps this template out of copies and of braced lists that Impl cannot take.)
  template <
      class Head, class... Tail,
      class = std::enable_if_t<
          !std::is_base_of_v<ModuleHolder, std::decay_t<Head>> && !std::is_same_v<std::decay_t<Head>, std::nullptr_t> &&
          !std::is_same_v<std::decay_t<Head>, std::shared_ptr<Impl>> && std::is_constructible_v<Impl, Head, Tail...>>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Impl>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  // Wraps an existing Impl (what register_module returns).
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}  // NOLINT: implicit on purpose
  // An empty handle, to be assigned later (a member filled in the owner's constructor).
  ModuleHolder(std::nullptr_t) {}  // NOLINT: implicit on purpose

  Impl* operator->() const { return &checked(); }
  Impl& operator*() const { return checked(); }
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  bool is_empty() const { return impl_ == nullptr; }

  // net(x) is net->forward(x) (losses take two arguments).
  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    return checked().forward(std::forward<Args>(args)...);
  }

  // The Module basics with a dot, so net.parameters() works as well as net->parameters().
  std::vector<Tensor> parameters(bool recurse = true) const { return checked().parameters(recurse); }
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const {
    return checked().named_parameters(recurse);
  }
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const {
    return checked().named_buffers(recurse);
  }
  std::vector<Tensor> buffers(bool recurse = true) const { return checked().buffers(recurse); }
  StateDict state_dict() const { return checked().state_dict(); }
  void load_state_dict(const StateDict& state, bool strict = true) const { checked().load_state_dict(state, strict); }
  void train(bool on = true) const { checked().train(on); }
  void eval() const { checked().eval(); }
  bool is_training() const { return checked().is_training(); }
  void zero_grad(bool set_to_none = false) const { checked().zero_grad(set_to_none); }
  std::string summary() const { return checked().summary(); }

 private:
  Impl& checked() const {
    if (!impl_) throw Error("ModuleHolder: this module handle is empty (made from nullptr and never assigned)");
    return *impl_;
  }

  std::shared_ptr<Impl> impl_;
};

template <class Impl>
std::ostream& operator<<(std::ostream& out, const ModuleHolder<Impl>& holder) {
  return out << *holder;
}

// Formats a count with thousands separators: 235146 -> "235,146".
std::string format_count(std::size_t count);

// Declares the handle `Name` of `NameImpl`, taking NameImpl's constructor arguments (libtorch's
// TORCH_MODULE): XG_MODULE(Linear) makes Linear, a ModuleHolder<LinearImpl>. A handle with members of
// its own (MLP, Sequential) is written out instead.
#define XG_MODULE(Name)                                    \
  class Name : public ::xg::nn::ModuleHolder<Name##Impl> { \
   public:                                                 \
    using ModuleHolder::ModuleHolder;                      \
  }

}  // namespace xg::nn
