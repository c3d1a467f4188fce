#pragma once
// Internal to LBFGS: torch.optim.lbfgs's line search, _strong_wolfe (ported from Lua torch's
// lswolfe.lua), and its _cubic_interpolate, line for line with torch 1.13 so that LBFGS with
// line_search_fn "strong_wolfe" takes the same steps. Numbers keep torch's kinds (python_number.hpp).
//
// Along a direction d from x, it looks for a step t with sufficient decrease and small slope (the
// strong Wolfe conditions):  f(x + t d) <= f(x) + c1 t g'd   and   |g(x + t d)'d| <= c2 |g'd|.
// First it grows t until it brackets such a point, then it shrinks the bracket by cubic
// interpolation ("zoom"), at most max_ls evaluations in all.

#include <xgrad/optim/detail/python_number.hpp>

#include <functional>
#include <vector>

namespace xg::optim::detail {

// The minimum of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
// [xmin_bound, xmax_bound]; the middle of the bounds when the cubic has no minimum.
PyNumber cubic_interpolate(PyNumber x1, double f1, PyNumber g1, PyNumber x2, double f2, PyNumber g2,
                           PyNumber xmin_bound, PyNumber xmax_bound);
// The same with the bounds [min(x1, x2), max(x1, x2)] (torch's bounds=None).
PyNumber cubic_interpolate(PyNumber x1, double f1, PyNumber g1, PyNumber x2, double f2, PyNumber g2);

// The loss and flat gradient at x + t * d (x and d fixed by the caller); the parameters are back at x
// afterwards (torch's LBFGS._directional_evaluate).
struct LossAndGradient {
  double loss;  // float(closure()): a float32 loss as a Python float
  std::vector<float> grad;
};
using DirectionalEvaluate = std::function<LossAndGradient(PyNumber t)>;

struct LineSearchResult {
  double loss;              // at the step found
  std::vector<float> grad;  // at the step found
  PyNumber t;               // the step
  int func_evals;           // how many times it called evaluate
};

// From x with loss f, flat gradient g and directional derivative gtd = g'd (a 0-d tensor), first
// trying step t. (LBFGS calls it with torch's defaults: its own tolerance_change is not passed on.)
LineSearchResult strong_wolfe(const DirectionalEvaluate& evaluate, PyNumber t, const std::vector<float>& d, double f,
                              const std::vector<float>& g, PyNumber gtd, double c1 = 1e-4, double c2 = 0.9,
                              double tolerance_change = 1e-9, int max_ls = 25);

// Helpers LBFGS shares: torch's Tensor.dot (in the order of OpenBLAS's Haswell sdot, see the .cpp) and
// Tensor.abs().max() of flat float32 vectors.
float dot(const std::vector<float>& x, const std::vector<float>& y);
float max_abs(const std::vector<float>& x);

}  // namespace xg::optim::detail
