#pragma once
// The options of a param group (lr, weight decay, ...). Each optimizer's options are a plain struct,
// one XG_ARG line per hyperparameter (core/options.hpp: a typed member, a chained setter, a getter),
// and a small table that names them for the state files:
//
//   struct SGDOptions : OptimizerOptionsOf<SGDOptions> {
//     SGDOptions(double lr) : lr_(lr) {}
//     XG_ARG(double, lr, 0);
//     XG_ARG(double, momentum, 0);
//     XG_ARG(bool, nesterov, false);
//     static const HyperparameterTable<SGDOptions> table;
//   };
//   const HyperparameterTable<SGDOptions> SGDOptions::table = {
//       {"lr", &SGDOptions::lr_}, {"momentum", &SGDOptions::momentum_}, {"nesterov", &SGDOptions::nesterov_}};
//
//   SGDOptions(0.1).momentum(0.9).nesterov(true)     // each setter returns the options: calls chain
//
// The table's order is the state file's: every hyperparameter as a double (a flag 0 or 1, an unset
// optional NaN), the lr first. OptimizerOptionsOf reads it to list them (hyperparameters(), what a
// state file saves) and to set one by name (set_hyperparameter(), what loading one does).

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <xgrad/core/options.hpp>

namespace xg::optim {

// The interface the optimizer and the schedulers see. Every Options struct implements it through
// OptimizerOptionsOf below; a class written by hand must at least clone itself and get and set its lr.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
  // Every hyperparameter by name as a double (flags 0 or 1), in the table's order: what state_dict()
  // saves and load_state_dict() restores. The default knows only "lr".
  virtual std::vector<std::pair<std::string, double>> hyperparameters() const;
  // Sets one hyperparameter named as in hyperparameters(); throws xg::Error for an unknown name, a
  // flag not 0 or 1, or an integer that is not a whole number in int's range.
  virtual void set_hyperparameter(const std::string& name, double value);
  // Throws xg::Error naming a bad value (as torch.optim's constructors do); called whenever a group
  // gets options: construction, add_param_group, load_state_dict.
  virtual void validate() const {}
};

// Adam's (beta1, beta2), as torch's betas; a state file keeps each half as its own hyperparameter.
using Betas = std::tuple<double, double>;

// One half of a Betas member, a row of its own: `{"beta1", beta_of(&AdamOptions::betas_, 0)}`.
template <class Options>
struct BetaOf {
  Betas Options::*pair;
  int index;  // 0 for beta1, 1 for beta2
};
template <class Options>
BetaOf<Options> beta_of(Betas Options::*pair, int index) {
  return {pair, index};
}
// A member kept in another form than a number (LBFGS's line search, saved as 0 or 1), with the two
// conversions.
template <class Options>
struct Converted {
  double (*get)(const Options&);
  void (*set)(Options&, double);
};

// One row of an options struct's table: a hyperparameter's name and the member that holds it.
template <class Options>
struct Hyperparameter {
  const char* name;
  std::variant<double Options::*, bool Options::*, int Options::*, std::optional<int> Options::*, BetaOf<Options>,
               Converted<Options>>
      member;
};
template <class Options>
using HyperparameterTable = std::vector<Hyperparameter<Options>>;

namespace detail {
// The number a state file keeps for a value, and back (options.cpp); a bad number throws xg::Error
// naming the optimizer and the hyperparameter ("SGD: invalid nesterov 2 (expected 0 or 1 for a flag)").
double as_number(double value);
double as_number(bool value);
double as_number(int value);
double as_number(const std::optional<int>& value);  // NaN when unset
void from_number(const char* optimizer, const char* name, double number, double& value);
void from_number(const char* optimizer, const char* name, double number, bool& value);
void from_number(const char* optimizer, const char* name, double number, int& value);
void from_number(const char* optimizer, const char* name, double number, std::optional<int>& value);
[[noreturn]] void throw_unknown_hyperparameter(const char* optimizer, const std::string& name,
                                               const std::vector<std::pair<std::string, double>>& known);
// Throws "<optimizer>: invalid <name> <value> (expected <name> >= 0)" for the first value that is
// negative or NaN ("learning rate" in the message for lr), as torch.optim's constructors.
void check_non_negative(const char* optimizer, std::initializer_list<std::pair<const char*, double>> values);
// The checks the Adam family shares (torch.optim's own): lr >= 0, eps >= 0, 0 <= beta < 1,
// weight_decay >= 0, naming `optimizer` in the message.
void validate_adam_family(const char* optimizer, double lr, const Betas& betas, double eps, double weight_decay);
// The table of an Adam-family optimizer (Adam, AdamW, NAdam, RAdam, Adamax): the rows they share, in
// torch's order (lr, beta1, beta2, eps, weight_decay), then its own.
template <class Options>
HyperparameterTable<Options> adam_family_table(std::initializer_list<Hyperparameter<Options>> own) {
  HyperparameterTable<Options> table = {{"lr", &Options::lr_},
                                        {"beta1", beta_of(&Options::betas_, 0)},
                                        {"beta2", beta_of(&Options::betas_, 1)},
                                        {"eps", &Options::eps_},
                                        {"weight_decay", &Options::weight_decay_}};
  table.insert(table.end(), own);
  return table;
}
}  // namespace detail

// The base of every optimizer's Options struct: `struct SGDOptions : OptimizerOptionsOf<SGDOptions>`.
// Derived declares `lr` and the other hyperparameters with XG_ARG, `static constexpr const char*
// optimizer` (its name in messages, "SGD") and `static const HyperparameterTable<Derived> table`.
template <class Derived>
class OptimizerOptionsOf : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<Derived>(self()); }
  double get_lr() const override { return self().lr(); }
  void set_lr(double lr) override { static_cast<Derived&>(*this).lr(lr); }

  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    std::vector<std::pair<std::string, double>> listed;
    for (const Hyperparameter<Derived>& row : Derived::table) {
      std::visit([&](const auto& member) { listed.emplace_back(row.name, read(member)); }, row.member);
    }
    return listed;
  }

  void set_hyperparameter(const std::string& name, double value) override {
    for (const Hyperparameter<Derived>& row : Derived::table) {
      if (name != row.name) continue;
      std::visit([&](const auto& member) { write(member, row.name, value); }, row.member);
      return;
    }
    detail::throw_unknown_hyperparameter(Derived::optimizer, name, hyperparameters());
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }

  template <class T>
  double read(T Derived::*member) const {
    return detail::as_number(self().*member);
  }
  double read(const BetaOf<Derived>& beta) const {
    const Betas& betas = self().*beta.pair;
    return beta.index == 0 ? std::get<0>(betas) : std::get<1>(betas);
  }
  double read(const Converted<Derived>& converted) const { return converted.get(self()); }

  template <class T>
  void write(T Derived::*member, const char* name, double value) {
    detail::from_number(Derived::optimizer, name, value, static_cast<Derived&>(*this).*member);
  }
  void write(const BetaOf<Derived>& beta, const char*, double value) {
    Betas& betas = static_cast<Derived&>(*this).*beta.pair;
    (beta.index == 0 ? std::get<0>(betas) : std::get<1>(betas)) = value;
  }
  void write(const Converted<Derived>& converted, const char*, double value) {
    converted.set(static_cast<Derived&>(*this), value);
  }
};

}  // namespace xg::optim
