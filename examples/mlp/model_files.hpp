#pragma once
// The files a model travels in: PATH holds the weights (and BatchNorm1d's running statistics),
// PATH.optim beside it the optimizer's state. --save and the model in --out are written here, --load
// read here.

#include <xgrad/xgrad.hpp>

#include <string>

namespace mlp {

// Writes the model to `path` and the optimizer's state to `path`.optim (each atomically).
void save_model(const xg::nn::MLP& net, const xg::optim::Optimizer& optimizer, const std::string& path);

// Reads the weights of --load into `net` (a model of the same shape).
void load_model(xg::nn::MLP& net, const std::string& path);

// The optimizer state file beside a --load model holds the optimizer's memory (momentum buffers, Adam's
// moments and step counts) and also the last run's hyperparameters, among them the lr its schedule
// ended on: 0 after a cosine. This run's schedule starts afresh from its own flags, so their values go
// back in after the load. Returns whether there was a file.
bool load_optimizer_state(xg::optim::Optimizer& optimizer, const std::string& load_path);

}  // namespace mlp
