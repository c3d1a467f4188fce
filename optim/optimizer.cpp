#include <xgrad/optim/optimizer.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <algorithm>
#include <typeinfo>
#include <unordered_set>

#if defined(__SSE__)
#include <xmmintrin.h>  // _mm_getcsr, _mm_setcsr
#endif

namespace xg::optim {

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& other)
    : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  if (!options_) throw Error("OptimizerParamGroup: this group has no options yet (add it to an optimizer first)");
  return *options_;
}

const OptimizerOptions& OptimizerParamGroup::options() const {
  if (!options_) throw Error("OptimizerParamGroup: this group has no options yet (add it to an optimizer first)");
  return *options_;
}

Optimizer::Optimizer(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  defaults_->validate();
  for (const OptimizerParamGroup& group : groups) add_param_group(group);
}

Optimizer::Optimizer(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> defaults)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

void Optimizer::add_param_group(const OptimizerParamGroup& group) {
  // A parameter in two groups would be updated twice per step: PyTorch refuses, and so do we.
  std::unordered_set<const TensorImpl*> seen;
  for (const OptimizerParamGroup& existing : param_groups_) {
    for (const Tensor& p : existing.params()) seen.insert(p.id());
  }
  for (std::size_t i = 0; i < group.params().size(); ++i) {
    const Tensor& p = group.params()[i];
    if (!p.defined()) throw Error("add_param_group: parameter " + std::to_string(i) + " is an undefined tensor");
    if (!seen.insert(p.id()).second) {
      throw Error("add_param_group: parameter " + std::to_string(i) + " of shape " + to_string(p.shape()) +
                  " appears in more than one parameter group (or twice in one)");
    }
  }
  if (group.has_options()) {
    // Named first: clang warns about a function call inside typeid (it is evaluated).
    const OptimizerOptions& given = group.options();
    const OptimizerOptions& defaults = *defaults_;
    if (typeid(given) != typeid(defaults)) {
      throw Error(
          "add_param_group: the group's options belong to another kind of optimizer (a group takes the same "
          "options class as the optimizer's defaults)");
    }
  }
  OptimizerParamGroup added(group.params(), group.has_options() ? group.options().clone() : defaults_->clone());
  added.options().validate();
  param_groups_.push_back(std::move(added));
}

const OptimizerParamState* Optimizer::state(const Tensor& param) const {
  const auto found = state_.find(param.id());
  return found == state_.end() ? nullptr : &found->second;
}

OptimizerParamState& Optimizer::state_of(const Tensor& param) { return state_[param.id()]; }

Array& Optimizer::state_buffer(OptimizerParamState& state, const std::string& name, const Tensor& param,
                               float initial) {
  auto found = state.buffers.find(name);
  if (found == state.buffers.end()) {
    found = state.buffers.emplace(name, xt::empty<float>(param.data().shape())).first;
    std::fill(found->second.begin(), found->second.end(), initial);
  }
  return found->second;
}

float& Optimizer::state_scalar(OptimizerParamState& state, const std::string& name, float initial) {
  auto found = state.buffers.find(name);
  if (found == state.buffers.end()) found = state.buffers.emplace(name, Array(initial)).first;
  return *found->second.data();
}

void Optimizer::set_value_ranges(std::unordered_map<const TensorImpl*, ValueRange> ranges) {
  if (!ranges.empty() && !updates_each_value_alone()) {
    throw Error(name() +
                ".set_value_ranges: a sharded step needs an optimizer that updates each value on its own (SGD, "
                "Adam, AdamW, ...), " +
                name() + " does not");
  }
  std::size_t index = 0;
  for (const OptimizerParamGroup& group : param_groups_) {
    for (const Tensor& p : group.params()) {
      const auto found = ranges.find(p.id());
      if (found != ranges.end() && (found->second.begin > found->second.end || found->second.end > p.numel())) {
        throw Error(name() + ".set_value_ranges: parameter " + std::to_string(index) + " has " +
                    std::to_string(p.numel()) + " values, got the range [" + std::to_string(found->second.begin) +
                    ", " + std::to_string(found->second.end) + ")");
      }
      ++index;
    }
  }
  value_ranges_ = std::move(ranges);
}

ValueRange Optimizer::value_range(const Tensor& param) const {
  if (value_ranges_.empty()) return {0, param.numel()};
  return value_ranges_.at(param.id());  // check_step made sure it is there
}

#if defined(__SSE__)
// MXCSR bit 15 flushes denormal results to zero (FTZ); bit 6 reads denormal inputs as zero (DAZ).
constexpr unsigned int kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
FlushDenormalsGuard::FlushDenormalsGuard() : saved_(_mm_getcsr()) {
  _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
}
FlushDenormalsGuard::~FlushDenormalsGuard() { _mm_setcsr(saved_); }
#else
FlushDenormalsGuard::FlushDenormalsGuard() = default;
FlushDenormalsGuard::~FlushDenormalsGuard() = default;
#endif

namespace {

// torch.enable_grad(): the closure's forward pass records its graph even when step() is called under
// a NoGradGuard; the previous mode comes back however the closure ends.
class EnableGradGuard {
 public:
  EnableGradGuard() : previous_(GradMode::is_enabled()) { GradMode::set_enabled(true); }
  ~EnableGradGuard() { GradMode::set_enabled(previous_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace

void Optimizer::check_step(const char* op) const {
  const std::vector<std::string> scalars = state_scalar_names();
  std::size_t index = 0;
  for (const OptimizerParamGroup& group : param_groups_) {
    for (const Tensor& p : group.params()) {
      if (p.has_grad() && p.grad().shape() != p.data().shape()) {
        throw Error(std::string(op) + ": parameter " + std::to_string(index) + " has shape " + to_string(p.shape()) +
                    " but its gradient has shape " + to_string(shape_of(p.grad())));
      }
      if (p.has_grad() && sharded() && value_ranges_.count(p.id()) == 0) {
        throw Error(std::string(op) + ": parameter " + std::to_string(index) + " of shape " + to_string(p.shape()) +
                    " has a gradient but no range of values to update in this sharded optimizer");
      }
      if (const OptimizerParamState* s = state(p)) {
        for (const auto& [buffer_name, buffer] : s->buffers) {
          const bool scalar = std::find(scalars.begin(), scalars.end(), buffer_name) != scalars.end();
          if (scalar ? buffer.dimension() != 0 : buffer.shape() != p.data().shape()) {
            throw Error(std::string(op) + ": parameter " + std::to_string(index) + " has shape " +
                        to_string(p.shape()) + " but its state buffer '" + buffer_name + "' has shape " +
                        to_string(shape_of(buffer)) + " (was the parameter resized after its first step?)");
          }
        }
      }
      ++index;
    }
  }
}

OptimizerStateDict Optimizer::state_dict() const {
  OptimizerStateDict dict;
  dict.optimizer = name();
  std::size_t index = 0;
  for (const OptimizerParamGroup& group : param_groups_) {
    OptimizerStateDict::ParamGroup saved;
    saved.options = group.options().hyperparameters();
    for (const Tensor& p : group.params()) {
      saved.param_shapes.push_back(p.shape());
      if (const OptimizerParamState* s = state(p)) dict.state.emplace(index, *s);
      ++index;
    }
    dict.param_groups.push_back(std::move(saved));
  }
  return dict;
}

OptimizerParamState Optimizer::restore_param_state(const std::string& op, std::size_t index, const Tensor& p,
                                                   const OptimizerParamState& saved) const {
  const std::vector<std::string> allowed = state_buffer_names();
  const std::vector<std::string> scalars = state_scalar_names();
  if (saved.step < 0) {
    throw Error(op + ": parameter " + std::to_string(index) + " has a negative step count " +
                std::to_string(saved.step));
  }
  OptimizerParamState restored;
  restored.step = saved.step;
  for (const auto& [buffer_name, buffer] : saved.buffers) {
    if (std::find(allowed.begin(), allowed.end(), buffer_name) == allowed.end()) {
      throw Error(op + ": parameter " + std::to_string(index) + " has a state buffer '" + buffer_name + "' that " +
                  name() + " does not keep");
    }
    const bool scalar = std::find(scalars.begin(), scalars.end(), buffer_name) != scalars.end();
    if (scalar && buffer.size() != 1) {
      throw Error(op + ": state entry '" + buffer_name + "' of parameter " + std::to_string(index) + " holds " +
                  std::to_string(buffer.size()) + " values, expected one number");
    }
    if (!scalar && buffer.size() != p.numel()) {
      throw Error(op + ": state buffer '" + buffer_name + "' of parameter " + std::to_string(index) + " holds " +
                  std::to_string(buffer.size()) + " values, the parameter of shape " + to_string(p.shape()) + " has " +
                  std::to_string(p.numel()));
    }
    Array shaped = scalar ? Array(*buffer.data()) : buffer;
    if (!scalar) shaped.reshape(p.data().shape());
    restored.buffers.emplace(buffer_name, std::move(shaped));
  }
  return restored;
}

void Optimizer::load_state_dict(const OptimizerStateDict& dict) {
  const std::string op = name() + ".load_state_dict";
  if (dict.optimizer != name()) {
    throw Error(op + ": the state was saved by " + (dict.optimizer.empty() ? "an unnamed" : dict.optimizer) +
                " optimizer, this one is " + name());
  }
  if (dict.param_groups.size() != param_groups_.size()) {
    throw Error(op + ": the state has " + std::to_string(dict.param_groups.size()) + " param groups, this optimizer " +
                std::to_string(param_groups_.size()));
  }
  // Build everything new aside; only the swap at the end touches the optimizer.
  std::vector<const Tensor*> params;
  std::vector<std::unique_ptr<OptimizerOptions>> options;
  for (std::size_t g = 0; g < param_groups_.size(); ++g) {
    const OptimizerParamGroup& group = param_groups_[g];
    const OptimizerStateDict::ParamGroup& saved = dict.param_groups[g];
    if (saved.param_shapes.size() != group.params().size()) {
      throw Error(op + ": param group " + std::to_string(g) + " has " + std::to_string(group.params().size()) +
                  " parameters, the state's " + std::to_string(saved.param_shapes.size()));
    }
    for (std::size_t i = 0; i < group.params().size(); ++i) {
      const Tensor& p = group.params()[i];
      if (saved.param_shapes[i] != p.shape()) {
        throw Error(op + ": parameter " + std::to_string(params.size()) + " (group " + std::to_string(g) + ", index " +
                    std::to_string(i) + ") has shape " + to_string(p.shape()) + ", the state was saved for shape " +
                    to_string(saved.param_shapes[i]));
      }
      params.push_back(&p);
    }
    std::unique_ptr<OptimizerOptions> restored = group.options().clone();
    const auto expected = restored->hyperparameters();
    bool same_names = expected.size() == saved.options.size();
    for (std::size_t k = 0; same_names && k < expected.size(); ++k) {
      same_names = expected[k].first == saved.options[k].first;
    }
    if (!same_names) {
      auto names = [](const std::vector<std::pair<std::string, double>>& list) {
        return "[" + join_with(list, [](const auto& entry) { return entry.first; }) + "]";
      };
      throw Error(op + ": param group " + std::to_string(g) + " has hyperparameters " + names(saved.options) +
                  ", expected " + names(expected));
    }
    for (const auto& [option_name, value] : saved.options) restored->set_hyperparameter(option_name, value);
    restored->validate();
    options.push_back(std::move(restored));
  }
  std::unordered_map<const TensorImpl*, OptimizerParamState> state;
  for (const auto& [index, saved] : dict.state) {
    if (index >= params.size()) {
      throw Error(op + ": the state names parameter " + std::to_string(index) + " but there are only " +
                  std::to_string(params.size()));
    }
    const Tensor& p = *params[index];
    state.emplace(p.id(), restore_param_state(op, index, p, saved));
  }
  for (std::size_t g = 0; g < param_groups_.size(); ++g) param_groups_[g].set_options(std::move(options[g]));
  state_.swap(state);
}

void Optimizer::save(std::ostream& out) const { write_state_dict(state_dict(), out); }

void Optimizer::save(const std::string& path) const {
  save_atomically(path, encode_state_dict(state_dict()), name() + ".save");
}

void Optimizer::load(std::istream& in) { load_state_dict(read_state_dict(in)); }

void Optimizer::load(const std::string& path) {
  const std::string bytes = read_file(path, name() + ".load");
  try {
    load_state_dict(decode_state_dict(bytes));
  } catch (const Error& e) {
    throw Error(name() + ".load('" + path + "'): " + e.what());
  }
}

Tensor Optimizer::step(const LossClosure& closure) {
  if (!closure) throw Error(name() + ".step(closure): the closure is empty");
  Tensor loss = evaluate_closure(closure);
  step();
  return loss;
}

Tensor Optimizer::evaluate_closure(const LossClosure& closure) {
  const EnableGradGuard enable_grad;
  return closure();
}

void Optimizer::zero_grad(bool set_to_none) {
  for (OptimizerParamGroup& group : param_groups_) {
    // As torch.optim: a parameter without a gradient keeps none, so that a step still skips it (a
    // zero gradient would let weight decay and Adam's moments move a parameter the loss never used).
    for (Tensor& p : group.params()) {
      if (p.has_grad()) p.zero_grad(set_to_none);
    }
  }
}

}  // namespace xg::optim
