// LBFGS against torch.optim.LBFGS 1.13 (tests/reference/lbfgs.py -> lbfgs.json): every iterate after
// each outer step(closure), the returned loss and the closure call counts, with and without the strong
// Wolfe line search; then its errors and a state_dict / save / load round trip made mid-run.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;
using xg_test::error_message;
using json = nlohmann::json;

const json& reference() {
  static const json data = [] {
    std::ifstream in(std::string(XGRAD_REFERENCE_DIR) + "/lbfgs.json");
    if (!in) throw std::runtime_error("cannot open lbfgs.json in " XGRAD_REFERENCE_DIR);
    return json::parse(in);
  }();
  return data;
}

xg::Array array_of(const std::vector<float>& values, const xg::Shape& shape) {
  xg::Array a = xt::empty<float>(shape);
  std::copy(values.begin(), values.end(), a.begin());
  return a;
}

// The reference's closures, operation for operation (lbfgs.py): float32, one rounding per operation
// (xgrad builds with -ffp-contract=off, so nothing here is fused). Each returns the loss and writes
// the gradients.
float rosenbrock(std::vector<xg::Tensor>& params) {
  const float* x = params[0].data().data();
  const std::size_t n = params[0].numel();
  std::vector<float> grad(n, 0.0f);
  float loss = 0.0f;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float a = x[i + 1] - x[i] * x[i];
    const float b = 1.0f - x[i];
    loss = loss + (100.0f * a) * a;
    loss = loss + b * b;
    grad[i] = grad[i] - (400.0f * a) * x[i];
    grad[i] = grad[i] - 2.0f * b;
    grad[i + 1] = grad[i + 1] + 200.0f * a;
  }
  params[0].set_grad(array_of(grad, params[0].shape()));
  return loss;
}

const float kX[6][3] = {{0.5f, -1.0f, 2.0f},   {1.5f, 0.25f, -0.5f}, {-1.0f, 2.0f, 1.0f},
                        {0.0f, -0.75f, 1.25f}, {2.0f, 1.0f, 0.5f},   {-0.5f, -1.5f, -2.0f}};
const float kY[6][4] = {{1.0f, 0.0f, -1.0f, 2.0f},  {0.5f, 1.5f, 0.0f, -0.5f},  {-2.0f, 1.0f, 0.5f, 0.0f},
                        {0.25f, -1.0f, 1.0f, 1.5f}, {1.0f, 2.0f, -0.5f, 0.75f}, {-1.5f, 0.0f, 2.0f, -1.0f}};

// sum (X W + b - Y)^2 / 24 with W [3, 4], b [4].
float least_squares(std::vector<xg::Tensor>& params) {
  const float* w = params[0].data().data();
  const float* b = params[1].data().data();
  const float count = 24.0f;
  std::vector<float> grad_w(12, 0.0f), grad_b(4, 0.0f);
  float loss = 0.0f;
  for (int r = 0; r < 6; ++r) {
    for (int j = 0; j < 4; ++j) {
      float pred = b[j];
      for (int i = 0; i < 3; ++i) pred = pred + kX[r][i] * w[i * 4 + j];
      const float res = pred - kY[r][j];
      loss = loss + res * res;
      const float g = (2.0f * res) / count;
      grad_b[j] = grad_b[j] + g;
      for (int i = 0; i < 3; ++i) grad_w[i * 4 + j] = grad_w[i * 4 + j] + g * kX[r][i];
    }
  }
  params[0].set_grad(array_of(grad_w, params[0].shape()));
  params[1].set_grad(array_of(grad_b, params[1].shape()));
  return loss / count;
}

using Problem = std::function<float(std::vector<xg::Tensor>&)>;

Problem problem_of(const std::string& name) { return name == "rosenbrock" ? Problem(rosenbrock) : least_squares; }

std::vector<xg::Tensor> params_of(const json& test_case) {
  std::vector<xg::Tensor> params;
  for (std::size_t k = 0; k < test_case["x0"].size(); ++k) {
    const json& values = test_case["x0"][k];
    xg::Shape shape = {values.size()};
    if (test_case.contains("shapes")) shape = test_case["shapes"][k].get<xg::Shape>();
    xg::Array a = xt::empty<float>(shape);
    std::transform(values.begin(), values.end(), a.begin(), [](const json& v) { return v.get<float>(); });
    params.push_back(xg::tensor(a, /*requires_grad=*/true));
  }
  return params;
}

LBFGSOptions options_of(const json& given) {
  LBFGSOptions options;
  if (given.contains("lr")) options.lr(given["lr"].get<double>());
  if (given.contains("max_iter")) options.max_iter(given["max_iter"].get<int>());
  if (given.contains("max_eval")) options.max_eval(given["max_eval"].get<int>());
  if (given.contains("history_size")) options.history_size(given["history_size"].get<int>());
  if (given.contains("tolerance_grad")) options.tolerance_grad(given["tolerance_grad"].get<double>());
  if (given.contains("line_search_fn")) options.line_search_fn(given["line_search_fn"].get<std::string>());
  return options;
}

// A closure that counts its calls, as the reference's does.
LossClosure counting_closure(std::vector<xg::Tensor>& params, const Problem& problem, int& calls) {
  return [&params, problem, &calls] {
    ++calls;
    for (xg::Tensor& p : params) p.zero_grad();
    return xg::tensor(xt::xarray<float>(problem(params)));
  };
}

// The largest |ours - torch's| over every parameter value, after one step.
double deviation(const std::vector<xg::Tensor>& params, const json& expected) {
  double worst = 0;
  for (std::size_t k = 0; k < params.size(); ++k) {
    for (std::size_t i = 0; i < params[k].numel(); ++i) {
      const double ours = params[k].data().data()[i];
      const double theirs = expected[k][i].get<float>();
      worst = std::max(worst, ours == theirs ? 0.0 : std::fabs(ours - theirs));
      if (std::isnan(ours) != std::isnan(theirs)) worst = INFINITY;
    }
  }
  return worst;
}

TEST(LBFGSReference, EveryIterateLossAndClosureCountMatchTorchBitForBit) {
  for (const json& test_case : reference()["cases"]) {
    const std::string name = test_case["name"];
    SCOPED_TRACE(name);
    std::vector<xg::Tensor> params = params_of(test_case);
    LBFGS optimizer(params, options_of(test_case["options"]));
    int calls = 0;
    const LossClosure closure = counting_closure(params, problem_of(test_case["problem"]), calls);
    double worst = 0;
    int step = 0;
    for (const json& expected : test_case["steps_taken"]) {
      SCOPED_TRACE("step " + std::to_string(++step));
      const xg::Tensor loss = optimizer.step(closure);
      EXPECT_EQ(loss.item(), expected["loss"].get<float>());
      EXPECT_EQ(calls, expected["closure_calls"].get<int>());
      EXPECT_EQ(optimizer.func_evals(), expected["func_evals"].get<std::int64_t>());
      EXPECT_EQ(optimizer.n_iter(), expected["n_iter"].get<std::int64_t>());
      worst = std::max(worst, deviation(params, expected["params"]));
    }
    EXPECT_EQ(worst, 0.0) << name << ": largest deviation from torch " << worst;
  }
}

TEST(LBFGSOptions, DefaultsAreTorchs) {
  const LBFGSOptions options;
  EXPECT_EQ(options.lr(), 1.0);
  EXPECT_EQ(options.max_iter(), 20);
  EXPECT_FALSE(options.max_eval().has_value());
  EXPECT_EQ(options.tolerance_grad(), 1e-7);
  EXPECT_EQ(options.tolerance_change(), 1e-9);
  EXPECT_EQ(options.history_size(), 100);
  EXPECT_FALSE(options.line_search_fn().has_value());
  // The optimizer fixes max_eval to max_iter * 5 / 4 (rounded down), as torch's constructor.
  xg::Tensor x = xg::tensor(xt::xarray<float>{1.0f, 2.0f}, true);
  LBFGS optimizer({x}, LBFGSOptions().max_iter(7));
  const auto& kept = static_cast<const LBFGSOptions&>(optimizer.param_groups()[0].options());
  EXPECT_EQ(kept.max_eval(), 8);
  EXPECT_EQ(static_cast<const LBFGSOptions&>(LBFGS({x}).param_groups()[0].options()).max_eval(), 25);
}

TEST(LBFGSErrors, StepWithoutAClosureThrows) {
  xg::Tensor x = xg::tensor(xt::xarray<float>{1.0f, 2.0f}, true);
  LBFGS optimizer({x});
  EXPECT_EQ(error_message([&] { optimizer.step(); }),
            "LBFGS.step: LBFGS needs a closure that re-evaluates the loss (call step(closure))");
  EXPECT_EQ(error_message([&] { optimizer.step(LossClosure()); }),
            "LBFGS.step: LBFGS needs a closure that re-evaluates the loss, got an empty one");
  Optimizer& base = optimizer;  // through the base class too
  EXPECT_EQ(error_message([&] { base.step(); }),
            "LBFGS.step: LBFGS needs a closure that re-evaluates the loss (call step(closure))");
}

TEST(LBFGSErrors, MoreThanOneParamGroupIsRefused) {
  xg::Tensor a = xg::tensor(xt::xarray<float>{1.0f}, true), b = xg::tensor(xt::xarray<float>{2.0f}, true);
  EXPECT_EQ(error_message([&] {
              LBFGS(std::vector<OptimizerParamGroup>{OptimizerParamGroup({a}), OptimizerParamGroup({b})});
            }),
            "LBFGS: doesn't support per-parameter options (parameter groups): got 2 groups, expected 1");
  LBFGS optimizer({a});
  optimizer.add_param_group(OptimizerParamGroup({b}));
  int calls = 0;
  EXPECT_EQ(error_message([&] {
              optimizer.step([&] {
                ++calls;
                return xg::sum(a * a);
              });
            }),
            "LBFGS.step: doesn't support parameter groups: has 2, expected 1");
  EXPECT_EQ(calls, 0);
}

TEST(LBFGSErrors, BadOptionsAreRefused) {
  xg::Tensor x = xg::tensor(xt::xarray<float>{1.0f}, true);
  auto make = [&](const LBFGSOptions& options) { return error_message([&] { LBFGS({x}, options); }); };
  EXPECT_EQ(make(LBFGSOptions(-1)), "LBFGS: invalid learning rate -1 (expected lr >= 0)");
  EXPECT_EQ(make(LBFGSOptions().max_iter(0)), "LBFGS: invalid max_iter 0 (expected >= 1)");
  EXPECT_EQ(make(LBFGSOptions().max_eval(0)), "LBFGS: invalid max_eval 0 (expected a whole number >= 1)");
  EXPECT_EQ(make(LBFGSOptions().tolerance_grad(-1e-3)), "LBFGS: invalid tolerance_grad -0.001 (expected >= 0)");
  EXPECT_EQ(make(LBFGSOptions().tolerance_change(NAN)), "LBFGS: invalid tolerance_change nan (expected >= 0)");
  EXPECT_EQ(make(LBFGSOptions().history_size(0)), "LBFGS: invalid history_size 0 (expected >= 1)");
  EXPECT_EQ(make(LBFGSOptions().line_search_fn("backtracking")),
            "LBFGS: invalid line_search_fn 'backtracking' (expected none or 'strong_wolfe')");
  EXPECT_EQ(error_message([] { LBFGSOptions().set_hyperparameter("max_iter", 2.5); }),
            "LBFGS: invalid max_iter 2.5 (expected a whole number)");
  EXPECT_EQ(error_message([] { LBFGS(std::vector<xg::Tensor>{}); }),
            "LBFGS: needs at least one parameter value, got none");
}

TEST(LBFGSErrors, AThrowingClosureLeavesParametersAndStateAsTheyWere) {
  const json& test_case = reference()["cases"][1];  // rosenbrock2_strong_wolfe
  std::vector<xg::Tensor> params = params_of(test_case);
  LBFGS optimizer(params, options_of(test_case["options"]));
  int calls = 0;
  optimizer.step(counting_closure(params, rosenbrock, calls));
  const xg::Array before = params[0].data();
  const OptimizerStateDict state_before = optimizer.state_dict();
  int later_calls = 0;
  EXPECT_EQ(error_message([&] {
              optimizer.step([&] {
                if (++later_calls == 3) throw xg::Error("closure: failed on purpose");
                return counting_closure(params, rosenbrock, calls)();
              });
            }),
            "closure: failed on purpose");
  EXPECT_EQ(params[0].data(), before);
  EXPECT_EQ(optimizer.n_iter(), state_before.state.at(0).step);
  EXPECT_EQ(optimizer.state_dict().state.at(0).buffers, state_before.state.at(0).buffers);
}

// Runs `first` steps, copies the state through `carry` into a fresh optimizer over fresh parameters
// holding the same values, and runs the rest there; the parameters must follow torch's every step.
void expect_resume_matches(const std::function<void(const LBFGS&, LBFGS&)>& carry) {
  for (const json& test_case : reference()["cases"]) {
    SCOPED_TRACE(test_case["name"].get<std::string>());
    const json& steps = test_case["steps_taken"];
    const Problem problem = problem_of(test_case["problem"]);
    std::vector<xg::Tensor> params = params_of(test_case);
    LBFGS first(params, options_of(test_case["options"]));
    int calls = 0;
    const std::size_t stop = 2;
    for (std::size_t s = 0; s < stop; ++s) first.step(counting_closure(params, problem, calls));
    std::vector<xg::Tensor> resumed_params = params_of(test_case);
    for (std::size_t k = 0; k < params.size(); ++k) resumed_params[k].data() = params[k].data();
    LBFGS resumed(resumed_params, LBFGSOptions(123.0));  // the options come from the state too
    carry(first, resumed);
    EXPECT_EQ(resumed.func_evals(), steps[stop - 1]["func_evals"].get<std::int64_t>());
    for (std::size_t s = stop; s < steps.size(); ++s) {
      const xg::Tensor loss = resumed.step(counting_closure(resumed_params, problem, calls));
      EXPECT_EQ(loss.item(), steps[s]["loss"].get<float>());
      EXPECT_EQ(deviation(resumed_params, steps[s]["params"]), 0.0) << "step " << s + 1;
      EXPECT_EQ(resumed.n_iter(), steps[s]["n_iter"].get<std::int64_t>());
    }
  }
}

TEST(LBFGSState, StateDictMadeMidRunContinuesExactly) {
  expect_resume_matches([](const LBFGS& from, LBFGS& to) { to.load_state_dict(from.state_dict()); });
}

TEST(LBFGSState, SaveAndLoadMidRunContinuesExactly) {
  expect_resume_matches([](const LBFGS& from, LBFGS& to) {
    std::stringstream file;
    from.save(file);
    to.load(file);
  });
}

TEST(LBFGSState, AStateWithAWrongHistoryIsRefusedAndChangesNothing) {
  std::vector<xg::Tensor> params = params_of(reference()["cases"][2]);
  LBFGS optimizer(params, options_of(reference()["cases"][2]["options"]));
  int calls = 0;
  optimizer.step(counting_closure(params, rosenbrock, calls));
  OptimizerStateDict broken = optimizer.state_dict();
  broken.state.at(0).buffers.at("old_dirs") = array_of({0.0f, 0.0f, 0.0f}, {3});
  const OptimizerStateDict before = optimizer.state_dict();
  EXPECT_EQ(error_message([&] { optimizer.load_state_dict(broken); }),
            "LBFGS.load_state_dict: state entry 'old_dirs' holds 3 values, expected " +
                std::to_string(2 * before.state.at(0).buffers.at("ro").size()));
  broken = before;
  broken.state.at(0).buffers.erase("d");
  EXPECT_EQ(error_message([&] { optimizer.load_state_dict(broken); }), "LBFGS.load_state_dict: the state has no 'd'");
  EXPECT_EQ(optimizer.state_dict().state.at(0).buffers, before.state.at(0).buffers);
}

TEST(LBFGSTraining, FitsALinearModelThroughAutograd) {
  // The closure as users write it: zero_grad, a forward pass recorded by autograd, backward.
  xg::Tensor w = xg::tensor(array_of(std::vector<float>(12, 0.0f), {3, 4}), true);
  xg::Tensor b = xg::tensor(array_of(std::vector<float>(4, 0.0f), {4}), true);
  const xg::Array x = array_of(std::vector<float>(&kX[0][0], &kX[0][0] + 18), {6, 3});
  const xg::Array y = array_of(std::vector<float>(&kY[0][0], &kY[0][0] + 24), {6, 4});
  const xg::Tensor inputs = xg::tensor(x), targets = xg::tensor(y);
  LBFGS optimizer({w, b}, LBFGSOptions().line_search_fn("strong_wolfe"));
  auto closure = [&] {
    optimizer.zero_grad();
    xg::Tensor diff = xg::matmul(inputs, w) + b - targets;
    xg::Tensor loss = xg::mean(diff * diff);
    loss.backward();
    return loss;
  };
  for (int i = 0; i < 4; ++i) optimizer.step(closure);
  const float last = closure().item();
  // The least-squares optimum of this problem has loss 0.08306 (lbfgs.json's least_squares cases).
  EXPECT_NEAR(last, reference()["cases"][6]["steps_taken"][2]["loss"].get<float>(), 1e-5);
}

}  // namespace
