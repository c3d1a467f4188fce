#include <xgrad/optim/detail/strong_wolfe.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>

#include <cmath>
#include <cstddef>
#include <utility>

namespace xg::optim::detail {

namespace {

using Py = PyNumber;
Py num(double value) { return Py::python(value); }

}  // namespace

namespace {

// The 32-value blocks of OpenBLAS's Haswell sdot: four 8-lane accumulators of fused multiply-adds,
// each folded to 4 lanes (high + low half), summed (a0 + a1) + (a2 + a3), then pairwise.
XG_OPTIM_KERNEL float dot_blocks(const float* x, const float* y, std::size_t n) {
  float acc[4][8] = {};
  for (std::size_t i = 0; i < n; i += 32) {
    for (std::size_t a = 0; a < 4; ++a) {
      for (std::size_t l = 0; l < 8; ++l) acc[a][l] = std::fma(x[i + a * 8 + l], y[i + a * 8 + l], acc[a][l]);
    }
  }
  float folded[4][4];
  for (std::size_t a = 0; a < 4; ++a) {
    for (std::size_t l = 0; l < 4; ++l) folded[a][l] = acc[a][l + 4] + acc[a][l];
  }
  float q[4];
  for (std::size_t l = 0; l < 4; ++l) q[l] = (folded[0][l] + folded[1][l]) + (folded[2][l] + folded[3][l]);
  return (q[0] + q[1]) + (q[2] + q[3]);
}

}  // namespace

float dot(const std::vector<float>& x, const std::vector<float>& y) {
  // torch's Tensor.dot calls BLAS sdot, whose summation order depends on the kernel OpenBLAS picks for
  // the CPU (Prescott, Haswell and SkylakeX ones differ in the last bits). This is the order of OpenBLAS
  // 0.3.21's Haswell (AVX2) kernel, whatever this machine's BLAS picks: blocks of 32 as above, then the
  // rest in double, one float product at a time, plus the blocks' sum. lbfgs.py pins that kernel.
  const std::size_t n = x.size(), blocked = n / 32 * 32;
  const float blocks = blocked != 0 ? dot_blocks(x.data(), y.data(), blocked) : 0.0f;
  double rest = 0.0;
  for (std::size_t i = blocked; i < n; ++i) rest += static_cast<double>(y[i] * x[i]);
  rest += static_cast<double>(blocks);
  return static_cast<float>(rest);
}

float max_abs(const std::vector<float>& x) {
  float largest = 0.0f;
  for (const float value : x) {
    const float magnitude = std::fabs(value);
    // A NaN wins, as in torch's max.
    if (!(magnitude <= largest)) largest = magnitude;
  }
  return largest;
}

PyNumber cubic_interpolate(Py x1, double f1, Py g1, Py x2, double f2, Py g2, Py xmin_bound, Py xmax_bound) {
  // The cubic's minimum, written from the farther point (torch's comment):
  //   d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2),  d2 = sqrt(d1^2 - g1 g2),
  //   min_pos = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)
  const Py d1 = g1 + g2 - num(3) * (num(f1) - num(f2)) / (x1 - x2);
  const Py d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= num(0)) {
    const Py d2 = sqrt(d2_square);
    const Py min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + num(2) * d2))
                                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + num(2) * d2));
    return min(max(min_pos, xmin_bound), xmax_bound);
  }
  return (xmin_bound + xmax_bound) / num(2.0);
}

PyNumber cubic_interpolate(Py x1, double f1, Py g1, Py x2, double f2, Py g2) {
  const bool ordered = x1 <= x2;
  return cubic_interpolate(x1, f1, g1, x2, f2, g2, ordered ? x1 : x2, ordered ? x2 : x1);
}

LineSearchResult strong_wolfe(const DirectionalEvaluate& evaluate, Py t, const std::vector<float>& d, double f,
                              const std::vector<float>& g, Py gtd, double c1, double c2, double tolerance_change,
                              int max_ls) {
  const Py d_norm = Py::tensor(max_abs(d));
  LossAndGradient at_t = evaluate(t);
  int ls_func_evals = 1;
  Py gtd_new = Py::tensor(dot(at_t.grad, d));
  // Armijo's bound f + c1 t g'd, with torch's kinds (g'd is a tensor, so the bound is one).
  auto sufficient_decrease_bound = [&](Py step) { return num(f) + num(c1) * step * gtd; };
  auto curvature_holds = [&](Py slope) { return abs(slope) <= num(-c2) * gtd; };

  // Bracket an interval holding a point that meets the Wolfe conditions. Python's lists [lo, hi].
  Py t_prev = num(0);
  double f_prev = f;
  std::vector<float> g_prev = g;
  Py gtd_prev = gtd;
  bool done = false;
  int ls_iter = 0;
  std::vector<Py> bracket;
  std::vector<double> bracket_f;
  std::vector<std::vector<float>> bracket_g;
  std::vector<Py> bracket_gtd;
  auto bracket_between_previous_and_t = [&]() {
    bracket = {t_prev, t};
    bracket_f = {f_prev, at_t.loss};
    bracket_g = {g_prev, at_t.grad};
    bracket_gtd = {gtd_prev, gtd_new};
  };
  while (ls_iter < max_ls) {
    if (num(at_t.loss) > sufficient_decrease_bound(t) || (ls_iter > 1 && at_t.loss >= f_prev)) {
      bracket_between_previous_and_t();
      break;
    }
    if (curvature_holds(gtd_new)) {
      bracket = {t};
      bracket_f = {at_t.loss};
      bracket_g = {at_t.grad};
      done = true;
      break;
    }
    if (gtd_new >= num(0)) {
      bracket_between_previous_and_t();
      break;
    }
    // Extrapolate: the cubic's minimum, at least 1% beyond t and at most 10 t.
    const Py min_step = t + num(0.01) * (t - t_prev);
    const Py max_step = t * num(10);
    const Py previous = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, at_t.loss, gtd_new, min_step, max_step);
    t_prev = previous;
    f_prev = at_t.loss;
    g_prev = at_t.grad;
    gtd_prev = gtd_new;
    at_t = evaluate(t);
    ls_func_evals += 1;
    gtd_new = Py::tensor(dot(at_t.grad, d));
    ls_iter += 1;
  }
  if (ls_iter == max_ls) {
    bracket = {num(0), t};
    bracket_f = {f, at_t.loss};
    bracket_g = {g, at_t.grad};
  }

  // Zoom: shrink the bracket until a point in it meets the conditions.
  bool insufficient_progress = false;
  std::size_t low_pos = bracket_f.front() <= bracket_f.back() ? 0 : 1;
  std::size_t high_pos = 1 - low_pos;
  while (!done && ls_iter < max_ls) {
    if (abs(bracket[1] - bracket[0]) * d_norm < num(tolerance_change)) break;  // the bracket is tiny
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]);

    // A t too near an end of the bracket makes little progress: the second time running (or when t
    // is at or past an end), move it to 10% of the bracket's length inside the nearer end.
    const Py top = max(bracket[0], bracket[1]);
    const Py bottom = min(bracket[0], bracket[1]);
    const Py eps = num(0.1) * (top - bottom);
    if (min(top - t, t - bottom) < eps) {
      if (insufficient_progress || t >= top || t <= bottom) {
        t = abs(t - top) < abs(t - bottom) ? top - eps : bottom + eps;
        insufficient_progress = false;
      } else {
        insufficient_progress = true;
      }
    } else {
      insufficient_progress = false;
    }

    at_t = evaluate(t);
    ls_func_evals += 1;
    gtd_new = Py::tensor(dot(at_t.grad, d));
    ls_iter += 1;

    if (num(at_t.loss) > sufficient_decrease_bound(t) || at_t.loss >= bracket_f[low_pos]) {
      // Not enough decrease, or no lower than the low end: t becomes the high end.
      bracket[high_pos] = t;
      bracket_f[high_pos] = at_t.loss;
      bracket_g[high_pos] = at_t.grad;
      bracket_gtd[high_pos] = gtd_new;
      low_pos = bracket_f[0] <= bracket_f[1] ? 0 : 1;
      high_pos = 1 - low_pos;
    } else {
      if (curvature_holds(gtd_new)) {
        done = true;
      } else if (gtd_new * (bracket[high_pos] - bracket[low_pos]) >= num(0)) {
        // The old low end becomes the high end.
        bracket[high_pos] = bracket[low_pos];
        bracket_f[high_pos] = bracket_f[low_pos];
        bracket_g[high_pos] = bracket_g[low_pos];
        bracket_gtd[high_pos] = bracket_gtd[low_pos];
      }
      bracket[low_pos] = t;
      bracket_f[low_pos] = at_t.loss;
      bracket_g[low_pos] = std::move(at_t.grad);
      bracket_gtd[low_pos] = gtd_new;
    }
  }
  return {bracket_f[low_pos], std::move(bracket_g[low_pos]), bracket[low_pos], ls_func_evals};
}

}  // namespace xg::optim::detail
