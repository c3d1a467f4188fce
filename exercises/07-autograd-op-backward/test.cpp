// Exercise 07's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "given_ops.hpp"

#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace {

using array_check::first_difference;
using array_check::shape_text;
using xg::Array;
using xg::Shape;
using xg::Tensor;

Tensor random_input(const Shape& shape, std::uint64_t seed) {
  xg::Generator generator(seed);
  return xg::randn(shape, generator, /*requires_grad=*/true);
}

// gradcheck of a two-input op on inputs of these shapes; names the shapes when it fails.
void expect_gradcheck(xg::Tensor (*op)(const Tensor&, const Tensor&), const Shape& a, const Shape& b,
                      const std::string& name) {
  const xg::GradcheckReport report = xg::gradcheck([op](const std::vector<Tensor>& in) { return op(in[0], in[1]); },
                                                   {random_input(a, 1), random_input(b, 2)});
  EXPECT_TRUE(report.passed) << name << " on " << shape_text(a) << " and " << shape_text(b) << ": " << report.message;
}

// The gradients one backward gives the inputs, from a loss sum(w * op(a, b)) with fixed weights w
// (integers, so that every sum in the backward is exact whatever its order).
std::vector<Array> gradients_of(const std::function<Tensor(const Tensor&, const Tensor&)>& op, const Array& a_values,
                                const Array& b_values) {
  Tensor a = xg::tensor(a_values, true);
  Tensor b = xg::tensor(b_values, true);
  const Tensor out = op(a, b);
  Array weights = xg::Array::from_shape(out.data().shape());
  for (std::size_t i = 0; i < weights.size(); ++i) weights.data()[i] = static_cast<float>(static_cast<int>(i % 7) - 3);
  out.backward(weights);
  return {a.grad(), b.grad()};
}

TEST(OpBackward, MulGivesEachInputTheOtherInputTimesTheGradient) {
  const Array a = {1, 2, 3};
  const Array b = {4, 5, 6};
  const course::InputGradients g = course::mul_backward(Array{1, 1, 2}, a, b);
  EXPECT_EQ(first_difference(g.a, Array{4, 5, 12}), "") << "dL/da = grad * b";
  EXPECT_EQ(first_difference(g.b, Array{1, 2, 6}), "") << "dL/db = grad * a";
  for (const Shape& shape : {Shape{3}, Shape{2, 3}, Shape{2, 3, 4}, Shape{}}) {
    expect_gradcheck(course::mul, shape, shape, "mul");
  }
  // The same numbers as xgrad's own mul, bit for bit.
  const Tensor x = random_input({3, 5}, 3);
  const Tensor y = random_input({3, 5}, 4);
  const std::vector<Array> mine = gradients_of(course::mul, x.data(), y.data());
  const std::vector<Array> xgrads =
      gradients_of([](const Tensor& p, const Tensor& q) { return xg::mul(p, q); }, x.data(), y.data());
  EXPECT_EQ(first_difference(mine[0], xgrads[0]), "") << "dL/da against xgrad's mul";
  EXPECT_EQ(first_difference(mine[1], xgrads[1]), "") << "dL/db against xgrad's mul";
}

TEST(OpBackward, TanhBackwardIsOneMinusTheOutputSquared) {
  // y = 0 (x = 0): slope 1; y = 0.5: 1 - 0.25 = 0.75; y = -0.5 with gradient 2: 1.5.
  const Array g = course::tanh_backward(Array{1, 1, 2}, Array{0.0f, 0.5f, -0.5f});
  EXPECT_EQ(first_difference(g, Array{1.0f, 0.75f, 1.5f}), "");
  for (const Shape& shape : {Shape{5}, Shape{3, 4}, Shape{}}) {
    const xg::GradcheckReport report =
        xg::gradcheck([](const std::vector<Tensor>& in) { return course::tanh(in[0]); }, {random_input(shape, 5)});
    EXPECT_TRUE(report.passed) << "tanh on " << shape_text(shape) << ": " << report.message;
  }
  // xgrad's tanh, bit for bit (PyTorch rounds 1 - y^2 once).
  Tensor x = random_input({4, 6}, 6);
  Tensor x2 = xg::tensor(x.data(), true);
  course::tanh(x).backward(xg::ones({4, 6}).data());
  xg::tanh(x2).backward(xg::ones({4, 6}).data());
  EXPECT_EQ(first_difference(x.grad(), x2.grad()), "") << "against xgrad's tanh";
}

TEST(OpBackward, MatmulGradientsAreProductsWithTheTransposes) {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]], G = ones: G B^T = [[11, 15], [11, 15]], A^T G = [[4, 4], [6, 6]].
  const course::InputGradients g =
      course::matmul_backward(xt::ones<float>({2, 2}), Array{{1, 2}, {3, 4}}, Array{{5, 6}, {7, 8}});
  EXPECT_EQ(first_difference(g.a, Array{{11, 15}, {11, 15}}), "") << "dL/dA = G B^T";
  EXPECT_EQ(first_difference(g.b, Array{{4, 4}, {6, 6}}), "") << "dL/dB = A^T G";
  const course::InputGradients wide =
      course::matmul_backward(Array{{1, 2, 3}}, Array{{2, -1}}, xt::ones<float>({2, 3}));
  EXPECT_EQ(first_difference(wide.a, Array{{6, 6}}), "") << "[1, 2] x [2, 3]: dL/dA";
  EXPECT_EQ(first_difference(wide.b, Array{{2, 4, 6}, {-1, -2, -3}}), "") << "[1, 2] x [2, 3]: dL/dB";
  for (const auto& [a, b] :
       std::vector<std::pair<Shape, Shape>>{{{2, 3}, {3, 4}}, {{1, 5}, {5, 1}}, {{4, 1}, {1, 3}}, {{3, 3}, {3, 3}}}) {
    expect_gradcheck(course::matmul, a, b, "matmul");
  }
  // Against xgrad's matmul (cblas_sgemm sums in its own order: equal to float rounding).
  const Tensor x = random_input({6, 5}, 7);
  const Tensor w = random_input({5, 4}, 8);
  const std::vector<Array> mine = gradients_of(course::matmul, x.data(), w.data());
  const std::vector<Array> xgrads =
      gradients_of([](const Tensor& p, const Tensor& q) { return xg::matmul(p, q); }, x.data(), w.data());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(mine[i].shape(), xgrads[i].shape());
    for (std::size_t e = 0; e < mine[i].size(); ++e) {
      EXPECT_NEAR(mine[i].data()[e], xgrads[i].data()[e], 1e-5f) << "input " << i << ", element " << e;
    }
  }
}

// A [n, 1] array of these values (a nested braced list of one-element rows is ambiguous to xtensor).
Array column(Array values) {
  values.reshape({values.size(), 1});
  return values;
}

TEST(OpBackward, SumToShapeUndoesBroadcasting) {
  const Array grad = {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}};  // [3, 4]
  EXPECT_EQ(first_difference(course::sum_to(grad, {4}), Array{12, 15, 18, 21}), "") << "[3, 4] to [4]";
  EXPECT_EQ(first_difference(course::sum_to(grad, {1, 4}), Array{{12, 15, 18, 21}}), "") << "[3, 4] to [1, 4]";
  EXPECT_EQ(first_difference(course::sum_to(grad, {3, 1}), column({6, 22, 38})), "") << "[3, 4] to [3, 1]";
  EXPECT_EQ(first_difference(course::sum_to(grad, {}), Array(66.0f)), "") << "[3, 4] to a scalar []";
  EXPECT_EQ(first_difference(course::sum_to(grad, {3, 4}), grad), "") << "[3, 4] to itself";
  // [2, 3, 2] to [3, 1]: the leading 2 and the last 2 both sum away.
  Array cube = xg::Array::from_shape({2, 3, 2});
  for (std::size_t i = 0; i < cube.size(); ++i) cube.data()[i] = static_cast<float>(i);
  EXPECT_EQ(first_difference(course::sum_to(cube, {3, 1}), column({14, 22, 30})), "") << "[2, 3, 2] to [3, 1]";
}

TEST(OpBackward, BroadcastAddSumsTheGradientBackToEachInputsShape) {
  const course::InputGradients g = course::add_backward(xt::ones<float>({3, 4}), {3, 4}, {4});
  EXPECT_EQ(first_difference(g.a, xt::ones<float>({3, 4})), "") << "[3, 4] + [4]: dL/da";
  EXPECT_EQ(first_difference(g.b, Array{3, 3, 3, 3}), "") << "[3, 4] + [4]: dL/db, each element used 3 times";
  const std::vector<std::pair<Shape, Shape>> cases = {{{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{3, 4}, {}},
                                                      {{4}, {3, 4}}, {{}, {}},         {{2, 3, 4}, {3, 1}}};
  for (const auto& [a, b] : cases) {
    expect_gradcheck(course::add, a, b, "add");
    // xgrad's add, bit for bit (the weights are integers: the sums are exact in any order).
    const std::vector<Array> mine = gradients_of(course::add, random_input(a, 9).data(), random_input(b, 10).data());
    const std::vector<Array> xgrads = gradients_of([](const Tensor& p, const Tensor& q) { return xg::add(p, q); },
                                                   random_input(a, 9).data(), random_input(b, 10).data());
    EXPECT_EQ(first_difference(mine[0], xgrads[0]), "") << shape_text(a) << " + " << shape_text(b) << ": dL/da";
    EXPECT_EQ(first_difference(mine[1], xgrads[1]), "") << shape_text(a) << " + " << shape_text(b) << ": dL/db";
  }
}

TEST(OpBackward, ATwoLayerNetworkOfYourOpsMatchesXgrad) {
  // tanh(x W1 + b1) * s, then W2 and b2: every op of this exercise in one graph, against xgrad's ops.
  const std::vector<Shape> shapes = {{5, 3}, {3, 4}, {4}, {5, 4}, {4, 2}, {1, 2}};
  std::vector<Tensor> mine;
  std::vector<Tensor> xgrads;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    mine.push_back(random_input(shapes[i], 20 + i));
    xgrads.push_back(random_input(shapes[i], 20 + i));
  }
  const auto network = [](const std::vector<Tensor>& p, auto add, auto mul, auto matmul, auto tanh) {
    return add(matmul(mul(tanh(add(matmul(p[0], p[1]), p[2])), p[3]), p[4]), p[5]);
  };
  network(mine, course::add, course::mul, course::matmul, course::tanh).backward(xt::ones<float>({5, 2}));
  network(
      xgrads, [](const Tensor& a, const Tensor& b) { return xg::add(a, b); },
      [](const Tensor& a, const Tensor& b) { return xg::mul(a, b); },
      [](const Tensor& a, const Tensor& b) { return xg::matmul(a, b); }, [](const Tensor& a) { return xg::tanh(a); })
      .backward(xt::ones<float>({5, 2}));
  const std::vector<std::string> names = {"x", "W1", "b1", "s", "W2", "b2"};
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    ASSERT_EQ(mine[i].grad().shape(), xgrads[i].grad().shape()) << "the gradient of " << names[i];
    for (std::size_t e = 0; e < mine[i].numel(); ++e) {
      EXPECT_NEAR(mine[i].grad().data()[e], xgrads[i].grad().data()[e], 1e-5f)
          << "dL/d" << names[i] << ", element " << e << " (against xgrad's ops)";
    }
  }
}

}  // namespace
