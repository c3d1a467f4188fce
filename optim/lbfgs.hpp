#pragma once
// L-BFGS (Nocedal, "Updating quasi-Newton matrices with limited storage"), as torch.optim.LBFGS (1.13),
// itself after minFunc. One step(closure) runs up to max_iter iterations on all parameters seen as
// one flat vector x with flat gradient g:
//   direction  d = -H g, H the inverse Hessian estimate built from the last history_size pairs
//              (s = x_{k+1} - x_k, y = g_{k+1} - g_k) by the two-loop recursion, scaled by y's/y'y
//   step       x = x + t d, with t = lr (on the very first iteration min(1, 1/sum|g|) * lr), or the t
//              that torch's strong Wolfe line search finds (line_search_fn "strong_wolfe")
// and it stops early when max|g| <= tolerance_grad, when the step or the loss change falls below
// tolerance_change, or after max_eval closure calls (default max_iter * 5 / 4).
//
// As in torch: a single param group only; step() needs the closure (it re-evaluates the loss and its
// gradient, several times per step); all the state (iteration and evaluation counts, d, t, the
// history, H's scale, the previous gradient and loss) is kept with the first parameter, so that
// state_dict() / save() / load() resume a run exactly. Numbers follow torch's kinds: flat vectors in
// float32, the loss as a double (float(closure())), the step t as torch computes it
// (optim/detail/python_number.hpp). Unlike the other optimizers, denormals are not flushed: the closure's
// forward and backward run inside step().

#include <xgrad/optim/optimizer.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xg::optim {

namespace detail {
struct LBFGSMemory;  // the state while a step runs (optim/detail/lbfgs_memory.hpp)
}  // namespace detail

struct LBFGSOptions : OptimizerOptionsOf<LBFGSOptions> {
  static constexpr const char* optimizer = "LBFGS";
  static const HyperparameterTable<LBFGSOptions> table;  // lbfgs.cpp
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  LBFGSOptions(double lr = 1) : lr_(lr) {}
  // lr >= 0, max_iter >= 1, max_eval >= 1 when set, tolerances >= 0, history_size >= 1, line_search_fn
  // unset or "strong_wolfe".
  void validate() const override;

  XG_ARG(double, lr, 0);
  XG_ARG(int, max_iter, 20);
  XG_ARG(double, tolerance_grad, 1e-7);
  XG_ARG(double, tolerance_change, 1e-9);
  XG_ARG(int, history_size, 100);
  // Closure calls allowed per step; unset (torch's None) means max_iter * 5 / 4, fixed when the
  // optimizer is built, as torch does.
  XG_ARG(std::optional<int>, max_eval, std::nullopt);
  // Unset (torch's None: a fixed step of lr) or "strong_wolfe".
  XG_ARG(std::optional<std::string>, line_search_fn, std::nullopt);
};

class LBFGS : public Optimizer {
 public:
  LBFGS(std::vector<Tensor> params, LBFGSOptions defaults = {});
  // Refuses more than one group, as torch (LBFGS has one flat state for all its parameters).
  LBFGS(std::vector<OptimizerParamGroup> groups, LBFGSOptions defaults = {});

  // Up to max_iter iterations; returns the loss of the closure's first call, as torch.
  Tensor step(const LossClosure& closure) override;
  // Throws xg::Error: LBFGS must re-evaluate the loss, so it needs step(closure).
  void step() override;
  std::string name() const override { return "LBFGS"; }
  std::vector<std::string> state_buffer_names() const override;

  // torch's state['func_evals'] and state['n_iter']: closure calls and iterations over all steps.
  std::int64_t func_evals() const;
  std::int64_t n_iter() const;

 protected:
  OptimizerParamState restore_param_state(const std::string& op, std::size_t index, const Tensor& param,
                                          const OptimizerParamState& saved) const override;

 private:
  Tensor iterate(const LossClosure& closure, detail::LBFGSMemory& memory);  // one step's iterations
  detail::LBFGSMemory load_memory() const;
  void store_memory(const detail::LBFGSMemory& memory);
  std::size_t numel() const;  // of all parameters together (optim/detail/flat_parameters.hpp)
};

}  // namespace xg::optim
