// Exercise 11's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "cross_entropy_op.hpp"

#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/nn/functional.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using array_check::first_difference;
using xg::Array;
using xg::Labels;
using xg::Tensor;

// Logits [rows, classes] drawn from N(0, scale^2).
Array random_logits(std::size_t rows, std::size_t classes, float scale, std::uint64_t seed) {
  xg::Generator generator(seed);
  return Array(xg::randn({rows, classes}, generator).data() * scale);
}

// The array with -0 made +0 (x + 0 is +0 for x = -0): a sure row's loss may come out as either.
Array signless_zeros(Array values) {
  for (float& v : values) v += 0.0f;
  return values;
}

Labels some_labels(std::size_t rows, std::size_t classes) {
  Labels labels(rows);
  for (std::size_t i = 0; i < rows; ++i) labels[i] = static_cast<std::int64_t>((7 * i + 3) % classes);
  return labels;
}

TEST(CrossEntropy, SoftmaxRowsAreStableAndSumToOne) {
  const Array small = course::softmax_rows(Array{{1, 2, 3}});
  EXPECT_FLOAT_EQ(small(0, 0), 0.0900305732f) << "softmax([1, 2, 3])[0] = e^1 / (e^1 + e^2 + e^3)";
  EXPECT_FLOAT_EQ(small(0, 1), 0.244728471f) << "softmax([1, 2, 3])[1]";
  EXPECT_FLOAT_EQ(small(0, 2), 0.665240956f) << "softmax([1, 2, 3])[2]";
  // e^1000 overflows a float; e^(1000 - 1002) does not. Shifting every logit changes nothing.
  const Array large = course::softmax_rows(Array{{1000, 1001, 1002}, {-1000, -1001, -1002}});
  EXPECT_FLOAT_EQ(large(0, 0), 0.0900305732f) << "softmax([1000, 1001, 1002])[0]: the same as [1, 2, 3]";
  EXPECT_FLOAT_EQ(large(0, 2), 0.665240956f) << "softmax([1000, 1001, 1002])[2]";
  EXPECT_FLOAT_EQ(large(1, 0), 0.665240956f) << "softmax([-1000, -1001, -1002])[0]: no 0 / 0";
  const Array logits = random_logits(8, 10, 3.0f, 1);
  const Array probs = course::softmax_rows(logits);
  for (std::size_t i = 0; i < 8; ++i) {
    float sum = 0;
    for (std::size_t c = 0; c < 10; ++c) sum += probs(i, c);
    EXPECT_NEAR(sum, 1.0f, 1e-6f) << "the sum of row " << i;
  }
  const xg::NoGradGuard no_grad;
  EXPECT_EQ(first_difference(probs, xg::softmax(xg::tensor(logits), 1).data()), "") << "against xg::softmax(x, 1)";
}

TEST(CrossEntropy, LogSoftmaxSubtractsTheLogSumExp) {
  const Array small = course::log_softmax_rows(Array{{1, 2, 3}});
  EXPECT_FLOAT_EQ(small(0, 0), -2.40760596f) << "log_softmax([1, 2, 3])[0] = 1 - log(e^1 + e^2 + e^3)";
  EXPECT_FLOAT_EQ(small(0, 1), -1.40760596f) << "log_softmax([1, 2, 3])[1]";
  EXPECT_FLOAT_EQ(small(0, 2), -0.407605964f) << "log_softmax([1, 2, 3])[2]";
  // log(softmax(x)) would be log(0) = -inf here; x - m - log(sum e^(x - m)) is exact.
  const Array extreme = course::log_softmax_rows(Array{{1e4f, 0}, {-1e4f, -1e4f}});
  EXPECT_EQ(extreme(0, 0), 0.0f) << "log_softmax([1e4, 0])[0]";
  EXPECT_EQ(extreme(0, 1), -1e4f) << "log_softmax([1e4, 0])[1]: finite, not log(0)";
  EXPECT_FLOAT_EQ(extreme(1, 0), -0.693147182f) << "log_softmax([-1e4, -1e4])[0] = -log 2";
  const Array logits = random_logits(8, 10, 3.0f, 2);
  const xg::NoGradGuard no_grad;
  EXPECT_EQ(first_difference(course::log_softmax_rows(logits), xg::log_softmax(xg::tensor(logits), 1).data()), "")
      << "against xg::log_softmax(x, 1)";
}

TEST(CrossEntropy, LossIsTheMeanNegativeLogProbabilityOfTheLabel) {
  // Equal logits: every class has p = 1/10, so every loss is log 10.
  const course::CrossEntropyForward uniform = course::cross_entropy_forward(xt::zeros<float>({4, 10}), {0, 3, 9, 9});
  ASSERT_EQ(uniform.losses.size(), 4u) << "one loss per row";
  EXPECT_FLOAT_EQ(uniform.losses(1), 2.30258512f) << "-log(1/10) for equal logits";
  EXPECT_FLOAT_EQ(uniform.mean, 2.30258512f) << "the mean over the rows";
  const course::CrossEntropyForward one = course::cross_entropy_forward(Array{{1, 2, 3}, {1, 2, 3}}, {2, 0});
  EXPECT_FLOAT_EQ(one.losses(0), 0.407605964f) << "logits [1, 2, 3], label 2: -log_softmax[2]";
  EXPECT_FLOAT_EQ(one.losses(1), 2.40760596f) << "logits [1, 2, 3], label 0: -log_softmax[0]";
  EXPECT_FLOAT_EQ(one.mean, 1.40760596f) << "the mean of 0.4076 and 2.4076";
  EXPECT_FLOAT_EQ(one.probs(0, 2), 0.665240956f) << "probs: the softmax of the row";
  // Against xgrad's cross_entropy, bit for bit: the per-row losses (Reduction::None) and the mean,
  // on ordinary logits and on logits of size 1e4 (where a naive log(softmax) gives inf).
  for (const float scale : {2.0f, 1e4f}) {
    const Array logits = random_logits(16, 10, scale, 3);
    const Labels labels = some_labels(16, 10);
    const course::CrossEntropyForward mine = course::cross_entropy_forward(logits, labels);
    const xg::NoGradGuard no_grad;
    using xg::nn::CrossEntropyLossOptions;
    const Tensor each = xg::nn::functional::cross_entropy(xg::tensor(logits), labels,
                                                          CrossEntropyLossOptions().reduction(xg::nn::Reduction::None));
    const Tensor mean = xg::nn::functional::cross_entropy(xg::tensor(logits), labels);
    const std::string at = " (logits of scale " + array_check::exact(scale) + ")";
    EXPECT_EQ(first_difference(signless_zeros(mine.losses), signless_zeros(each.data())), "")
        << "the losses against xgrad's" << at;
    EXPECT_EQ(array_check::exact(mine.mean), array_check::exact(mean.item())) << "the mean against xgrad's" << at;
  }
}

TEST(CrossEntropy, FusedBackwardIsSoftmaxMinusOneHotOverN) {
  // Two rows of equal logits (p = 1/3 each), labels 0 and 2, N = 2: (p - onehot) / 2.
  const Array grad = course::cross_entropy_backward(
      Array{{1.0f / 3, 1.0f / 3, 1.0f / 3}, {1.0f / 3, 1.0f / 3, 1.0f / 3}}, {0, 2}, 1.0f);
  ASSERT_EQ(grad.shape(), (std::vector<std::size_t>{2, 3})) << "the gradient has the logits' shape";
  EXPECT_FLOAT_EQ(grad(0, 0), -1.0f / 3) << "(1/3 - 1) / 2 at the label";
  EXPECT_FLOAT_EQ(grad(0, 1), 1.0f / 6) << "1/3 / 2 elsewhere";
  EXPECT_FLOAT_EQ(grad(1, 2), -1.0f / 3) << "(1/3 - 1) / 2 at row 1's label";
  EXPECT_FLOAT_EQ(course::cross_entropy_backward(Array{{0.25f, 0.75f}}, {1}, 4.0f)(0, 1), -1.0f)
      << "scaled by grad_of_mean = 4: 4 * (0.75 - 1) / 1";
  // The op with your forward and backward passes gradcheck.
  for (const auto& [rows, classes] : std::vector<std::pair<std::size_t, std::size_t>>{{1, 3}, {4, 5}, {7, 10}}) {
    const Labels labels = some_labels(rows, classes);
    const xg::GradcheckReport report =
        xg::gradcheck([&labels](const std::vector<Tensor>& in) { return course::cross_entropy(in[0], labels); },
                      {xg::tensor(random_logits(rows, classes, 1.0f, 4), true)});
    EXPECT_TRUE(report.passed) << "gradcheck on logits [" << rows << ", " << classes << "]: " << report.message;
  }
  // xgrad's cross_entropy backward, bit for bit.
  const Array logits = random_logits(16, 10, 2.0f, 5);
  const Labels labels = some_labels(16, 10);
  Tensor mine = xg::tensor(logits, true);
  Tensor xgrads = xg::tensor(logits, true);
  course::cross_entropy(mine, labels).backward();
  xg::nn::functional::cross_entropy(xgrads, labels).backward();
  EXPECT_EQ(first_difference(mine.grad(), xgrads.grad()), "") << "dL/dlogits against xgrad's cross_entropy";
}

}  // namespace
