// softmax and log_softmax along an axis, numerically stable: the maximum of each slice is subtracted
// before exponentiating, so exp never overflows (logits of 1e4 are fine) and log never sees 0.
//   softmax:      y = e^(x - m) / s,            s = sum e^(x - m)
//   log_softmax:  y = x - m - log s
// Backward, with g = dL/dy along the slice:
//   softmax:      dx = y * (g - sum(g * y))
//   log_softmax:  dx = g - e^y * sum(g)

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

#include <algorithm>
#include <cmath>

namespace xg {

namespace {

// Calls f(offset, stride, length) for every slice along `axis`: the slice's elements sit at
// offset, offset + stride, ..., offset + (length - 1) * stride.
template <class F>
void for_each_slice(const AxisSplit& s, F f) {
  for (std::size_t o = 0; o < s.outer; ++o) {
    for (std::size_t i = 0; i < s.inner; ++i) f(o * s.length * s.inner + i, s.inner, s.length);
  }
}

// The maximum of one slice.
float slice_max(const float* x, std::size_t stride, std::size_t length) {
  float m = x[0];
  for (std::size_t l = 1; l < length; ++l) m = std::max(m, x[l * stride]);
  return m;
}

// The sum of one slice, in order.
float slice_sum(const float* x, std::size_t stride, std::size_t length) {
  float sum = 0.0f;
  for (std::size_t l = 0; l < length; ++l) sum += x[l * stride];
  return sum;
}

// x minus the maximum of its slice, for every slice: the exponent of both softmaxes, which then
// exponentiate the whole array at once (core/vector_math.hpp).
Array subtract_slice_max(const AxisSplit& s, const Tensor& x) {
  Array out = Array::from_shape(x.data().shape());
  if (s.length == 0) return out;  // no elements, and no maximum to take
  const float* px = x.data().data();
  float* py = out.data();
  for_each_slice(s, [&](std::size_t offset, std::size_t stride, std::size_t length) {
    const float m = slice_max(px + offset, stride, length);
    for (std::size_t l = 0; l < length; ++l) py[offset + l * stride] = px[offset + l * stride] - m;
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, long axis) {
  const AxisSplit s = split_at(x.shape(), normalize_axis("softmax", axis, x.dim()));
  Array out = subtract_slice_max(s, x);
  float* py = out.data();
  if (s.length > 0) {
    vector_math::exp(py, py, out.size());
    for_each_slice(s, [&](std::size_t offset, std::size_t stride, std::size_t length) {
      const float inverse = 1.0f / slice_sum(py + offset, stride, length);  // PyTorch multiplies by it too
      for (std::size_t l = 0; l < length; ++l) py[offset + l * stride] *= inverse;
    });
  }
  return record("softmax", std::move(out), {x}, [s](BackwardContext& ctx) {
    Array grad = Array::from_shape(ctx.grad.shape());
    const float* g = ctx.grad.data();
    const float* y = ctx.output.data();
    float* dx = grad.data();
    for_each_slice(s, [&](std::size_t offset, std::size_t stride, std::size_t length) {
      float dot = 0.0f;
      for (std::size_t l = 0; l < length; ++l) dot += g[offset + l * stride] * y[offset + l * stride];
      for (std::size_t l = 0; l < length; ++l) {
        const std::size_t at = offset + l * stride;
        dx[at] = y[at] * (g[at] - dot);
      }
    });
    ctx.accumulate(0, std::move(grad));
  });
}

Tensor log_softmax(const Tensor& x, long axis) {
  const AxisSplit s = split_at(x.shape(), normalize_axis("log_softmax", axis, x.dim()));
  Array out = subtract_slice_max(s, x);
  float* py = out.data();
  if (s.length > 0) {
    const Array exps = map_vector(vector_math::exp, out);
    const float* pe = exps.data();
    for_each_slice(s, [&](std::size_t offset, std::size_t stride, std::size_t length) {
      const float log_sum = std::log(slice_sum(pe + offset, stride, length));
      for (std::size_t l = 0; l < length; ++l) py[offset + l * stride] -= log_sum;
    });
  }
  return record("log_softmax", std::move(out), {x}, [s](BackwardContext& ctx) {
    Array grad = map_vector(vector_math::exp, ctx.output);  // e^y, the softmax
    const float* g = ctx.grad.data();
    float* dx = grad.data();
    for_each_slice(s, [&](std::size_t offset, std::size_t stride, std::size_t length) {
      const float total = slice_sum(g + offset, stride, length);
      for (std::size_t l = 0; l < length; ++l) {
        const std::size_t at = offset + l * stride;
        dx[at] = g[at] - dx[at] * total;
      }
    });
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg
