#pragma once
// The runs behind tests/data/optimizers/<optimizer>.xgrad.optim: one state file per optimizer, each
// hyperparameter away from its default (flags set), written once by make_optimizer_files.cpp with the
// code of that time. test_optimizer_files.cpp loads every file into an optimizer built with the
// defaults, and checks that the options, step counts and buffers are the ones this run gives today
// and that saving again gives the file's bytes.
//
// Every run but LBFGS's: parameters [2, 3] and [2] in group 0 (the optimizer's defaults) and [3] in
// group 1 (the options below); three steps with gradient x^2 - x/2 + step/4, the [3] parameter
// sitting out the first step. LBFGS (one group only): two steps of a quartic with the strong Wolfe
// line search.

#include <xgrad/xgrad.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xg_files {

struct OptimizerRun {
  std::vector<xg::Tensor> params;
  std::unique_ptr<xg::optim::Optimizer> optimizer;
};

inline std::vector<xg::Tensor> recipe_params() {
  return {xg::tensor(xg::Array{{0.5f, -1.25f, 2.0f}, {-0.5f, 0.75f, 1.5f}}, true),
          xg::tensor(xg::Array{0.25f, -1.5f}, true), xg::tensor(xg::Array{1.0f, -2.0f, 0.5f}, true)};
}

// Optimizer(groups, defaults) with the given group-1 options; the defaults are the optimizer's own.
template <class Optim, class Options>
OptimizerRun two_groups(Options defaults, Options group1) {
  OptimizerRun run{recipe_params(), nullptr};
  std::vector<xg::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<xg::Tensor>{run.params[0], run.params[1]});
  groups.emplace_back(std::vector<xg::Tensor>{run.params[2]}, std::make_unique<Options>(group1));
  run.optimizer = std::make_unique<Optim>(groups, defaults);
  return run;
}

inline void take_steps(OptimizerRun& run) {
  for (int step = 0; step < 3; ++step) {
    for (xg::Tensor& p : run.params) {
      const xg::Array& x = p.data();
      p.mutable_grad() = xg::Array(x * x - 0.5f * x + 0.25f * static_cast<float>(step));
    }
    if (step == 0) run.params[2].zero_grad(/*set_to_none=*/true);
    run.optimizer->step();
  }
}

inline OptimizerRun lbfgs_run(xg::optim::LBFGSOptions options) {
  OptimizerRun run{recipe_params(), nullptr};
  run.params.pop_back();
  run.optimizer = std::make_unique<xg::optim::LBFGS>(run.params, options);
  return run;
}

inline void take_lbfgs_steps(OptimizerRun& run) {
  xg::Tensor w = run.params[0], b = run.params[1];
  auto closure = [&] {
    run.optimizer->zero_grad();
    xg::Tensor w2 = w * w, b2 = b * b;
    xg::Tensor loss = xg::sum(w2 * w2 - w) + xg::sum(b2 * b2 + b);
    loss.backward();
    return loss;
  };
  for (int step = 0; step < 2; ++step) run.optimizer->step(closure);
}

// The file's name under tests/data/ and the run that made it. `defaults` is true for the optimizer
// to load a file into (every group on the optimizer's defaults); false for the recipe itself.
struct Recipe {
  std::string file;
  std::function<OptimizerRun(bool defaults)> make;
  bool lbfgs = false;
};

inline std::vector<Recipe> recipes() {
  using namespace xg::optim;
  return {
      {"optimizers/sgd.xgrad.optim",
       [](bool d) {
         return two_groups<SGD>(
             SGDOptions(0.1),
             d ? SGDOptions(0.1)
               : SGDOptions(0.05).momentum(0.9).dampening(0.0).weight_decay(0.1).nesterov(true).maximize(true));
       }},
      {"optimizers/sgd_dampening.xgrad.optim",
       [](bool d) {
         return two_groups<SGD>(SGDOptions(0.1).momentum(0.5),
                                d ? SGDOptions(0.1) : SGDOptions(0.2).momentum(0.8).dampening(0.25));
       }},
      {"optimizers/adam.xgrad.optim",
       [](bool d) {
         return two_groups<Adam>(
             AdamOptions(),
             d ? AdamOptions()
               : AdamOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1).amsgrad(true).maximize(true));
       }},
      {"optimizers/adamw.xgrad.optim",
       [](bool d) {
         return two_groups<AdamW>(
             AdamWOptions(),
             d ? AdamWOptions()
               : AdamWOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.2).amsgrad(true).maximize(true));
       }},
      {"optimizers/rmsprop.xgrad.optim",
       [](bool d) {
         return two_groups<RMSprop>(
             RMSpropOptions(),
             d ? RMSpropOptions()
               : RMSpropOptions(0.03).alpha(0.9).eps(1e-6).weight_decay(0.1).momentum(0.5).centered(true).maximize(
                     true));
       }},
      {"optimizers/adagrad.xgrad.optim",
       [](bool d) {
         return two_groups<Adagrad>(
             AdagradOptions(),
             d ? AdagradOptions()
               : AdagradOptions(0.03).lr_decay(0.1).weight_decay(0.1).initial_accumulator_value(0.5).eps(1e-6).maximize(
                     true));
       }},
      {"optimizers/adadelta.xgrad.optim",
       [](bool d) {
         return two_groups<Adadelta>(
             AdadeltaOptions(),
             d ? AdadeltaOptions() : AdadeltaOptions(0.5).rho(0.8).eps(1e-4).weight_decay(0.1).maximize(true));
       }},
      {"optimizers/adamax.xgrad.optim",
       [](bool d) {
         return two_groups<Adamax>(
             AdamaxOptions(),
             d ? AdamaxOptions() : AdamaxOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1).maximize(true));
       }},
      {"optimizers/nadam.xgrad.optim",
       [](bool d) {
         return two_groups<NAdam>(
             NAdamOptions(),
             d ? NAdamOptions()
               : NAdamOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1).momentum_decay(0.01));
       }},
      {"optimizers/radam.xgrad.optim",
       [](bool d) {
         return two_groups<RAdam>(
             RAdamOptions(), d ? RAdamOptions() : RAdamOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1));
       }},
      {"optimizers/lbfgs.xgrad.optim",
       [](bool d) {
         return lbfgs_run(d ? LBFGSOptions()
                            : LBFGSOptions(0.5)
                                  .max_iter(4)
                                  .max_eval(7)
                                  .tolerance_grad(1e-6)
                                  .tolerance_change(1e-8)
                                  .history_size(3)
                                  .line_search_fn("strong_wolfe"));
       },
       true},
  };
}

inline void run_recipe(const Recipe& recipe, OptimizerRun& run) {
  if (recipe.lbfgs) {
    take_lbfgs_steps(run);
  } else {
    take_steps(run);
  }
}

}  // namespace xg_files
