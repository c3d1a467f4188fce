#include <xgrad/nn/dropout.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/nn/functional.hpp>

#include <ostream>

namespace xg::nn {

DropoutImpl::DropoutImpl(double p, Generator& generator) : p(p), generator_(&generator) {
  if (!(p >= 0.0 && p <= 1.0)) throw Error("Dropout: expected a probability p in [0, 1], got " + format_number(p));
}

Tensor DropoutImpl::forward(const Tensor& input) { return functional::dropout(input, p, is_training(), *generator_); }

void DropoutImpl::pretty_print(std::ostream& out) const { out << "Dropout(p=" << p << ")"; }

}  // namespace xg::nn
