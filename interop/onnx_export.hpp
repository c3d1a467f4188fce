#pragma once
// export_onnx: a trained model as an ONNX file, for ONNX Runtime and everything else that runs ONNX.
//
//   xg::interop::export_onnx(net, "mlp.onnx");                       // input "input" [batch, 784], output "logits"
//   xg::interop::export_onnx(net, "house.onnx", xg::interop::OnnxExportOptions()
//                                 .output_name("prediction")
//                                 .input_mean(mean).input_stddev(stddev)      // raw features in
//                                 .target_mean(t_mean).target_stddev(t_std));  // targets in their units out
//
// The graph is the module in evaluation mode, built with ONNX's own protobuf classes (Debian's
// libonnx) at opset 17, with a dynamic batch dimension ("batch"), and checked by onnx::checker before
// it is written (atomically). Initializers keep the state_dict() names ("0.weight", "1.running_mean").
//   Linear        -> Gemm (transB = 1)
//   ReLU, LeakyReLU, Tanh, Sigmoid -> Relu, LeakyRelu, Tanh, Sigmoid
//   GELU          -> its Erf form, as torch.onnx writes it (GELU has no op before opset 20):
//                    Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5)
//   BatchNorm1d   -> BatchNormalization with the running statistics (evaluation form)
//   LayerNorm     -> LayerNormalization over the trailing normalized_shape
//   Flatten       -> Flatten (start_dim 1, end_dim -1)
//   Dropout, Identity -> nothing (both are the identity in evaluation)
//   Sequential, MLP -> their layers in order
// A regression model's standardization travels in the graph: Sub/Div on the way in, Mul/Add on the way
// out. Any other module is an xg::Error naming its type and its path in the model ("3: Softmax").

#include <xgrad/nn/module.hpp>

#include <xgrad/core/options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace xg::interop {

struct OnnxExportOptions {
  XG_ARG(std::string, input_name, "input");
  XG_ARG(std::string, output_name, "logits");
  // Per-feature statistics of the raw inputs (the standardizer's): the graph computes (x - mean) / stddev first.
  XG_ARG(std::optional<std::vector<float>>, input_mean, std::nullopt);
  XG_ARG(std::optional<std::vector<float>>, input_stddev, std::nullopt);
  // Per-output statistics of the targets: the graph returns y * stddev + mean.
  XG_ARG(std::optional<std::vector<float>>, target_mean, std::nullopt);
  XG_ARG(std::optional<std::vector<float>>, target_stddev, std::nullopt);
};

constexpr long kOnnxOpset = 17;

// The bytes of the ONNX model of `module` (checked by onnx::checker); throws xg::Error naming a module
// it cannot export, or statistics of the wrong size.
std::string onnx_model_bytes(const nn::Module& module, const OnnxExportOptions& options = {});
// Writes onnx_model_bytes(module, options) to `path` atomically.
void export_onnx(const nn::Module& module, const std::string& path, const OnnxExportOptions& options = {});

template <class Impl>
void export_onnx(const nn::ModuleHolder<Impl>& module, const std::string& path, const OnnxExportOptions& options = {}) {
  export_onnx(*module, path, options);
}

// The op types of the graph's nodes in order ("Gemm", "BatchNormalization", "Relu", ...), from the
// bytes of a model: what the README and the tests show.
std::vector<std::string> onnx_node_types(const std::string& model_bytes);

}  // namespace xg::interop
