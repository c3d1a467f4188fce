// gradcheck for every differentiable op (finite differences against backward).

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <functional>

namespace {

using Inputs = std::vector<xg::Tensor>;

// Random inputs of these shapes, all requiring grad; `away_from_zero` keeps |x| >= 0.2 for ops with a
// kink or pole at 0 (abs, relu, log, sqrt, div).
Inputs random_inputs(const std::vector<xg::Shape>& shapes, bool positive = false, bool away_from_zero = false) {
  xg::Generator g(99);
  Inputs inputs;
  for (const auto& shape : shapes) {
    xg::Tensor t = xg::uniform(shape, positive ? 0.5f : -2.0f, 2.0f, g, true);
    if (away_from_zero) {
      for (float& v : t.data()) v = v < 0 ? std::min(v, -0.2f) : std::max(v, 0.2f);
    }
    inputs.push_back(t);
  }
  return inputs;
}

void expect_gradcheck(const xg::GradcheckFunction& f, const Inputs& inputs) {
  const xg::GradcheckReport report = xg::gradcheck(f, inputs);
  EXPECT_TRUE(report) << report.message;
}

TEST(OpsGradcheck, UnaryOps) {
  using F = std::function<xg::Tensor(const xg::Tensor&)>;
  const std::vector<std::pair<const char*, F>> ops = {
      {"exp", [](const xg::Tensor& x) { return xg::exp(x); }},
      {"tanh", [](const xg::Tensor& x) { return xg::tanh(x); }},
      {"sigmoid", [](const xg::Tensor& x) { return xg::sigmoid(x); }},
      {"gelu", [](const xg::Tensor& x) { return xg::gelu(x); }},
      {"neg", [](const xg::Tensor& x) { return -x; }},
      {"pow3", [](const xg::Tensor& x) { return xg::pow(x, 3.0f); }},
      {"relu", [](const xg::Tensor& x) { return xg::relu(x); }},
      {"leaky_relu", [](const xg::Tensor& x) { return xg::leaky_relu(x, 0.1f); }},
      {"abs", [](const xg::Tensor& x) { return xg::abs(x); }},
      {"clamp", [](const xg::Tensor& x) { return xg::clamp(x, -1.0f, 1.0f); }},
      {"softmax", [](const xg::Tensor& x) { return xg::softmax(x, -1); }},
      {"log_softmax0", [](const xg::Tensor& x) { return xg::log_softmax(x, 0); }},
      {"sum1", [](const xg::Tensor& x) { return xg::sum(x, 1, true); }},
      {"mean0", [](const xg::Tensor& x) { return xg::mean(x, 0); }},
      {"max1", [](const xg::Tensor& x) { return xg::max(x, 1); }},
      {"max", [](const xg::Tensor& x) { return xg::max(x); }},
      {"transpose", [](const xg::Tensor& x) { return xg::transpose(x); }},
      {"reshape",
       [](const xg::Tensor& x) {
         return xg::reshape(x, {4, 3});
       }},
      {"index_select",
       [](const xg::Tensor& x) {
         return xg::index_select(x, {2, 0, 2});
       }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    expect_gradcheck([&op = op](const Inputs& in) { return op(in[0]); }, random_inputs({{3, 4}}, false, true));
  }
  for (const char* name : {"log", "sqrt"}) {
    SCOPED_TRACE(name);
    expect_gradcheck([name](const Inputs& in) { return std::string(name) == "log" ? xg::log(in[0]) : xg::sqrt(in[0]); },
                     random_inputs({{3, 4}}, true));
  }
}

TEST(OpsGradcheck, BinaryOpsWithBroadcasting) {
  const std::vector<std::pair<xg::Shape, xg::Shape>> shapes = {
      {{3, 4}, {3, 4}}, {{3, 1}, {1, 4}}, {{4}, {2, 3, 4}}, {{2, 3, 4}, {3, 1}}, {{}, {2, 2}}};
  for (const auto& [a, b] : shapes) {
    SCOPED_TRACE(xg::to_string(a) + " with " + xg::to_string(b));
    const Inputs inputs = random_inputs({a, b}, false, true);
    expect_gradcheck([](const Inputs& in) { return in[0] + in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] - in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] * in[1]; }, inputs);
    expect_gradcheck([](const Inputs& in) { return in[0] / in[1]; }, inputs);
  }
}

TEST(OpsGradcheck, BatchedMatmul) {
  expect_gradcheck([](const Inputs& in) { return xg::matmul(in[0], in[1]); }, random_inputs({{2, 3, 4}, {4, 5}}));
}

}  // namespace
