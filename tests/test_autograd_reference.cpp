// Values and gradients of composite expressions against PyTorch 1.13 (golden values written by
// tests/reference/autograd.py into tests/reference/autograd.json; CI has no torch and only reads them).
//
// Tolerance: |ours - torch| <= 1e-6 + 1e-5 * |torch|, elementwise. Both sides compute in float32 but
// cannot agree bit for bit: PyTorch's exp, tanh, erf and log are SLEEF's vectorized versions and ours
// glibc's (each within ~1 ulp, not always the same float), and sums run in another order (we
// accumulate in double). The largest difference measured is 2.6e-7 relative (about 4 ulp) on values
// above 0.01, after chains of up to ~300 ops: 1e-5 leaves a ~40x margin, while a wrong formula is off
// by orders of magnitude more. The 1e-6 absolute part is for values near zero that come out of
// cancellation (a softmax gradient that is exactly 0 in PyTorch is 4e-8 here).

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace {

using Named = std::map<std::string, xg::Tensor>;
using Expression = std::function<xg::Tensor(const Named&)>;

constexpr double kRelativeTolerance = 1e-5;
constexpr double kAbsoluteTolerance = 1e-6;

xg::Tensor deep_chain(const xg::Tensor& x) {
  xg::Tensor y = x;
  for (int i = 0; i < 40; ++i) y = y + xg::tanh(y * 1.3f + 0.2f) * 0.1f - y * xg::sigmoid(y) * 0.05f;
  return xg::sum(y);
}

// Each case of autograd.py, op for op.
const std::map<std::string, Expression>& expressions() {
  static const std::map<std::string, Expression> cases = {
      {"mlp_gelu_log_softmax_mean",
       [](const Named& t) {
         xg::Tensor hidden = xg::gelu(xg::matmul(t.at("x"), t.at("w1")) + t.at("b1"));
         xg::Tensor logits = xg::matmul(hidden, t.at("w2")) + t.at("b2");
         return -xg::mean(xg::log_softmax(logits, -1) * t.at("target"));
       }},
      {"batched_matmul_relu_softmax",
       [](const Named& t) {
         xg::Tensor h = xg::relu(xg::matmul(t.at("a"), t.at("w")) + t.at("bias"));
         return xg::softmax(xg::leaky_relu(h - 0.5f, 0.01f), 1);
       }},
      {"tanh_sigmoid_chain",
       [](const Named& t) {
         const xg::Tensor& x = t.at("x");
         return xg::sum(xg::sigmoid(xg::tanh(x) * 3.0f - 1.0f) * xg::tanh(xg::sigmoid(x) * 2.0f + x));
       }},
      {"softmax_huge_logits", [](const Named& t) { return xg::softmax(t.at("x"), 1); }},
      {"log_softmax_huge_logits_axis0", [](const Named& t) { return xg::log_softmax(t.at("x"), 0); }},
      {"division_broadcast_mix",
       [](const Named& t) {
         const xg::Tensor &a = t.at("a"), &b = t.at("b"), &c = t.at("c");
         return (a / b - c) / (2.0f - c) + 3.0f / b * a - a / 4.0f + c * b;
       }},
      {"max_with_ties",
       [](const Named& t) {
         const xg::Tensor& x = t.at("x");
         return xg::sum(xg::max(x, 1) * t.at("w")) + xg::sum(xg::max(x, 0, true)) * 0.5f + xg::max(x) * 2.0f;
       }},
      {"reductions_keepdim",
       [](const Named& t) {
         const xg::Tensor& x = t.at("x");
         return xg::mean(xg::mean(x, 1, true) * xg::sum(x, -1, true) - xg::sum(x, 0), 0);
       }},
      {"elementwise_mix",
       [](const Named& t) {
         const xg::Tensor& x = t.at("x");
         return xg::sum(xg::sqrt(x) * xg::log(x) + xg::pow(x, 1.5f) - xg::exp(-x) + xg::abs(x - 1.05f) +
                        xg::clamp(x, 0.8f, 1.5f) + xg::relu(x - 1.1f) + xg::leaky_relu(x - 1.25f, 0.05f) +
                        xg::pow(x, -2.0f) + xg::pow(x, 3.0f));
       }},
      {"shape_ops",
       [](const Named& t) {
         xg::Tensor rows = xg::index_select(xg::reshape(xg::tanh(t.at("x")), {6, 4}), {5, 0, 5, 2});
         return xg::transpose(rows) * 2.0f;
       }},
      {"deep_chain", [](const Named& t) { return deep_chain(t.at("x")); }},
  };
  return cases;
}

xt::xarray<float> array_of(const nlohmann::json& described) {
  const auto shape = described.at("shape").get<std::vector<std::size_t>>();
  const auto values = described.at("values").get<std::vector<float>>();
  xt::xarray<float> out = xt::xarray<float>::from_shape(shape);
  EXPECT_EQ(values.size(), out.size());
  std::copy(values.begin(), values.end(), out.begin());
  return out;
}

void expect_close(const xt::xarray<float>& ours, const xt::xarray<float>& torch, const std::string& what) {
  ASSERT_EQ(ours.shape(), torch.shape()) << what;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double expected = torch.data()[i];
    const double got = ours.data()[i];
    EXPECT_LE(std::abs(got - expected), kAbsoluteTolerance + kRelativeTolerance * std::abs(expected))
        << what << " element " << i << ": ours " << got << " vs torch " << expected;
  }
}

nlohmann::json load_reference() {
  std::ifstream file(std::string(XGRAD_REFERENCE_DIR) + "/autograd.json");
  EXPECT_TRUE(file.good()) << "cannot open " << XGRAD_REFERENCE_DIR << "/autograd.json";
  return nlohmann::json::parse(file);
}

TEST(AutogradReference, EveryCaseHasAnExpressionAndViceVersa) {
  const nlohmann::json reference = load_reference();
  std::set<std::string> in_json;
  for (const auto& c : reference.at("cases")) in_json.insert(c.at("name").get<std::string>());
  std::set<std::string> in_cpp;
  for (const auto& [name, expression] : expressions()) in_cpp.insert(name);
  EXPECT_EQ(in_json, in_cpp);
}

TEST(AutogradReference, ValuesAndGradientsMatchPyTorch) {
  const nlohmann::json reference = load_reference();
  for (const auto& c : reference.at("cases")) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const auto found = expressions().find(name);
    ASSERT_NE(found, expressions().end());
    Named inputs;
    for (const auto& input : c.at("inputs")) {
      const std::string input_name = input.at("name").get<std::string>();
      inputs[input_name] = xg::tensor(array_of(input), input.at("requires_grad").get<bool>()).set_name(input_name);
    }
    const xg::Tensor output = found->second(inputs);
    expect_close(output.data(), array_of(c.at("output")), "output");
    output.backward(array_of(c.at("grad_output")));
    for (const auto& [input_name, grad] : c.at("grads").items()) {
      expect_close(inputs.at(input_name).grad(), array_of(grad), "gradient of " + input_name);
    }
  }
}

}  // namespace
