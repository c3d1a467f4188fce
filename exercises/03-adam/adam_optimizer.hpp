#pragma once
// Exercise 03: Adam (README.md). Given: this header. You write adam_constants(), adam_update() and
// AdamOptimizer::step() in adam_optimizer.cpp.

#include <xgrad/core/error.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course {

// What one step of one parameter needs, as float32 scalars (PyTorch computes them from its Python
// numbers in double, then each tensor operation rounds its scalar to float).
struct AdamConstants {
  float beta1 = 0;
  float one_minus_beta1 = 0;  // 1 - beta1, computed in double
  float beta2 = 0;
  float one_minus_beta2 = 0;        // 1 - beta2, computed in double
  float step_size = 0;              // lr / (1 - beta1^t): the learning rate with the first moment's bias correction
  float bias_correction2_sqrt = 1;  // sqrt(1 - beta2^t): the second moment's bias correction, under the root
  float eps = 0;
  float weight_decay = 0;  // L2: added to the gradient as weight_decay * param
};

// The constants for a parameter's step number t (1 on its first step). Yours.
AdamConstants adam_constants(const xg::optim::AdamOptions& options, std::int64_t t);

// One element's Adam step: updates the moments m and v from the gradient, then the parameter. Yours.
void adam_update(float& param, float grad, float& m, float& v, const AdamConstants& c);

// Adam as torch.optim.Adam, with xgrad's AdamOptions (amsgrad and maximize are not part of this
// exercise). State per parameter: its step count and the buffers "exp_avg" (m) and "exp_avg_sq" (v).
class AdamOptimizer : public xg::optim::Optimizer {
 public:
  AdamOptimizer(std::vector<xg::Tensor> params, const xg::optim::AdamOptions& options)
      : Optimizer(std::vector<xg::optim::OptimizerParamGroup>{xg::optim::OptimizerParamGroup(std::move(params))},
                  std::make_unique<xg::optim::AdamOptions>(options)) {
    if (options.amsgrad() || options.maximize()) {
      throw xg::Error("AdamOptimizer: amsgrad and maximize are not part of exercise 03");
    }
  }

  // One update of every parameter that has a gradient. Yours.
  void step() override;

  std::string name() const override { return "Adam"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq"}; }
};

}  // namespace course
