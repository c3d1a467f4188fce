#pragma once
// The options of a param group (lr, weight decay, ...), and how an optimizer declares them.
//
// Each optimizer's Options class derives from OptimizerOptionsOf<itself> and declares every
// hyperparameter once, with its type, name and default:
//
//   class SGDOptions : public OptimizerOptionsOf<SGDOptions> {
//    public:
//     SGDOptions(double lr) : OptimizerOptionsOf("SGD", lr) {}
//     XG_HYPERPARAMETER(double, momentum, 0);
//     XG_HYPERPARAMETER(bool, nesterov, false);
//   };
//
// One such line writes the setter and getter of libtorch's builder style: `momentum(0.9)` sets the
// value and returns the options, so that calls chain (SGDOptions(0.1).momentum(0.9).nesterov(true)),
// and `momentum()` reads it. The same line puts the hyperparameter in the options' list, from which
// the base class alone lists them all (hyperparameters(), what a state file saves) and sets one by
// name (set_hyperparameter(), what loading a state file does). The list holds every value as a double,
// a flag as 0 or 1, in the order declared, the lr (declared by the base) first.

#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace xg::optim {

// The interface the optimizer and the schedulers see. A class may implement it by hand (it must then
// at least clone itself and get and set its lr); the optimizers' Options derive from
// OptimizerOptionsOf below, which implements all of it.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;

  // Every hyperparameter by name as a double (booleans 0 or 1), in a fixed order: what state_dict()
  // saves and load_state_dict() restores. The default knows only "lr".
  virtual std::vector<std::pair<std::string, double>> hyperparameters() const;
  // Sets one hyperparameter named as in hyperparameters(); throws xg::Error for an unknown name.
  virtual void set_hyperparameter(const std::string& name, double value);
  // Throws xg::Error naming a bad value (as torch.optim's constructors do); called whenever a group
  // gets options: construction, add_param_group, load_state_dict.
  virtual void validate() const {}
};

// A boolean hyperparameter stored as a double (state files): 0 or 1, anything else throws xg::Error.
bool hyperparameter_as_bool(const std::string& optimizer, const std::string& name, double value);
// The error for a name that set_hyperparameter does not know.
[[noreturn]] void throw_unknown_hyperparameter(const OptimizerOptions& options, const std::string& optimizer,
                                               const std::string& name);

// Declares one hyperparameter, of type double, bool or int, inside a class derived from
// OptimizerOptionsOf: `XG_HYPERPARAMETER(double, momentum, 0);` (see the top of this file). An int
// (LBFGS's max_iter) is kept as a double too, and set by name only to a whole number in int's range.
#define XG_HYPERPARAMETER(T, name, initial)                                                                    \
 public:                                                                                                       \
  auto& name(T value) {                                                                                        \
    this->set_hyperparameter_at(name##_slot_, static_cast<double>(value));                                     \
    return this->self();                                                                                       \
  }                                                                                                            \
  T name() const { return static_cast<T>(this->hyperparameter_at(name##_slot_)); }                             \
                                                                                                               \
 private:                                                                                                      \
  std::size_t name##_slot_ =                                                                                   \
      this->declare_hyperparameter(#name, initial, std::is_same<T, bool>::value, std::is_same<T, int>::value); \
                                                                                                               \
 public:                                                                                                       \
  static_assert(std::is_same<T, double>::value || std::is_same<T, bool>::value || std::is_same<T, int>::value, \
                "a double, a bool or an int")

namespace detail {

// The list XG_HYPERPARAMETER fills, and the two functions written once over it. (Not a template, so
// that it is compiled once, in options.cpp; OptimizerOptionsOf adds what needs the Options type.)
class DeclaredOptions : public OptimizerOptions {
 public:
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  // A flag takes 0 or 1 only; an unknown name throws xg::Error listing the known ones.
  void set_hyperparameter(const std::string& name, double value) override;

 protected:
  explicit DeclaredOptions(const char* optimizer) : optimizer_(optimizer) {}
  // The optimizer's name as torch.optim spells it ("SGD"), for messages.
  const char* optimizer() const { return optimizer_; }

  // XG_HYPERPARAMETER's helpers. A declaration runs when an Options object is built (a copy copies the
  // list instead), so the slots count 0, 1, 2, ... in the order the class declares them.
  std::size_t declare_hyperparameter(const char* name, double initial, bool is_flag, bool is_integer = false);
  double hyperparameter_at(std::size_t slot) const { return entries_[slot].value; }
  void set_hyperparameter_at(std::size_t slot, double value) { entries_[slot].value = value; }

 private:
  struct Entry {
    const char* name;
    double value;
    bool is_flag;     // a bool: set by name only to 0 or 1
    bool is_integer;  // an int: set by name only to a whole number in int's range
  };
  const char* optimizer_;
  std::vector<Entry> entries_;
};

}  // namespace detail

// The base of every optimizer's Options class: `class SGDOptions : public OptimizerOptionsOf<SGDOptions>`
// (the class names itself, so that a copy and each builder call have its type).
template <class Derived>
class OptimizerOptionsOf : public detail::DeclaredOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  double get_lr() const override { return lr(); }
  void set_lr(double value) override { lr(value); }

  // Every optimizer has a learning rate: the first hyperparameter, its default given by the Options'
  // constructor.
  XG_HYPERPARAMETER(double, lr, 0);

 protected:
  // `optimizer` names it in messages ("SGD"); a string literal, as it is kept as a pointer.
  // (It stores lr itself rather than call the builder lr(value), which returns the Derived object
  // that does not exist yet while this base is being built: undefined behaviour, UBSan's vptr check.)
  OptimizerOptionsOf(const char* optimizer, double lr) : DeclaredOptions(optimizer) {
    this->set_hyperparameter_at(lr_slot_, lr);
  }
  Derived& self() { return static_cast<Derived&>(*this); }
};

// The base of the Options of the Adam family (Adam, AdamW, NAdam, RAdam, Adamax): lr, then the two betas
// (two hyperparameters, so a state file saves beta1 and beta2), settable together as a pair as in torch.
template <class Derived>
class BetasOptionsOf : public OptimizerOptionsOf<Derived> {
 public:
  using Betas = std::tuple<double, double>;  // (beta1, beta2)

  XG_HYPERPARAMETER(double, beta1, 0.9);
  XG_HYPERPARAMETER(double, beta2, 0.999);
  auto& betas(const Betas& value) {
    beta1(std::get<0>(value));
    return beta2(std::get<1>(value));
  }
  Betas betas() const { return {beta1(), beta2()}; }

 protected:
  BetasOptionsOf(const char* optimizer, double lr) : OptimizerOptionsOf<Derived>(optimizer, lr) {}
};

}  // namespace xg::optim
