// Files written by earlier versions load, bit for bit, and saving them again gives the same bytes.
// The files under tests/data/ were made once by tests/data/make_v1_files.cpp (see its README) and are
// never regenerated: a change that breaks them breaks every user's saved models.

#include "data_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;

std::string committed(const std::string& name) { return std::string(XGRAD_TEST_DATA_DIR) + "/" + name; }

std::string bytes_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bit equality, so that -0.0 and 0.0 differ.
void expect_bits(const xg::Array& actual, const xg::Shape& shape, const std::vector<float>& expected) {
  ASSERT_EQ(xg::shape_of(actual), shape);
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(std::memcmp(&actual.data()[i], &expected[i], sizeof(float)), 0)
        << "element " << i << ": " << actual.data()[i] << " vs " << expected[i];
  }
}

TEST(FileCompat, Version1ModelFileLoadsEveryValue) {
  xg::nn::Linear fc(3, 2);
  xg::load(fc, committed("v1_model.xgrad"));
  expect_bits(fc->weight.data(), {2, 3}, {0.5f, -1.25f, 2.0f, -0.0f, 3.14159274f, 1e-3f});
  expect_bits(fc->bias.data(), {2}, {0.25f, -7.5f});
}

TEST(FileCompat, Version1ModelFileSavesBackToTheSameBytes) {
  xg::nn::Linear fc(3, 2);
  xg::load(fc, committed("v1_model.xgrad"));
  xg_test::TempDir dir;
  xg::save(fc, dir.file("again.xgrad"));
  const std::string original = bytes_of_file(committed("v1_model.xgrad"));
  ASSERT_EQ(original.size(), 110u);
  EXPECT_EQ(bytes_of_file(dir.file("again.xgrad")), original);
  std::ostringstream stream;
  xg::save(fc, stream);
  EXPECT_EQ(stream.str(), original);
}

// The parameters of make_v1_files.cpp: shapes [2, 3] and [2] in group 0, [3] in group 1. The options
// given here differ from the file's in every value, so each check below sees what the file brought.
struct Version1Adam {
  xg::Tensor weight = xg::zeros({2, 3}, true);
  xg::Tensor bias = xg::zeros({2}, true);
  xg::Tensor extra = xg::zeros({3}, true);
  Adam adam{{OptimizerParamGroup({weight, bias}), OptimizerParamGroup({extra})},
            AdamOptions(0.5).betas({0.1, 0.2}).eps(0.3).weight_decay(0.4).amsgrad(false).maximize(true)};
};

void expect_options(const OptimizerOptions& options, double lr, double beta1, double beta2, double eps,
                    double weight_decay, bool amsgrad) {
  const auto& adam = dynamic_cast<const AdamOptions&>(options);
  EXPECT_EQ(adam.lr(), lr);
  EXPECT_EQ(std::get<0>(adam.betas()), beta1);
  EXPECT_EQ(std::get<1>(adam.betas()), beta2);
  EXPECT_EQ(adam.eps(), eps);
  EXPECT_EQ(adam.weight_decay(), weight_decay);
  EXPECT_EQ(adam.amsgrad(), amsgrad);
  EXPECT_FALSE(adam.maximize());
}

TEST(FileCompat, Version1AdamFileLoadsOptionsStepsAndBuffers) {
  Version1Adam target;
  target.adam.load(committed("v1_adam.xgrad.optim"));
  ASSERT_EQ(target.adam.param_groups().size(), 2u);
  expect_options(target.adam.param_groups()[0].options(), 0.01, 0.9, 0.999, 1e-8, 0.0, false);
  expect_options(target.adam.param_groups()[1].options(), 0.05, 0.8, 0.99, 1e-6, 0.1, true);
  ASSERT_EQ(target.adam.state_size(), 3u);

  const OptimizerParamState& weight = *target.adam.state(target.weight);
  EXPECT_EQ(weight.step, 3);
  ASSERT_EQ(weight.buffers.size(), 2u);
  expect_bits(weight.buffers.at("exp_avg"), {2, 3},
              {0x1.27756cp-4f, 0x1.591f1cp-1f, 0x1.c033cp-1f, 0x1.2a81b6p-4f, 0x1.27021cp+1f, 0x1.2615d2p-4f});
  expect_bits(weight.buffers.at("exp_avg_sq"), {2, 3},
              {0x1.43c902p-12f, 0x1.2d9ffcp-6f, 0x1.fd25c4p-6f, 0x1.4b96c4p-12f, 0x1.bab34ap-3f, 0x1.42f8bep-12f});

  const OptimizerParamState& bias = *target.adam.state(target.bias);
  EXPECT_EQ(bias.step, 3);
  ASSERT_EQ(bias.buffers.size(), 2u);
  expect_bits(bias.buffers.at("exp_avg"), {2}, {0x1.c7434p-5f, 0x1.060a4p+4f});
  expect_bits(bias.buffers.at("exp_avg_sq"), {2}, {0x1.e35d0ap-13f, 0x1.5df26ap+3f});

  const OptimizerParamState& extra = *target.adam.state(target.extra);
  EXPECT_EQ(extra.step, 2);  // it sat out the first step
  ASSERT_EQ(extra.buffers.size(), 3u);
  expect_bits(extra.buffers.at("exp_avg"), {3}, {0x1.5cac0ap-2f, 0x1.e9999cp+0f, 0x1.3851eep-3f});
  expect_bits(extra.buffers.at("exp_avg_sq"), {3}, {0x1.207c86p-6f, 0x1.1d6ab8p-1f, 0x1.da9ebap-9f});
  expect_bits(extra.buffers.at("max_exp_avg_sq"), {3}, {0x1.207c86p-6f, 0x1.1d6ab8p-1f, 0x1.da9ebap-9f});
}

TEST(FileCompat, Version1AdamFileSavesBackToTheSameBytes) {
  Version1Adam target;
  target.adam.load(committed("v1_adam.xgrad.optim"));
  xg_test::TempDir dir;
  target.adam.save(dir.file("again.optim"));
  const std::string original = bytes_of_file(committed("v1_adam.xgrad.optim"));
  ASSERT_EQ(original.size(), 665u);
  EXPECT_EQ(bytes_of_file(dir.file("again.optim")), original);
}

}  // namespace
