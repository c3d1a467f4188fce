#include <xgrad/autograd/gradcheck.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/core/node.hpp>

#include <cmath>
#include <sstream>

namespace xg {

namespace {

// L = sum(w * y), in double.
double weighted_sum(const Array& y, const Array& w) {
  double total = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) total += static_cast<double>(y.data()[i]) * w.data()[i];
  return total;
}

}  // namespace

GradcheckReport gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs, double eps, double atol,
                          double rtol) {
  // Work on fresh leaves so the caller's tensors and their gradients are untouched.
  std::vector<Tensor> leaves;
  for (const Tensor& input : inputs) leaves.emplace_back(input.data(), input.requires_grad());

  const Tensor output = f(leaves);
  Generator weights_generator(20261123);
  Array weights = Array::from_shape(output.data().shape());
  for (float& w : weights) w = weights_generator.uniform(-1.0f, 1.0f);

  if (output.requires_grad()) output.backward(weights);

  GradcheckReport report;
  double worst_ratio = -1.0;  // error / tolerance of the worst element so far
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    Tensor& leaf = leaves[i];
    if (!leaf.requires_grad()) continue;
    const Array analytic = leaf.has_grad() ? leaf.grad() : Array(xt::zeros<float>(leaf.data().shape()));
    NoGradGuard no_grad;
    for (std::size_t e = 0; e < leaf.numel(); ++e) {
      float& x = leaf.data().data()[e];
      const float original = x;
      x = static_cast<float>(original + eps);
      const double plus = weighted_sum(f(leaves).data(), weights);
      x = static_cast<float>(original - eps);
      const double minus = weighted_sum(f(leaves).data(), weights);
      x = original;
      // Divide by the step actually taken: x +- eps rounds in float32.
      const double step = static_cast<double>(static_cast<float>(original + eps)) -
                          static_cast<double>(static_cast<float>(original - eps));
      const double numeric = (plus - minus) / step;
      const double exact = analytic.data()[e];
      const double tolerance = atol + rtol * std::abs(numeric);
      const double ratio = std::abs(exact - numeric) / tolerance;
      ++report.elements_checked;
      if (!(ratio <= 1.0)) report.passed = false;  // NaN fails too
      if (ratio > worst_ratio || std::isnan(ratio)) {
        worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
        report.worst_input = i;
        report.worst_element = e;
        report.analytic = exact;
        report.numeric = numeric;
      }
    }
  }
  std::ostringstream message;
  if (report.elements_checked == 0) {
    message << "gradcheck: no input requires grad; nothing was checked";
    report.passed = false;
  } else {
    message << "gradcheck " << (report.passed ? "passed" : "FAILED") << ": " << report.elements_checked
            << " elements; worst is input " << report.worst_input << " element " << report.worst_element << " (shape "
            << to_string(leaves[report.worst_input].shape()) << "): analytic " << report.analytic << " vs numeric "
            << report.numeric << ", |difference| " << std::abs(report.analytic - report.numeric)
            << " against tolerance " << atol + rtol * std::abs(report.numeric);
  }
  report.message = message.str();
  return report;
}

}  // namespace xg
