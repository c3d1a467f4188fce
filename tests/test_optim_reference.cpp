// Optimizer trajectories against PyTorch 1.13: tests/reference/optim.py runs torch.optim for 200 steps on
// a fixed nonconvex loss over parameters of shapes (10, 5), (5,), (3, 3, 3), for every optimizer and
// option combination, and records the parameters at several steps; here xgrad runs the same steps on
// the same gradients and must land on the same floats.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using namespace xg::optim;

json read_reference(const std::string& file) {
  std::ifstream in(std::string(XGRAD_REFERENCE_DIR) + "/" + file);
  if (!in) throw std::runtime_error("cannot open " + file + " in " XGRAD_REFERENCE_DIR);
  return json::parse(in);
}

// optim.json: SGD, Adam, AdamW, RMSprop, Adagrad and clip_grad (optim.py).
const json& reference() {
  static const json data = read_reference("optim.json");
  return data;
}

// optim_more.json: NAdam, RAdam, Adamax, Adadelta (optim_more.py), on the same problem.
const json& reference_more() {
  static const json data = read_reference("optim_more.json");
  return data;
}

xg::Array array_of(const json& values, const xg::Shape& shape) {
  xg::Array a = xg::Array::from_shape(shape);
  std::size_t i = 0;
  for (const json& v : values) a.data()[i++] = v.get<float>();
  return a;
}

struct Problem {
  std::vector<xg::Shape> shapes;
  std::vector<xg::Array> p0, a, c, b;
};

Problem load_problem(const json& data = reference()) {
  Problem problem;
  for (const json& spec : data["problem"]) {
    const auto shape = spec["shape"].get<xg::Shape>();
    problem.shapes.push_back(shape);
    problem.p0.push_back(array_of(spec["p0"], shape));
    problem.a.push_back(array_of(spec["a"], shape));
    problem.c.push_back(array_of(spec["c"], shape));
    problem.b.push_back(array_of(spec["b"], shape));
  }
  return problem;
}

// g = a * p + c * p^3 - b, one rounding per operation in the order optim.py uses.
void set_gradient(xg::Tensor& p, const Problem& problem, std::size_t k) {
  const xg::Array& values = p.data();
  xg::Array& grad = p.mutable_grad();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float x = values.data()[i];
    const float t1 = problem.a[k].data()[i] * x;
    const float t2 = x * x;
    const float t3 = t2 * x;
    const float t4 = problem.c[k].data()[i] * t3;
    const float t5 = t1 + t4;
    grad.data()[i] = t5 - problem.b[k].data()[i];
  }
}

// One optimizer of the reference cases, by its torch name: its options (with their defaults), and the
// optimizer over param groups with given defaults.
struct OptimizerKind {
  std::function<std::unique_ptr<OptimizerOptions>()> options;
  std::function<std::unique_ptr<Optimizer>(std::vector<OptimizerParamGroup>, const OptimizerOptions&)> optimizer;
};

template <class Optim, class Options>
OptimizerKind kind_of(Options options) {
  return {[options] { return std::make_unique<Options>(options); },
          [](std::vector<OptimizerParamGroup> groups, const OptimizerOptions& defaults) {
            return std::make_unique<Optim>(std::move(groups), static_cast<const Options&>(defaults));
          }};
}

const OptimizerKind& optimizer_kind(const std::string& kind) {
  static const std::map<std::string, OptimizerKind> kinds = {
      {"SGD", kind_of<SGD>(SGDOptions(0.0))},
      {"Adam", kind_of<Adam>(AdamOptions())},
      {"AdamW", kind_of<AdamW>(AdamWOptions())},
      {"RMSprop", kind_of<RMSprop>(RMSpropOptions())},
      {"Adagrad", kind_of<Adagrad>(AdagradOptions())},
      {"NAdam", kind_of<NAdam>(NAdamOptions())},
      {"RAdam", kind_of<RAdam>(RAdamOptions())},
      {"Adamax", kind_of<Adamax>(AdamaxOptions())},
      {"Adadelta", kind_of<Adadelta>(AdadeltaOptions())},
  };
  const auto found = kinds.find(kind);
  if (found == kinds.end()) throw std::runtime_error("unknown optimizer " + kind);
  return found->second;
}

// Options of `kind` with the case's hyperparameters set by name (as a state file would set them).
std::unique_ptr<OptimizerOptions> options_of(const std::string& kind, const json& values,
                                             const OptimizerOptions* base = nullptr) {
  std::unique_ptr<OptimizerOptions> options = base != nullptr ? base->clone() : optimizer_kind(kind).options();
  for (const auto& [name, value] : values.items()) {
    options->set_hyperparameter(name, value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>());
  }
  return options;
}

struct Deviation {
  double max_abs = 0;     // largest |xgrad - torch|
  double max_scaled = 0;  // largest |xgrad - torch| / max(1, |torch|)
  std::size_t values = 0, identical = 0;
};

Deviation run_case(const json& test_case, const Problem& problem, int steps) {
  const std::string kind = test_case["optimizer"];
  std::vector<xg::Tensor> params;
  for (const xg::Array& p0 : problem.p0) params.push_back(xg::tensor(p0, true));

  const std::unique_ptr<OptimizerOptions> defaults = options_of(kind, test_case["options"]);
  std::vector<OptimizerParamGroup> groups;
  if (test_case.contains("groups")) {
    for (const json& group : test_case["groups"]) {
      std::vector<xg::Tensor> members;
      for (const json& index : group["params"]) members.push_back(params[index.get<std::size_t>()]);
      groups.emplace_back(members, options_of(kind, group["options"], defaults.get()));
    }
  } else {
    groups.emplace_back(params);
  }
  std::unique_ptr<Optimizer> optimizer = optimizer_kind(kind).optimizer(std::move(groups), *defaults);

  Deviation deviation;
  for (int step = 1; step <= steps; ++step) {
    for (std::size_t k = 0; k < params.size(); ++k) {
      const bool skip = test_case.contains("skip") && test_case["skip"]["param"] == k &&
                        step % test_case["skip"]["every"].get<int>() == 0;
      if (skip) {
        params[k].zero_grad(/*set_to_none=*/true);
      } else {
        set_gradient(params[k], problem, k);
      }
    }
    optimizer->step();
    const std::string key = std::to_string(step);
    if (test_case["params"].contains(key)) {
      for (std::size_t k = 0; k < params.size(); ++k) {
        const json& expected = test_case["params"][key][k];
        for (std::size_t i = 0; i < params[k].numel(); ++i) {
          const double want = expected[i].get<double>();
          const double got = params[k].data().data()[i];
          const double diff = std::fabs(got - want);
          deviation.max_abs = std::max(deviation.max_abs, diff);
          deviation.max_scaled = std::max(deviation.max_scaled, diff / std::max(1.0, std::fabs(want)));
          deviation.values += 1;
          deviation.identical += (got == want) ? 1 : 0;
        }
      }
    }
    if (test_case.contains("lr_change") && step == test_case["lr_change"]["step"].get<int>()) {
      for (OptimizerParamGroup& group : optimizer->param_groups()) {
        group.options().set_lr(group.options().get_lr() * test_case["lr_change"]["factor"].get<double>());
      }
    }
  }
  return deviation;
}

void check_cases_of(const std::string& kind, const json& data = reference()) {
  const Problem problem = load_problem(data);
  int cases = 0;
  for (const json& test_case : data["cases"]) {
    if (test_case["optimizer"] != kind) continue;
    ++cases;
    const std::string name = test_case["name"];
    SCOPED_TRACE(name);
    const Deviation d = run_case(test_case, problem, data["steps"].get<int>());
    std::printf("  %-42s max |xgrad - torch| = %.3g (scaled %.3g), %zu of %zu values bit-identical\n", name.c_str(),
                d.max_abs, d.max_scaled, d.identical, d.values);
    EXPECT_LE(d.max_scaled, 1e-6) << "trajectory departs from PyTorch's";
    // Same formulas in the same order with the same roundings (optim/functional.hpp) give the same
    // floats; a difference here means an operation was reordered, fused or unfused.
    EXPECT_EQ(d.identical, d.values) << "not bit-identical to PyTorch";
    EXPECT_GT(d.values, 0u);
  }
  EXPECT_GT(cases, 0) << "no reference cases for " << kind;
}

TEST(OptimReference, SGDTrajectoriesMatchTorch) { check_cases_of("SGD"); }
TEST(OptimReference, AdamTrajectoriesMatchTorch) { check_cases_of("Adam"); }
TEST(OptimReference, AdamWTrajectoriesMatchTorch) { check_cases_of("AdamW"); }
TEST(OptimReference, RMSpropTrajectoriesMatchTorch) { check_cases_of("RMSprop"); }
TEST(OptimReference, AdagradTrajectoriesMatchTorch) { check_cases_of("Adagrad"); }
TEST(OptimReference, NAdamTrajectoriesMatchTorch) { check_cases_of("NAdam", reference_more()); }
TEST(OptimReference, RAdamTrajectoriesMatchTorch) { check_cases_of("RAdam", reference_more()); }
TEST(OptimReference, AdamaxTrajectoriesMatchTorch) { check_cases_of("Adamax", reference_more()); }
TEST(OptimReference, AdadeltaTrajectoriesMatchTorch) { check_cases_of("Adadelta", reference_more()); }

std::vector<xg::Tensor> params_with_reference_grads() {
  const json& clip = reference()["clip_grad"];
  const Problem problem = load_problem();
  std::vector<xg::Tensor> params;
  for (std::size_t k = 0; k < problem.shapes.size(); ++k) {
    xg::Tensor p = xg::zeros(problem.shapes[k], true);
    p.set_grad(array_of(clip["grads"][k], problem.shapes[k]));
    params.push_back(p);
  }
  return params;
}

TEST(OptimReference, ClipGradNormMatchesTorch) {
  for (const json& test_case : reference()["clip_grad"]["norm"]) {
    const double norm_type = test_case["norm_type"] == "inf" ? INFINITY : test_case["norm_type"].get<double>();
    SCOPED_TRACE("max_norm " + std::to_string(test_case["max_norm"].get<double>()) + ", norm_type " +
                 std::to_string(norm_type));
    std::vector<xg::Tensor> params = params_with_reference_grads();
    const double total = clip_grad_norm_(params, test_case["max_norm"].get<double>(), norm_type);
    const double want_total = test_case["total_norm"];
    // The norm is a sum over many values: torch adds in another order, so allow a few float roundings.
    EXPECT_NEAR(total, want_total, 4e-7 * want_total);
    for (std::size_t k = 0; k < params.size(); ++k) {
      for (std::size_t i = 0; i < params[k].numel(); ++i) {
        const double want = test_case["grads"][k][i];
        EXPECT_NEAR(params[k].grad().data()[i], want, 1e-6 * std::max(1.0, std::fabs(want)));
      }
    }
  }
}

TEST(OptimReference, ClipGradValueMatchesTorch) {
  const json& test_case = reference()["clip_grad"]["value"];
  std::vector<xg::Tensor> params = params_with_reference_grads();
  clip_grad_value_(params, test_case["clip_value"].get<double>());
  for (std::size_t k = 0; k < params.size(); ++k) {
    for (std::size_t i = 0; i < params[k].numel(); ++i) {
      EXPECT_EQ(params[k].grad().data()[i], test_case["grads"][k][i].get<float>());
    }
  }
}

}  // namespace
