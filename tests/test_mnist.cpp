// The real Fashion-MNIST from Debian's dataset-fashion-mnist package (skipped when it is not
// installed), checked against facts read independently with Python's gzip and struct
// (tests/reference/fashion_mnist.py -> fashion_mnist.json).

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace {

using xg::data::Split;
using xg::data::TensorDataset;

class FashionMnist : public testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(XGRAD_FASHION_MNIST_DIR) + "/train-labels-idx1-ubyte.gz")) {
      GTEST_SKIP() << "Fashion-MNIST is not installed in " << XGRAD_FASHION_MNIST_DIR;
    }
    std::ifstream in(std::string(XGRAD_REFERENCE_DIR) + "/fashion_mnist.json");
    facts_ = nlohmann::json::parse(in);
  }

  // Checks one split against the facts the Python script read.
  static void expect_facts(const TensorDataset& data, const nlohmann::json& facts) {
    const std::size_t count = facts["count"];
    const std::size_t pixels = facts["rows"].get<std::size_t>() * facts["columns"].get<std::size_t>();
    ASSERT_EQ(xg::shape_of(data.inputs()), (xg::Shape{count, pixels}));
    ASSERT_EQ(data.labels().size(), count);

    const std::vector<std::int64_t> first_labels = facts["first_labels"];
    EXPECT_EQ(xg::data::Labels(data.labels().begin(), data.labels().begin() + 5), first_labels);
    EXPECT_EQ(data.labels().back(), facts["last_label"].get<std::int64_t>());
    std::vector<std::int64_t> class_counts(10, 0);
    for (std::int64_t label : data.labels()) ++class_counts.at(static_cast<std::size_t>(label));
    EXPECT_EQ(class_counts, facts["class_counts"].get<std::vector<std::int64_t>>());

    // Pixels are byte / 255: multiplying back recovers every byte, so the sums must match exactly.
    const float* x = data.inputs().data();
    const auto byte_sum = [&](std::size_t begin, std::size_t end) {
      std::int64_t sum = 0;
      for (std::size_t i = begin; i < end; ++i) sum += static_cast<std::int64_t>(x[i] * 255.0f + 0.5f);
      return sum;
    };
    EXPECT_EQ(byte_sum(0, pixels), facts["first_image_byte_sum"].get<std::int64_t>());
    EXPECT_EQ(byte_sum((count - 1) * pixels, count * pixels), facts["last_image_byte_sum"].get<std::int64_t>());
    EXPECT_EQ(byte_sum(0, count * pixels), facts["all_bytes_sum"].get<std::int64_t>());
    std::size_t outside_unit_range = 0;
    for (std::size_t i = 0; i < count * pixels; ++i) outside_unit_range += (x[i] < 0.0f) | (x[i] > 1.0f);
    EXPECT_EQ(outside_unit_range, 0u);

    // The first image equals PyTorch's uint8 -> float / 255 bit for bit.
    const std::vector<float> scaled = facts["first_image_scaled"];
    ASSERT_EQ(scaled.size(), pixels);
    for (std::size_t i = 0; i < pixels; ++i) ASSERT_EQ(x[i], scaled[i]) << "pixel " << i;
  }

  nlohmann::json facts_;
};

TEST_F(FashionMnist, TrainSplitHas60000ImagesOf28x28WithBalancedClasses) {
  const TensorDataset train = xg::data::load_fashion_mnist(XGRAD_FASHION_MNIST_DIR, Split::kTrain);
  EXPECT_EQ(train.size(), 60000u);
  EXPECT_EQ(train.example_shape(), (xg::Shape{784}));
  EXPECT_EQ(train.labels().front(), 9);  // the first training image is an ankle boot
  expect_facts(train, facts_["train"]);
}

TEST_F(FashionMnist, TestSplitHas10000Images) {
  const TensorDataset test = xg::data::load_fashion_mnist(Split::kTest);  // the Debian package's folder
  EXPECT_EQ(test.size(), 10000u);
  expect_facts(test, facts_["test"]);
}

TEST(FashionMnistClasses, TenNamesInLabelOrder) {
  const std::vector<std::string>& names = xg::data::fashion_mnist_class_names();
  EXPECT_EQ(names, (std::vector<std::string>{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                             "Sneaker", "Bag", "Ankle boot"}));
}

}  // namespace
