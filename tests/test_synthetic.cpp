// Synthetic sets: shapes, labels per class, the geometry they promise, and seeding.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using xg::data::Labels;
using xg::data::TensorDataset;
using xg_test::error_message;

std::vector<std::size_t> label_counts(const TensorDataset& data, std::size_t classes) {
  std::vector<std::size_t> counts(classes, 0);
  for (std::int64_t label : data.labels()) ++counts.at(static_cast<std::size_t>(label));
  return counts;
}

TEST(Synthetic, SpiralsShapeLabelsAndRadius) {
  xg::Generator generator(0);
  const TensorDataset data = xg::data::spirals(50, 3, 0.2, generator);
  EXPECT_EQ(xg::shape_of(data.inputs()), (xg::Shape{150, 2}));
  EXPECT_EQ(label_counts(data, 3), (std::vector<std::size_t>{50, 50, 50}));
  EXPECT_EQ(data.labels()[49], 0);
  EXPECT_EQ(data.labels()[50], 1);
  // Noise moves the angle only: point i of each arm stays at radius i / 49.
  for (std::size_t row = 0; row < 150; ++row) {
    const double x = data.inputs()(row, 0);
    const double y = data.inputs()(row, 1);
    EXPECT_NEAR(std::sqrt(x * x + y * y), static_cast<double>(row % 50) / 49.0, 1e-6) << "row " << row;
  }
}

TEST(Synthetic, SpiralsWithoutNoiseFollowTheFormula) {
  xg::Generator generator(0);
  const TensorDataset data = xg::data::spirals(5, 2, 0.0, generator);
  // Arm 1, point 2: r = 0.5, t = 4 + 4 * 0.5 = 6; input (r sin t, r cos t).
  EXPECT_FLOAT_EQ(data.inputs()(7, 0), static_cast<float>(0.5 * std::sin(6.0)));
  EXPECT_FLOAT_EQ(data.inputs()(7, 1), static_cast<float>(0.5 * std::cos(6.0)));
  EXPECT_EQ(data.inputs()(0, 0), 0.0f);
  EXPECT_EQ(data.inputs()(0, 1), 0.0f);
}

TEST(Synthetic, MoonsWithoutNoiseLieOnTheirHalfCircles) {
  xg::Generator generator(0);
  const TensorDataset data = xg::data::moons(101, 0.0, generator);
  EXPECT_EQ(xg::shape_of(data.inputs()), (xg::Shape{101, 2}));
  EXPECT_EQ(label_counts(data, 2), (std::vector<std::size_t>{50, 51}));
  for (std::size_t row = 0; row < 101; ++row) {
    const double x = data.inputs()(row, 0);
    const double y = data.inputs()(row, 1);
    if (row < 50) {
      EXPECT_NEAR(x * x + y * y, 1.0, 1e-6);
      EXPECT_GE(y, -1e-7);
    } else {
      EXPECT_NEAR((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5), 1.0, 1e-6);
      EXPECT_LE(y, 0.5 + 1e-7);
    }
  }
  // Both ends of each half-circle are included, as in numpy.linspace.
  EXPECT_EQ(data.inputs()(0, 0), 1.0f);
  EXPECT_EQ(data.inputs()(49, 0), -1.0f);
  EXPECT_EQ(data.inputs()(50, 0), 0.0f);
  EXPECT_EQ(data.inputs()(50, 1), 0.5f);
  EXPECT_EQ(data.inputs()(100, 0), 2.0f);
}

TEST(Synthetic, BlobsSplitPointsEvenlyAroundCentres) {
  xg::Generator exact(5);
  const TensorDataset centres = xg::data::blobs(10, 3, 4, 0.0, exact);
  EXPECT_EQ(xg::shape_of(centres.inputs()), (xg::Shape{10, 4}));
  EXPECT_EQ(centres.labels(), (Labels{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}));
  for (std::size_t row = 0; row < 10; ++row) {
    for (std::size_t d = 0; d < 4; ++d) {
      const float value = centres.inputs()(row, d);
      EXPECT_GE(value, -10.0f);
      EXPECT_LT(value, 10.0f);
      const std::size_t first_of_class = centres.labels()[row] == 0 ? 0 : centres.labels()[row] == 1 ? 4 : 7;
      EXPECT_EQ(value, centres.inputs()(first_of_class, d));  // no noise: every point is its centre
    }
  }

  // Centres are drawn first, so the same seed with noise scatters points around the same centres.
  xg::Generator noisy(5);
  const TensorDataset points = xg::data::blobs(3000, 3, 4, 1.0, noisy);
  EXPECT_EQ(label_counts(points, 3), (std::vector<std::size_t>{1000, 1000, 1000}));
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t d = 0; d < 4; ++d) {
      double sum = 0;
      for (std::size_t row = 1000 * c; row < 1000 * (c + 1); ++row) sum += points.inputs()(row, d);
      EXPECT_NEAR(sum / 1000, centres.inputs()(c == 0 ? 0 : c == 1 ? 4 : 7, d), 0.15);  // std / sqrt(1000) = 0.03
    }
  }
}

TEST(Synthetic, SameSeedSameDataOtherSeedOtherData) {
  const auto spirals = [](std::uint64_t seed) {
    xg::Generator generator(seed);
    return xg::data::spirals(20, 3, 0.3, generator).inputs();
  };
  const auto moons = [](std::uint64_t seed) {
    xg::Generator generator(seed);
    return xg::data::moons(30, 0.1, generator).inputs();
  };
  const auto blobs = [](std::uint64_t seed) {
    xg::Generator generator(seed);
    return xg::data::blobs(30, 2, 3, 1.0, generator).inputs();
  };
  EXPECT_EQ(spirals(1), spirals(1));
  EXPECT_NE(spirals(1), spirals(2));
  EXPECT_EQ(moons(1), moons(1));
  EXPECT_NE(moons(1), moons(2));
  EXPECT_EQ(blobs(1), blobs(1));
  EXPECT_NE(blobs(1), blobs(2));
}

TEST(Synthetic, BadArgumentsThrow) {
  xg::Generator generator(0);
  EXPECT_EQ(error_message([&] { xg::data::spirals(10, 2, -0.1, generator); }),
            "spirals: expected noise >= 0, got -0.1");
  EXPECT_EQ(error_message([&] { xg::data::moons(10, NAN, generator); }), "moons: expected noise >= 0, got nan");
  EXPECT_EQ(error_message([&] { xg::data::blobs(10, 0, 2, 1.0, generator); }), "blobs: expected centers >= 1, got 0");
  EXPECT_EQ(error_message([&] { xg::data::blobs(10, 2, 0, 1.0, generator); }), "blobs: expected dims >= 1, got 0");
}

}  // namespace
