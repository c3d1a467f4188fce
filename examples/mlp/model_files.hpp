#pragma once
// The files a model travels in: PATH holds the weights (and BatchNorm1d's running statistics),
// PATH.optim beside it the optimizer's state. --save and the model in --out are written here, --load
// read here, and --export-onnx written. The format follows the extension: PATH.safetensors is Hugging
// Face's safetensors (PyTorch's keys: torch loads it with load_state_dict(strict=True)), any other
// name xgrad's own format. The optimizer state is always xgrad's.
//
// A model's standardization statistics (a regression's, and a classifier's of a small set's features)
// travel in safetensors' __metadata__ (as comma-separated numbers under "xgrad.input_mean",
// "xgrad.input_stddev", and a regression's "xgrad.target_mean", "xgrad.target_stddev"), so that --load
// standardizes as the training did, and in the ONNX graph.
// xgrad's own model format holds the module's tensors only (xg::load must still read it), so there they
// go in a file beside the model, PATH.standardizer (as the optimizer's state goes in PATH.optim).
// A --load file without them (older, or PyTorch's) still loads: they are fitted again, with a note.

#include <xgrad/xgrad.hpp>

#include <optional>
#include <string>

namespace mlp {

// A model's standardization statistics: its inputs' standardizer, and a regression's targets' (a
// classifier's stays unfitted).
struct Statistics {
  xg::data::Standardizer inputs, targets;
};

// `statistics` when its inputs' standardizer is fitted (a small set's), else nullptr (pixels).
inline const Statistics* if_fitted(const Statistics& statistics) {
  return statistics.inputs.fitted() ? &statistics : nullptr;
}

// Writes the model to `path` and the optimizer's state to `path`.optim (each atomically); with
// `statistics`, a .safetensors file holds them too (xgrad's format: PATH.standardizer beside it).
void save_model(const xg::nn::MLP& net, const xg::optim::Optimizer& optimizer, const std::string& path,
                const Statistics* statistics = nullptr);

// Reads the weights of --load into `net` (a model of the same shape).
void load_model(xg::nn::MLP& net, const std::string& path);

// The statistics a --load file holds (or the PATH.standardizer beside it), or nothing: then a note on
// stderr says they are fitted again.
std::optional<Statistics> load_statistics(const std::string& path);

// --export-onnx: the model as ONNX; with statistics, raw features in (and a regression's targets out).
void export_onnx(const xg::nn::MLP& net, const std::string& path, const Statistics* statistics = nullptr);

// The optimizer state file beside a --load model holds the optimizer's memory (momentum buffers, Adam's
// moments and step counts) and also the last run's hyperparameters, among them the lr its schedule
// ended on: 0 after a cosine. This run's schedule starts afresh from its own flags, so their values go
// back in after the load. Returns whether there was a file.
bool load_optimizer_state(xg::optim::Optimizer& optimizer, const std::string& load_path);

}  // namespace mlp
