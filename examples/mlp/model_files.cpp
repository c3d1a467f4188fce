#include "model_files.hpp"

#include <filesystem>

namespace mlp {

void save_model(const xg::nn::MLP& net, const xg::optim::Optimizer& optimizer, const std::string& path) {
  xg::save(net, path);
  optimizer.save(path + ".optim");
}

void load_model(xg::nn::MLP& net, const std::string& path) { xg::load(net, path); }

bool load_optimizer_state(xg::optim::Optimizer& optimizer, const std::string& load_path) {
  const std::string path = load_path + ".optim";
  if (load_path.empty() || !std::filesystem::exists(path)) return false;
  const auto flags = optimizer.param_groups()[0].options().hyperparameters();
  optimizer.load(path);
  for (xg::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    for (const auto& [name, value] : flags) group.options().set_hyperparameter(name, value);
  }
  return true;
}

}  // namespace mlp
