// Exercise 12's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "linear_op.hpp"

#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/init.hpp>
#include <xgrad/nn/linear.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using array_check::first_difference;
using xg::Array;
using xg::Tensor;

Tensor random_input(const xg::Shape& shape, std::uint64_t seed) {
  xg::Generator generator(seed);
  return xg::randn(shape, generator, /*requires_grad=*/true);
}

// The mean of the squares of an array's elements.
double mean_square(const Array& values) {
  double total = 0;
  for (float v : values) total += static_cast<double>(v) * v;
  return total / static_cast<double>(values.size());
}

// A [n, 1] array of these values (a nested braced list of one-element rows is ambiguous to xtensor).
Array column(Array values) {
  values.reshape({values.size(), 1});
  return values;
}

TEST(Linear, GainAndBoundsFollowTorchsFormulas) {
  EXPECT_DOUBLE_EQ(course::leaky_relu_gain(0.0), std::sqrt(2.0)) << "gain of ReLU (slope 0): sqrt(2)";
  EXPECT_DOUBLE_EQ(course::leaky_relu_gain(std::sqrt(5.0)), 0.57735026918962573) << "gain at slope sqrt(5): sqrt(1/3)";
  EXPECT_DOUBLE_EQ(course::kaiming_uniform_bound(784, std::sqrt(5.0)), 1.0 / 28)
      << "kaiming_uniform_ with a = sqrt(5), fan_in 784: 1 / sqrt(784)";
  EXPECT_DOUBLE_EQ(course::kaiming_uniform_bound(100, 0.0), 0.24494897427831781)
      << "kaiming_uniform_ with a = 0 (ReLU), fan_in 100: sqrt(6 / 100)";
  EXPECT_DOUBLE_EQ(course::xavier_uniform_bound(784, 256, 1.0), 0.075955452531274991)
      << "xavier_uniform_, fans 784 and 256: sqrt(6 / 1040)";
  EXPECT_DOUBLE_EQ(course::xavier_uniform_bound(300, 100, std::sqrt(2.0)), 0.17320508075688773)
      << "xavier_uniform_ with gain sqrt(2), fans 300 and 100: sqrt(2) sqrt(6 / 400)";
}

TEST(Linear, InitialisationDrawsWhatTorchsFormulasDraw) {
  // Your Linear(784, 256) and xgrad's from the same seed: the same weights and bias, bit for bit.
  xg::Generator mine_generator(7);
  xg::Generator xgrad_generator(7);
  const course::LinearLayer mine(784, 256, mine_generator);
  const xg::nn::Linear xgrads(784, 256, true, xgrad_generator);
  ASSERT_EQ(mine.weight.shape(), (xg::Shape{256, 784})) << "the weight is [out_features, in_features]";
  ASSERT_EQ(mine.bias.shape(), (xg::Shape{256})) << "the bias is [out_features]";
  EXPECT_TRUE(mine.weight.requires_grad() && mine.bias.requires_grad()) << "both are parameters";
  EXPECT_EQ(first_difference(mine.weight.data(), xgrads->weight.data()), "") << "the weight against xgrad's Linear";
  EXPECT_EQ(first_difference(mine.bias.data(), xgrads->bias.data()), "") << "the bias against xgrad's Linear";
  const float largest = xt::amax(xt::abs(mine.weight.data()))();
  EXPECT_LE(largest, 1.0f / 28) << "every weight within 1 / sqrt(784)";
  EXPECT_GT(largest, 0.99f / 28) << "and the draws reach the bound";
  // fill_uniform with Xavier's bound against torch.nn.init.xavier_uniform_ (xgrad's), bit for bit.
  xg::Generator fill_generator(8);
  xg::Generator init_generator(8);
  Array values = xg::Array::from_shape({100, 300});
  course::fill_uniform(values, course::xavier_uniform_bound(300, 100, 1.0), fill_generator);
  const Tensor xavier = xg::nn::init::xavier_uniform_(xg::zeros({100, 300}), 1.0, init_generator);
  EXPECT_EQ(first_difference(values, xavier.data()), "") << "Xavier's draws against xg::nn::init::xavier_uniform_";
}

TEST(Linear, KaimingKeepsTheSignalThroughTenReluLayers) {
  // Ten layers 256 -> 256, each followed by ReLU, weights U(-b, b) with Kaiming's bound for ReLU
  // (a = 0): the mean square of the activations stays near the input's. Xavier's bound (made for tanh)
  // halves it at every layer: 2^-10 after ten.
  const auto mean_square_after_ten_layers = [](double bound) {
    xg::Generator generator(9);
    Array x = xg::randn({512, 256}, generator).data();
    const double start = mean_square(x);
    for (int layer = 0; layer < 10; ++layer) {
      Array weight = xg::Array::from_shape({256, 256});
      course::fill_uniform(weight, bound, generator);
      Array y = course::linear_forward(x, weight, xt::zeros<float>({256}));
      x = xt::maximum(y, 0.0f);
    }
    return mean_square(x) / start;
  };
  const double kaiming = mean_square_after_ten_layers(course::kaiming_uniform_bound(256, 0.0));
  const double xavier = mean_square_after_ten_layers(course::xavier_uniform_bound(256, 256, 1.0));
  EXPECT_GT(kaiming, 0.5) << "the signal's mean square after ten ReLU layers with Kaiming's bound, over the input's";
  EXPECT_LT(kaiming, 2.0) << "the same: neither vanishing nor exploding";
  EXPECT_LT(xavier, 0.01) << "with Xavier's bound it vanishes (about 2^-10)";
}

TEST(Linear, ForwardIsXTimesWTransposedPlusB) {
  // x = [1, 2], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, 0, -1]: y = [1 + 0.5, 2, 3 - 1].
  const Array y = course::linear_forward(Array{{1, 2}}, Array{{1, 0}, {0, 1}, {1, 1}}, Array{0.5f, 0, -1});
  EXPECT_EQ(first_difference(y, Array{{1.5f, 2, 2}}), "") << "[1, 2] through W and b";
  // Against xgrad's linear (torch.nn.functional.linear), bit for bit.
  const Tensor x = random_input({5, 4}, 1);
  const Tensor w = random_input({3, 4}, 2);
  const Tensor b = random_input({3}, 3);
  const xg::NoGradGuard no_grad;
  EXPECT_EQ(first_difference(course::linear_forward(x.data(), w.data(), b.data()),
                             xg::nn::functional::linear(x, w, b).data()),
            "")
      << "[5, 4] through [3, 4] against xg::nn::functional::linear";
}

TEST(Linear, BackwardGivesGWAndGTransposedXAndColumnSums) {
  // x = [[1, 2]], W = [[1, 0], [0, 1], [1, 1]], G = [[1, 2, 3]]:
  // dx = G W = [4, 5], dW = G^T x = [[1, 2], [2, 4], [3, 6]], db = G's column sums = [1, 2, 3].
  const course::LinearGradients g =
      course::linear_backward(Array{{1, 2, 3}}, Array{{1, 2}}, Array{{1, 0}, {0, 1}, {1, 1}});
  EXPECT_EQ(first_difference(g.x, Array{{4, 5}}), "") << "dL/dx = G W";
  EXPECT_EQ(first_difference(g.weight, Array{{1, 2}, {2, 4}, {3, 6}}), "") << "dL/dW = G^T x";
  EXPECT_EQ(first_difference(g.bias, Array{1, 2, 3}), "") << "dL/db = the column sums of G";
  const course::LinearGradients two = course::linear_backward(Array{{1, 1}, {2, -1}}, column({1, 3}), column({2, 5}));
  EXPECT_EQ(first_difference(two.bias, Array{3, 0}), "") << "two rows: db sums the rows of G";
  for (const auto& [rows, in, out] :
       std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{{1, 1, 1}, {3, 4, 2}, {5, 2, 6}}) {
    const xg::GradcheckReport report =
        xg::gradcheck([](const std::vector<Tensor>& p) { return course::linear(p[0], p[1], p[2]); },
                      {random_input({rows, in}, 4), random_input({out, in}, 5), random_input({out}, 6)});
    EXPECT_TRUE(report.passed) << "gradcheck on x [" << rows << ", " << in << "], W [" << out << ", " << in
                               << "]: " << report.message;
  }
  // Against xgrad's linear backward, bit for bit.
  std::vector<Tensor> mine = {random_input({8, 5}, 7), random_input({3, 5}, 8), random_input({3}, 9)};
  std::vector<Tensor> xgrads = {random_input({8, 5}, 7), random_input({3, 5}, 8), random_input({3}, 9)};
  const Array weights = random_input({8, 3}, 10).data();
  course::linear(mine[0], mine[1], mine[2]).backward(weights);
  xg::nn::functional::linear(xgrads[0], xgrads[1], xgrads[2]).backward(weights);
  const char* names[] = {"dL/dx", "dL/dW", "dL/db"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first_difference(mine[i].grad(), xgrads[i].grad()), "") << names[i] << " against xgrad's linear";
  }
}

}  // namespace
