#pragma once
// Exercise 04: AdamW (README.md). Given: this header. You write adamw_decay_factor(), adamw_update()
// and AdamWOptimizer::step() in adamw_optimizer.cpp; they use your Adam from exercise 03.

#include "adam_optimizer.hpp"

#include <xgrad/optim/adamw.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course {

// The factor every weight is multiplied by before AdamW's Adam step: 1 - lr * weight_decay, computed
// in double and rounded to float. Yours.
float adamw_decay_factor(double lr, double weight_decay);

// One element's AdamW step: the decay, then Adam's update with the data gradient only. `c` comes from
// adam_constants with weight_decay 0 (adam_options_of below). Yours.
void adamw_update(float& param, float grad, float& m, float& v, float decay_factor, const AdamConstants& c);

// AdamW's options as the Adam options of exercise 03, without the L2 term: AdamW does not add the
// decay to the gradient.
inline xg::optim::AdamOptions adam_options_of(const xg::optim::AdamWOptions& options) {
  return xg::optim::AdamOptions(options.lr()).betas(options.betas()).eps(options.eps()).weight_decay(0.0);
}

// AdamW as torch.optim.AdamW, with xgrad's AdamWOptions (amsgrad and maximize are not part of this
// exercise). State per parameter: its step count and the buffers "exp_avg" (m) and "exp_avg_sq" (v).
class AdamWOptimizer : public xg::optim::Optimizer {
 public:
  AdamWOptimizer(std::vector<xg::Tensor> params, const xg::optim::AdamWOptions& options)
      : Optimizer(std::vector<xg::optim::OptimizerParamGroup>{xg::optim::OptimizerParamGroup(std::move(params))},
                  std::make_unique<xg::optim::AdamWOptions>(options)) {
    if (options.amsgrad() || options.maximize()) {
      throw xg::Error("AdamWOptimizer: amsgrad and maximize are not part of exercise 04");
    }
  }

  // One update of every parameter that has a gradient. Yours.
  void step() override;

  std::string name() const override { return "AdamW"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq"}; }
};

}  // namespace course
