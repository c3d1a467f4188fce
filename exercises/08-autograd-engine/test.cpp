// Exercise 08's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "engine.hpp"

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using array_check::exact;
using array_check::shape_text;
using xg::Array;
using xg::Tensor;

Tensor scalar(float value) { return xg::tensor(Array(value), true); }

// Where each tensor of `order` sits in it; fails the check when one appears twice.
std::unordered_map<const xg::TensorImpl*, std::size_t> positions(const std::vector<Tensor>& order) {
  std::unordered_map<const xg::TensorImpl*, std::size_t> where;
  for (std::size_t k = 0; k < order.size(); ++k) {
    EXPECT_TRUE(where.emplace(order[k].id(), k).second) << "tensor " << k << " of the order appears twice";
  }
  return where;
}

// Checks that `order` is a topological order of the graph behind `root` with `count` tensors.
void expect_topological(const Tensor& root, const std::vector<Tensor>& order, std::size_t count) {
  ASSERT_EQ(order.size(), count) << "tensors in the order";
  ASSERT_EQ(order.front().id(), root.id()) << "the root comes first";
  const auto where = positions(order);
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (!order[k].grad_fn()) continue;
    for (const Tensor& input : order[k].grad_fn()->inputs) {
      if (!input.requires_grad()) {
        EXPECT_EQ(where.count(input.id()), 0u) << "a constant (requires_grad false) is in the order";
        continue;
      }
      ASSERT_EQ(where.count(input.id()), 1u) << "an input of '" << order[k].grad_fn()->op << "' is missing";
      EXPECT_LT(k, where.at(input.id())) << "'" << order[k].grad_fn()->op << "' at " << k
                                         << " must come before its input at " << where.at(input.id());
    }
  }
}

// The leaves' gradients from course::backward and from xgrad's Tensor::backward on two copies of one
// graph, built by `graph` from fresh leaves with these values.
void expect_same_as_xgrad(const std::function<Tensor(const std::vector<Tensor>&)>& graph,
                          const std::vector<Array>& values, const std::string& name) {
  std::vector<Tensor> mine;
  std::vector<Tensor> xgrads;
  for (const Array& v : values) {
    mine.push_back(xg::tensor(v, true));
    xgrads.push_back(xg::tensor(v, true));
  }
  course::backward(graph(mine));
  graph(xgrads).backward();
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(mine[i].has_grad()) << name << ": leaf " << i << " got no gradient";
    ASSERT_EQ(mine[i].grad().shape(), xgrads[i].grad().shape()) << name << ": leaf " << i;
    for (std::size_t e = 0; e < mine[i].numel(); ++e) {
      const float a = mine[i].grad().data()[e];
      const float b = xgrads[i].grad().data()[e];
      EXPECT_NEAR(a, b, 1e-6f * std::max(1.0f, std::fabs(b)))
          << name << ": leaf " << i << ", element " << e << ": " << exact(a) << " where xgrad's is " << exact(b);
    }
  }
}

TEST(Engine, TopologicalOrderPutsEachTensorBeforeItsInputs) {
  // A diamond: a feeds b and c, both feed d; the constant k needs no gradient.
  const Tensor a = scalar(2.0f);
  const Tensor k = xg::tensor(Array(3.0f));
  const Tensor b = a * k;
  const Tensor c = xg::tanh(a);
  const Tensor d = b * c + a;
  const std::vector<Tensor> order = course::topological_order(d);
  expect_topological(d, order, 5);  // d's add, its mul, b, c and a; not k
  EXPECT_EQ(order.back().id(), a.id()) << "the leaf a, used by b, c and d, comes last";
  // A leaf alone is its own order.
  const std::vector<Tensor> alone = course::topological_order(a);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].id(), a.id());
}

TEST(Engine, TopologicalOrderOfAHundredThousandOpsNeedsNoRecursion) {
  const Tensor x = scalar(1.0f);
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0f;
  const std::vector<Tensor> order = course::topological_order(y);
  ASSERT_EQ(order.size(), 100001u);
  EXPECT_EQ(order.front().id(), y.id());
  EXPECT_EQ(order.back().id(), x.id());
  for (std::size_t k = 0; k + 1 < order.size(); ++k) {
    ASSERT_EQ(order[k].grad_fn()->inputs[0].id(), order[k + 1].id()) << "the chain's link " << k;
  }
}

TEST(Engine, GradientsAddUpOverEveryUseOfATensor) {
  Tensor x = scalar(3.0f);
  course::backward(x * x);
  EXPECT_EQ(x.grad()(), 6.0f) << "d(x * x)/dx = 2x at x = 3: two uses, 3 each";
  Tensor y = scalar(3.0f);
  course::backward(y * y * y);
  EXPECT_EQ(y.grad()(), 27.0f) << "d(y^3)/dy = 3 y^2 at y = 3";
  Tensor z = scalar(3.0f);
  course::backward(z * 2.0f + z * 5.0f);
  EXPECT_EQ(z.grad()(), 7.0f) << "d(2z + 5z)/dz: the two branches of a diamond add";
  // A non-leaf that asked with retain_grad() keeps its gradient too; the others keep none.
  Tensor w = scalar(3.0f);
  Tensor square = (w * w).retain_grad();
  Tensor cube = square * w;
  course::backward(cube * 2.0f);
  ASSERT_TRUE(square.has_grad()) << "a retain_grad() tensor has no gradient";
  EXPECT_EQ(square.grad()(), 6.0f) << "d(2 w^2 w)/d(w^2) = 2w";
  EXPECT_FALSE(cube.has_grad()) << "a non-leaf without retain_grad() keeps no gradient";
  EXPECT_EQ(w.grad()(), 54.0f) << "d(2 w^3)/dw = 6 w^2";
}

TEST(Engine, BackwardEqualsXgradsOnSeveralGraphs) {
  xg::Generator generator(8);
  const Array x = xg::randn({4, 3}, generator).data();
  const Array w1 = xg::randn({3, 5}, generator).data();
  const Array b1 = xg::randn({5}, generator).data();
  const Array w2 = xg::randn({5, 2}, generator).data();
  expect_same_as_xgrad(
      [](const std::vector<Tensor>& p) { return xg::mean(xg::matmul(xg::tanh(xg::matmul(p[0], p[1]) + p[2]), p[3])); },
      {x, w1, b1, w2}, "an MLP");
  expect_same_as_xgrad(
      [](const std::vector<Tensor>& p) {
        const Tensor h = xg::exp(p[0] * 0.5f);
        return xg::sum(h * p[0] - h / (p[0] * p[0] + 1.0f));
      },
      {x}, "one tensor used five times");
  expect_same_as_xgrad(
      [](const std::vector<Tensor>& p) {
        Tensor top = p[0];
        for (int i = 0; i < 6; ++i) top = xg::sigmoid(top) * top + p[1];  // diamonds stacked on diamonds
        return xg::sum(top);
      },
      {Array{0.5f, -1.0f, 2.0f}, Array{0.25f, 0.1f, -0.3f}}, "six stacked diamonds");
}

TEST(Engine, GradientsAccumulateOverBackwardCallsUntilZeroGrad) {
  Tensor x = scalar(3.0f);
  course::backward(x * x);
  course::backward(x * x);
  EXPECT_EQ(x.grad()(), 12.0f) << "two backward calls without zero_grad: 6 + 6";
  x.zero_grad();
  course::backward(x * x);
  EXPECT_EQ(x.grad()(), 6.0f) << "after zero_grad one call gives 6 again";
  // xgrad does the same: gradients accumulate until zeroed, which is why a training loop calls
  // zero_grad() before every backward.
  Tensor y = scalar(3.0f);
  (y * y).backward();
  (y * y).backward();
  EXPECT_EQ(y.grad()(), 12.0f) << "xgrad's own backward (given)";
}

TEST(Engine, BackwardThroughAHundredThousandOpsChain) {
  Tensor x = scalar(2.0f);
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y + 1.0f;
  course::backward(y * x);  // (x + 100000) * x: the gradient is 2x + 100000
  ASSERT_TRUE(x.has_grad());
  EXPECT_EQ(x.grad()(), 100004.0f) << "d((x + 100000) x)/dx at x = 2";
}

}  // namespace
