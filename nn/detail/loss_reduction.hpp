#pragma once
// Shared by the loss ops (an implementation detail): how per-sample losses are combined in the
// forward pass, and how the incoming gradient is spread back over them.

#include <xgrad/core/tensor.hpp>
#include <xgrad/nn/functional.hpp>

namespace xg::nn::detail {

// The per-sample losses as `reduction` asks: unchanged, their sum, or their sum / count (in double).
inline Array reduce_losses(Array losses, Reduction reduction, double count) {
  if (reduction == Reduction::None) return losses;
  double total = 0.0;
  for (float loss : losses) total += loss;
  Array out = Array::from_shape({});
  out() = static_cast<float>(reduction == Reduction::Mean ? total / count : total);
  return out;
}

// dL/d(loss_i): the incoming gradient itself for Reduction::None, else the one incoming value
// (divided by count for Mean) for every sample.
class SampleGrad {
 public:
  SampleGrad(const Array& grad, Reduction reduction, double count)
      : per_sample_(reduction == Reduction::None ? grad.data() : nullptr),
        shared_(reduction == Reduction::Mean ? static_cast<float>(grad() / count)
                                             : (reduction == Reduction::Sum ? grad() : 0.0f)) {}
  float operator[](std::size_t i) const { return per_sample_ ? per_sample_[i] : shared_; }

 private:
  const float* per_sample_;
  float shared_;
};

}  // namespace xg::nn::detail
