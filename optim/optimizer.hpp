#pragma once
// The Optimizer base, after libtorch's torch::optim::Optimizer: parameters live in param groups, each
// group with its own options (lr, weight decay, ...); per-parameter state is created on the first
// step. A concrete optimizer (one short file each) derives from OptimizerWith<its Options> below and
// implements update(): one fused loop over a parameter's values, calling its per-element formula in
// optim/functional.hpp.
//
// A group's options are an OptimizerOptions (optim/options.hpp); schedulers change its learning rate
// through options().get_lr() / set_lr().
//
// State is keyed by the parameter (its TensorImpl), each with its own step count; state_dict() /
// load_state_dict() and save() / load() snapshot and restore it (format: optim/state_dict.hpp), so a
// resumed run continues bit for bit.

#include <xgrad/core/tensor.hpp>
#include <xgrad/optim/options.hpp>
#include <xgrad/optim/state_dict.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace xg::optim {

// While alive, the calling thread flushes denormal floats to zero: results below FLT_MIN (1.2e-38)
// become 0 and such inputs read as 0 (SSE's FTZ and DAZ bits; nothing happens on other CPUs). Every
// optimizer's step() runs under one. A state buffer that decays geometrically, like Adam's exp_avg
// once a parameter's gradient is exactly 0 (a dead ReLU unit), passes through the denormal range,
// where each multiply takes a slow microcode assist: on the MLP example that slowed training badly
// from the second epoch on (the README's benchmarks). PyTorch keeps denormals (unless
// torch.set_flush_denormal), so steps agree with it to the bit except where a value would have been denormal.
class FlushDenormalsGuard {
 public:
  FlushDenormalsGuard();
  ~FlushDenormalsGuard();
  FlushDenormalsGuard(const FlushDenormalsGuard&) = delete;
  FlushDenormalsGuard& operator=(const FlushDenormalsGuard&) = delete;

 private:
  unsigned int saved_ = 0;  // the thread's floating-point control register before
};

// Parameters that share options. A group made without options takes the optimizer's defaults; a group
// with options uses them whole (libtorch), not merged key by key with the defaults as torch.optim's dicts.
class OptimizerParamGroup {
 public:
  explicit OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options = nullptr)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other);
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }
  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

// Part of a parameter's values, counted in its flattened (row-major) order: [begin, end). A sharded
// step (set_value_ranges) updates only this part of each parameter.
struct ValueRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

// What step(closure) calls: it zeroes the gradients, re-evaluates the loss, runs backward and returns
// the loss (libtorch's torch::optim::LossClosure).
using LossClosure = std::function<Tensor()>;

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient (parameters without one are skipped and get
  // no state).
  virtual void step() = 0;
  // torch's `loss = opt.step(closure)`: calls the closure once, with gradient recording on (torch's
  // enable_grad, so it works inside a NoGradGuard), then step(), and returns the closure's loss. The
  // signature is libtorch's `Tensor step(LossClosure)`; it is written once here, beside the virtual
  // step(), so every optimizer has it and an optimizer defined elsewhere keeps overriding plain step().
  // (A subclass that declares step() hides this overload: OptimizerWith adds `using Optimizer::step;`.)
  // (Virtual for LBFGS, which calls its closure many times per step and has no step() without one.)
  virtual Tensor step(const LossClosure& closure);

  // The optimizer's name as torch.optim spells it ("SGD", "Adam", ...); saved with its state.
  virtual std::string name() const { return "Optimizer"; }
  // The buffers a parameter's state may hold ("momentum_buffer", "exp_avg", ...); load_state_dict
  // refuses others.
  virtual std::vector<std::string> state_buffer_names() const { return {}; }
  // The state entries among those that hold one number per parameter (a 0-d array, as torch's 0-d
  // state tensors, such as NAdam's "mu_product") instead of a buffer of the parameter's shape.
  virtual std::vector<std::string> state_scalar_names() const { return {}; }

  // Zeroes every parameter's gradient (PyTorch's set_to_none=False: zero arrays of the right shape),
  // or drops them with set_to_none.
  void zero_grad(bool set_to_none = false);

  // Adds parameters with their own options; missing options are copied from the defaults.
  void add_param_group(const OptimizerParamGroup& group);

  std::vector<OptimizerParamGroup>& param_groups() { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return param_groups_; }
  const OptimizerOptions& defaults() const { return *defaults_; }

  // A state buffer of the parameter's shape, created filled with `initial` when missing.
  static Array& state_buffer(OptimizerParamState& state, const std::string& name, const Tensor& param,
                             float initial = 0.0f);

  // A sharded step, ZeRO stage 1 (distributed/sharded_optimizer.hpp): from now on step() updates only
  // `ranges[param]` of each parameter's values, and only those of its state buffers; the rest of both
  // stays as it is (another rank updates it). Per-parameter numbers (the step count, NAdam's
  // mu_product) still advance for every parameter, so every rank's agree. A parameter with a gradient
  // but no range is an xg::Error at step(). An empty map makes steps whole again. Throws xg::Error for
  // an optimizer that does not update each value on its own (LBFGS).
  void set_value_ranges(std::unordered_map<const TensorImpl*, ValueRange> ranges);
  bool sharded() const { return !value_ranges_.empty(); }
  // Whether step() updates each value from that value alone (its gradient and its state), so that a
  // step of part of the values is that part of a whole step: every OptimizerWith optimizer.
  virtual bool updates_each_value_alone() const { return false; }

  // A parameter's state, or nullptr before its first step.
  const OptimizerParamState* state(const Tensor& param) const;
  // How many parameters have state.
  std::size_t state_size() const { return state_.size(); }

  // A deep copy of hyperparameters and state (torch.optim.Optimizer.state_dict()).
  OptimizerStateDict state_dict() const;
  // Restores a state_dict() of an optimizer of the same kind over parameters of the same shapes in the
  // same groups. Everything is checked before anything changes: on xg::Error nothing has changed.
  void load_state_dict(const OptimizerStateDict& dict);

  // The state_dict() as a binary file (format in optim/state_dict.hpp). save() writes a temporary
  // file beside `path` and renames it, so a failed save leaves an older file whole.
  void save(const std::string& path) const;
  void save(std::ostream& out) const;
  // Reads and checks the whole file (magic, version, size, checksum, then shapes and names) before
  // changing anything; throws xg::Error and leaves the optimizer as it was on any problem.
  void load(const std::string& path);
  void load(std::istream& in);

 protected:
  Optimizer(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults);
  // All parameters in one group that takes the defaults.
  Optimizer(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> defaults);

  // Calls the closure with gradient recording on (torch's enable_grad) and returns its loss.
  static Tensor evaluate_closure(const LossClosure& closure);
  // load_state_dict's check of one parameter's saved state: returns it as the optimizer will keep it,
  // or throws xg::Error naming `op` and the problem. The default takes state_buffer_names() entries
  // of the parameter's shape and state_scalar_names() entries of one number; LBFGS, whose state is
  // one flat history for all parameters, overrides it.
  virtual OptimizerParamState restore_param_state(const std::string& op, std::size_t index, const Tensor& param,
                                                  const OptimizerParamState& saved) const;

  // The parameter's state, created empty (step 0, no buffers) on first use.
  OptimizerParamState& state_of(const Tensor& param);
  // A per-parameter number kept in the state (one of state_scalar_names()), created as `initial`.
  static float& state_scalar(OptimizerParamState& state, const std::string& name, float initial);
  // Checks every parameter that will be updated (gradient and state buffers of its shape) before
  // step() changes anything: a failed step leaves every parameter as it was.
  void check_step(const char* op) const;
  // The values of `param` this step updates: all of them, unless the optimizer is sharded.
  ValueRange value_range(const Tensor& param) const;

 private:
  std::vector<OptimizerParamGroup> param_groups_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::unordered_map<const TensorImpl*, OptimizerParamState> state_;
  std::unordered_map<const TensorImpl*, ValueRange> value_ranges_;  // empty: not sharded
};

// The base of an optimizer whose groups take Options, so that an optimizer's class says only what is its
// own: `using OptimizerWith::OptimizerWith;` gives the two constructors (parameters in one group on the
// defaults, or param groups, a group without options taking the defaults), name() is Options::optimizer,
// and step() is the frame every optimizer shares around its update() of one parameter.
template <class Options>
class OptimizerWith : public Optimizer {
 public:
  OptimizerWith(std::vector<Tensor> params, Options defaults = {})
      : Optimizer(std::move(params), std::make_unique<Options>(std::move(defaults))) {}
  OptimizerWith(std::vector<OptimizerParamGroup> groups, Options defaults = {})
      : Optimizer(std::move(groups), std::make_unique<Options>(std::move(defaults))) {}

  using Optimizer::step;  // step(closure)
  // Checks every parameter first (check_step, so a failed step changes nothing), flushes denormals while
  // it runs, then, for each parameter that has a gradient in group order, advances that parameter's own
  // step count and calls update() on its values this rank updates (all of them unless sharded).
  void step() override {
    check_step((name() + ".step").c_str());
    const FlushDenormalsGuard flush_denormals;  // see its comment above
    for (OptimizerParamGroup& group : param_groups()) {
      const auto& options = static_cast<const Options&>(group.options());
      for (Tensor& p : group.params()) {
        if (!p.has_grad()) continue;
        OptimizerParamState& state = state_of(p);
        state.step += 1;
        update(options, p, state, value_range(p));
      }
    }
  }
  std::string name() const override { return Options::optimizer; }
  bool updates_each_value_alone() const override { return true; }

 protected:
  // One parameter's update with its group's options: one fused loop over `values` of it (all of them,
  // unless the optimizer is sharded) calling the formula of optim/functional.hpp (for_each_value in
  // optim/detail/kernel_attributes.hpp). state.step already counts this step (1 on the first); state
  // buffers are created whole.
  virtual void update(const Options& options, Tensor& param, OptimizerParamState& state, ValueRange values) const = 0;
};

}  // namespace xg::optim
