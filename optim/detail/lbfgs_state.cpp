#include <xgrad/optim/detail/lbfgs_state.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace xg::optim::detail {

namespace {

// The func_evals count as two floats (state entries hold float32 values): 24 bits each, exact to 2^48.
constexpr double kLowSpan = 16777216.0;  // 2^24

}  // namespace

std::vector<std::string> lbfgs_state_names() {
  return {"func_evals", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss"};
}

LBFGSMemory load_lbfgs_memory(const OptimizerParamState* state, std::size_t n) {
  LBFGSMemory m;
  if (state == nullptr) return m;
  const auto& b = state->buffers;
  m.n_iter = state->step;
  const Array& evals = b.at("func_evals");
  m.func_evals =
      static_cast<std::int64_t>(evals(0)) * static_cast<std::int64_t>(kLowSpan) + static_cast<std::int64_t>(evals(1));
  if (m.n_iter == 0) return m;
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

void store_lbfgs_memory(const LBFGSMemory& m, OptimizerParamState& state, std::size_t n) {
  state.step = m.n_iter;
  auto& b = state.buffers;
  const double high = std::floor(static_cast<double>(m.func_evals) / kLowSpan);
  b["func_evals"] =
      Array({static_cast<float>(high), static_cast<float>(static_cast<double>(m.func_evals) - high * kLowSpan)});
  if (m.n_iter == 0) return;
  const std::size_t k = m.ro.size();
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

OptimizerParamState checked_lbfgs_state(const std::string& op, std::size_t index, const OptimizerParamState& saved,
                                        std::size_t n) {
  if (index != 0) {
    throw Error(op + ": LBFGS keeps its state with parameter 0, the state names parameter " + std::to_string(index));
  }
  if (saved.step < 0) throw Error(op + ": negative n_iter " + std::to_string(saved.step));
  const std::vector<std::string> names = lbfgs_state_names();
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

}  // namespace xg::optim::detail
