// Every differentiable op: gradcheck (finite differences against backward) on several shapes, and the
// PyTorch semantics that finite differences cannot see (kinks, ties, NaN, infinities, huge logits).

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <xtensor/xadapt.hpp>
#include <xtensor/xio.hpp>
#include <xtensor/xview.hpp>

#include <cmath>
#include <functional>
#include <limits>

namespace {

using xt::xarray;
using Inputs = std::vector<xg::Tensor>;
using UnaryOp = std::function<xg::Tensor(const xg::Tensor&)>;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

const std::vector<xg::Shape> kShapes = {{}, {5}, {3, 4}, {2, 3, 4}};

// Uniform values in [low, high) of these shapes, all requiring grad. Values closer than 0.1 to a point in
// `avoid` (the kinks and poles of the op under test) are pushed 0.1 away from it: finite differences
// across a kink are meaningless.
Inputs random_inputs(const std::vector<xg::Shape>& shapes, float low = -2.0f, float high = 2.0f,
                     const std::vector<float>& avoid = {}) {
  xg::Generator g(99);
  Inputs inputs;
  for (const auto& shape : shapes) {
    xg::Tensor t = xg::uniform(shape, low, high, g, true);
    for (float& v : t.data()) {
      for (float point : avoid) {
        if (std::abs(v - point) < 0.1f) v = v < point ? point - 0.1f : point + 0.1f;
      }
    }
    inputs.push_back(t);
  }
  return inputs;
}

void expect_gradcheck(const xg::GradcheckFunction& f, const Inputs& inputs) {
  const xg::GradcheckReport report = xg::gradcheck(f, inputs);
  EXPECT_TRUE(report) << report.message;
}

void expect_unary_gradcheck(const UnaryOp& op, const xg::Shape& shape, float low, float high,
                            const std::vector<float>& avoid = {}) {
  SCOPED_TRACE("shape " + xg::to_string(shape));
  expect_gradcheck([&op](const Inputs& in) { return op(in[0]); }, random_inputs({shape}, low, high, avoid));
}

// A column [n, 1] (a braced {{a}, {b}} is ambiguous for xtensor).
xarray<float> column(std::initializer_list<float> values) {
  xarray<float> out = xt::adapt(std::vector<float>(values));
  out.reshape({values.size(), 1});
  return out;
}

// Elementwise values and the gradient of sum(seed * f(x)), for checking semantics by hand.
struct Evaluated {
  xarray<float> value, grad;
};
Evaluated evaluate(const UnaryOp& op, const xarray<float>& x, const xarray<float>& seed) {
  xg::Tensor input = xg::tensor(x, true);
  xg::Tensor output = op(input);
  output.backward(seed);
  return {output.data(), input.grad()};
}

// ---------------------------------------------------------------------------------------------------
// gradcheck, op by op, on the scalar [] and [5], [3, 4], [2, 3, 4].

TEST(OpsGradcheck, SmoothUnaryOpsOnEveryShape) {
  const std::vector<std::pair<const char*, UnaryOp>> ops = {
      {"exp", [](const xg::Tensor& x) { return xg::exp(x); }},
      {"tanh", [](const xg::Tensor& x) { return xg::tanh(x); }},
      {"sigmoid", [](const xg::Tensor& x) { return xg::sigmoid(x); }},
      {"gelu", [](const xg::Tensor& x) { return xg::gelu(x); }},
      {"neg", [](const xg::Tensor& x) { return xg::neg(x); }},
      {"pow 2", [](const xg::Tensor& x) { return xg::pow(x, 2.0f); }},
      {"pow 3", [](const xg::Tensor& x) { return xg::pow(x, 3.0f); }},
      {"pow 1", [](const xg::Tensor& x) { return xg::pow(x, 1.0f); }},
      {"pow 0", [](const xg::Tensor& x) { return xg::pow(x, 0.0f); }},
      {"x + 2", [](const xg::Tensor& x) { return x + 2.0f; }},
      {"2 + x", [](const xg::Tensor& x) { return 2.0f + x; }},
      {"x - 2", [](const xg::Tensor& x) { return x - 2.0f; }},
      {"2 - x", [](const xg::Tensor& x) { return 2.0f - x; }},
      {"x * 3", [](const xg::Tensor& x) { return x * 3.0f; }},
      {"3 * x", [](const xg::Tensor& x) { return 3.0f * x; }},
      {"x / 4", [](const xg::Tensor& x) { return x / 4.0f; }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    for (const xg::Shape& shape : kShapes) expect_unary_gradcheck(op, shape, -2.0f, 2.0f);
  }
}

TEST(OpsGradcheck, OpsWithAKinkOrPoleAwayFromIt) {
  const std::vector<std::pair<const char*, UnaryOp>> ops = {
      {"relu", [](const xg::Tensor& x) { return xg::relu(x); }},
      {"leaky_relu", [](const xg::Tensor& x) { return xg::leaky_relu(x, 0.1f); }},
      {"leaky_relu default slope", [](const xg::Tensor& x) { return xg::leaky_relu(x); }},
      {"abs", [](const xg::Tensor& x) { return xg::abs(x); }},
      {"2 / x", [](const xg::Tensor& x) { return 2.0f / x; }},
      {"pow -1", [](const xg::Tensor& x) { return xg::pow(x, -1.0f); }},
      {"pow -2", [](const xg::Tensor& x) { return xg::pow(x, -2.0f); }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    for (const xg::Shape& shape : kShapes) expect_unary_gradcheck(op, shape, -2.0f, 2.0f, {0.0f});
  }
  SCOPED_TRACE("clamp");
  for (const xg::Shape& shape : kShapes) {
    expect_unary_gradcheck([](const xg::Tensor& x) { return xg::clamp(x, -1.0f, 0.5f); }, shape, -2.0f, 2.0f,
                           {-1.0f, 0.5f});
  }
}

TEST(OpsGradcheck, OpsDefinedForPositiveInputs) {
  const std::vector<std::pair<const char*, UnaryOp>> ops = {
      {"log", [](const xg::Tensor& x) { return xg::log(x); }},
      {"sqrt", [](const xg::Tensor& x) { return xg::sqrt(x); }},
      {"pow 0.5", [](const xg::Tensor& x) { return xg::pow(x, 0.5f); }},
      {"pow -0.5", [](const xg::Tensor& x) { return xg::pow(x, -0.5f); }},
      {"pow 1.5", [](const xg::Tensor& x) { return xg::pow(x, 1.5f); }},
      {"pow -2.7", [](const xg::Tensor& x) { return xg::pow(x, -2.7f); }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    for (const xg::Shape& shape : kShapes) expect_unary_gradcheck(op, shape, 0.5f, 2.0f);
  }
}

TEST(OpsGradcheck, BinaryOpsWithBroadcasting) {
  const std::vector<std::pair<xg::Shape, xg::Shape>> shapes = {{{}, {}},
                                                               {{5}, {5}},
                                                               {{3, 4}, {3, 4}},
                                                               {{3, 1}, {1, 4}},
                                                               {{4}, {2, 3, 4}},
                                                               {{}, {2, 2}},
                                                               {{2, 2}, {}},
                                                               {{2, 3, 4}, {3, 1}},
                                                               {{3, 4}, {4}},
                                                               {{1, 4}, {3, 4}},
                                                               {{3, 4}, {3, 1}},
                                                               {{1, 3, 1}, {2, 1, 4}},
                                                               {{2, 1, 4}, {3, 1}},
                                                               {{1}, {2, 3}}};
  for (const auto& [a, b] : shapes) {
    SCOPED_TRACE(xg::to_string(a) + " with " + xg::to_string(b));
    const Inputs inputs = random_inputs({a, b}, -2.0f, 2.0f, {0.0f});
    expect_gradcheck([](const Inputs& in) { return in[0] + in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] - in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] * in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] / in[1]; }, inputs);
  }
}

TEST(OpsGradcheck, BinaryOpsWhereOnlyOneSideRequiresGrad) {
  Inputs inputs = random_inputs({{3, 4}, {4}}, -2.0f, 2.0f, {0.0f});
  inputs[1].requires_grad_(false);
  expect_gradcheck([](const Inputs& in) { return in[0] / in[1]; }, inputs);
  inputs[0].requires_grad_(false);
  inputs[1].requires_grad_(true);
  expect_gradcheck([](const Inputs& in) { return in[0] / in[1]; }, inputs);
  expect_gradcheck([](const Inputs& in) { return in[0] * in[1] - in[0]; }, inputs);
}

TEST(OpsGradcheck, TheSameTensorOnBothSides) {
  const Inputs inputs = random_inputs({{3, 4}}, 0.5f, 2.0f);
  expect_gradcheck([](const Inputs& in) { return in[0] * in[0]; }, inputs);
  expect_gradcheck([](const Inputs& in) { return in[0] / in[0]; }, inputs);
  expect_gradcheck([](const Inputs& in) { return in[0] - in[0]; }, inputs);
}

TEST(OpsGradcheck, WholeTensorReductions) {
  for (const xg::Shape& shape : kShapes) {
    SCOPED_TRACE("shape " + xg::to_string(shape));
    const Inputs inputs = random_inputs({shape});
    expect_gradcheck([](const Inputs& in) { return xg::sum(in[0]); }, inputs);
    expect_gradcheck([](const Inputs& in) { return xg::mean(in[0]); }, inputs);
    expect_gradcheck([](const Inputs& in) { return xg::max(in[0]); }, inputs);
  }
}

TEST(OpsGradcheck, ReductionsAlongEveryAxisWithAndWithoutKeepdim) {
  for (const xg::Shape& shape : {xg::Shape{5}, xg::Shape{3, 4}, xg::Shape{2, 3, 4}}) {
    const Inputs inputs = random_inputs({shape});
    const long dim = static_cast<long>(shape.size());
    for (long axis = -dim; axis < dim; ++axis) {
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE("shape " + xg::to_string(shape) + " axis " + std::to_string(axis) + (keepdim ? " keepdim" : ""));
        expect_gradcheck([=](const Inputs& in) { return xg::sum(in[0], axis, keepdim); }, inputs);
        expect_gradcheck([=](const Inputs& in) { return xg::mean(in[0], axis, keepdim); }, inputs);
        expect_gradcheck([=](const Inputs& in) { return xg::max(in[0], axis, keepdim); }, inputs);
      }
    }
  }
}

TEST(OpsGradcheck, SoftmaxAndLogSoftmaxAlongEveryAxis) {
  for (const xg::Shape& shape : {xg::Shape{5}, xg::Shape{3, 4}, xg::Shape{2, 3, 4}}) {
    const Inputs inputs = random_inputs({shape}, -3.0f, 3.0f);
    const long dim = static_cast<long>(shape.size());
    for (long axis = -dim; axis < dim; ++axis) {
      SCOPED_TRACE("shape " + xg::to_string(shape) + " axis " + std::to_string(axis));
      expect_gradcheck([=](const Inputs& in) { return xg::softmax(in[0], axis); }, inputs);
      expect_gradcheck([=](const Inputs& in) { return xg::log_softmax(in[0], axis); }, inputs);
    }
  }
  // The default axis is the last one.
  expect_gradcheck([](const Inputs& in) { return xg::softmax(in[0]); }, random_inputs({{2, 3}}));
  expect_gradcheck([](const Inputs& in) { return xg::log_softmax(in[0]); }, random_inputs({{2, 3}}));
}

TEST(OpsGradcheck, Matmul) {
  const std::vector<std::pair<xg::Shape, xg::Shape>> shapes = {
      {{3, 4}, {4, 5}}, {{1, 1}, {1, 1}}, {{3, 4}, {4, 1}}, {{1, 4}, {4, 3}}, {{2, 3, 4}, {4, 5}}, {{3, 1, 2}, {2, 2}}};
  for (const auto& [a, b] : shapes) {
    SCOPED_TRACE(xg::to_string(a) + " x " + xg::to_string(b));
    const Inputs inputs = random_inputs({a, b});
    expect_gradcheck([](const Inputs& in) { return xg::matmul(in[0], in[1]); }, inputs);
  }
}

TEST(OpsGradcheck, ShapeOps) {
  const Inputs matrix = random_inputs({{3, 4}});
  for (const xg::Shape& to : {xg::Shape{12}, xg::Shape{2, 6}, xg::Shape{2, 3, 2}, xg::Shape{4, 3}}) {
    SCOPED_TRACE("reshape to " + xg::to_string(to));
    expect_gradcheck([&to](const Inputs& in) { return xg::reshape(in[0], to); }, matrix);
  }
  expect_gradcheck([](const Inputs& in) { return xg::reshape(in[0], {1, 1}); }, random_inputs({{}}));
  expect_gradcheck([](const Inputs& in) { return xg::reshape(in[0], {}); }, random_inputs({{1}}));
  expect_gradcheck([](const Inputs& in) { return xg::reshape(in[0], {4, 6}); }, random_inputs({{2, 3, 4}}));
  for (const xg::Shape& shape : {xg::Shape{3, 4}, xg::Shape{1, 5}, xg::Shape{5, 1}}) {
    SCOPED_TRACE("transpose " + xg::to_string(shape));
    expect_gradcheck([](const Inputs& in) { return xg::transpose(in[0]); }, random_inputs({shape}));
  }
}

TEST(OpsGradcheck, IndexSelectWithRepeatedIndices) {
  expect_gradcheck([](const Inputs& in) { return xg::index_select(in[0], {0, 4, 4, 2}); }, random_inputs({{5}}));
  expect_gradcheck([](const Inputs& in) { return xg::index_select(in[0], {2, 0, 2, 2}); }, random_inputs({{3, 4}}));
  expect_gradcheck([](const Inputs& in) { return xg::index_select(in[0], {1, 1, 0}); }, random_inputs({{2, 3, 4}}));
}

TEST(OpsGradcheck, IndexSelectAddsTheGradientOfEveryRepeat) {
  xg::Tensor x = xg::tensor(xarray<float>{{1, 2}, {3, 4}, {5, 6}}, true);
  xg::Tensor rows = xg::index_select(x, {2, 0, 2, 2});
  EXPECT_EQ(rows.data(), (xarray<float>{{5, 6}, {1, 2}, {5, 6}, {5, 6}}));
  rows.backward(xarray<float>{{1, 10}, {100, 1000}, {2, 20}, {3, 30}});
  EXPECT_EQ(x.grad(), (xarray<float>{{100, 1000}, {0, 0}, {6, 60}}));
  // No index at all: an empty result and a zero gradient.
  xg::Tensor none = xg::index_select(x, {});
  EXPECT_EQ(none.shape(), (xg::Shape{0, 2}));
  x.zero_grad();
  none.backward(xt::zeros<float>({0, 2}));
  EXPECT_EQ(x.grad(), xt::zeros<float>({3, 2}));
}

TEST(OpsGradcheck, ACompositeOfEveryOp) {
  const Inputs inputs = random_inputs({{2, 3, 4}, {4, 3}, {3}}, 0.5f, 1.5f);
  expect_gradcheck(
      [](const Inputs& in) {
        xg::Tensor h = xg::gelu(xg::matmul(in[0], in[1]) + in[2]);  // [2, 3, 3]
        xg::Tensor s = xg::softmax(h, 1) * xg::log_softmax(h, -1);  // [2, 3, 3]
        xg::Tensor r = xg::reshape(s, {6, 3}) / (2.0f - xg::sum(xg::mean(xg::sigmoid(h), 0, false), 0, true));
        xg::Tensor picked = xg::index_select(xg::transpose(r), {2, 0, 2});  // [3, 6]
        return xg::tanh(picked) + xg::max(picked, 1, true) * xg::pow(xg::sqrt(xg::exp(picked)), 1.5f) -
               xg::log(xg::abs(picked) + 1.0f) / xg::max(xg::clamp(picked, -5.0f, 5.0f));
      },
      inputs);
}

// ---------------------------------------------------------------------------------------------------
// PyTorch semantics at kinks, ties, poles and extremes. The expected numbers are what torch 1.13 gives.

TEST(OpsSemantics, ReluGradientIsZeroAtZeroAndNaNPassesThrough) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::relu(x); },
                                      xarray<float>{kNaN, -0.0f, 0.0f, -1.0f, 2.0f}, xarray<float>{1, 2, 3, 4, 5});
  EXPECT_TRUE(std::isnan(value(0)));
  EXPECT_TRUE(std::signbit(value(1)));  // relu(-0) = -0 in PyTorch
  EXPECT_EQ(value(2), 0.0f);
  EXPECT_EQ(value(3), 0.0f);
  EXPECT_EQ(value(4), 2.0f);
  EXPECT_EQ(grad, (xarray<float>{1, 0, 0, 0, 5}));
}

TEST(OpsSemantics, LeakyReluUsesTheSlopeAtZero) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::leaky_relu(x, 0.25f); },
                                      xarray<float>{-2.0f, 0.0f, 3.0f}, xarray<float>{1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{-0.5f, 0.0f, 3.0f}));
  EXPECT_EQ(grad, (xarray<float>{0.25f, 0.25f, 1.0f}));
}

TEST(OpsSemantics, AbsGradientIsTheSignAndZeroAtZero) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::abs(x); },
                                      xarray<float>{0.0f, -0.0f, 2.0f, -3.0f, kNaN}, xarray<float>{1, 2, 3, 4, 5});
  EXPECT_EQ(xt::view(value, xt::range(0, 4)), (xarray<float>{0, 0, 2, 3}));
  EXPECT_EQ(grad, (xarray<float>{0, 0, 3, -4, 0}));
}

TEST(OpsSemantics, ClampPassesTheGradientAtItsBoundaries) {
  const auto [value, grad] =
      evaluate([](const xg::Tensor& x) { return xg::clamp(x, 0.0f, 1.0f); },
               xarray<float>{-1.0f, 0.0f, 0.5f, 1.0f, 2.0f, kNaN}, xarray<float>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(xt::view(value, xt::range(0, 5)), (xarray<float>{0, 0, 0.5f, 1, 1}));
  EXPECT_TRUE(std::isnan(value(5)));
  EXPECT_EQ(grad, (xarray<float>{0, 2, 3, 4, 0, 0}));
  // min == max is allowed: every value becomes that bound.
  EXPECT_EQ(xg::clamp(xg::tensor(xarray<float>{-3, 3}), 1.0f, 1.0f).data(), (xarray<float>{1, 1}));
}

TEST(OpsSemantics, MaxOverAllSharesTheGradientAmongTies) {
  const auto [value, grad] =
      evaluate([](const xg::Tensor& x) { return xg::max(x); }, xarray<float>{{1, 3}, {3, -2}}, xarray<float>(6.0f));
  EXPECT_EQ(value(), 3.0f);
  EXPECT_EQ(grad, (xarray<float>{{0, 3}, {3, 0}}));
}

TEST(OpsSemantics, MaxAlongAnAxisGivesTheGradientToTheFirstMaximum) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::max(x, 1); },
                                      xarray<float>{{1, 3, 3}, {5, 5, 5}}, xarray<float>{10, 20});
  EXPECT_EQ(value, (xarray<float>{3, 5}));
  EXPECT_EQ(grad, (xarray<float>{{0, 10, 0}, {20, 0, 0}}));
  const auto [column_value, column_grad] = evaluate([](const xg::Tensor& x) { return xg::max(x, 0, true); },
                                                    xarray<float>{{1, 7}, {4, 7}}, xarray<float>{{10, 20}});
  EXPECT_EQ(column_value, (xarray<float>{{4, 7}}));
  EXPECT_EQ(column_grad, (xarray<float>{{0, 20}, {10, 0}}));
}

TEST(OpsSemantics, MaxPropagatesNaN) {
  const xarray<float> x = {{1, kNaN, 3, kNaN}};
  const auto [all, all_grad] = evaluate([](const xg::Tensor& t) { return xg::max(t); }, x, xarray<float>(1.0f));
  EXPECT_TRUE(std::isnan(all()));
  EXPECT_EQ(all_grad, (xarray<float>{{0, 0.5f, 0, 0.5f}}));  // shared among the NaNs, as in PyTorch
  const auto [row, row_grad] = evaluate([](const xg::Tensor& t) { return xg::max(t, 1); }, x, xarray<float>{1.0f});
  EXPECT_TRUE(std::isnan(row(0)));
  EXPECT_EQ(row_grad, (xarray<float>{{0, 1, 0, 0}}));  // the first NaN, as PyTorch's index says
  const auto [first, first_grad] =
      evaluate([](const xg::Tensor& t) { return xg::max(t, 1); }, xarray<float>{{kNaN, 5, kNaN}}, xarray<float>{1});
  EXPECT_TRUE(std::isnan(first(0)));
  EXPECT_EQ(first_grad, (xarray<float>{{1, 0, 0}}));
}

TEST(OpsSemantics, PowWithZeroExponentHasZeroGradientEvenAtZero) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::pow(x, 0.0f); },
                                      xarray<float>{0.0f, 2.0f, -3.0f}, xarray<float>{1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{1, 1, 1}));
  EXPECT_EQ(grad, (xarray<float>{0, 0, 0}));
}

TEST(OpsSemantics, PowOfANegativeBase) {
  // An integer exponent is fine; a fractional one is NaN, value and gradient, as in PyTorch.
  const auto [cube, cube_grad] =
      evaluate([](const xg::Tensor& x) { return xg::pow(x, 3.0f); }, xarray<float>{-2.0f}, xarray<float>{1});
  EXPECT_EQ(cube(0), -8.0f);
  EXPECT_EQ(cube_grad(0), 12.0f);
  const auto [root, root_grad] =
      evaluate([](const xg::Tensor& x) { return xg::pow(x, 1.0f / 3.0f); }, xarray<float>{-8.0f}, xarray<float>{1});
  EXPECT_TRUE(std::isnan(root(0)));
  EXPECT_TRUE(std::isnan(root_grad(0)));
  // x^0.5 at 0: value 0, gradient inf.
  const auto [sqrt_value, sqrt_grad] =
      evaluate([](const xg::Tensor& x) { return xg::pow(x, 0.5f); }, xarray<float>{0.0f}, xarray<float>{1});
  EXPECT_EQ(sqrt_value(0), 0.0f);
  EXPECT_EQ(sqrt_grad(0), kInf);
}

TEST(OpsSemantics, PowOfCommonExponentsIsAnExactProductLikePyTorch) {
  const xg::Tensor x = xg::uniform({1000}, 0.1f, 4.0f);
  const xarray<float>& v = x.data();
  EXPECT_EQ(xg::pow(x, 2.0f).data(), xarray<float>(v * v));
  EXPECT_EQ(xg::pow(x, 3.0f).data(), xarray<float>(v * v * v));
  EXPECT_EQ(xg::pow(x, -1.0f).data(), xarray<float>(1.0f / v));
  EXPECT_EQ(xg::pow(x, -2.0f).data(), xarray<float>(1.0f / (v * v)));
  EXPECT_EQ(xg::pow(x, 0.5f).data(), xarray<float>(xt::sqrt(v)));
  EXPECT_EQ(xg::pow(x, 1.0f).data(), v);
}

TEST(OpsSemantics, LogOfZeroIsMinusInfinityWithInfiniteGradient) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::log(x); }, xarray<float>{0.0f, 1.0f, -1.0f},
                                      xarray<float>{1, 1, 1});
  EXPECT_EQ(value(0), -kInf);
  EXPECT_EQ(value(1), 0.0f);
  EXPECT_TRUE(std::isnan(value(2)));
  EXPECT_EQ(grad(0), kInf);
  EXPECT_EQ(grad(1), 1.0f);
  EXPECT_EQ(grad(2), -1.0f);
}

TEST(OpsSemantics, SqrtOfZeroHasInfiniteGradient) {
  const auto [value, grad] =
      evaluate([](const xg::Tensor& x) { return xg::sqrt(x); }, xarray<float>{0.0f, 4.0f}, xarray<float>{1, 1});
  EXPECT_EQ(value, (xarray<float>{0, 2}));
  EXPECT_EQ(grad, (xarray<float>{kInf, 0.25f}));
}

TEST(OpsSemantics, DivisionByZeroGivesInfinitiesLikePyTorch) {
  const auto [value, grad] =
      evaluate([](const xg::Tensor& x) { return 1.0f / x; }, xarray<float>{0.0f, -0.0f, 2.0f}, xarray<float>{1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{kInf, -kInf, 0.5f}));
  EXPECT_EQ(grad, (xarray<float>{-kInf, -kInf, -0.25f}));

  xg::Tensor a = xg::tensor(xarray<float>{1, -1, 0}, true);
  xg::Tensor b = xg::tensor(xarray<float>{0, 0, 0}, true);
  xg::Tensor q = a / b;
  EXPECT_EQ(xt::view(q.data(), xt::range(0, 2)), (xarray<float>{kInf, -kInf}));
  EXPECT_TRUE(std::isnan(q.data()(2)));  // 0 / 0
  q.backward(xarray<float>{1, 1, 1});
  EXPECT_EQ(a.grad(), (xarray<float>{kInf, kInf, kInf}));
  EXPECT_EQ(xt::view(b.grad(), xt::range(0, 2)), (xarray<float>{-kInf, kInf}));
}

TEST(OpsSemantics, SigmoidSaturatesExactlyLikePyTorch) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::sigmoid(x); },
                                      xarray<float>{-90.0f, -1e4f, 0.0f, 1e4f}, xarray<float>{1, 1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{0.0f, 0.0f, 0.5f, 1.0f}));  // torch.sigmoid(-90.) is exactly 0
  EXPECT_EQ(grad, (xarray<float>{0.0f, 0.0f, 0.25f, 0.0f}));
}

TEST(OpsSemantics, TanhSaturatesWithZeroGradient) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::tanh(x); }, xarray<float>{-1e4f, 0.0f, 1e4f},
                                      xarray<float>{1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{-1, 0, 1}));
  EXPECT_EQ(grad, (xarray<float>{0, 1, 0}));
}

TEST(OpsSemantics, GeluOfLargeInputsIsTheIdentityOrZero) {
  const auto [value, grad] = evaluate([](const xg::Tensor& x) { return xg::gelu(x); }, xarray<float>{-1e4f, 0.0f, 1e4f},
                                      xarray<float>{1, 1, 1});
  EXPECT_EQ(value, (xarray<float>{-0.0f, 0.0f, 1e4f}));
  EXPECT_EQ(grad, (xarray<float>{0.0f, 0.5f, 1.0f}));
}

TEST(OpsSemantics, SoftmaxOfHugeLogitsIsStable) {
  xg::Tensor logits = xg::tensor(xarray<float>{{1e4f, -1e4f, 0.0f}, {-1e4f, -1e4f, -1e4f}}, true);
  xg::Tensor p = xg::softmax(logits, 1);
  const float third = 1.0f / 3.0f;
  EXPECT_EQ(p.data(), (xarray<float>{{1, 0, 0}, {third, third, third}}));
  xg::Tensor log_p = xg::log_softmax(logits, 1);
  EXPECT_EQ(log_p.data(), (xarray<float>{{0, -2e4f, -1e4f}, {-std::log(3.0f), -std::log(3.0f), -std::log(3.0f)}}));
  xg::sum(p * xg::tensor(xarray<float>{{1, 2, 3}, {1, 2, 3}}) + log_p).backward();
  for (float g : logits.grad()) EXPECT_TRUE(std::isfinite(g));
  // First row: softmax' is 0 where p is 0 or 1; log_softmax' = 1 - 3 p.
  EXPECT_EQ(xt::view(logits.grad(), 0), (xarray<float>{-2, 1, 1}));
}

TEST(OpsSemantics, MeanAlongAnAxisDividesLikePyTorch) {
  xg::Tensor x = xg::tensor(xarray<float>{{1, 2, 4}, {3, 5, 7}}, true);
  xg::Tensor m = xg::mean(x, 1, true);
  EXPECT_EQ(m.data(), column({7.0f / 3.0f, 5.0f}));
  m.backward(column({1, 2}));
  const float a = 1.0f / 3.0f, b = 2.0f / 3.0f;
  EXPECT_EQ(x.grad(), (xarray<float>{{a, a, a}, {b, b, b}}));
}

TEST(OpsSemantics, ScalarFormsValues) {
  const xg::Tensor x = xg::tensor(xarray<float>{1, 2, 4});
  EXPECT_EQ((2.0f - x).data(), (xarray<float>{1, 0, -2}));
  EXPECT_EQ((x - 2.0f).data(), (xarray<float>{-1, 0, 2}));
  EXPECT_EQ((2.0f / x).data(), (xarray<float>{2, 1, 0.5f}));
  EXPECT_EQ((x / 2.0f).data(), (xarray<float>{0.5f, 1, 2}));
  EXPECT_EQ((2.0f * x).data(), (xarray<float>{2, 4, 8}));
  EXPECT_EQ((x + 0.5f).data(), (xarray<float>{1.5f, 2.5f, 4.5f}));
  EXPECT_EQ((-x).data(), (xarray<float>{-1, -2, -4}));
}

// ---------------------------------------------------------------------------------------------------
// The plain-loop broadcasting paths, checked against xtensor's own broadcasting.

TEST(Broadcasting, EveryPathMatchesXtensor) {
  const std::vector<std::pair<xg::Shape, xg::Shape>> shapes = {
      {{3, 4}, {4}},          {{4}, {3, 4}},    {{3, 4}, {1, 4}},       {{1, 4}, {3, 4}},    {{2, 3, 4}, {3, 4}},
      {{3, 4}, {}},           {{}, {3, 4}},     {{3, 4}, {1, 1}},       {{3, 4}, {1, 1, 4}}, {{3, 4}, {3, 1}},
      {{3, 1}, {3, 4}},       {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}},    {{2, 1, 4}, {3, 1}}, {{1, 3, 1}, {2, 1, 4}},
      {{2, 3, 4}, {2, 1, 4}}, {{4, 1}, {4}},    {{2, 3, 1}, {2, 1, 1}}, {{5, 1, 1}, {1}},    {{0, 4}, {4}}};
  xg::Generator g(5);
  for (const auto& [shape_a, shape_b] : shapes) {
    SCOPED_TRACE(xg::to_string(shape_a) + " with " + xg::to_string(shape_b));
    const xarray<float> a = xg::randn(shape_a, g).data();
    const xarray<float> b = xg::randn(shape_b, g).data();
    const xarray<float> expected = a - 2.0f * b;
    const xarray<float> got = xg::broadcast_apply("test", a, b, [](float x, float y) { return x - 2.0f * y; });
    EXPECT_EQ(got.shape(), expected.shape());
    EXPECT_EQ(got, expected);
  }
}

TEST(Broadcasting, SumToShapeUndoesEveryBroadcast) {
  const std::vector<std::pair<xg::Shape, xg::Shape>> shapes = {
      {{3, 4}, {4}},          {{3, 4}, {1, 4}},    {{2, 3, 4}, {3, 4}},    {{2, 3, 4}, {4}},
      {{3, 4}, {}},           {{3, 4}, {1, 1}},    {{3, 4}, {3, 1}},       {{2, 3, 4}, {3, 1}},
      {{2, 3, 4}, {2, 1, 4}}, {{1, 3, 4}, {3, 4}}, {{2, 3, 4}, {1, 3, 1}}, {{2, 3, 4}, {2, 1, 1}},
      {{2, 3, 4}, {2, 3, 1}}, {{2, 3, 4}, {1, 1}}, {{3, 21}, {3, 1}},      {{37}, {}},
      {{4, 19}, {19}}};
  xg::Generator g(6);
  for (const auto& [from, to] : shapes) {
    SCOPED_TRACE(xg::to_string(from) + " to " + xg::to_string(to));
    const xarray<float> grad = xg::randn(from, g).data();
    xarray<float> expected = grad;
    while (expected.dimension() > to.size()) expected = xt::sum(expected, {0}, xt::evaluation_strategy::immediate);
    for (std::size_t axis = 0; axis < to.size(); ++axis) {
      if (to[axis] == 1 && expected.shape()[axis] != 1) {
        expected = xt::sum(expected, {axis}, xt::keep_dims | xt::evaluation_strategy::immediate);
      }
    }
    const xarray<float> got = xg::sum_to_shape(grad, to);
    EXPECT_EQ(xg::shape_of(got), to);
    EXPECT_TRUE(xt::allclose(got, expected, 1e-6, 1e-6)) << got << "\n" << expected;
  }
}

TEST(Broadcasting, BiasRowGradientIsTheColumnSums) {
  xg::Tensor x = xg::tensor(xarray<float>{{1, 2, 3}, {4, 5, 6}}, true);
  xg::Tensor bias = xg::tensor(xarray<float>{10, 20, 30}, true);
  xg::Tensor y = x * bias;
  EXPECT_EQ(y.data(), (xarray<float>{{10, 40, 90}, {40, 100, 180}}));
  y.backward(xarray<float>{{1, 1, 1}, {2, 2, 2}});
  EXPECT_EQ(bias.grad(), (xarray<float>{9, 12, 15}));
  EXPECT_EQ(x.grad(), (xarray<float>{{10, 20, 30}, {20, 40, 60}}));
}

}  // namespace
