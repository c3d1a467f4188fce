#include <xgrad/optim/lbfgs.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/detail/python_number.hpp>
#include <xgrad/optim/detail/strong_wolfe.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <deque>
#include <utility>

namespace xg::optim {

using detail::dot;
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

// x.add_(v, alpha=alpha): one fused multiply-add per element, as PyTorch's CPU kernel.
XG_OPTIM_KERNEL void add_scaled(float* x, const float* v, float alpha, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) x[i] = std::fma(v[i], alpha, x[i]);
}

// torch's CPU sum of float32 values (aten/src/ATen/native/cpu/SumKernel.cpp, 1.13): `rows` running
// sums over rows of `rows` consecutive values, cascaded over four levels so that no partial sum
// collects more than 2^level_power terms before it moves up a level.
std::vector<float> multi_row_sum(const float* x, std::size_t rows, std::size_t count) {
  constexpr int levels = 4;
  int ceil_log2 = 1;
  if (count > 2) {
    ceil_log2 = 0;
    for (std::size_t v = count - 1; v != 0; v >>= 1) ++ceil_log2;
  }
  const int level_power = std::max(4, ceil_log2 / levels);
  const std::size_t level_step = std::size_t{1} << level_power;
  const std::size_t level_mask = level_step - 1;
  std::vector<std::vector<float>> acc(levels, std::vector<float>(rows, 0.0f));
  std::size_t i = 0;
  for (; i + level_step <= count;) {
    for (std::size_t j = 0; j < level_step; ++j, ++i) {
      for (std::size_t k = 0; k < rows; ++k) acc[0][k] += x[i * rows + k];
    }
    for (int j = 1; j < levels; ++j) {
      for (std::size_t k = 0; k < rows; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = 0.0f;
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < count; ++i) {
    for (std::size_t k = 0; k < rows; ++k) acc[0][k] += x[i * rows + k];
  }
  for (int j = 1; j < levels; ++j) {
    for (std::size_t k = 0; k < rows; ++k) acc[0][k] += acc[j][k];
  }
  return acc[0];
}

// Tensor.sum() of a contiguous float32 vector on torch's AVX2 CPU path: 8-wide vectors summed four at
// a time (32 running sums), the leftovers, then the 8 lanes. Exact to the bit for one thread, which
// torch uses below 32768 values; sum|g| only sets LBFGS's very first step.
float torch_sum(const std::vector<float>& x) {
  const std::size_t n = x.size();
  constexpr std::size_t lanes = 8, ilp = 4;
  if (n < lanes) {
    std::vector<float> partial = multi_row_sum(x.data(), ilp, n / ilp);
    for (std::size_t i = n / ilp * ilp; i < n; ++i) partial[0] += x[i];
    for (std::size_t k = 1; k < ilp; ++k) partial[0] += partial[k];
    return partial[0];
  }
  const std::size_t vectors = n / lanes, groups = vectors / ilp;
  std::vector<float> partial = multi_row_sum(x.data(), lanes * ilp, groups);  // four vectors of lanes
  for (std::size_t v = groups * ilp; v < vectors; ++v) {
    for (std::size_t l = 0; l < lanes; ++l) partial[l] += x[v * lanes + l];
  }
  for (std::size_t v = 1; v < ilp; ++v) {
    for (std::size_t l = 0; l < lanes; ++l) partial[l] += partial[v * lanes + l];
  }
  float total = 0.0f;
  for (std::size_t i = vectors * lanes; i < n; ++i) total += x[i];
  for (std::size_t l = 0; l < lanes; ++l) total += partial[l];
  return total;
}

std::vector<float> abs_of(const std::vector<float>& x) {
  std::vector<float> magnitudes(x.size());
  std::transform(x.begin(), x.end(), magnitudes.begin(), [](float v) { return std::fabs(v); });
  return magnitudes;
}

// torch's max_iter * 5 // 4 (kept within int).
int default_max_eval(const LBFGSOptions& options) {
  return static_cast<int>(std::min<std::int64_t>(std::int64_t{options.max_iter()} * 5 / 4, INT_MAX));
}

// The func_evals count as two floats (state entries hold float32 values): 24 bits each, exact to 2^48.
constexpr double kLowSpan = 16777216.0;  // 2^24

}  // namespace

// torch's state['d'], ['t'], ... ; the history is oldest first.
struct LBFGS::Memory {
  std::int64_t func_evals = 0;
  std::int64_t n_iter = 0;
  std::vector<float> d;
  float t = 0;
  std::deque<std::vector<float>> old_dirs, old_stps;
  std::deque<float> ro;
  float H_diag = 1;  // NOLINT(readability-identifier-naming): torch's name
  std::vector<float> prev_flat_grad;
  float prev_loss = 0;  // a float32 loss value (always read back after being set)
};

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

void LBFGS::step() { throw Error("LBFGS.step: LBFGS needs a closure that re-evaluates the loss (call step(closure))"); }

std::size_t LBFGS::numel() const {
  std::size_t total = 0;
  for (const OptimizerParamGroup& group : param_groups()) {
    for (const Tensor& p : group.params()) total += p.numel();
  }
  return total;
}

std::vector<float> LBFGS::gather_flat_grad() const {
  std::vector<float> flat;
  flat.reserve(numel());
  std::size_t index = 0;
  for (const Tensor& p : param_groups().front().params()) {
    if (!p.has_grad()) {
      flat.insert(flat.end(), p.numel(), 0.0f);
    } else if (p.grad().shape() != p.data().shape()) {
      throw Error("LBFGS.step: parameter " + std::to_string(index) + " has shape " + to_string(p.shape()) +
                  " but its gradient has shape " + to_string(shape_of(p.grad())));
    } else {
      flat.insert(flat.end(), p.grad().begin(), p.grad().end());
    }
    ++index;
  }
  return flat;
}

void LBFGS::add_to_params(float step_size, const std::vector<float>& direction) {
  std::size_t offset = 0;
  for (Tensor& p : param_groups().front().params()) {
    add_scaled(p.data().data(), direction.data() + offset, step_size, p.numel());
    offset += p.numel();
  }
}

std::vector<float> LBFGS::clone_params() const {
  std::vector<float> flat;
  flat.reserve(numel());
  for (const Tensor& p : param_groups().front().params()) flat.insert(flat.end(), p.data().begin(), p.data().end());
  return flat;
}

void LBFGS::set_params(const std::vector<float>& flat) {
  std::size_t offset = 0;
  for (Tensor& p : param_groups().front().params()) {
    std::copy_n(flat.begin() + static_cast<std::ptrdiff_t>(offset), p.numel(), p.data().begin());
    offset += p.numel();
  }
}

Tensor LBFGS::step(const LossClosure& closure) {
  if (!closure) throw Error("LBFGS.step: LBFGS needs a closure that re-evaluates the loss, got an empty one");
  if (param_groups().size() != 1) {
    throw Error("LBFGS.step: doesn't support parameter groups: has " + std::to_string(param_groups().size()) +
                ", expected 1");
  }
  // A closure or a gradient that throws midway leaves the parameters and the state as they were.
  const std::vector<float> start = clone_params();
  Memory memory = load_memory();
  try {
    Tensor loss = iterate(closure, memory);
    store_memory(memory);
    return loss;
  } catch (...) {
    set_params(start);
    throw;
  }
}

Tensor LBFGS::iterate(const LossClosure& closure, Memory& m) {
  const auto& options = static_cast<const LBFGSOptions&>(param_groups().front().options());
  const double lr = options.lr(), tolerance_change = options.tolerance_change();
  const int max_iter = options.max_iter(), max_eval = options.max_eval().value_or(default_max_eval(options));
  const auto history_size = static_cast<std::size_t>(options.history_size());
  const auto tolerance_grad = static_cast<float>(options.tolerance_grad());  // compared with a tensor
  const std::size_t n = numel();

  Tensor orig_loss = evaluate_closure(closure);
  double loss = orig_loss.item();
  int current_evals = 1;
  m.func_evals += 1;
  std::vector<float> flat_grad = gather_flat_grad();
  bool opt_cond = max_abs(flat_grad) <= tolerance_grad;
  if (opt_cond) return orig_loss;

  Py t = Py::python(m.t);
  int n_iter = 0;
  while (n_iter < max_iter) {
    ++n_iter;
    ++m.n_iter;

    // The direction: steepest descent first, then the two-loop recursion over the history.
    if (m.n_iter == 1) {
      m.d.resize(n);
      std::transform(flat_grad.begin(), flat_grad.end(), m.d.begin(), [](float g) { return -g; });
      m.old_dirs.clear();
      m.old_stps.clear();
      m.ro.clear();
      m.H_diag = 1;
    } else {
      std::vector<float> y(n), s(n);
      for (std::size_t i = 0; i < n; ++i) {
        y[i] = flat_grad[i] - m.prev_flat_grad[i];
        s[i] = m.d[i] * t.as_float();
      }
      const float ys = dot(y, s);
      if (ys > 1e-10f) {
        while (m.old_dirs.size() >= history_size) {  // shift the history by one (limited memory)
          m.old_dirs.pop_front();
          m.old_stps.pop_front();
          m.ro.pop_front();
        }
        m.ro.push_back((1.0f / ys) * 1.0f);  // 1. / ys is reciprocal(ys) * 1.
        m.H_diag = ys / dot(y, y);           // the initial Hessian's scale
        m.old_dirs.push_back(std::move(y));
        m.old_stps.push_back(std::move(s));
      }
      const std::size_t num_old = m.old_dirs.size();
      std::vector<float> al(num_old);
      std::vector<float> q(n);
      std::transform(flat_grad.begin(), flat_grad.end(), q.begin(), [](float g) { return -g; });
      for (std::size_t i = num_old; i-- > 0;) {
        al[i] = dot(m.old_stps[i], q) * m.ro[i];
        add_scaled(q.data(), m.old_dirs[i].data(), -al[i], n);
      }
      for (std::size_t i = 0; i < n; ++i) m.d[i] = q[i] * m.H_diag;
      for (std::size_t i = 0; i < num_old; ++i) {
        const float be_i = dot(m.old_dirs[i], m.d) * m.ro[i];
        add_scaled(m.d.data(), m.old_stps[i].data(), al[i] - be_i, n);
      }
    }
    m.prev_flat_grad = flat_grad;
    const double prev_loss = loss;
    m.prev_loss = static_cast<float>(loss);

    // The step: lr, and on the very first iteration no more than 1 / sum|g| (times lr).
    if (m.n_iter == 1) {
      t = min(Py::python(1.0), Py::python(1.0) / Py::tensor(torch_sum(abs_of(flat_grad)))) * Py::python(lr);
    } else {
      t = Py::python(lr);
    }
    const Py gtd = Py::tensor(dot(flat_grad, m.d));
    if (gtd > Py::python(-tolerance_change)) break;  // not a descent direction any more

    int ls_func_evals = 0;
    if (options.line_search_fn()) {
      const std::vector<float> x_init = clone_params();
      auto evaluate_at = [&](Py step) {
        add_to_params(step.as_float(), m.d);
        detail::LossAndGradient result{evaluate_closure(closure).item(), gather_flat_grad()};
        set_params(x_init);
        return result;
      };
      detail::LineSearchResult found = detail::strong_wolfe(evaluate_at, t, m.d, loss, flat_grad, gtd);
      loss = found.loss;
      flat_grad = std::move(found.grad);
      t = found.t;
      ls_func_evals = found.func_evals;
      add_to_params(t.as_float(), m.d);
      opt_cond = max_abs(flat_grad) <= tolerance_grad;
    } else {
      add_to_params(t.as_float(), m.d);
      // The last iteration does not re-evaluate: in a stochastic setting it would be wasted (torch).
      if (n_iter != max_iter) {
        loss = evaluate_closure(closure).item();
        flat_grad = gather_flat_grad();
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

LBFGS::Memory LBFGS::load_memory() const {
  Memory m;
  const OptimizerParamState* state = this->state(param_groups().front().params().front());
  if (state == nullptr) return m;
  const auto& b = state->buffers;
  m.n_iter = state->step;
  const Array& evals = b.at("func_evals");
  m.func_evals =
      static_cast<std::int64_t>(evals(0)) * static_cast<std::int64_t>(kLowSpan) + static_cast<std::int64_t>(evals(1));
  if (m.n_iter == 0) return m;
  const std::size_t n = numel();
  m.d.assign(b.at("d").begin(), b.at("d").end());
  m.t = *b.at("t").data();
  const Array& dirs = b.at("old_dirs");
  const Array& stps = b.at("old_stps");
  for (std::size_t k = 0; k < b.at("ro").size(); ++k) {
    m.old_dirs.emplace_back(dirs.data() + k * n, dirs.data() + (k + 1) * n);
    m.old_stps.emplace_back(stps.data() + k * n, stps.data() + (k + 1) * n);
    m.ro.push_back(b.at("ro")(k));
  }
  m.H_diag = *b.at("H_diag").data();
  m.prev_flat_grad.assign(b.at("prev_flat_grad").begin(), b.at("prev_flat_grad").end());
  m.prev_loss = *b.at("prev_loss").data();
  return m;
}

void LBFGS::store_memory(const Memory& m) {
  OptimizerParamState& state = state_of(param_groups().front().params().front());
  state.step = m.n_iter;
  auto& b = state.buffers;
  const double high = std::floor(static_cast<double>(m.func_evals) / kLowSpan);
  b["func_evals"] =
      Array({static_cast<float>(high), static_cast<float>(static_cast<double>(m.func_evals) - high * kLowSpan)});
  if (m.n_iter == 0) return;
  const std::size_t n = numel(), k = m.ro.size();
  auto vector_entry = [](const std::vector<float>& v) {
    Array a = xt::empty<float>(std::vector<std::size_t>{v.size()});
    std::copy(v.begin(), v.end(), a.begin());
    return a;
  };
  auto history_entry = [&](const std::deque<std::vector<float>>& rows) {
    Array a = xt::empty<float>(std::vector<std::size_t>{k, n});
    for (std::size_t r = 0; r < k; ++r) std::copy(rows[r].begin(), rows[r].end(), a.data() + r * n);
    return a;
  };
  b["d"] = vector_entry(m.d);
  b["t"] = Array(m.t);
  b["old_dirs"] = history_entry(m.old_dirs);
  b["old_stps"] = history_entry(m.old_stps);
  b["ro"] = vector_entry(std::vector<float>(m.ro.begin(), m.ro.end()));
  b["H_diag"] = Array(m.H_diag);
  b["prev_flat_grad"] = vector_entry(m.prev_flat_grad);
  b["prev_loss"] = Array(m.prev_loss);
}

std::int64_t LBFGS::func_evals() const { return load_memory().func_evals; }
std::int64_t LBFGS::n_iter() const { return load_memory().n_iter; }

OptimizerParamState LBFGS::restore_param_state(const std::string& op, std::size_t index, const Tensor& /*param*/,
                                               const OptimizerParamState& saved) const {
  if (index != 0) {
    throw Error(op + ": LBFGS keeps its state with parameter 0, the state names parameter " + std::to_string(index));
  }
  if (saved.step < 0) throw Error(op + ": negative n_iter " + std::to_string(saved.step));
  const std::vector<std::string> names = state_buffer_names();
  for (const auto& [entry, values] : saved.buffers) {
    if (std::find(names.begin(), names.end(), entry) == names.end()) {
      throw Error(op + ": state entry '" + entry + "' is not one LBFGS keeps");
    }
  }
  auto entry = [&](const std::string& name, std::size_t expected) -> Array {
    const auto found = saved.buffers.find(name);
    if (found == saved.buffers.end()) throw Error(op + ": the state has no '" + name + "'");
    if (found->second.size() != expected) {
      throw Error(op + ": state entry '" + name + "' holds " + std::to_string(found->second.size()) +
                  " values, expected " + std::to_string(expected));
    }
    Array flat = found->second;
    flat.reshape({expected});
    return flat;
  };
  OptimizerParamState restored;
  restored.step = saved.step;
  Array evals = entry("func_evals", 2);
  for (const float part : evals) {
    if (!(part >= 0 && part < kLowSpan && std::floor(part) == part)) {
      throw Error(op + ": state entry 'func_evals' holds " + format_number(part) + ", expected a whole count");
    }
  }
  restored.buffers.emplace("func_evals", std::move(evals));
  if (saved.step == 0) {
    if (saved.buffers.size() != 1) throw Error(op + ": a state with n_iter 0 holds only 'func_evals'");
    return restored;
  }
  const std::size_t n = numel();
  const auto ro_found = saved.buffers.find("ro");
  const std::size_t k = ro_found == saved.buffers.end() ? 0 : ro_found->second.size();
  for (const char* name : {"d", "prev_flat_grad"}) restored.buffers.emplace(name, entry(name, n));
  for (const char* name : {"t", "H_diag", "prev_loss"}) restored.buffers.emplace(name, Array(*entry(name, 1).data()));
  restored.buffers.emplace("ro", entry("ro", k));
  for (const char* name : {"old_dirs", "old_stps"}) {
    Array history = entry(name, k * n);
    history.reshape({k, n});
    restored.buffers.emplace(name, std::move(history));
  }
  return restored;
}

}  // namespace xg::optim
