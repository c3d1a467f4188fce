#include <xgrad/optim/detail/lbfgs_memory.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/detail/strong_wolfe.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace xg::optim::detail {

XG_OPTIM_KERNEL void add_scaled(float* x, const float* v, float alpha, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) x[i] = std::fma(v[i], alpha, x[i]);
}

namespace {

// The pair (s, y) of the step just taken, kept when it satisfies the curvature condition.
void remember_step(LBFGSMemory& m, const std::vector<float>& flat_grad, float t, std::size_t history_size) {
  const std::size_t n = flat_grad.size();
  std::vector<float> y(n), s(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = flat_grad[i] - m.prev_flat_grad[i];
    s[i] = m.d[i] * t;
  }
  const float ys = dot(y, s);
  if (!(ys > 1e-10f)) return;                  // (a NaN curvature is not kept either)
  while (m.old_dirs.size() >= history_size) {  // shift the history by one (limited memory)
    m.old_dirs.pop_front();
    m.old_stps.pop_front();
    m.ro.pop_front();
  }
  m.ro.push_back((1.0f / ys) * 1.0f);  // 1. / ys is reciprocal(ys) * 1.
  m.H_diag = ys / dot(y, y);           // the initial Hessian's scale
  m.old_dirs.push_back(std::move(y));
  m.old_stps.push_back(std::move(s));
}

}  // namespace

void lbfgs_direction(LBFGSMemory& m, const std::vector<float>& flat_grad, float t, std::size_t history_size) {
  const std::size_t n = flat_grad.size();
  if (m.n_iter == 1) {
    m.d.resize(n);
    std::transform(flat_grad.begin(), flat_grad.end(), m.d.begin(), [](float g) { return -g; });
    m.old_dirs.clear();
    m.old_stps.clear();
    m.ro.clear();
    m.H_diag = 1;
    return;
  }
  remember_step(m, flat_grad, t, history_size);
  // The two-loop recursion: q = -g pushed back through the history (newest first), scaled by H_diag,
  // then corrected forward (oldest first).
  const std::size_t num_old = m.old_dirs.size();
  std::vector<float> al(num_old);
  std::vector<float> q(n);
  std::transform(flat_grad.begin(), flat_grad.end(), q.begin(), [](float g) { return -g; });
  for (std::size_t i = num_old; i-- > 0;) {
    al[i] = dot(m.old_stps[i], q) * m.ro[i];
    add_scaled(q.data(), m.old_dirs[i].data(), -al[i], n);
  }
  for (std::size_t i = 0; i < n; ++i) m.d[i] = q[i] * m.H_diag;
  for (std::size_t i = 0; i < num_old; ++i) {
    const float be_i = dot(m.old_dirs[i], m.d) * m.ro[i];
    add_scaled(m.d.data(), m.old_stps[i].data(), al[i] - be_i, n);
  }
}

}  // namespace xg::optim::detail
