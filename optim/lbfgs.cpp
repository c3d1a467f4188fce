#include <xgrad/optim/lbfgs.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/flat_parameters.hpp>
#include <xgrad/optim/detail/lbfgs_memory.hpp>
#include <xgrad/optim/detail/lbfgs_state.hpp>
#include <xgrad/optim/detail/python_number.hpp>
#include <xgrad/optim/detail/strong_wolfe.hpp>
#include <xgrad/optim/detail/torch_sum.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

namespace xg::optim {

using detail::dot;
using detail::LBFGSMemory;
using detail::max_abs;
using Py = detail::PyNumber;

namespace {
// A state file keeps the line search as a flag: 1 for "strong_wolfe", 0 for none.
double line_search_as_number(const LBFGSOptions& options) { return options.line_search_fn() ? 1.0 : 0.0; }
void set_line_search_from_number(LBFGSOptions& options, double value) {
  bool strong_wolfe = false;
  detail::from_number("LBFGS", "line_search_fn", value, strong_wolfe);
  options.line_search_fn(strong_wolfe ? std::optional<std::string>("strong_wolfe") : std::nullopt);
}
}  // namespace

const HyperparameterTable<LBFGSOptions> LBFGSOptions::table = {
    {"lr", &LBFGSOptions::lr_},
    {"max_iter", &LBFGSOptions::max_iter_},
    {"tolerance_grad", &LBFGSOptions::tolerance_grad_},
    {"tolerance_change", &LBFGSOptions::tolerance_change_},
    {"history_size", &LBFGSOptions::history_size_},
    {"max_eval", &LBFGSOptions::max_eval_},
    {"line_search_fn", Converted<LBFGSOptions>{line_search_as_number, set_line_search_from_number}},
};

void LBFGSOptions::validate() const {
  // Written as !(x >= ...) so that NaN is refused too.
  if (!(lr() >= 0)) throw Error("LBFGS: invalid learning rate " + format_number(lr()) + " (expected lr >= 0)");
  if (!(max_iter() >= 1)) throw Error("LBFGS: invalid max_iter " + std::to_string(max_iter()) + " (expected >= 1)");
  if (max_eval() && !(*max_eval() >= 1)) {
    throw Error("LBFGS: invalid max_eval " + std::to_string(*max_eval()) + " (expected a whole number >= 1)");
  }
  if (!(tolerance_grad() >= 0)) {
    throw Error("LBFGS: invalid tolerance_grad " + format_number(tolerance_grad()) + " (expected >= 0)");
  }
  if (!(tolerance_change() >= 0)) {
    throw Error("LBFGS: invalid tolerance_change " + format_number(tolerance_change()) + " (expected >= 0)");
  }
  if (!(history_size() >= 1)) {
    throw Error("LBFGS: invalid history_size " + std::to_string(history_size()) + " (expected >= 1)");
  }
  if (line_search_fn() && *line_search_fn() != "strong_wolfe") {
    throw Error("LBFGS: invalid line_search_fn '" + *line_search_fn() + "' (expected none or 'strong_wolfe')");
  }
}

namespace {

std::vector<float> abs_of(const std::vector<float>& x) {
  std::vector<float> magnitudes(x.size());
  std::transform(x.begin(), x.end(), magnitudes.begin(), [](float v) { return std::fabs(v); });
  return magnitudes;
}

// torch's max_iter * 5 // 4 (kept within int).
int default_max_eval(const LBFGSOptions& options) {
  return static_cast<int>(std::min<std::int64_t>(std::int64_t{options.max_iter()} * 5 / 4, INT_MAX));
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, LBFGSOptions defaults)
    : LBFGS(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

LBFGS::LBFGS(std::vector<OptimizerParamGroup> groups, LBFGSOptions defaults)
    : Optimizer(std::move(groups),
                // torch fixes the default max_eval when it is built.
                std::make_unique<LBFGSOptions>(defaults.max_eval() ? defaults
                                                                   : defaults.max_eval(default_max_eval(defaults)))) {
  if (param_groups().size() != 1) {
    throw Error("LBFGS: doesn't support per-parameter options (parameter groups): got " +
                std::to_string(param_groups().size()) + " groups, expected 1");
  }
  if (numel() == 0) throw Error("LBFGS: needs at least one parameter value, got none");
}

std::vector<std::string> LBFGS::state_buffer_names() const { return detail::lbfgs_state_names(); }

void LBFGS::step() { throw Error("LBFGS.step: LBFGS needs a closure that re-evaluates the loss (call step(closure))"); }

std::size_t LBFGS::numel() const { return detail::flat_size(param_groups().front().params()); }

Tensor LBFGS::step(const LossClosure& closure) {
  if (!closure) throw Error("LBFGS.step: LBFGS needs a closure that re-evaluates the loss, got an empty one");
  if (param_groups().size() != 1) {
    throw Error("LBFGS.step: doesn't support parameter groups: has " + std::to_string(param_groups().size()) +
                ", expected 1");
  }
  // A closure or a gradient that throws midway leaves the parameters and the state as they were.
  std::vector<Tensor>& params = param_groups().front().params();
  const std::vector<float> start = detail::flat_values(params);
  LBFGSMemory memory = load_memory();
  try {
    Tensor loss = iterate(closure, memory);
    store_memory(memory);
    return loss;
  } catch (...) {
    detail::set_values(params, start);
    throw;
  }
}

Tensor LBFGS::iterate(const LossClosure& closure, LBFGSMemory& m) {
  const auto& options = static_cast<const LBFGSOptions&>(param_groups().front().options());
  const double lr = options.lr(), tolerance_change = options.tolerance_change();
  const int max_iter = options.max_iter(), max_eval = options.max_eval().value_or(default_max_eval(options));
  const auto history_size = static_cast<std::size_t>(options.history_size());
  const auto tolerance_grad = static_cast<float>(options.tolerance_grad());  // compared with a tensor
  std::vector<Tensor>& params = param_groups().front().params();
  const std::size_t n = numel();

  Tensor orig_loss = evaluate_closure(closure);
  double loss = orig_loss.item();
  int current_evals = 1;
  m.func_evals += 1;
  std::vector<float> flat_grad = detail::flat_gradient(params, "LBFGS.step");
  bool opt_cond = max_abs(flat_grad) <= tolerance_grad;
  if (opt_cond) return orig_loss;

  Py t = Py::python(m.t);
  int n_iter = 0;
  while (n_iter < max_iter) {
    ++n_iter;
    ++m.n_iter;

    // The direction: steepest descent first, then the two-loop recursion over the history.
    detail::lbfgs_direction(m, flat_grad, t.as_float(), history_size);
    m.prev_flat_grad = flat_grad;
    const double prev_loss = loss;
    m.prev_loss = static_cast<float>(loss);

    // The step: lr, and on the very first iteration no more than 1 / sum|g| (times lr).
    if (m.n_iter == 1) {
      t = min(Py::python(1.0), Py::python(1.0) / Py::tensor(detail::torch_sum(abs_of(flat_grad)))) * Py::python(lr);
    } else {
      t = Py::python(lr);
    }
    const Py gtd = Py::tensor(dot(flat_grad, m.d));
    if (gtd > Py::python(-tolerance_change)) break;  // not a descent direction any more

    int ls_func_evals = 0;
    if (options.line_search_fn()) {
      const std::vector<float> x_init = detail::flat_values(params);
      auto evaluate_at = [&](Py step) {
        detail::add_to_values(params, step.as_float(), m.d);
        detail::LossAndGradient result{evaluate_closure(closure).item(), detail::flat_gradient(params, "LBFGS.step")};
        detail::set_values(params, x_init);
        return result;
      };
      detail::LineSearchResult found = detail::strong_wolfe(evaluate_at, t, m.d, loss, flat_grad, gtd);
      loss = found.loss;
      flat_grad = std::move(found.grad);
      t = found.t;
      ls_func_evals = found.func_evals;
      detail::add_to_values(params, t.as_float(), m.d);
      opt_cond = max_abs(flat_grad) <= tolerance_grad;
    } else {
      detail::add_to_values(params, t.as_float(), m.d);
      // The last iteration does not re-evaluate: in a stochastic setting it would be wasted (torch).
      if (n_iter != max_iter) {
        loss = evaluate_closure(closure).item();
        flat_grad = detail::flat_gradient(params, "LBFGS.step");
        opt_cond = max_abs(flat_grad) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    m.func_evals += ls_func_evals;

    if (n_iter == max_iter || current_evals >= max_eval || opt_cond) break;
    std::vector<float> move(n);  // d.mul(t)
    for (std::size_t i = 0; i < n; ++i) move[i] = m.d[i] * t.as_float();
    if (max_abs(move) <= static_cast<float>(tolerance_change)) break;
    if (std::fabs(loss - prev_loss) < tolerance_change) break;
  }
  m.t = t.as_float();  // later read only as a float32 scalar (d.mul(t))
  return orig_loss;
}

LBFGSMemory LBFGS::load_memory() const {
  return detail::load_lbfgs_memory(state(param_groups().front().params().front()), numel());
}

void LBFGS::store_memory(const LBFGSMemory& memory) {
  detail::store_lbfgs_memory(memory, state_of(param_groups().front().params().front()), numel());
}

std::int64_t LBFGS::func_evals() const { return load_memory().func_evals; }
std::int64_t LBFGS::n_iter() const { return load_memory().n_iter; }

OptimizerParamState LBFGS::restore_param_state(const std::string& op, std::size_t index, const Tensor& /*param*/,
                                               const OptimizerParamState& saved) const {
  return detail::checked_lbfgs_state(op, index, saved, numel());
}

}  // namespace xg::optim
