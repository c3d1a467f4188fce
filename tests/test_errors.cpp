// The exact message of every error the Tensor, the ops and the backward engine throw. Each names the
// operation, what it expected and what it was given; and a failed call changes nothing.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace {

using xt::xarray;

// Runs `f`, which must throw xg::Error with exactly `message`.
void expect_error(const std::function<void()>& f, const std::string& message) {
  EXPECT_EQ(xg_test::error_message(f), message);
}

TEST(Errors, MatmulInnerDimensionsDiffer) {
  expect_error(
      [] {
        xg::matmul(xg::zeros({32, 784}), xg::zeros({256, 10}));
      },
      "matmul: cannot multiply [32, 784] by [256, 10]: inner dimensions 784 and 256 differ");
  expect_error(
      [] {
        xg::matmul(xg::zeros({2, 3, 4}), xg::zeros({3, 4}));
      },
      "matmul: cannot multiply [2, 3, 4] by [3, 4]: inner dimensions 4 and 3 differ");
}

TEST(Errors, MatmulBadRank) {
  expect_error(
      [] {
        xg::matmul(xg::zeros({3}), xg::zeros({3, 2}));
      },
      "matmul: expected [m, k] x [k, n] or [batch, m, k] x [k, n], got [3] by [3, 2]");
  expect_error(
      [] {
        xg::matmul(xg::zeros({2, 3}), xg::zeros({2, 3, 4}));
      },
      "matmul: expected [m, k] x [k, n] or [batch, m, k] x [k, n], got [2, 3] by [2, 3, 4]");
  expect_error(
      [] {
        xg::matmul(xg::zeros({}), xg::zeros({1, 1}));
      },
      "matmul: expected [m, k] x [k, n] or [batch, m, k] x [k, n], got [] by [1, 1]");
}

TEST(Errors, ShapesThatDoNotBroadcastNameTheOp) {
  const xg::Tensor a = xg::ones({2, 3});
  const xg::Tensor b = xg::ones({4});
  const std::string shapes = ": shapes [2, 3] and [4] do not broadcast: sizes 3 and 4 differ at dimension 1";
  expect_error([&] { (void)(a + b); }, "add" + shapes);
  expect_error([&] { (void)(a - b); }, "sub" + shapes);
  expect_error([&] { (void)(a * b); }, "mul" + shapes);
  expect_error([&] { (void)(a / b); }, "div" + shapes);
  expect_error(
      [] {
        (void)(xg::ones({2, 3, 4}) * xg::ones({3, 2}));
      },
      "mul: shapes [2, 3, 4] and [3, 2] do not broadcast: sizes 4 and 2 differ at dimension 2");
}

TEST(Errors, ReshapeToAnotherElementCount) {
  expect_error(
      [] {
        xg::reshape(xg::zeros({2, 3}), {4, 2});
      },
      "reshape: cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)");
  expect_error(
      [] {
        (void)xg::reshape(xg::zeros({2, 3}), {});
      },
      "reshape: cannot reshape [2, 3] (6 elements) to [] (1 element)");
}

TEST(Errors, TransposeOfANonMatrix) {
  expect_error([] { xg::transpose(xg::zeros({2, 3, 4})); }, "transpose: expected a 2-D tensor, got shape [2, 3, 4]");
  expect_error([] { (void)xg::transpose(xg::zeros({5})); }, "transpose: expected a 2-D tensor, got shape [5]");
}

TEST(Errors, AxisOutOfRange) {
  const xg::Tensor x = xg::zeros({2, 3});
  expect_error([&] { xg::sum(x, 2); }, "sum: axis 2 is out of range for a tensor with 2 dimensions (expected -2 to 1)");
  expect_error([&] { xg::mean(x, -3); },
               "mean: axis -3 is out of range for a tensor with 2 dimensions (expected -2 to 1)");
  expect_error([&] { xg::max(x, 5, true); },
               "max: axis 5 is out of range for a tensor with 2 dimensions (expected -2 to 1)");
  expect_error([&] { xg::softmax(x, 2); },
               "softmax: axis 2 is out of range for a tensor with 2 dimensions (expected -2 to 1)");
  expect_error([&] { xg::log_softmax(x, -3); },
               "log_softmax: axis -3 is out of range for a tensor with 2 dimensions (expected -2 to 1)");
  expect_error([] { xg::softmax(xg::zeros({})); },
               "softmax: axis -1 is out of range for a scalar (a tensor with 0 dimensions has no axes)");
}

TEST(Errors, IndexSelectOutOfRange) {
  expect_error(
      [] {
        xg::index_select(xg::zeros({3, 2}), {0, 5, 1});
      },
      "index_select: index 5 at position 1 is out of range for axis 0 of size 3 (shape [3, 2])");
  expect_error([] { xg::index_select(xg::zeros({}), {0}); },
               "index_select: expected a tensor with at least 1 dimension, got a scalar");
}

TEST(Errors, ItemOfANonScalar) {
  expect_error(
      [] {
        (void)xg::zeros({2, 3}).item();
      },
      "item: expected a tensor with one element, got shape [2, 3] (6 elements)");
  expect_error([] { (void)xg::zeros({0}).item(); },
               "item: expected a tensor with one element, got shape [0] (0 elements)");
}

TEST(Errors, BackwardOfANonScalarWithoutAGradient) {
  xg::Tensor x = xg::ones({3}, true);
  expect_error([&] { (x * 2.0f).backward(); },
               "backward: a gradient can be created implicitly only for a one-element tensor, got shape [3]; pass "
               "the gradient explicitly: backward(grad)");
  EXPECT_FALSE(x.has_grad());
}

TEST(Errors, BackwardWithAGradientOfTheWrongShape) {
  xg::Tensor x = xg::ones({3}, true);
  expect_error(
      [&] {
        (x * 2.0f).backward(xarray<float>{1, 2});
      },
      "backward: expected a gradient of shape [3], got [2]");
  expect_error(
      [&] {
        (x * 2.0f).backward(xt::ones<float>({3, 1}));
      },
      "backward: expected a gradient of shape [3], got [3, 1]");
  EXPECT_FALSE(x.has_grad());
}

TEST(Errors, BackwardOfATensorThatDoesNotRequireGrad) {
  expect_error([] { (xg::ones({1}) * 2.0f).backward(); },
               "backward: the tensor does not require grad and has no grad_fn (did you forget requires_grad=true on an "
               "input, or run the forward pass under NoGradGuard?)");
}

TEST(Errors, SecondBackwardThroughAFreedGraph) {
  xg::Tensor x = xg::tensor(xarray<float>{2}, true);
  xg::Tensor y = xg::sum(x * x);
  y.backward();
  expect_error([&] { y.backward(); },
               "backward: trying to go through the graph of 'sum' a second time, but its saved values were freed by "
               "the first backward; call backward(retain_graph=true) the first time if you need to backward twice");
  EXPECT_EQ(x.grad(), (xarray<float>{4}));
}

TEST(Errors, RequiresGradFalseOnANonLeaf) {
  xg::Tensor y = xg::ones({2}, true) * 2.0f;
  expect_error([&] { y.requires_grad_(false); },
               "requires_grad_: cannot turn off requires_grad on a non-leaf tensor (use detach() to cut it from the "
               "graph)");
  EXPECT_TRUE(y.requires_grad());
}

TEST(Errors, ClampWithMinAboveMax) {
  expect_error([] { xg::clamp(xg::ones({2}), 2.0f, 1.0f); }, "clamp: expected min <= max, got min=2 and max=1");
  expect_error([] { xg::clamp(xg::ones({2}), 0.5f, -0.25f); }, "clamp: expected min <= max, got min=0.5 and max=-0.25");
}

TEST(Errors, MeanAndMaxOfNothing) {
  expect_error([] { xg::mean(xg::zeros({0})); }, "mean: cannot average an empty tensor of shape [0]");
  expect_error([] { xg::mean(xg::zeros({2, 0}), 1); }, "mean: cannot average over axis 1 of size 0 (shape [2, 0])");
  expect_error([] { xg::max(xg::zeros({0, 3})); }, "max: cannot take the maximum of an empty tensor of shape [0, 3]");
  expect_error(
      [] {
        xg::max(xg::zeros({2, 0}), -1);
      },
      "max: cannot take the maximum over axis -1 of size 0 (shape [2, 0])");
}

TEST(Errors, GradientAccessors) {
  xg::Tensor x = xg::ones({2}, true);
  expect_error([&] { (void)x.grad(); }, "grad: the tensor of shape [2] has no gradient yet (call backward() first)");
  x.set_name("w");
  expect_error([&] { (void)x.grad(); },
               "grad: the tensor 'w' of shape [2] has no gradient yet (call backward() first)");
  expect_error([] { (void)xg::ones({2}).grad(); },
               "grad: the tensor of shape [2] has no gradient (it does not require grad)");
  expect_error([&] { x.set_grad(xt::ones<float>({3})); }, "set_grad: expected a gradient of shape [2], got [3]");
  EXPECT_FALSE(x.has_grad());
  expect_error([] { xg::ones({2}).retain_grad(); }, "retain_grad: the tensor does not require grad");
}

TEST(Errors, UndefinedTensor) {
  const xg::Tensor undefined;
  expect_error([&] { (void)undefined.data(); }, "data: the tensor is undefined (default-constructed handle)");
  expect_error([&] { undefined.backward(); }, "backward: the tensor is undefined (default-constructed handle)");
  expect_error([&] { (void)undefined.item(); }, "item: the tensor is undefined (default-constructed handle)");
}

TEST(Errors, AFailedOpRecordsNothingAndChangesNoInput) {
  xg::Tensor a = xg::ones({2, 3}, true);
  xg::Tensor b = xg::ones({4}, true);
  EXPECT_THROW((void)(a + b), xg::Error);
  EXPECT_THROW(xg::matmul(a, b), xg::Error);
  EXPECT_EQ(a.data(), xt::ones<float>({2, 3}));
  EXPECT_EQ(b.data(), xt::ones<float>({4}));
  EXPECT_FALSE(a.has_grad());
  EXPECT_TRUE(a.is_leaf());
}

TEST(Errors, NumbersInMessagesArePrintedLikePythonRepr) {
  EXPECT_EQ(xg::format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(xg::format_number(-0.0001), "-0.0001");
  EXPECT_EQ(xg::format_number(0.00001), "1e-05");
  EXPECT_EQ(xg::format_number(1e16), "1e+16");
  EXPECT_EQ(xg::format_number(1234.5), "1234.5");
  EXPECT_EQ(xg::format_number(-HUGE_VAL), "-inf");
}

}  // namespace
