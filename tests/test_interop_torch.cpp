// safetensors between xgrad and PyTorch, both ways, held against torch's own outputs
// (tests/reference/interop.py wrote them with torch 1.13, through its own safetensors reader and writer):
//  - tests/data/torch_mlp.safetensors, trained in torch, loads strictly and gives torch's outputs;
//  - tests/data/xgrad_mlp.safetensors, written by xgrad (tests/data/make_interop_files.cpp), is what torch
//    loaded with load_state_dict(strict=True): xgrad gives the outputs torch gave from it.

#include "error_message.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace {

namespace nn = xg::nn;
namespace interop = xg::interop;

std::string committed(const std::string& name) { return std::string(XGRAD_TEST_DATA_DIR) + "/" + name; }

const nlohmann::json& reference() {
  static const nlohmann::json json = [] {
    std::ifstream file(committed("interop_torch.json"));
    return nlohmann::json::parse(file);
  }();
  return json;
}

xg::Array array_of(const nlohmann::json& rows) {
  const std::size_t n = rows.size(), m = rows[0].size();
  xg::Array values = xg::Array::from_shape({n, m});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) values(i, j) = rows[i][j].get<float>();
  }
  return values;
}

nn::MLP reference_mlp() {
  std::vector<std::size_t> sizes = reference()["sizes"].get<std::vector<std::size_t>>();
  xg::Generator generator(99);  // any weights: the file replaces them
  return nn::MLP(sizes, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
}

void expect_outputs_match(const nn::MLP& net, const nlohmann::json& expected_rows) {
  net->eval();
  xg::NoGradGuard no_grad;
  const xg::Array outputs = net(xg::tensor(array_of(reference()["inputs"]))).data();
  const xg::Array expected = array_of(expected_rows);
  ASSERT_EQ(outputs.shape(), expected.shape());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_NEAR(outputs.flat(i), expected.flat(i), 1e-5 * std::fabs(expected.flat(i))) << "at " << i;
  }
}

TEST(InteropTorch, ATorchTrainedFileLoadsStrictlyAndGivesTorchsOutputs) {
  nn::MLP net = reference_mlp();
  const interop::LoadResult result = interop::load_model(net, committed("torch_mlp.safetensors"));
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_TRUE(result.unexpected_keys.empty());
  EXPECT_EQ(result.metadata.at("format"), "pt");
  EXPECT_EQ(net->at<nn::BatchNorm1dImpl>(1).num_batches_tracked.data()(),
            reference()["torch_mlp"]["num_batches_tracked"].get<float>());
  expect_outputs_match(net, reference()["torch_mlp"]["outputs"]);
}

TEST(InteropTorch, TorchGivesXgradsOutputsFromAnXgradWrittenFile) {
  const std::string path = committed("xgrad_mlp.safetensors");
  // The count went out as torch's int64.
  const interop::SafetensorsHeader header = interop::read_safetensors_header(path);
  for (const auto& entry : header.entries) {
    EXPECT_EQ(entry.dtype, entry.name.find("num_batches_tracked") != std::string::npos ? "I64" : "F32") << entry.name;
  }
  nn::MLP net = reference_mlp();
  interop::load_model(net, path);
  EXPECT_EQ(net->at<nn::BatchNorm1dImpl>(1).num_batches_tracked.data()(),
            reference()["xgrad_mlp"]["num_batches_tracked"].get<float>());
  expect_outputs_match(net, reference()["xgrad_mlp"]["outputs"]);
  // And xgrad writes today the very bytes torch read.
  const std::string again = (std::filesystem::path(::testing::TempDir()) / "xgrad_mlp_again.safetensors").string();
  interop::save_model(net, again);
  EXPECT_EQ(xg_test::file_bytes(again), xg_test::file_bytes(path));
}

}  // namespace
