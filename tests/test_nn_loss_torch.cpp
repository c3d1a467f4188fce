// The losses beyond test_nn_loss.cpp's: HuberLoss, SmoothL1Loss, BCELoss, KLDivLoss, class weights for
// CrossEntropyLoss and NLLLoss, weight and pos_weight for BCEWithLogitsLoss, and MSELoss and L1Loss on
// regression targets [N] and [N, K]. Values and gradients against PyTorch (reference/nn_losses.json,
// made by reference/nn_losses.py), gradcheck for every reduction, and the errors for bad input.

#include "error_message.hpp"

#include "nn_test_helpers.hpp"

#include <cstdio>

namespace {

namespace nn = xg::nn;
using namespace nn_test;  // all_close, array_from_json, expect_gradcheck, losses_reference, reduction_from
using xg_test::error_message;

// A weight from the case, or none.
xg::Tensor option_tensor(const nlohmann::json& c, const char* key) {
  return c.contains(key) ? xg::tensor(array_from_json(c[key])) : xg::Tensor();
}

// The case without its arrays: its name, reduction and options, for the failure messages.
std::string describe(const nlohmann::json& c) {
  std::string out;
  for (const auto& item : c.items()) {
    if (!item.value().is_array()) out += item.key() + "=" + item.value().dump() + " ";
  }
  return out;
}

// The largest |actual - expected|, and the largest relative one among elements with |expected| >= 1e-3.
struct Deviation {
  double absolute = 0.0;
  double relative = 0.0;
  void add(const xg::Array& actual, const xg::Array& expected) {
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
      const double a = actual.data()[i], e = expected.data()[i];
      absolute = std::max(absolute, std::abs(a - e));
      if (std::abs(e) >= 1e-3) relative = std::max(relative, std::abs(a - e) / std::abs(e));
    }
  }
};

using LossFn = std::function<xg::Tensor(const xg::Tensor&, const xg::Tensor&, const nlohmann::json&, nn::Reduction)>;

// Runs every reference case named `name` (with `reduction` read as `reduction_name` does) and
// compares the loss and the gradients with PyTorch's; prints the largest deviations. Returns how
// many cases ran.
int check_against_pytorch(const std::string& name, const LossFn& loss, bool class_labels = false) {
  int checked = 0;
  Deviation forward, gradient;
  for (const auto& c : losses_reference()["losses"]) {
    if (c["name"] != name) continue;
    SCOPED_TRACE(describe(c));
    const nn::Reduction reduction = reduction_from(c["reduction"]);
    xg::Tensor input = xg::tensor(array_from_json(c["input"]), true);
    xg::Tensor target;
    if (!class_labels) target = xg::tensor(array_from_json(c["target"]), c.contains("grad_target"));
    const xg::Tensor out = loss(input, target, c, reduction);
    if (c.contains("grad_output")) {
      out.backward(array_from_json(c["grad_output"]));
    } else {
      out.backward();
    }
    const xg::Array expected_loss = array_from_json(c["loss"]);
    EXPECT_TRUE(all_close(out.data(), expected_loss)) << "loss";
    EXPECT_TRUE(all_close(input.grad(), array_from_json(c["grad_input"]))) << "grad of input";
    forward.add(out.data(), expected_loss);
    gradient.add(input.grad(), array_from_json(c["grad_input"]));
    if (c.contains("grad_target")) {
      EXPECT_TRUE(all_close(target.grad(), array_from_json(c["grad_target"]))) << "grad of target";
      gradient.add(target.grad(), array_from_json(c["grad_target"]));
    }
    ++checked;
  }
  std::printf("[ torch 1.13 ] %-22s %3d cases  loss: max abs %.2g, rel %.2g  gradients: max abs %.2g, rel %.2g\n",
              name.c_str(), checked, forward.absolute, forward.relative, gradient.absolute, gradient.relative);
  return checked;
}

TEST(NNLossTorch, MSELossAndL1LossOnRegressionTargetsOfShapeNAndNK) {
  EXPECT_EQ(check_against_pytorch("mse_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json&,
                                                 nn::Reduction reduction) { return nn::MSELoss(reduction)(x, t); }),
            9);
  EXPECT_EQ(check_against_pytorch("l1_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json&,
                                                nn::Reduction reduction) { return nn::L1Loss(reduction)(x, t); }),
            9);
}

TEST(NNLossTorch, HuberLossMatchesPyTorchIncludingDifferencesOfExactlyDelta) {
  const int checked = check_against_pytorch(
      "huber_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json& c, nn::Reduction reduction) {
        return nn::HuberLoss(nn::HuberLossOptions(reduction).delta(c["delta"].get<double>()))(x, t);
      });
  EXPECT_EQ(checked, 27);
}

TEST(NNLossTorch, SmoothL1LossMatchesPyTorchIncludingBetaZero) {
  const int checked = check_against_pytorch(
      "smooth_l1_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json& c, nn::Reduction reduction) {
        return nn::SmoothL1Loss(nn::SmoothL1LossOptions(reduction).beta(c["beta"].get<double>()))(x, t);
      });
  EXPECT_EQ(checked, 27);
}

TEST(NNLossTorch, BCELossMatchesPyTorchAtProbabilitiesZeroAndOneAndWithAWeight) {
  const int checked = check_against_pytorch(
      "binary_cross_entropy",
      [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json& c, nn::Reduction reduction) {
        return nn::BCELoss(nn::BCELossOptions(reduction).weight(option_tensor(c, "weight")))(x, t);
      });
  EXPECT_EQ(checked, 9);
}

TEST(NNLossTorch, BCEWithLogitsLossWithPosWeightAndWeightMatchesPyTorch) {
  const int checked = check_against_pytorch("bce_with_logits", [](const xg::Tensor& x, const xg::Tensor& t,
                                                                  const nlohmann::json& c, nn::Reduction reduction) {
    return nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions(reduction)
                                     .weight(option_tensor(c, "weight"))
                                     .pos_weight(option_tensor(c, "pos_weight")))(x, t);
  });
  EXPECT_EQ(checked, 9);
}

TEST(NNLossTorch, KLDivLossMatchesPyTorchForEveryReductionIncludingBatchmean) {
  const int checked = check_against_pytorch(
      "kl_div", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json& c, nn::Reduction) {
        const std::string name = c["reduction"];
        const nn::KLDivReduction reduction = name == "batchmean" ? nn::KLDivReduction::BatchMean
                                             : name == "sum"     ? nn::KLDivReduction::Sum
                                             : name == "mean"    ? nn::KLDivReduction::Mean
                                                                 : nn::KLDivReduction::None;
        return nn::KLDivLoss(nn::KLDivLossOptions(reduction).log_target(c["log_target"].get<bool>()))(x, t);
      });
  EXPECT_EQ(checked, 12);
}

TEST(NNLossTorch, CrossEntropyWithClassWeightsSmoothingAndIgnoredLabelsMatchesPyTorch) {
  const int checked = check_against_pytorch(
      "cross_entropy",
      [](const xg::Tensor& x, const xg::Tensor&, const nlohmann::json& c, nn::Reduction reduction) {
        nn::CrossEntropyLoss loss_fn(nn::CrossEntropyLossOptions(reduction)
                                         .weight(option_tensor(c, "weight"))
                                         .label_smoothing(c["label_smoothing"].get<double>()));
        return loss_fn(x, nn_test::labels_from_json(c["target"]));
      },
      true);
  EXPECT_EQ(checked, 12);
}

TEST(NNLossTorch, NLLLossWithClassWeightsMatchesPyTorch) {
  const int checked = check_against_pytorch(
      "nll_loss",
      [](const xg::Tensor& x, const xg::Tensor&, const nlohmann::json& c, nn::Reduction reduction) {
        return nn::NLLLoss(nn::NLLLossOptions(reduction).weight(option_tensor(c, "weight")))(
            x, nn_test::labels_from_json(c["target"]));
      },
      true);
  EXPECT_EQ(checked, 6);
}

// ---- gradcheck: every new loss, every reduction, several shapes ----

const nn::Reduction kReductions[] = {nn::Reduction::Mean, nn::Reduction::Sum, nn::Reduction::None};

TEST(NNLossTorch, RegressionLossesPassGradcheckForInputAndTarget) {
  xg::Generator g(31);
  for (const xg::Shape& shape : {xg::Shape{7}, xg::Shape{4, 3}, xg::Shape{2, 3, 2}}) {
    const xg::Tensor input = xg::uniform(shape, -3.0f, 3.0f, g, true);
    const xg::Tensor target = xg::uniform(shape, -3.0f, 3.0f, g, true);
    for (nn::Reduction reduction : kReductions) {
      SCOPED_TRACE(xg::to_string(shape) + " reduction " + std::to_string(static_cast<int>(reduction)));
      for (double delta : {1.0, 0.5}) {
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::huber_loss(in[0], in[1], nn::HuberLossOptions(reduction).delta(delta));
            },
            {input, target});
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::smooth_l1_loss(in[0], in[1], nn::SmoothL1LossOptions(reduction).beta(delta));
            },
            {input, target});
      }
    }
  }
}

TEST(NNLossTorch, BinaryLossesPassGradcheckWithWeights) {
  xg::Generator g(32);
  for (const xg::Shape& shape : {xg::Shape{6}, xg::Shape{4, 3}}) {
    const xg::Tensor probabilities = xg::uniform(shape, 0.05f, 0.95f, g, true);
    const xg::Tensor logits = xg::uniform(shape, -4.0f, 4.0f, g, true);
    const xg::Tensor target = xg::uniform(shape, 0.0f, 1.0f, g, true);
    const xg::Tensor weight = xg::uniform({shape.back()}, 0.5f, 2.0f, g);
    const xg::Tensor pos_weight = xg::uniform({shape.back()}, 0.2f, 4.0f, g);
    for (nn::Reduction reduction : kReductions) {
      SCOPED_TRACE(xg::to_string(shape) + " reduction " + std::to_string(static_cast<int>(reduction)));
      for (const xg::Tensor& w : {xg::Tensor(), weight}) {
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::binary_cross_entropy(in[0], in[1], nn::BCELossOptions(reduction).weight(w));
            },
            {probabilities, target});
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::binary_cross_entropy_with_logits(
                  in[0], in[1], nn::BCEWithLogitsLossOptions(reduction).weight(w).pos_weight(pos_weight));
            },
            {logits, target});
      }
    }
  }
}

TEST(NNLossTorch, KLDivLossPassesGradcheckForEveryReductionAndTargetKind) {
  xg::Generator g(33);
  for (const xg::Shape& shape : {xg::Shape{5}, xg::Shape{3, 4}}) {
    const xg::Tensor input = xg::uniform(shape, -3.0f, -0.1f, g, true);
    const xg::Tensor probabilities = xg::uniform(shape, 0.05f, 1.0f, g, true);
    const xg::Tensor log_probabilities = xg::uniform(shape, -3.0f, -0.1f, g, true);
    for (nn::KLDivReduction reduction :
         {nn::KLDivReduction::None, nn::KLDivReduction::BatchMean, nn::KLDivReduction::Sum, nn::KLDivReduction::Mean}) {
      SCOPED_TRACE(xg::to_string(shape) + " reduction " + std::to_string(static_cast<int>(reduction)));
      for (bool log_target : {false, true}) {
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::kl_div(in[0], in[1], nn::KLDivLossOptions(reduction).log_target(log_target));
            },
            {input, log_target ? log_probabilities : probabilities});
      }
    }
  }
}

TEST(NNLossTorch, WeightedClassificationLossesPassGradcheck) {
  xg::Generator g(34);
  const xg::Tensor logits = xg::uniform({5, 4}, -2.0f, 2.0f, g, true);
  const xg::Tensor weight = xg::tensor(xg::Array{0.5f, 2.0f, 1.5f, 0.25f});
  const nn::Labels labels{1, 0, 3, 2, 1};
  const nn::Labels with_ignored{1, -100, 3, 2, -100};
  for (nn::Reduction reduction : kReductions) {
    SCOPED_TRACE(static_cast<int>(reduction));
    for (const nn::Labels* y : {&labels, &with_ignored}) {
      for (double smoothing : {0.0, 0.3}) {
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::cross_entropy(
                  in[0], *y, nn::CrossEntropyLossOptions(reduction).weight(weight).label_smoothing(smoothing));
            },
            {logits});
      }
      expect_gradcheck(
          [&](const std::vector<xg::Tensor>& in) {
            return nn::functional::nll_loss(xg::log_softmax(in[0]), *y, nn::NLLLossOptions(reduction).weight(weight));
          },
          {logits});
    }
  }
}

// ---- behaviour ----

TEST(NNLossTorch, UnitWeightsGiveTheUnweightedLosses) {
  xg::Generator g(35);
  const xg::Tensor logits = xg::randn({4, 3}, g);
  const nn::Labels labels{2, 0, 1, 1};
  const xg::Tensor ones = xg::ones({3});
  const auto options = nn::CrossEntropyLossOptions().label_smoothing(0.1);
  EXPECT_NEAR(nn::functional::cross_entropy(logits, labels, nn::CrossEntropyLossOptions(options).weight(ones)).item(),
              nn::functional::cross_entropy(logits, labels, options).item(), 1e-6);
  const xg::Tensor target = xg::uniform({4, 3}, 0.0f, 1.0f, g);
  EXPECT_NEAR(
      nn::functional::binary_cross_entropy_with_logits(logits, target, nn::BCEWithLogitsLossOptions().pos_weight(ones))
          .item(),
      nn::functional::binary_cross_entropy_with_logits(logits, target).item(), 1e-6);
}

TEST(NNLossTorch, HuberIsSmoothL1TimesDelta) {
  xg::Generator g(36);
  const xg::Tensor input = xg::randn({6}, g);
  const xg::Tensor target = xg::randn({6}, g);
  const float huber = nn::HuberLoss(nn::HuberLossOptions().delta(0.5))(input, target).item();
  const float smooth = nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(0.5))(input, target).item();
  EXPECT_NEAR(huber, 0.5f * smooth, 1e-6);
}

TEST(NNLossTorch, BCEOfProbabilityZeroOrOneCostsOneHundredAsInPyTorch) {
  const xg::Tensor p = xg::tensor(xg::Array{0.0f, 1.0f, 0.0f, 1.0f});
  const xg::Tensor t = xg::tensor(xg::Array{1.0f, 0.0f, 0.0f, 1.0f});
  EXPECT_EQ(nn::BCELoss(nn::Reduction::None)(p, t).data(), (xg::Array{100.0f, 100.0f, 0.0f, 0.0f}));
}

TEST(NNLossTorch, BCETakesTargetsOutsideZeroOneAsTorch113Does) {
  // torch 1.13 checks only the input's range: -(1.5 log 0.2 - 0.5 log 0.8) = 2.3025851.
  const xg::Tensor loss = nn::BCELoss(nn::Reduction::None)(xg::tensor(xg::Array{0.2f}), xg::tensor(xg::Array{1.5f}));
  EXPECT_NEAR(loss.data()(0), 1.5 * -std::log(0.2) + 0.5 * std::log(0.8), 1e-6);
}

TEST(NNLossTorch, KLDivOfADistributionWithItselfIsZero) {
  const xg::Array p{0.2f, 0.5f, 0.3f};
  const xg::Tensor log_p = xg::log(xg::tensor(p));
  EXPECT_NEAR(nn::KLDivLoss(nn::KLDivReduction::BatchMean)(log_p, xg::tensor(p)).item(), 0.0f, 1e-7);
  EXPECT_NEAR(nn::KLDivLoss(nn::KLDivLossOptions(nn::Reduction::Sum).log_target(true))(log_p, log_p).item(), 0.0f,
              1e-7);
}

TEST(NNLossTorch, BadInputThrowsNamingTheLossTheExpectedAndTheGiven) {
  const xg::Tensor x = xg::full({2, 3}, 0.5f);
  EXPECT_EQ(error_message([&] { nn::HuberLoss()(x, xg::zeros({3})); }),
            "HuberLoss: expected the target to have the input's shape [2, 3], got [3]");
  EXPECT_EQ(error_message([&] {
              nn::SmoothL1Loss()(x, xg::zeros({3, 2}));
            }),
            "SmoothL1Loss: expected the target to have the input's shape [2, 3], got [3, 2]");
  EXPECT_EQ(error_message([&] { nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(0.0))(x, xg::zeros({6})); }),
            "SmoothL1Loss: expected the target to have the input's shape [2, 3], got [6]");
  EXPECT_EQ(error_message([&] {
              nn::L1Loss()(xg::zeros({4}), xg::zeros({4, 1}));
            }),
            "L1Loss: expected the target to have the input's shape [4], got [4, 1]");
  EXPECT_EQ(error_message([&] { nn::BCELoss()(x, xg::zeros({2})); }),
            "BCELoss: expected the target to have the input's shape [2, 3], got [2]");
  EXPECT_EQ(error_message([&] {
              nn::KLDivLoss()(x, xg::zeros({2, 3, 1}));
            }),
            "KLDivLoss: expected the target to have the input's shape [2, 3], got [2, 3, 1]");
  EXPECT_EQ(error_message([&] {
              nn::BCELoss()(xg::tensor(xg::Array{0.5f, 0.0f, 1.5f}), xg::zeros({3}));
            }),
            "BCELoss: expected every input in [0, 1] (probabilities), got 1.5 at position 2");
  EXPECT_EQ(error_message([&] { nn::BCELoss()(xg::tensor(xg::Array{-0.25f}), xg::zeros({1})); }),
            "BCELoss: expected every input in [0, 1] (probabilities), got -0.25 at position 0");
  EXPECT_EQ(error_message([&] { nn::BCELoss(nn::BCELossOptions().weight(xg::ones({4})))(x, x); }),
            "BCELoss: expected a weight of the input's shape [2, 3] or of its trailing dimensions, such as [3], "
            "got [4]");
  EXPECT_EQ(error_message([&] {
              nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(xg::ones({3, 2})))(x, x);
            }),
            "BCEWithLogitsLoss: expected a pos_weight of the input's shape [2, 3] or of its trailing dimensions, "
            "such as [3], got [3, 2]");
  EXPECT_EQ(error_message([&] {
              nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(xg::ones({4})))(x, nn::Labels{0, 2});
            }),
            "CrossEntropyLoss: expected a weight of shape [3], one per class, got [4]");
  EXPECT_EQ(error_message([&] {
              nn::NLLLoss(nn::NLLLossOptions().weight(xg::ones({1, 3})))(x, nn::Labels{0, 2});
            }),
            "NLLLoss: expected a weight of shape [3], one per class, got [1, 3]");
  EXPECT_EQ(error_message([&] { nn::HuberLoss(nn::HuberLossOptions().delta(0.0))(x, x); }),
            "HuberLoss: expected delta > 0, got 0");
  EXPECT_EQ(error_message([&] { nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(-1.0))(x, x); }),
            "SmoothL1Loss: expected beta >= 0, got -1");
  EXPECT_EQ(error_message([] {
              nn::KLDivLoss(nn::KLDivReduction::BatchMean)(xg::tensor(xg::Array(0.5f)), xg::tensor(xg::Array(0.5f)));
            }),
            "KLDivLoss: reduction 'batchmean' needs a batch dimension, got an input of shape []");
}

TEST(NNLossTorch, PrintTheirOptions) {
  std::ostringstream out;
  out << nn::HuberLoss(nn::HuberLossOptions().delta(0.5)) << " " << nn::SmoothL1Loss(nn::Reduction::Sum) << " "
      << nn::BCELoss(nn::BCELossOptions().weight(xg::ones({3}))) << " "
      << nn::KLDivLoss(nn::KLDivLossOptions(nn::KLDivReduction::BatchMean).log_target(true)) << " "
      << nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(xg::ones({2}))) << " "
      << nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(xg::ones({10})));
  EXPECT_EQ(out.str(),
            "HuberLoss(reduction=mean, delta=0.5) SmoothL1Loss(reduction=sum, beta=1) BCELoss(reduction=mean, "
            "weight=[3]) KLDivLoss(reduction=batchmean, log_target=true) BCEWithLogitsLoss(reduction=mean, "
            "pos_weight=[2]) CrossEntropyLoss(reduction=mean, ignore_index=-100, label_smoothing=0, weight=[10])");
}

}  // namespace
