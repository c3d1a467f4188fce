#pragma once
// gradcheck: does an op's backward agree with its forward? It compares the analytic gradient (from
// backward) with central finite differences, (L(x + eps) - L(x - eps)) / 2 eps, element by element.
//
// The function may return any shape; it is reduced to the scalar L = sum(w * f(inputs)) with fixed
// pseudo-random weights w, so every output element is checked and a mistake cannot cancel out.
// The forward runs in float32; L is summed in double. Avoid kinks (relu or abs at 0, ties for max):
// finite differences are meaningless there.

#include <xgrad/core/tensor.hpp>

#include <functional>
#include <string>
#include <vector>

namespace xg {

struct GradcheckReport {
  bool passed = true;
  std::size_t elements_checked = 0;
  // The element whose error came closest to (or furthest past) the tolerance.
  std::size_t worst_input = 0;
  std::size_t worst_element = 0;  // flat, row-major index into that input
  double analytic = 0.0;
  double numeric = 0.0;
  std::string message;  // names the worst element and both values

  explicit operator bool() const { return passed; }
};

using GradcheckFunction = std::function<Tensor(const std::vector<Tensor>&)>;

// Checks every element of every input that requires grad. An element passes when
// |analytic - numeric| <= atol + rtol * |numeric|. The defaults suit float32 forwards of size O(1).
GradcheckReport gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs, double eps = 1e-3,
                          double atol = 1e-3, double rtol = 1e-2);

}  // namespace xg
