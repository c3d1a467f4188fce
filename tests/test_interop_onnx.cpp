// ONNX export, held against an independent runtime: ONNX Runtime (npm's onnxruntime-node, run by node
// through tests/interop/run_onnx.js) gives xgrad's outputs to 1e-5 at batch 1 and 1000, and Debian's
// python3-onnx checker (with full shape inference) accepts the models. The graphs' nodes are checked
// exactly, and a module that cannot be exported is named with its path.
//
// ONNX Runtime is installed once per machine by scripts/install_onnxruntime.sh (the test command runs
// it); the tests skip, saying so, only where node itself is absent.

#include "error_message.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/interop/onnx_export.hpp>
#include <xgrad/xgrad.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

namespace nn = xg::nn;
namespace interop = xg::interop;
using xg_test::error_message;

std::string temp_path(const std::string& name) { return xg_test::scratch_file("xgrad_interop_onnx", name); }

bool has_node() { return std::system("node --version >/dev/null 2>&1") == 0; }

// Where scripts/install_onnxruntime.sh put onnxruntime-node's node_modules.
std::string onnxruntime_modules() {
  std::string cache;
  if (const char* dir = std::getenv("XGRAD_CACHE_DIR")) {
    cache = dir;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME")) {
    cache = std::string(xdg) + "/xgrad";
  } else {
    cache = std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + "/.cache/xgrad";
  }
  return cache + "/onnxruntime-node-1.31.1/node_modules";
}

// The model's outputs on `inputs` [N, F], computed by ONNX Runtime.
xg::Array run_in_onnxruntime(const std::string& model, const xg::Array& inputs) {
  const std::string input_path = model + ".input.json", output_path = model + ".output.json";
  std::ofstream(input_path) << nlohmann::json{
      {"name", "input"}, {"shape", inputs.shape()}, {"data", std::vector<float>(inputs.begin(), inputs.end())}};
  const std::string command = "NODE_PATH='" + onnxruntime_modules() + "' node '" + XGRAD_TESTS_DIR +
                              "/interop/run_onnx.js' '" + model + "' '" + input_path + "' '" + output_path + "'";
  EXPECT_EQ(std::system(command.c_str()), 0)
      << command << "\n(is ONNX Runtime installed? scripts/install_onnxruntime.sh)";
  std::ifstream in(output_path);
  if (!in) return {};
  const nlohmann::json output = nlohmann::json::parse(in);
  const auto shape = output["shape"].get<std::vector<std::size_t>>();
  xg::Array values = xg::Array::from_shape(shape);
  const auto data = output["data"].get<std::vector<float>>();
  std::copy(data.begin(), data.end(), values.begin());
  return values;
}

void expect_close(const xg::Array& actual, const xg::Array& expected) {
  ASSERT_EQ(actual.shape(), expected.shape());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    ASSERT_NEAR(actual.flat(i), expected.flat(i), 1e-5 * std::max(1.0f, std::fabs(expected.flat(i)))) << "at " << i;
  }
}

// Trains `net` a little in training mode (BatchNorm's statistics move), then evaluates it.
xg::Array xgrad_outputs(const nn::MLP& net, const xg::Array& inputs) {
  net->eval();
  xg::NoGradGuard no_grad;
  return net(xg::tensor(inputs)).data();
}

nn::MLP trained_mlp(const std::vector<std::size_t>& sizes, nn::Activation activation, nn::Norm norm,
                    xg::Generator& generator) {
  nn::MLP net(sizes, activation, 0.1, norm, generator);
  for (int step = 0; step < 3; ++step) net(xg::randn({16, sizes[0]}, generator) * 2.0f + 0.5f);
  return net;
}

void python_onnx_checker_accepts(const std::string& model) {
  const std::string command =
      "/usr/bin/python3 -c \"import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), "
      "full_check=True)\" '" +
      model + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command << "\n(python3-onnx: scripts/test.sh installs it)";
}

TEST(InteropOnnx, TheDefaultMlpIsGemmBatchNormalizationRelu) {
  xg::Generator generator(1);
  nn::MLP net({784, 256, 128, 10}, nn::Activation::ReLU, 0.1, nn::Norm::Batch, generator);
  EXPECT_EQ(
      interop::onnx_node_types(interop::onnx_model_bytes(*net)),
      (std::vector<std::string>{"Gemm", "BatchNormalization", "Relu", "Gemm", "BatchNormalization", "Relu", "Gemm"}));
}

TEST(InteropOnnx, GeluIsWrittenInItsErfFormAsTorchOnnxDoes) {
  xg::Generator generator(2);
  nn::MLP net({4, 3, 2}, nn::Activation::GELU, 0.0, nn::Norm::Layer, generator);
  EXPECT_EQ(interop::onnx_node_types(interop::onnx_model_bytes(*net)),
            (std::vector<std::string>{"Gemm", "LayerNormalization", "Div", "Erf", "Add", "Mul", "Mul", "Gemm"}));
}

TEST(InteropOnnx, RegressionStatisticsStandardizeInAndOut) {
  xg::Generator generator(3);
  nn::MLP net({2, 3, 1}, nn::Activation::Tanh, 0.0, generator);
  const auto options = interop::OnnxExportOptions()
                           .output_name("prediction")
                           .input_mean(std::vector<float>{1.0f, 2.0f})
                           .input_stddev(std::vector<float>{0.5f, 4.0f})
                           .target_mean(std::vector<float>{10.0f})
                           .target_stddev(std::vector<float>{3.0f});
  EXPECT_EQ(interop::onnx_node_types(interop::onnx_model_bytes(*net, options)),
            (std::vector<std::string>{"Sub", "Div", "Gemm", "Tanh", "Gemm", "Mul", "Add"}));
  EXPECT_EQ(error_message([&] {
              interop::onnx_model_bytes(*net, interop::OnnxExportOptions(options).input_mean(std::vector<float>{1.0f}));
            }),
            "export_onnx: input_mean holds 1 values, but the model's input has 2");
}

TEST(InteropOnnx, AModuleItCannotExportIsNamedWithItsPath) {
  nn::Sequential net{nn::Linear(3, 4), nn::Sequential{nn::ReLU(), nn::Softmax(1)}};
  EXPECT_EQ(error_message([&] { interop::onnx_model_bytes(*net); }),
            "export_onnx: cannot export Softmax at '1.1': ONNX export knows Linear, ReLU, LeakyReLU, Tanh, Sigmoid, "
            "GELU, BatchNorm1d, LayerNorm, Flatten, Dropout, Identity, Sequential and MLP");
}

// ONNX Runtime gives xgrad's outputs, for each activation and norm the MLP offers, at batch 1 and 1000.
TEST(InteropOnnx, OnnxRuntimeGivesXgradsOutputs) {
  if (!has_node()) GTEST_SKIP() << "node is not installed: ONNX Runtime (onnxruntime-node) cannot run here";
  struct Case {
    nn::Activation activation;
    nn::Norm norm;
    const char* name;
  };
  const Case cases[] = {{nn::Activation::ReLU, nn::Norm::Batch, "relu_batch"},
                        {nn::Activation::GELU, nn::Norm::Layer, "gelu_layer"},
                        {nn::Activation::LeakyReLU, nn::Norm::None, "leaky_relu"},
                        {nn::Activation::Tanh, nn::Norm::Batch, "tanh_batch"},
                        {nn::Activation::Sigmoid, nn::Norm::Layer, "sigmoid_layer"}};
  xg::Generator generator(4);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    nn::MLP net = trained_mlp({20, 32, 16, 5}, c.activation, c.norm, generator);
    const std::string model = temp_path(std::string(c.name) + ".onnx");
    interop::export_onnx(net, model);
    for (std::size_t batch : {1, 1000}) {
      const xg::Array inputs = xg::randn({batch, 20}, generator).data() * 1.5f;
      expect_close(run_in_onnxruntime(model, inputs), xgrad_outputs(net, inputs));
    }
    python_onnx_checker_accepts(model);
  }
}

TEST(InteropOnnx, OnnxRuntimeReturnsRegressionTargetsInTheirUnits) {
  if (!has_node()) GTEST_SKIP() << "node is not installed: ONNX Runtime (onnxruntime-node) cannot run here";
  xg::Generator generator(5);
  nn::MLP net = trained_mlp({3, 8, 2}, nn::Activation::ReLU, nn::Norm::Batch, generator);
  const std::vector<float> mean{1.0f, -2.0f, 30.0f}, stddev{0.5f, 2.0f, 10.0f};
  const std::vector<float> target_mean{100.0f, -5.0f}, target_stddev{20.0f, 0.25f};
  const std::string model = temp_path("regression.onnx");
  interop::export_onnx(net, model,
                       interop::OnnxExportOptions()
                           .input_mean(mean)
                           .input_stddev(stddev)
                           .target_mean(target_mean)
                           .target_stddev(target_stddev));
  const xg::Array raw = xg::randn({50, 3}, generator).data() * 5.0f + 10.0f;
  xg::Array standardized = raw;
  for (std::size_t i = 0; i < 50; ++i) {
    for (std::size_t j = 0; j < 3; ++j) standardized(i, j) = (raw(i, j) - mean[j]) / stddev[j];
  }
  xg::Array expected = xgrad_outputs(net, standardized);
  for (std::size_t i = 0; i < 50; ++i) {
    for (std::size_t j = 0; j < 2; ++j) expected(i, j) = expected(i, j) * target_stddev[j] + target_mean[j];
  }
  expect_close(run_in_onnxruntime(model, raw), expected);
  python_onnx_checker_accepts(model);
}

}  // namespace
