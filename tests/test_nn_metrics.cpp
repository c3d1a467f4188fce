// Metrics: argmax, accuracy and the confusion matrix.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

namespace nn = xg::nn;
using xg_test::error_message;

// Rows predict classes 2, 0, 1, 1 (row 3 has a tie between 1 and 2: the first wins).
xg::Tensor scores() {
  return xg::tensor(xg::Array{{0.1f, 0.2f, 0.9f}, {5.0f, -1.0f, 0.0f}, {0.0f, 3.0f, 2.0f}, {0.0f, 4.0f, 4.0f}});
}

TEST(NNMetrics, ArgmaxPicksTheFirstLargestScore) { EXPECT_EQ(nn::argmax(scores()), (nn::Labels{2, 0, 1, 1})); }

TEST(NNMetrics, AccuracyIsTheFractionOfCorrectRows) {
  EXPECT_EQ(nn::accuracy(scores(), nn::Labels{2, 0, 1, 1}), 1.0);
  EXPECT_EQ(nn::accuracy(scores(), nn::Labels{2, 1, 1, 2}), 0.5);
  EXPECT_EQ(nn::accuracy(scores(), xg::tensor(xg::Array{0.0f, 0.0f, 0.0f, 0.0f})), 0.25);
}

TEST(NNMetrics, ConfusionMatrixRowsAreTrueClassesColumnsPredicted) {
  const xt::xarray<std::int64_t> counts = nn::confusion_matrix(scores(), nn::Labels{2, 1, 1, 2});
  EXPECT_EQ(counts, (xt::xarray<std::int64_t>{{0, 0, 0}, {1, 1, 0}, {0, 1, 1}}));
}

TEST(NNMetrics, ConfusionMatrixAccumulatesOverBatches) {
  nn::ConfusionMatrix matrix(3);
  matrix.update(scores(), nn::Labels{2, 1, 1, 2});
  matrix.update(scores(), nn::Labels{2, 0, 1, 1});
  EXPECT_EQ(matrix.total(), 8);
  EXPECT_EQ(matrix.counts()(1, 1), 3);
  EXPECT_EQ(matrix.counts()(2, 2), 2);
  EXPECT_EQ(matrix.accuracy(), 6.0 / 8.0);
  std::ostringstream out;
  out << matrix;
  EXPECT_EQ(out.str(),
            "true |    0    1    2  <- predicted\n"
            "   0 |    1    0    0\n"
            "   1 |    1    3    0\n"
            "   2 |    0    1    2\n");
  matrix.reset();
  EXPECT_EQ(matrix.total(), 0);
  EXPECT_EQ(matrix.accuracy(), 0.0);
}

TEST(NNMetrics, BadInputsThrow) {
  EXPECT_EQ(error_message([] {
              nn::accuracy(scores(), nn::Labels{0, 1, 3, 0});
            }),
            "accuracy: label 3 at position 2 is out of range for 3 classes");
  EXPECT_EQ(error_message([] { nn::accuracy(scores(), nn::Labels{0}); }),
            "accuracy: expected 4 labels, one per row of the input [4, 3], got 1");
  EXPECT_EQ(error_message([] {
              nn::accuracy(xg::zeros({0, 3}), nn::Labels{});
            }),
            "accuracy: expected at least one sample, got scores [0, 3]");
  EXPECT_EQ(error_message([] {
              nn::ConfusionMatrix(4).update(scores(), nn::Labels{0, 0, 0, 0});
            }),
            "ConfusionMatrix: expected scores with 4 columns, got [4, 3]");
  EXPECT_EQ(error_message([] { nn::argmax(xg::zeros({3})); }), "argmax: expected scores of shape [N, C], got [3]");
}

}  // namespace
