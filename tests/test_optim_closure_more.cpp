// step(closure) on every optimizer, and what NAdam, RAdam, Adamax and Adadelta add besides their
// trajectories (those are in test_optim_reference.cpp): torch's validation, the state they keep, and the
// classes running functional.hpp's formula.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace xg::optim;
using xg_test::error_message;

using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<xg::Tensor>)>;

// Every optimizer, each with options that exercise its state (momentum, weight decay, ...).
std::vector<std::pair<std::string, Factory>> every_optimizer() {
  return {
      {"SGD", [](std::vector<xg::Tensor> p) { return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9)); }},
      {"Adam", [](std::vector<xg::Tensor> p) { return std::make_unique<Adam>(p, AdamOptions(0.01).amsgrad(true)); }},
      {"AdamW", [](std::vector<xg::Tensor> p) { return std::make_unique<AdamW>(p, AdamWOptions(0.01)); }},
      {"RMSprop", [](std::vector<xg::Tensor> p) { return std::make_unique<RMSprop>(p, RMSpropOptions(0.01)); }},
      {"Adagrad", [](std::vector<xg::Tensor> p) { return std::make_unique<Adagrad>(p, AdagradOptions(0.1)); }},
      {"NAdam", [](std::vector<xg::Tensor> p) { return std::make_unique<NAdam>(p, NAdamOptions(0.01)); }},
      {"RAdam",
       [](std::vector<xg::Tensor> p) { return std::make_unique<RAdam>(p, RAdamOptions(0.01).weight_decay(0.1)); }},
      {"Adamax", [](std::vector<xg::Tensor> p) { return std::make_unique<Adamax>(p, AdamaxOptions(0.01)); }},
      {"Adadelta", [](std::vector<xg::Tensor> p) { return std::make_unique<Adadelta>(p, AdadeltaOptions()); }},
  };
}

std::vector<xg::Tensor> make_params() {
  xg::Generator gen(11);
  return {xg::randn({3, 4}, gen, true), xg::randn({4}, gen, true)};
}

// loss = sum(w^4 / 4 - w): a smooth loss with a gradient w^3 - 1 that changes as w moves.
xg::Tensor loss_of(const std::vector<xg::Tensor>& params) {
  xg::Tensor loss = xg::sum(xg::pow(params[0], 4.0f) * 0.25f - params[0]);
  return loss + xg::sum(xg::pow(params[1], 4.0f) * 0.25f - params[1]);
}

void forward_backward(Optimizer& optimizer, const std::vector<xg::Tensor>& params) {
  optimizer.zero_grad();
  loss_of(params).backward();
}

TEST(OptimClosure, StepCallsTheClosureOnceAndReturnsItsLoss) {
  for (const auto& [name, make] : every_optimizer()) {
    SCOPED_TRACE(name);
    std::vector<xg::Tensor> params = make_params();
    std::unique_ptr<Optimizer> optimizer = make(params);
    int calls = 0;
    for (int step = 1; step <= 5; ++step) {
      float expected_loss = 0;
      const xg::Tensor loss = optimizer->step([&] {
        ++calls;
        optimizer->zero_grad();
        xg::Tensor l = loss_of(params);
        l.backward();
        expected_loss = l.item();
        return l;
      });
      EXPECT_EQ(calls, step);
      ASSERT_TRUE(loss.defined());
      EXPECT_EQ(loss.item(), expected_loss);  // the closure's own loss, from before the update
    }
  }
}

TEST(OptimClosure, AClosureStepEqualsStepAfterTheSameForwardBackward) {
  for (const auto& [name, make] : every_optimizer()) {
    SCOPED_TRACE(name);
    std::vector<xg::Tensor> with_closure = make_params(), plain = make_params();
    std::unique_ptr<Optimizer> a = make(with_closure), b = make(plain);
    for (int step = 0; step < 20; ++step) {
      a->step([&] {
        forward_backward(*a, with_closure);
        return xg::Tensor();  // a closure may return no loss; step hands back what it returns
      });
      forward_backward(*b, plain);
      b->step();
    }
    for (std::size_t k = 0; k < plain.size(); ++k) {
      EXPECT_EQ(with_closure[k].data(), plain[k].data());
      EXPECT_NE(with_closure[k].data(), make_params()[k].data());  // and the parameters did move
    }
  }
}

TEST(OptimClosure, TheClosureRecordsItsGraphEvenUnderNoGrad) {
  std::vector<xg::Tensor> params = make_params();
  NAdam nadam(params);
  xg::NoGradGuard no_grad;  // torch.optim runs the closure under enable_grad()
  const xg::Tensor loss = nadam.step([&] {
    EXPECT_TRUE(xg::GradMode::is_enabled());
    forward_backward(nadam, params);
    return loss_of(params);
  });
  EXPECT_FALSE(xg::GradMode::is_enabled());
  EXPECT_EQ(nadam.state(params[0])->step, 1);
  EXPECT_TRUE(loss.defined());
}

TEST(OptimClosure, AThrowingClosureChangesNothingAndRestoresGradMode) {
  std::vector<xg::Tensor> params = make_params();
  const xg::Array before = params[0].data();
  Adadelta adadelta(params);
  xg::NoGradGuard no_grad;
  EXPECT_THROW(adadelta.step([]() -> xg::Tensor { throw xg::Error("closure failed"); }), xg::Error);
  EXPECT_FALSE(xg::GradMode::is_enabled());
  EXPECT_EQ(adadelta.state_size(), 0u);
  EXPECT_EQ(params[0].data(), before);
  EXPECT_EQ(error_message([&] { adadelta.step(LossClosure()); }), "Adadelta.step(closure): the closure is empty");
}

// ---- the new optimizers: validation, defaults, state ---------------------------------------------------

TEST(OptimMore, BadHyperparametersThrowNamingTheValue) {
  std::vector<xg::Tensor> params = make_params();
  EXPECT_EQ(error_message([&] { NAdam(params, NAdamOptions(-1)); }),
            "NAdam: invalid learning rate -1 (expected lr >= 0)");
  EXPECT_EQ(error_message([&] { NAdam(params, NAdamOptions().momentum_decay(-0.1)); }),
            "NAdam: invalid momentum_decay -0.1 (expected momentum_decay >= 0)");
  EXPECT_EQ(error_message([&] {
              NAdam(params, NAdamOptions().betas({0.9, 1.0}));
            }),
            "NAdam: invalid beta2 1 (expected 0 <= beta2 < 1)");
  EXPECT_EQ(error_message([&] { RAdam(params, RAdamOptions().eps(-1e-8)); }),
            "RAdam: invalid eps -1e-08 (expected eps >= 0)");
  EXPECT_EQ(error_message([&] {
              RAdam(params, RAdamOptions().betas({1.0, 0.999}));
            }),
            "RAdam: invalid beta1 1 (expected 0 <= beta1 < 1)");
  EXPECT_EQ(error_message([&] { Adamax(params, AdamaxOptions().weight_decay(-0.5)); }),
            "Adamax: invalid weight_decay -0.5 (expected weight_decay >= 0)");
  EXPECT_EQ(error_message([&] { Adamax(params, AdamaxOptions(NAN)); }),
            "Adamax: invalid learning rate nan (expected lr >= 0)");
  EXPECT_EQ(error_message([&] { Adadelta(params, AdadeltaOptions().rho(1.5)); }),
            "Adadelta: invalid rho 1.5 (expected 0 <= rho <= 1)");
  EXPECT_EQ(error_message([&] { Adadelta(params, AdadeltaOptions().eps(-1)); }),
            "Adadelta: invalid eps -1 (expected eps >= 0)");
  EXPECT_EQ(error_message([&] { Adadelta(params, AdadeltaOptions().weight_decay(-1)); }),
            "Adadelta: invalid weight_decay -1 (expected weight_decay >= 0)");
  EXPECT_NO_THROW(Adadelta(params, AdadeltaOptions(0).rho(1).eps(0)));  // torch allows rho = 1
  EXPECT_NO_THROW(NAdam(params, NAdamOptions(0).betas({0, 0}).eps(0).momentum_decay(0)));
}

TEST(OptimMore, StateHoldsTheEntriesTorchKeeps) {
  xg::Tensor p = xg::ones({3, 2}, true);
  auto state_after_two_steps = [&](Optimizer& optimizer) {
    for (int i = 0; i < 2; ++i) {
      p.mutable_grad().fill(0.5f);
      optimizer.step();
    }
    EXPECT_EQ(optimizer.state(p)->step, 2);
    return optimizer.state(p)->buffers;
  };
  NAdam nadam({p}, NAdamOptions().betas({0.8, 0.999}).momentum_decay(0.5));
  auto nadam_state = state_after_two_steps(nadam);
  ASSERT_EQ(nadam_state.size(), 3u);
  EXPECT_EQ(xg::shape_of(nadam_state.at("exp_avg")), p.shape());
  EXPECT_EQ(xg::shape_of(nadam_state.at("exp_avg_sq")), p.shape());
  // mu_product is one number (torch's 0-d tensor): mu_1 * mu_2, each rounded to float on the way.
  ASSERT_EQ(nadam_state.at("mu_product").dimension(), 0u);
  const float mu1 = static_cast<float>(0.8 * (1.0 - 0.5 * std::pow(0.96, 0.5)));
  const float mu2 = static_cast<float>(0.8 * (1.0 - 0.5 * std::pow(0.96, 1.0)));
  EXPECT_EQ(*nadam_state.at("mu_product").data(), (1.0f * mu1) * mu2);
  RAdam radam({p});
  auto radam_state = state_after_two_steps(radam);
  EXPECT_EQ(radam_state.size(), 2u);
  EXPECT_EQ(radam_state.count("exp_avg") + radam_state.count("exp_avg_sq"), 2u);
  Adamax adamax({p});
  auto adamax_state = state_after_two_steps(adamax);
  EXPECT_EQ(adamax_state.size(), 2u);
  EXPECT_EQ(adamax_state.count("exp_avg") + adamax_state.count("exp_inf"), 2u);
  Adadelta adadelta({p});
  auto adadelta_state = state_after_two_steps(adadelta);
  EXPECT_EQ(adadelta_state.size(), 2u);
  EXPECT_EQ(adadelta_state.count("square_avg") + adadelta_state.count("acc_delta"), 2u);
}

TEST(OptimMore, NAdamsMuProductIsOneNumberAndLoadChecksIt) {
  std::vector<xg::Tensor> params = make_params();
  NAdam nadam(params);
  forward_backward(nadam, params);
  nadam.step();
  OptimizerStateDict dict = nadam.state_dict();
  std::vector<xg::Tensor> other = make_params();
  NAdam restored(other);
  restored.load_state_dict(dict);
  EXPECT_EQ(restored.state(other[1])->buffers.at("mu_product"), nadam.state(params[1])->buffers.at("mu_product"));
  dict.state.at(1).buffers.at("mu_product") = xg::Array({0.9f, 0.9f});
  EXPECT_EQ(error_message([&] { restored.load_state_dict(dict); }),
            "NAdam.load_state_dict: state entry 'mu_product' of parameter 1 holds 2 values, expected one number");
}

TEST(OptimMore, RAdamStepsAsMomentumUntilRhoExceedsFive) {
  // beta2 = 0.999: rho_t = 1, 1.999, 2.998, 3.997, 4.996 for t = 1..5, then 5.995: the rectified step
  // starts at t = 6. Before it, w moves by exactly lr * m / (1 - beta1^t), whatever v is.
  for (std::int64_t t = 1; t <= 7; ++t) {
    const functional::RAdamStepConstants c = functional::radam_step_constants(1e-3, 0.9, 0.999, 1e-8, 0, t);
    EXPECT_EQ(c.rectified, t >= 6) << "t = " << t;
  }
  xg::Tensor p = xg::tensor(xt::xarray<float>{2.0f}, true);
  RAdam radam({p}, RAdamOptions(0.1));
  p.mutable_grad()(0) = 4.0f;
  radam.step();
  EXPECT_EQ(p.data()(0), 2.0f - (0.4f / 0.1f) * 0.1f);  // m = 0.1 * 4, m / (1 - 0.9) = 4: w -= lr * 4
}

TEST(OptimMore, AdamaxKeepsTheLargerOfTheDecayedNormAndTheGradient) {
  xg::Tensor p = xg::tensor(xt::xarray<float>{1.0f, 1.0f}, true);
  Adamax adamax({p}, AdamaxOptions(0.1).betas({0.5, 0.5}).eps(0));
  p.mutable_grad() = xt::xarray<float>{4.0f, -4.0f};
  adamax.step();
  p.mutable_grad() = xt::xarray<float>{1.0f, -3.0f};
  adamax.step();
  const xg::Array& u = adamax.state(p)->buffers.at("exp_inf");
  EXPECT_EQ(u(0), 2.0f);  // max(0.5 * 4, |1|)
  EXPECT_EQ(u(1), 3.0f);  // max(0.5 * 4, |-3|)
}

TEST(OptimMore, ClassesRunTheFunctionalFormulaBitForBit) {
  const float w0 = 0.75f, g0 = -1.25f, g1 = 0.5f;
  auto two_steps = [&](Optimizer& optimizer, xg::Tensor& p) {
    p.mutable_grad()(0) = g0;
    optimizer.step();
    p.mutable_grad()(0) = g1;
    optimizer.step();
    return p.data()(0);
  };
  {
    xg::Tensor p = xg::tensor(xt::xarray<float>{w0}, true);
    NAdam nadam({p}, NAdamOptions(0.1).weight_decay(0.1));
    float w = w0, m = 0, v = 0, mu_product = 1;
    for (std::int64_t t = 1; t <= 2; ++t) {
      const auto c = functional::nadam_step_constants(0.1, 0.9, 0.999, 1e-8, 0.1, 4e-3, t, mu_product);
      functional::nadam_update(w, t == 1 ? g0 : g1, m, v, c);
    }
    EXPECT_EQ(two_steps(nadam, p), w);
  }
  {
    xg::Tensor p = xg::tensor(xt::xarray<float>{w0}, true);
    Adadelta adadelta({p}, AdadeltaOptions().maximize(true));
    float w = w0, s = 0, d = 0;
    const auto c = functional::adadelta_step_constants(1.0, 0.9, 1e-6, 0, true);
    functional::adadelta_update(w, g0, s, d, c);
    functional::adadelta_update(w, g1, s, d, c);
    EXPECT_EQ(two_steps(adadelta, p), w);
  }
}

}  // namespace
