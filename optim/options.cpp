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

namespace detail {

double as_number(double value) { return value; }
double as_number(bool value) { return value ? 1.0 : 0.0; }
double as_number(int value) { return value; }
double as_number(const std::optional<int>& value) { return value ? *value : std::nan(""); }

namespace {
[[noreturn]] void throw_invalid(const char* optimizer, const char* name, double number, const char* expected) {
  throw Error(std::string(optimizer) + ": invalid " + name + " " + format_number(number) + " (expected " + expected +
              ")");
}
bool is_int(double number) { return std::floor(number) == number && std::fabs(number) <= INT_MAX; }
}  // namespace

void from_number(const char*, const char*, double number, double& value) { value = number; }

void from_number(const char* optimizer, const char* name, double number, bool& value) {
  if (number != 0.0 && number != 1.0) throw_invalid(optimizer, name, number, "0 or 1 for a flag");
  value = number == 1.0;
}

void from_number(const char* optimizer, const char* name, double number, int& value) {
  if (!is_int(number)) throw_invalid(optimizer, name, number, "a whole number");
  value = static_cast<int>(number);
}

// NaN is "unset" (torch's None).
void from_number(const char* optimizer, const char* name, double number, std::optional<int>& value) {
  if (std::isnan(number)) {
    value.reset();
    return;
  }
  int whole = 0;
  from_number(optimizer, name, number, whole);
  value = whole;
}

void throw_unknown_hyperparameter(const char* optimizer, const std::string& name,
                                  const std::vector<std::pair<std::string, double>>& known) {
  const std::string names = join_with(known, [](const auto& entry) { return entry.first; });
  throw Error(std::string(optimizer) + ": unknown hyperparameter '" + name + "' (expected one of " + names + ")");
}

void check_non_negative(const char* optimizer, std::initializer_list<std::pair<const char*, double>> values) {
  for (const auto& [name, value] : values) {
    if (!(0 <= value)) {  // refuses NaN too
      const std::string what = name == std::string("lr") ? "learning rate" : name;
      throw Error(std::string(optimizer) + ": invalid " + what + " " + format_number(value) + " (expected " + name +
                  " >= 0)");
    }
  }
}

void validate_adam_family(const char* optimizer, double lr, const Betas& betas, double eps, double weight_decay) {
  check_non_negative(optimizer, {{"lr", lr}, {"eps", eps}});
  const auto [beta1, beta2] = betas;
  for (const auto& [name, beta] : {std::pair{"beta1", beta1}, std::pair{"beta2", beta2}}) {
    if (!(0 <= beta && beta < 1)) {
      throw Error(std::string(optimizer) + ": invalid " + name + " " + format_number(beta) + " (expected 0 <= " + name +
                  " < 1)");
    }
  }
  check_non_negative(optimizer, {{"weight_decay", weight_decay}});
}

}  // namespace detail

}  // namespace xg::optim
