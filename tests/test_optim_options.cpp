// Options declared with XG_ARG and named in a table: every optimizer lists its hyperparameters by name in
// the order its state files save them, sets each one by name, refuses an unknown name and a flag that is
// not 0 or 1, clones into an independent copy of its own class, and keeps the builder chain typed.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace {

using namespace xg::optim;
using xg_test::error_message;
using Listing = std::vector<std::pair<std::string, double>>;

// Each optimizer's options at their defaults, with the listing a state file saves (torch 1.13's defaults;
// SGD's lr has none, 0.1 here).
struct Case {
  std::string optimizer;
  std::unique_ptr<OptimizerOptions> options;
  Listing defaults;
};

std::vector<Case> every_optimizer() {
  std::vector<Case> cases;
  cases.push_back(
      {"SGD",
       std::make_unique<SGDOptions>(0.1),
       {{"lr", 0.1}, {"momentum", 0}, {"dampening", 0}, {"weight_decay", 0}, {"nesterov", 0}, {"maximize", 0}}});
  const Listing adam = {{"lr", 1e-3},        {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8},
                        {"weight_decay", 0}, {"amsgrad", 0}, {"maximize", 0}};
  cases.push_back({"Adam", std::make_unique<AdamOptions>(), adam});
  Listing adamw = adam;
  adamw[4].second = 1e-2;
  cases.push_back({"AdamW", std::make_unique<AdamWOptions>(), adamw});
  cases.push_back({"RMSprop",
                   std::make_unique<RMSpropOptions>(),
                   {{"lr", 1e-2},
                    {"alpha", 0.99},
                    {"eps", 1e-8},
                    {"weight_decay", 0},
                    {"momentum", 0},
                    {"centered", 0},
                    {"maximize", 0}}});
  cases.push_back({"Adagrad",
                   std::make_unique<AdagradOptions>(),
                   {{"lr", 1e-2},
                    {"lr_decay", 0},
                    {"weight_decay", 0},
                    {"initial_accumulator_value", 0},
                    {"eps", 1e-10},
                    {"maximize", 0}}});
  cases.push_back(
      {"NAdam",
       std::make_unique<NAdamOptions>(),
       {{"lr", 2e-3}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0}, {"momentum_decay", 4e-3}}});
  cases.push_back({"RAdam",
                   std::make_unique<RAdamOptions>(),
                   {{"lr", 1e-3}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0}}});
  cases.push_back(
      {"Adamax",
       std::make_unique<AdamaxOptions>(),
       {{"lr", 2e-3}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", 0}, {"maximize", 0}}});
  cases.push_back({"Adadelta",
                   std::make_unique<AdadeltaOptions>(),
                   {{"lr", 1.0}, {"rho", 0.9}, {"eps", 1e-6}, {"weight_decay", 0}, {"maximize", 0}}});
  return cases;
}

bool is_flag(const std::string& name) {
  return name == "nesterov" || name == "maximize" || name == "amsgrad" || name == "centered";
}

TEST(OptimOptions, ListsEveryHyperparameterInTheSavedOrder) {
  for (const Case& c : every_optimizer()) EXPECT_EQ(c.options->hyperparameters(), c.defaults) << c.optimizer;
}

TEST(OptimOptions, SetsEveryHyperparameterByName) {
  for (const Case& c : every_optimizer()) {
    Listing expected = c.defaults;
    for (std::size_t k = 0; k < expected.size(); ++k) {
      // A value of its own for each entry (a flag flips to 1), so that a setter writing the wrong slot shows.
      expected[k].second = is_flag(expected[k].first) ? 1.0 : 0.25 + 0.125 * static_cast<double>(k);
      c.options->set_hyperparameter(expected[k].first, expected[k].second);
    }
    EXPECT_EQ(c.options->hyperparameters(), expected) << c.optimizer;
    EXPECT_EQ(c.options->get_lr(), 0.25) << c.optimizer;
    c.options->set_lr(0.5);
    EXPECT_EQ(c.options->hyperparameters()[0], (std::pair<std::string, double>{"lr", 0.5})) << c.optimizer;
  }
}

TEST(OptimOptions, NamedSettersReachTheTypedGetters) {
  SGDOptions sgd(0.1);
  sgd.set_hyperparameter("dampening", 0.3);
  sgd.set_hyperparameter("nesterov", 1);
  EXPECT_EQ(sgd.dampening(), 0.3);
  EXPECT_TRUE(sgd.nesterov());
  EXPECT_FALSE(sgd.maximize());
  AdamWOptions adamw;
  adamw.set_hyperparameter("beta2", 0.98);
  EXPECT_EQ(adamw.betas(), (Betas{0.9, 0.98}));
  RMSpropOptions rmsprop;
  rmsprop.set_hyperparameter("centered", 1);
  EXPECT_TRUE(rmsprop.centered());
  AdagradOptions adagrad;
  adagrad.set_hyperparameter("initial_accumulator_value", 0.1);
  EXPECT_EQ(adagrad.initial_accumulator_value(), 0.1);
}

TEST(OptimOptions, RefusesAnUnknownName) {
  for (const Case& c : every_optimizer()) {
    std::string known;
    for (const auto& entry : c.defaults) known += (known.empty() ? "" : ", ") + entry.first;
    EXPECT_EQ(error_message([&] { c.options->set_hyperparameter("betas", 0.9); }),
              c.optimizer + ": unknown hyperparameter 'betas' (expected one of " + known + ")");
    EXPECT_EQ(c.options->hyperparameters(), c.defaults) << c.optimizer;
  }
}

TEST(OptimOptions, RefusesAFlagThatIsNotZeroOrOne) {
  for (const Case& c : every_optimizer()) {
    if (c.defaults.back().first != "maximize") continue;  // torch 1.13's NAdam and RAdam have no maximize
    EXPECT_EQ(error_message([&] { c.options->set_hyperparameter("maximize", 0.5); }),
              c.optimizer + ": invalid maximize 0.5 (expected 0 or 1 for a flag)");
    EXPECT_EQ(c.options->hyperparameters(), c.defaults) << c.optimizer;
  }
  SGDOptions sgd(0.1);
  EXPECT_EQ(error_message([&] { sgd.set_hyperparameter("nesterov", -1); }),
            "SGD: invalid nesterov -1 (expected 0 or 1 for a flag)");
  // A number that is not a flag takes any value here; validate() judges it.
  sgd.set_hyperparameter("momentum", 0.5);
  EXPECT_EQ(sgd.momentum(), 0.5);
}

TEST(OptimOptions, ACloneIsAnIndependentCopyOfItsOwnClass) {
  for (const Case& c : every_optimizer()) {
    const std::unique_ptr<OptimizerOptions> copy = c.options->clone();
    const OptimizerOptions &copied = *copy, &original = *c.options;
    EXPECT_EQ(typeid(copied), typeid(original)) << c.optimizer;
    EXPECT_EQ(copy->hyperparameters(), c.defaults) << c.optimizer;
    copy->set_hyperparameter(c.defaults.back().first, 1);  // maximize, where the optimizer has it
    copy->set_lr(7);
    EXPECT_EQ(c.options->hyperparameters(), c.defaults) << c.optimizer;
    EXPECT_EQ(copy->hyperparameters().back().second, 1.0) << c.optimizer;
  }
  // A plain copy and an assignment too: each keeps its own values.
  AdamOptions a(0.1);
  AdamOptions b = a;
  b.eps(1e-3);
  EXPECT_EQ(a.eps(), 1e-8);
  a = b;
  EXPECT_EQ(a.eps(), 1e-3);
  a.amsgrad(true);
  EXPECT_FALSE(b.amsgrad());
}

TEST(OptimOptions, BuilderCallsReturnTheClassTheyWereCalledOn) {
  static_assert(std::is_same_v<decltype(SGDOptions(0.1).momentum(0.9).nesterov(true)), SGDOptions&>);
  static_assert(std::is_same_v<decltype(AdamOptions().betas({0.9, 0.99}).eps(1e-6)), AdamOptions&>);
  static_assert(std::is_same_v<decltype(AdamWOptions().lr(1e-2).betas({0.9, 0.99})), AdamWOptions&>);
  static_assert(std::is_same_v<decltype(AdagradOptions().lr(0.1)), AdagradOptions&>);
  const AdamWOptions options = AdamWOptions(2e-3).betas({0.8, 0.9}).weight_decay(0.05).amsgrad(true);
  EXPECT_EQ(options.hyperparameters(), (Listing{{"lr", 2e-3},
                                                {"beta1", 0.8},
                                                {"beta2", 0.9},
                                                {"eps", 1e-8},
                                                {"weight_decay", 0.05},
                                                {"amsgrad", 1},
                                                {"maximize", 0}}));
}

TEST(OptimOptions, AdamAndAdamWOptionsAreNotInterchangeable) {
  xg::Tensor a = xg::zeros({2}, true), b = xg::zeros({2}, true);
  AdamW adamw(std::vector<xg::Tensor>{a});
  EXPECT_EQ(error_message([&] { adamw.add_param_group(OptimizerParamGroup({b}, std::make_unique<AdamOptions>())); }),
            "add_param_group: the group's options belong to another kind of optimizer (a group takes the same "
            "options class as the optimizer's defaults)");
  adamw.add_param_group(OptimizerParamGroup({b}, std::make_unique<AdamWOptions>(0.5)));
  EXPECT_EQ(adamw.param_groups()[1].options().get_lr(), 0.5);
}

// What a teaching exercise may write: its own options struct, declared the same way.
struct LionOptions : OptimizerOptionsOf<LionOptions> {
  static constexpr const char* optimizer = "Lion";
  static const HyperparameterTable<LionOptions> table;
  explicit LionOptions(double lr = 1e-4) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.99});
  XG_ARG(bool, maximize, false);
};
const HyperparameterTable<LionOptions> LionOptions::table = {{"lr", &LionOptions::lr_},
                                                             {"beta1", beta_of(&LionOptions::betas_, 0)},
                                                             {"beta2", beta_of(&LionOptions::betas_, 1)},
                                                             {"maximize", &LionOptions::maximize_}};

TEST(OptimOptions, AnOptionsStructOfOneLinePerHyperparameter) {
  LionOptions options = LionOptions(3e-4).betas({0.9, 0.98});
  EXPECT_EQ(options.hyperparameters(), (Listing{{"lr", 3e-4}, {"beta1", 0.9}, {"beta2", 0.98}, {"maximize", 0}}));
  options.set_hyperparameter("maximize", 1);
  EXPECT_TRUE(options.maximize());
  options.set_hyperparameter("beta1", 0.5);
  EXPECT_EQ(options.betas(), (Betas{0.5, 0.98}));
  EXPECT_EQ(error_message([&] { options.set_hyperparameter("momentum", 0); }),
            "Lion: unknown hyperparameter 'momentum' (expected one of lr, beta1, beta2, maximize)");
}

}  // namespace
