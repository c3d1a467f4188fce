// Single optimizer steps worked out by hand, the functional (per-element) API, hyperparameter
// validation, and the edge cases: empty parameter lists, 0-d parameters, parameters without gradients.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;
using xg_test::error_message;

// One parameter at x0 = 3 for f(x) = x^2, whose gradient is 2x.
xg::Tensor start_at(float x0) { return xg::tensor(xt::xarray<float>{x0}, true); }

void set_square_gradient(xg::Tensor& x) { x.mutable_grad()(0) = 2.0f * x.data()(0); }

float value(const xg::Tensor& x) { return x.data()(0); }

const xg::Array& buffer(const Optimizer& optimizer, const xg::Tensor& p, const std::string& name) {
  const OptimizerParamState* state = optimizer.state(p);
  if (state == nullptr) throw std::runtime_error("no state");
  return state->buffers.at(name);
}

// ---- single steps on f(x) = x^2 from x0 = 3 (gradient 6) ----------------------------------------------

TEST(OptimSteps, SGDStepIsLrTimesGradient) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 2.4f);  // 3 - 0.1 * 6
}

TEST(OptimSteps, SGDMomentumFirstBufferIsTheGradientThenAccumulates) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1).momentum(0.9));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 2.4f);  // buf = 6 (no dampening on the first step)
  EXPECT_FLOAT_EQ(buffer(sgd, x, "momentum_buffer")(0), 6.0f);
  set_square_gradient(x);  // 4.8
  sgd.step();
  EXPECT_FLOAT_EQ(buffer(sgd, x, "momentum_buffer")(0), 10.2f);  // 0.9 * 6 + 4.8
  EXPECT_FLOAT_EQ(value(x), 1.38f);                              // 2.4 - 0.1 * 10.2
}

TEST(OptimSteps, SGDDampeningSkipsTheFirstStep) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1).momentum(0.9).dampening(0.5));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 2.4f);
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(buffer(sgd, x, "momentum_buffer")(0), 7.8f);  // 0.9 * 6 + 0.5 * 4.8
  EXPECT_FLOAT_EQ(value(x), 1.62f);
}

TEST(OptimSteps, SGDNesterovLooksAhead) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1).momentum(0.9).nesterov(true));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 1.86f);  // 3 - 0.1 * (6 + 0.9 * 6)
}

TEST(OptimSteps, SGDWeightDecayAddsToTheGradient) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1).weight_decay(0.1));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 2.37f);  // 3 - 0.1 * (6 + 0.1 * 3)
}

TEST(OptimSteps, SGDMaximizeClimbs) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1).maximize(true));
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 3.6f);
}

TEST(OptimSteps, AdamFirstStepMovesByLr) {
  xg::Tensor x = start_at(3);
  Adam adam({x}, AdamOptions(0.001));
  set_square_gradient(x);
  adam.step();
  const float m = buffer(adam, x, "exp_avg")(0);
  const float v = buffer(adam, x, "exp_avg_sq")(0);
  EXPECT_FLOAT_EQ(m, 0.6f);                  // 0.1 * 6
  EXPECT_FLOAT_EQ(v, 0.036f);                // 0.001 * 36
  EXPECT_NEAR(m / (1 - 0.9), 6.0, 1e-6);     // m_hat
  EXPECT_NEAR(v / (1 - 0.999), 36.0, 1e-4);  // v_hat
  EXPECT_FLOAT_EQ(value(x), 2.999f);         // 3 - 0.001 * 6 / (6 + 1e-8)
  EXPECT_EQ(adam.state(x)->step, 1);
}

TEST(OptimSteps, AdamWDecaysTheWeightsBeforeTheAdamStep) {
  xg::Tensor x = start_at(3);
  AdamW adamw({x}, AdamWOptions(0.001).weight_decay(0.1));
  set_square_gradient(x);
  adamw.step();
  // 3 * (1 - 0.001 * 0.1) = 2.9997, then the Adam step of 0.001 (gradient taken at 3).
  EXPECT_FLOAT_EQ(value(x), 2.9987f);
  xg::Tensor y = start_at(3);
  Adam adam({y}, AdamOptions(0.001));
  set_square_gradient(y);
  adam.step();
  EXPECT_NEAR(value(y) - value(x), 0.0003, 1e-6);  // exactly lr * wd * x on top of Adam
}

TEST(OptimSteps, AdamWWithoutDecayIsBitForBitAdam) {
  xg::Generator gen(3);
  xg::Tensor a = xg::randn({4, 5}, gen, true);
  xg::Tensor b = xg::tensor(a.data(), true);
  Adam adam({a}, AdamOptions(0.01));
  AdamW adamw({b}, AdamWOptions(0.01).weight_decay(0));
  for (int step = 0; step < 20; ++step) {
    a.mutable_grad() = a.data() * a.data() - 0.5f;
    b.mutable_grad() = b.data() * b.data() - 0.5f;
    adam.step();
    adamw.step();
  }
  EXPECT_EQ(a.data(), b.data());
}

TEST(OptimSteps, AdamDefaultsAreTorchs) {
  const AdamOptions adam;
  EXPECT_EQ(adam.lr(), 1e-3);
  EXPECT_EQ(std::get<0>(adam.betas()), 0.9);
  EXPECT_EQ(std::get<1>(adam.betas()), 0.999);
  EXPECT_EQ(adam.eps(), 1e-8);
  EXPECT_EQ(adam.weight_decay(), 0.0);
  EXPECT_FALSE(adam.amsgrad());
  EXPECT_EQ(AdamWOptions().weight_decay(), 1e-2);
  EXPECT_EQ(RMSpropOptions().lr(), 1e-2);
  EXPECT_EQ(RMSpropOptions().alpha(), 0.99);
  EXPECT_EQ(RMSpropOptions().eps(), 1e-8);
  EXPECT_EQ(AdagradOptions().lr(), 1e-2);
  EXPECT_EQ(AdagradOptions().eps(), 1e-10);
  EXPECT_EQ(AdagradOptions().initial_accumulator_value(), 0.0);
}

TEST(OptimSteps, AmsgradDividesByTheLargestSecondMomentSoFar) {
  xg::Tensor x = start_at(3);
  Adam adam({x}, AdamOptions(0.1).amsgrad(true));
  x.mutable_grad()(0) = 10.0f;
  adam.step();
  x.mutable_grad()(0) = 0.0f;  // v shrinks; its maximum stays
  adam.step();
  const float v = buffer(adam, x, "exp_avg_sq")(0);
  const float v_max = buffer(adam, x, "max_exp_avg_sq")(0);
  EXPECT_FLOAT_EQ(v, 0.1f * 0.999f);  // 0.001 * 100 * 0.999
  EXPECT_FLOAT_EQ(v_max, 0.1f);       // the raw v of step 1, not a bias-corrected one
}

TEST(OptimSteps, RMSpropStepDividesByTheRootMeanSquare) {
  xg::Tensor x = start_at(3);
  RMSprop rmsprop({x}, RMSpropOptions(0.01));
  set_square_gradient(x);
  rmsprop.step();
  EXPECT_FLOAT_EQ(buffer(rmsprop, x, "square_avg")(0), 0.36f);  // 0.01 * 36
  EXPECT_FLOAT_EQ(value(x), 2.9f);                              // 3 - 0.01 * 6 / 0.6
}

TEST(OptimSteps, RMSpropCenteredSubtractsTheMeanGradient) {
  xg::Tensor x = start_at(3);
  RMSprop rmsprop({x}, RMSpropOptions(0.01).centered(true));
  set_square_gradient(x);
  rmsprop.step();
  // square_avg 0.36, grad_avg 0.06: sqrt(0.36 - 0.0036) = 0.597
  EXPECT_FLOAT_EQ(buffer(rmsprop, x, "grad_avg")(0), 0.06f);
  EXPECT_NEAR(value(x), 3 - 0.01 * 6 / std::sqrt(0.3564), 1e-6);
}

TEST(OptimSteps, AdagradDividesByTheRootOfAllSquaredGradients) {
  xg::Tensor x = start_at(3);
  Adagrad adagrad({x}, AdagradOptions(0.1).lr_decay(0.5).initial_accumulator_value(0.25));
  set_square_gradient(x);
  adagrad.step();
  EXPECT_FLOAT_EQ(buffer(adagrad, x, "sum")(0), 36.25f);
  EXPECT_NEAR(value(x), 3 - 0.1 * 6 / std::sqrt(36.25), 1e-6);
  const double x1 = value(x);
  set_square_gradient(x);
  adagrad.step();  // second step: clr = 0.1 / (1 + 1 * 0.5)
  const double g = 2 * x1;
  EXPECT_NEAR(value(x), x1 - 0.1 / 1.5 * g / std::sqrt(36.25 + g * g), 1e-6);
}

TEST(OptimSteps, ChangedLrTakesEffectOnTheNextStep) {
  xg::Tensor x = start_at(3);
  SGD sgd({x}, SGDOptions(0.1));
  sgd.param_groups()[0].options().set_lr(0.05);  // what a scheduler does
  set_square_gradient(x);
  sgd.step();
  EXPECT_FLOAT_EQ(value(x), 2.7f);
}

TEST(OptimSteps, GroupsKeepTheirOwnLearningRates) {
  xg::Tensor a = start_at(3), b = start_at(3);
  SGD sgd({OptimizerParamGroup({a}), OptimizerParamGroup({b}, std::make_unique<SGDOptions>(0.01))}, SGDOptions(0.1));
  set_square_gradient(a);
  set_square_gradient(b);
  sgd.step();
  EXPECT_FLOAT_EQ(value(a), 2.4f);
  EXPECT_FLOAT_EQ(value(b), 2.94f);
}

// ---- the functional API is the formula the classes run -----------------------------------------------

// Steps flush denormal floats (below 1.2e-38) to zero, and give the thread its own setting back.
TEST(OptimSteps, StepsFlushDenormalsToZeroAndRestoreTheThreadsSetting) {
  // SGD, lr 1: 2e-38 - 1.5e-38 = 5e-39 would be denormal.
  xg::Tensor p = start_at(2e-38f);
  SGD sgd({p}, SGDOptions(1.0));
  p.mutable_grad()(0) = 1.5e-38f;
  sgd.step();
  EXPECT_EQ(value(p), 0.0f);

  // Adam's exp_avg after one gradient of 1 and then only zeros: 0.1 * 0.9^k. After 853 steps that is
  // about 1e-40, deep in the denormal range: flushed to 0.
  xg::Tensor q = start_at(1.0f);
  Adam adam({q}, AdamOptions(1e-3));
  q.mutable_grad()(0) = 1.0f;
  adam.step();
  q.mutable_grad()(0) = 0.0f;
  for (int step = 0; step < 853; ++step) adam.step();
  EXPECT_EQ(buffer(adam, q, "exp_avg")(0), 0.0f);

  volatile float tiny = 2e-38f;  // volatile: computed at run time, under the thread's own setting
  EXPECT_GT(tiny * 0.25f, 0.0f);
}

TEST(OptimFunctional, SgdStepOnPlainFloats) {
  EXPECT_FLOAT_EQ(functional::sgd_step(3.0f, 6.0f, 0.1), 2.4f);
  EXPECT_EQ(functional::sgd_step(1.0f, 0.0f, 0.5), 1.0f);
}

// Runs `optimizer` and the per-element functional update side by side on 1000 values: they must agree
// bit for bit (also checking that the classes' FMA-compiled loops round as the plain function does).
TEST(OptimFunctional, ClassesRunTheFunctionalFormulaBitForBit) {
  xg::Generator gen(11);
  const xg::Array start = xg::randn({1000}, gen).data();
  const xg::Array grad = xg::randn({1000}, gen).data();
  auto run_class = [&](auto&& make) {
    xg::Tensor p = xg::tensor(start, true);
    auto optimizer = make(p);
    for (int step = 0; step < 3; ++step) {
      p.mutable_grad() = grad * static_cast<float>(step + 1);
      optimizer.step();
    }
    return p.data();
  };
  auto grad_at = [&](std::size_t i, int step) { return grad(i) * static_cast<float>(step + 1); };

  // Adam with weight decay and AMSGrad.
  xg::Array expected = start;
  std::vector<float> m(1000, 0), v(1000, 0), v_max(1000, 0);
  for (int step = 0; step < 3; ++step) {
    const auto c = functional::adam_step_constants(0.01, 0.9, 0.999, 1e-8, 0.1, false, false, step + 1);
    for (std::size_t i = 0; i < 1000; ++i) {
      functional::adam_amsgrad_update(expected(i), grad_at(i, step), m[i], v[i], v_max[i], c);
    }
  }
  EXPECT_EQ(run_class([](xg::Tensor& p) { return Adam({p}, AdamOptions(0.01).weight_decay(0.1).amsgrad(true)); }),
            expected);

  // AdamW.
  expected = start;
  std::fill(m.begin(), m.end(), 0.0f);
  std::fill(v.begin(), v.end(), 0.0f);
  for (int step = 0; step < 3; ++step) {
    const auto c = functional::adam_step_constants(0.01, 0.9, 0.999, 1e-8, 0.1, true, false, step + 1);
    for (std::size_t i = 0; i < 1000; ++i) functional::adamw_update(expected(i), grad_at(i, step), m[i], v[i], c);
  }
  EXPECT_EQ(run_class([](xg::Tensor& p) { return AdamW({p}, AdamWOptions(0.01).weight_decay(0.1)); }), expected);

  // SGD with Nesterov momentum and weight decay.
  expected = start;
  std::vector<float> buf(1000, 0);
  const auto sgd = functional::sgd_step_constants(0.1, 0.9, 0, 0.01, true, false);
  for (int step = 0; step < 3; ++step) {
    for (std::size_t i = 0; i < 1000; ++i) {
      functional::sgd_momentum_update(expected(i), grad_at(i, step), buf[i], step == 0, sgd);
    }
  }
  EXPECT_EQ(run_class([](xg::Tensor& p) {
              return SGD({p}, SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(0.01));
            }),
            expected);

  // RMSprop centered with momentum.
  expected = start;
  std::vector<float> sq(1000, 0), ga(1000, 0), mb(1000, 0);
  const auto rms = functional::rmsprop_step_constants(0.01, 0.9, 1e-8, 0.05, 0.5, false);
  for (int step = 0; step < 3; ++step) {
    for (std::size_t i = 0; i < 1000; ++i) {
      functional::rmsprop_update(expected(i), grad_at(i, step), sq[i], &ga[i], &mb[i], rms);
    }
  }
  EXPECT_EQ(run_class([](xg::Tensor& p) {
              return RMSprop({p}, RMSpropOptions(0.01).alpha(0.9).weight_decay(0.05).momentum(0.5).centered(true));
            }),
            expected);

  // Adagrad with lr decay.
  expected = start;
  std::vector<float> sum(1000, 0.1f);
  for (int step = 0; step < 3; ++step) {
    const auto c = functional::adagrad_step_constants(0.1, 0.01, 0.02, 1e-10, false, step + 1);
    for (std::size_t i = 0; i < 1000; ++i) functional::adagrad_update(expected(i), grad_at(i, step), sum[i], c);
  }
  EXPECT_EQ(run_class([](xg::Tensor& p) {
              return Adagrad({p}, AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.02).initial_accumulator_value(0.1));
            }),
            expected);
}

// ---- hyperparameter validation (torch.optim's rules) --------------------------------------------------

TEST(OptimValidation, BadHyperparametersThrowNamingTheValue) {
  std::vector<xg::Tensor> params{start_at(1)};
  EXPECT_EQ(error_message([&] { SGD(params, SGDOptions(-0.1)); }),
            "SGD: invalid learning rate -0.1 (expected lr >= 0)");
  EXPECT_EQ(error_message([&] { SGD(params, SGDOptions(0.1).momentum(-1)); }),
            "SGD: invalid momentum -1 (expected momentum >= 0)");
  EXPECT_EQ(error_message([&] { SGD(params, SGDOptions(0.1).weight_decay(-0.5)); }),
            "SGD: invalid weight_decay -0.5 (expected weight_decay >= 0)");
  EXPECT_EQ(error_message([&] { SGD(params, SGDOptions(0.1).nesterov(true)); }),
            "SGD: nesterov momentum requires momentum > 0 and dampening 0, got momentum 0 and dampening 0");
  EXPECT_EQ(error_message([&] { SGD(params, SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true)); }),
            "SGD: nesterov momentum requires momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1");
  EXPECT_EQ(error_message([&] {
              Adam(params, AdamOptions().betas({1.5, 0.999}));
            }),
            "Adam: invalid beta1 1.5 (expected 0 <= beta1 < 1)");
  EXPECT_EQ(error_message([&] {
              Adam(params, AdamOptions().betas({0.9, 1.0}));
            }),
            "Adam: invalid beta2 1 (expected 0 <= beta2 < 1)");
  EXPECT_EQ(error_message([&] {
              Adam(params, AdamOptions().betas({-0.1, 0.999}));
            }),
            "Adam: invalid beta1 -0.1 (expected 0 <= beta1 < 1)");
  EXPECT_EQ(error_message([&] { Adam(params, AdamOptions().eps(-1e-8)); }),
            "Adam: invalid eps -1e-08 (expected eps >= 0)");
  EXPECT_EQ(error_message([&] { Adam(params, AdamOptions(NAN)); }),
            "Adam: invalid learning rate nan (expected lr >= 0)");
  EXPECT_EQ(error_message([&] { AdamW(params, AdamWOptions().weight_decay(-0.01)); }),
            "AdamW: invalid weight_decay -0.01 (expected weight_decay >= 0)");
  EXPECT_EQ(error_message([&] { RMSprop(params, RMSpropOptions().alpha(-0.5)); }),
            "RMSprop: invalid alpha -0.5 (expected alpha >= 0)");
  EXPECT_EQ(error_message([&] { RMSprop(params, RMSpropOptions().momentum(-0.9)); }),
            "RMSprop: invalid momentum -0.9 (expected momentum >= 0)");
  EXPECT_EQ(error_message([&] { Adagrad(params, AdagradOptions().lr_decay(-1)); }),
            "Adagrad: invalid lr_decay -1 (expected lr_decay >= 0)");
  EXPECT_EQ(error_message([&] { Adagrad(params, AdagradOptions().initial_accumulator_value(-0.1)); }),
            "Adagrad: invalid initial_accumulator_value -0.1 (expected initial_accumulator_value >= 0)");
}

TEST(OptimValidation, TorchAcceptsTheseAndSoDoWe) {
  std::vector<xg::Tensor> params{start_at(1)};
  EXPECT_NO_THROW(SGD(params, SGDOptions(0)));
  EXPECT_NO_THROW(SGD(params, SGDOptions(0.1).momentum(0.9).dampening(2)));  // torch does not check dampening
  EXPECT_NO_THROW(Adam(params, AdamOptions(0).betas({0, 0}).eps(0)));
  EXPECT_NO_THROW(RMSprop(params, RMSpropOptions().alpha(1.5)));  // torch only asks alpha >= 0
}

TEST(OptimValidation, AddedGroupsAreValidatedToo) {
  xg::Tensor a = start_at(1), b = start_at(2);
  Adam adam({a}, AdamOptions());
  EXPECT_EQ(error_message([&] { adam.add_param_group(OptimizerParamGroup({b}, std::make_unique<AdamOptions>(-1))); }),
            "Adam: invalid learning rate -1 (expected lr >= 0)");
  EXPECT_EQ(adam.param_groups().size(), 1u);
  EXPECT_THROW(adam.add_param_group(OptimizerParamGroup({b}, std::make_unique<SGDOptions>(0.1))), xg::Error);
  EXPECT_EQ(adam.param_groups().size(), 1u);
}

// ---- edge cases --------------------------------------------------------------------------------------

TEST(OptimEdgeCases, EmptyParameterListIsANoOp) {
  // libtorch accepts an optimizer without parameters (torch.optim refuses); a step does nothing.
  SGD sgd(std::vector<xg::Tensor>{}, SGDOptions(0.1).momentum(0.9));
  Adam adam(std::vector<xg::Tensor>{});
  EXPECT_NO_THROW(sgd.step());
  EXPECT_NO_THROW(adam.step());
  EXPECT_NO_THROW(adam.zero_grad());
  EXPECT_EQ(adam.state_size(), 0u);
  EXPECT_EQ(adam.param_groups().size(), 1u);
  EXPECT_TRUE(adam.param_groups()[0].params().empty());
}

TEST(OptimEdgeCases, ScalarParameter) {
  xg::Tensor x = xg::tensor(xt::xarray<float>(3.0f), true);
  ASSERT_EQ(x.dim(), 0u);
  Adam adam({x}, AdamOptions(0.001));
  x.mutable_grad() = xt::xarray<float>(6.0f);
  adam.step();
  EXPECT_FLOAT_EQ(x.item(), 2.999f);
  EXPECT_EQ(buffer(adam, x, "exp_avg").dimension(), 0u);
  EXPECT_FLOAT_EQ(buffer(adam, x, "exp_avg")(), 0.6f);
}

TEST(OptimEdgeCases, ParametersWithoutGradientAreSkippedAndGetNoState) {
  xg::Tensor with = start_at(3), without = start_at(5);
  for (auto make : {0, 1, 2, 3, 4}) {
    with.data()(0) = 3;
    with.zero_grad(/*set_to_none=*/true);
    std::unique_ptr<Optimizer> optimizer;
    if (make == 0)
      optimizer = std::make_unique<SGD>(std::vector<xg::Tensor>{with, without}, SGDOptions(0.1).momentum(0.9));
    if (make == 1) optimizer = std::make_unique<Adam>(std::vector<xg::Tensor>{with, without});
    if (make == 2) optimizer = std::make_unique<AdamW>(std::vector<xg::Tensor>{with, without});
    if (make == 3) optimizer = std::make_unique<RMSprop>(std::vector<xg::Tensor>{with, without});
    if (make == 4) optimizer = std::make_unique<Adagrad>(std::vector<xg::Tensor>{with, without});
    SCOPED_TRACE(optimizer->name());
    set_square_gradient(with);
    optimizer->step();
    EXPECT_NE(value(with), 3.0f);
    EXPECT_EQ(value(without), 5.0f);  // AdamW does not decay it either
    EXPECT_NE(optimizer->state(with), nullptr);
    EXPECT_EQ(optimizer->state(without), nullptr);
    EXPECT_EQ(optimizer->state_size(), 1u);
  }
}

TEST(OptimEdgeCases, ZeroGradZeroesTheGradientsThereAreAndMakesNone) {
  xg::Tensor a = xg::ones({2, 3}, true), b = xg::ones({4}, true);
  SGD sgd({a, b}, SGDOptions(0.1));
  a.mutable_grad().fill(5.0f);  // b has no gradient yet
  sgd.zero_grad();
  ASSERT_TRUE(a.has_grad());
  EXPECT_EQ(a.grad(), xt::zeros<float>({2, 3}));
  EXPECT_FALSE(b.has_grad());  // torch.optim: `if p.grad is not None`
  sgd.step();                  // a zero gradient does not move plain SGD
  EXPECT_EQ(a.data(), xt::ones<float>({2, 3}));
  sgd.zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(a.has_grad());
}

TEST(OptimEdgeCases, AParameterTheLossNeverUsesIsNotDecayed) {
  // AdamW decays every parameter it steps; one without a gradient is not stepped, zero_grad or not.
  xg::Tensor used = xg::ones({2}, true), unused = xg::ones({3}, true);
  xg::optim::AdamW adamw({used, unused}, xg::optim::AdamWOptions(0.1).weight_decay(0.5));
  for (int step = 0; step < 3; ++step) {
    adamw.zero_grad();
    used.mutable_grad().fill(1.0f);
    adamw.step();
  }
  EXPECT_EQ(unused.data(), xt::ones<float>({3}));
  EXPECT_FALSE(unused.has_grad());
  EXPECT_EQ(adamw.state(unused), nullptr);
  EXPECT_NE(used.data()(0), 1.0f);
}

TEST(OptimEdgeCases, EachParameterCountsItsOwnSteps) {
  // tiny-dnn's bug was one step counter shared by all parameters; torch keeps one per parameter, so a
  // parameter that sits out steps gets the bias correction of its own history.
  xg::Tensor always = start_at(3), sometimes = start_at(3), alone = start_at(3);
  Adam adam({always, sometimes});
  Adam fresh({alone});
  for (int step = 1; step <= 6; ++step) {
    set_square_gradient(always);
    if (step % 3 == 0) {
      set_square_gradient(sometimes);
      set_square_gradient(alone);
      fresh.step();
    } else {
      sometimes.zero_grad(/*set_to_none=*/true);
    }
    adam.step();
  }
  EXPECT_EQ(adam.state(always)->step, 6);
  EXPECT_EQ(adam.state(sometimes)->step, 2);
  EXPECT_EQ(value(sometimes), value(alone));  // exactly the two-step run of a fresh Adam
}

TEST(OptimEdgeCases, StateHoldsTheBuffersTorchKeeps) {
  xg::Tensor p = xg::ones({3, 2}, true);
  auto buffers_after_one_step = [&](Optimizer& optimizer) {
    p.mutable_grad().fill(1.0f);
    optimizer.step();
    std::vector<std::string> names;
    for (const auto& [name, array] : optimizer.state(p)->buffers) {
      EXPECT_EQ(xg::shape_of(array), p.shape()) << name;
      names.push_back(name);
    }
    EXPECT_EQ(optimizer.state(p)->step, 1);
    return names;
  };
  using Names = std::vector<std::string>;
  SGD sgd({p}, SGDOptions(0.1));
  EXPECT_EQ(buffers_after_one_step(sgd), Names{});
  SGD momentum({p}, SGDOptions(0.1).momentum(0.9));
  EXPECT_EQ(buffers_after_one_step(momentum), Names{"momentum_buffer"});
  Adam adam({p});
  EXPECT_EQ(buffers_after_one_step(adam), (Names{"exp_avg", "exp_avg_sq"}));
  Adam amsgrad({p}, AdamOptions().amsgrad(true));
  EXPECT_EQ(buffers_after_one_step(amsgrad), (Names{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}));
  AdamW adamw({p});
  EXPECT_EQ(buffers_after_one_step(adamw), (Names{"exp_avg", "exp_avg_sq"}));
  RMSprop rmsprop({p}, RMSpropOptions().centered(true).momentum(0.5));
  EXPECT_EQ(buffers_after_one_step(rmsprop), (Names{"grad_avg", "momentum_buffer", "square_avg"}));
  Adagrad adagrad({p});
  EXPECT_EQ(buffers_after_one_step(adagrad), Names{"sum"});
}

TEST(OptimEdgeCases, AMismatchedGradientStopsTheStepBeforeAnyChange) {
  xg::Tensor a = start_at(3), b = xg::ones({2, 2}, true);
  Adam adam({a, b});
  set_square_gradient(a);
  b.mutable_grad() = xt::zeros<float>({4});  // wrong shape, written behind set_grad's back
  EXPECT_EQ(error_message([&] { adam.step(); }),
            "Adam.step: parameter 1 has shape [2, 2] but its gradient has shape [4]");
  EXPECT_EQ(value(a), 3.0f);  // the first parameter was not updated either
  EXPECT_EQ(adam.state_size(), 0u);
}

TEST(OptimEdgeCases, AResizedParameterIsCaughtBeforeItsStateIsRead) {
  xg::Tensor a = xg::ones({3}, true);
  SGD sgd({a}, SGDOptions(0.1).momentum(0.9));
  a.mutable_grad().fill(1.0f);
  sgd.step();
  a.data() = xt::ones<float>({5});
  a.set_grad(xt::ones<float>({5}));
  EXPECT_EQ(error_message([&] { sgd.step(); }),
            "SGD.step: parameter 0 has shape [5] but its state buffer 'momentum_buffer' has shape [3] (was the "
            "parameter resized after its first step?)");
}

}  // namespace
