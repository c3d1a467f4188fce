// Reductions: sum, mean and max, over the whole tensor or along one axis. Their backward spreads the
// incoming gradient back over every element that was reduced (divided by the count for mean).

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg {

namespace {

Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdim) {
  Shape out = shape;
  if (keepdim) {
    out[axis] = 1;
  } else {
    out.erase(out.begin() + static_cast<long>(axis));
  }
  return out;
}

// Sums along `axis`, accumulating in double so long sums lose no precision, divided by `divisor`
// (1 for sum, the count for mean).
Array sum_along(const Array& x, std::size_t axis, bool keepdim, double divisor) {
  const Shape shape = shape_of(x);
  const AxisSplit s = split_at(shape, axis);
  Array out = Array::from_shape(reduced_shape(shape, axis, keepdim));
  std::vector<double> acc(s.inner);
  const float* px = x.data();
  float* po = out.data();
  for (std::size_t o = 0; o < s.outer; ++o) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (std::size_t l = 0; l < s.length; ++l) {
      const float* row = px + (o * s.length + l) * s.inner;
      for (std::size_t i = 0; i < s.inner; ++i) acc[i] += row[i];
    }
    for (std::size_t i = 0; i < s.inner; ++i) po[o * s.inner + i] = static_cast<float>(acc[i] / divisor);
  }
  return out;
}

// The backward of a reduction along `axis`: every reduced element receives its output's gradient
// divided by `divisor` (PyTorch's mean backward divides too, rather than multiplying by 1/count).
Array spread_along(const Array& grad, const Shape& input_shape, std::size_t axis, float divisor) {
  const AxisSplit s = split_at(input_shape, axis);
  Array out = Array::from_shape(input_shape);
  const float* pg = grad.data();
  float* po = out.data();
  for (std::size_t o = 0; o < s.outer; ++o) {
    for (std::size_t l = 0; l < s.length; ++l) {
      float* row = po + (o * s.length + l) * s.inner;
      for (std::size_t i = 0; i < s.inner; ++i) row[i] = pg[o * s.inner + i] / divisor;
    }
  }
  return out;
}

double sum_all(const Array& x) {
  double total = 0.0;
  for (float v : x) total += v;
  return total;
}

}  // namespace

Tensor sum(const Tensor& x) {
  Array out = Array::from_shape({});
  out() = static_cast<float>(sum_all(x.data()));
  return record("sum", std::move(out), {x}, [](BackwardContext& ctx) {
    Array grad = Array::from_shape(ctx.input(0).shape());
    grad.fill(ctx.grad());
    ctx.accumulate(0, std::move(grad));
  });
}

Tensor mean(const Tensor& x) {
  const std::size_t count = x.numel();
  if (count == 0) throw Error("mean: cannot average an empty tensor of shape " + to_string(x.shape()));
  Array out = Array::from_shape({});
  out() = static_cast<float>(sum_all(x.data()) / static_cast<double>(count));
  return record("mean", std::move(out), {x}, [count](BackwardContext& ctx) {
    Array grad = Array::from_shape(ctx.input(0).shape());
    grad.fill(ctx.grad() / static_cast<float>(count));
    ctx.accumulate(0, std::move(grad));
  });
}

Tensor sum(const Tensor& x, long axis, bool keepdim) {
  const std::size_t a = normalize_axis("sum", axis, x.dim());
  return record("sum_axis", sum_along(x.data(), a, keepdim, 1.0), {x}, [a](BackwardContext& ctx) {
    ctx.accumulate(0, spread_along(ctx.grad, shape_of(ctx.input(0)), a, 1.0f));
  });
}

Tensor mean(const Tensor& x, long axis, bool keepdim) {
  const std::size_t a = normalize_axis("mean", axis, x.dim());
  const std::size_t count = x.shape()[a];
  if (count == 0) {
    throw Error("mean: cannot average over axis " + std::to_string(axis) + " of size 0 (shape " + to_string(x.shape()) +
                ")");
  }
  return record("mean_axis", sum_along(x.data(), a, keepdim, static_cast<double>(count)), {x},
                [a, count](BackwardContext& ctx) {
                  ctx.accumulate(0, spread_along(ctx.grad, shape_of(ctx.input(0)), a, static_cast<float>(count)));
                });
}

// max over everything. Like PyTorch, NaN is the maximum when there is one, and the gradient is shared
// evenly among all the elements equal to the maximum (a tie of two gets half each).
Tensor max(const Tensor& x) {
  if (x.numel() == 0) throw Error("max: cannot take the maximum of an empty tensor of shape " + to_string(x.shape()));
  const float* px = x.data().data();
  float best = px[0];
  for (std::size_t i = 1; i < x.numel() && !std::isnan(best); ++i) {
    if (px[i] > best || std::isnan(px[i])) best = px[i];
  }
  Array out = Array::from_shape({});
  out() = best;
  return record("max", std::move(out), {x}, [](BackwardContext& ctx) {
    const Array& input = ctx.input(0);
    const float maximum = ctx.output();
    auto is_maximum = [maximum](float v) { return std::isnan(maximum) ? std::isnan(v) : v == maximum; };
    const auto ties = static_cast<float>(std::count_if(input.begin(), input.end(), is_maximum));
    const float share = ctx.grad() / ties;
    ctx.accumulate(0, map(input, [&](float v) { return is_maximum(v) ? share : 0.0f; }));
  });
}

// max along an axis: each output's gradient goes to one element of its slice, as PyTorch's max(dim)
// does: the first NaN if there is one, else the first maximal element.
Tensor max(const Tensor& x, long axis, bool keepdim) {
  const std::size_t a = normalize_axis("max", axis, x.dim());
  const Shape shape = x.shape();
  const AxisSplit s = split_at(shape, a);
  if (s.length == 0) {
    throw Error("max: cannot take the maximum over axis " + std::to_string(axis) + " of size 0 (shape " +
                to_string(shape) + ")");
  }
  Array out = Array::from_shape(reduced_shape(shape, a, keepdim));
  std::vector<std::size_t> argmax(s.outer * s.inner);  // flat input index of each output's maximum
  const float* px = x.data().data();
  for (std::size_t o = 0; o < s.outer; ++o) {
    for (std::size_t i = 0; i < s.inner; ++i) {
      std::size_t best = o * s.length * s.inner + i;
      for (std::size_t l = 1; l < s.length && !std::isnan(px[best]); ++l) {
        const std::size_t at = (o * s.length + l) * s.inner + i;
        if (px[at] > px[best] || std::isnan(px[at])) best = at;
      }
      argmax[o * s.inner + i] = best;
      out.data()[o * s.inner + i] = px[best];
    }
  }
  return record("max_axis", std::move(out), {x}, [argmax = std::move(argmax)](BackwardContext& ctx) {
    Array grad = xt::zeros<float>(ctx.input(0).shape());
    for (std::size_t j = 0; j < argmax.size(); ++j) grad.data()[argmax[j]] += ctx.grad.data()[j];
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg
