#include <xgrad/optim/options.hpp>

#include <xgrad/core/error.hpp>

#include <climits>
#include <cmath>

namespace xg::optim {

std::vector<std::pair<std::string, double>> OptimizerOptions::hyperparameters() const { return {{"lr", get_lr()}}; }

void OptimizerOptions::set_hyperparameter(const std::string& name, double value) {
  if (name != "lr") throw Error("set_hyperparameter: unknown hyperparameter '" + name + "' (expected lr)");
  set_lr(value);
}

bool hyperparameter_as_bool(const std::string& optimizer, const std::string& name, double value) {
  if (value != 0.0 && value != 1.0) {
    throw Error(optimizer + ": invalid " + name + " " + format_number(value) + " (expected 0 or 1 for a flag)");
  }
  return value == 1.0;
}

void throw_unknown_hyperparameter(const OptimizerOptions& options, const std::string& optimizer,
                                  const std::string& name) {
  const std::string known = join_with(options.hyperparameters(), [](const auto& entry) { return entry.first; });
  throw Error(optimizer + ": unknown hyperparameter '" + name + "' (expected one of " + known + ")");
}

namespace detail {

std::size_t DeclaredOptions::declare_hyperparameter(const char* name, double initial, bool is_flag, bool is_integer) {
  entries_.push_back({name, initial, is_flag, is_integer});
  return entries_.size() - 1;
}

std::vector<std::pair<std::string, double>> DeclaredOptions::hyperparameters() const {
  std::vector<std::pair<std::string, double>> listed;
  for (const Entry& entry : entries_) listed.emplace_back(entry.name, entry.value);
  return listed;
}

void DeclaredOptions::set_hyperparameter(const std::string& name, double value) {
  for (Entry& entry : entries_) {
    if (name != entry.name) continue;
    if (entry.is_integer && !(std::floor(value) == value && std::fabs(value) <= INT_MAX)) {
      throw Error(std::string(optimizer_) + ": invalid " + name + " " + format_number(value) +
                  " (expected a whole number)");
    }
    entry.value = entry.is_flag ? static_cast<double>(hyperparameter_as_bool(optimizer_, name, value)) : value;
    return;
  }
  throw_unknown_hyperparameter(*this, optimizer_, name);
}

}  // namespace detail

}  // namespace xg::optim
