#pragma once
// Dropout: during training zeroes each element with probability p and scales the rest by 1 / (1 - p)
// (inverted dropout), so evaluation (model.eval()) is the identity.

#include <xgrad/core/generator.hpp>
#include <xgrad/nn/module.hpp>

namespace xg::nn {

class DropoutImpl : public Module {
 public:
  // p in [0, 1]. Masks are drawn from `generator`, which must outlive the layer.
  explicit DropoutImpl(double p = 0.5, Generator& generator = default_generator());
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;

  double p;

 private:
  Generator* generator_;
};

XG_MODULE(Dropout);

}  // namespace xg::nn
