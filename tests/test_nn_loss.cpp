// Losses: values and gradients against PyTorch (reference/nn.json), gradcheck for every reduction,
// and the errors for bad labels and shapes.

#include "error_message.hpp"

#include "nn_test_helpers.hpp"

namespace {

namespace nn = xg::nn;
using nn_test::all_close;
using nn_test::array_from_json;
using nn_test::labels_from_json;
using nn_test::reduction_from;
using xg_test::error_message;

// Runs every reference case named `name` through `loss(input, case, target)` and compares the loss
// and the gradients with PyTorch's. Returns how many cases ran.
template <class Loss>
int check_against_pytorch(const std::string& name, Loss loss, double rtol = 1e-5, double atol = 1e-6) {
  int checked = 0;
  for (const auto& c : nn_test::reference()["losses"]) {
    if (c["name"] != name) continue;
    SCOPED_TRACE(c.value("tag", std::string()) + " reduction " + c["reduction"].get<std::string>() + " smoothing " +
                 std::to_string(c.value("label_smoothing", 0.0)) + " ignore_index " +
                 std::to_string(c.value("ignore_index", -100)));
    const nn::Reduction reduction = reduction_from(c["reduction"]);
    xg::Tensor input = xg::tensor(array_from_json(c["input"]), true);
    xg::Tensor target;
    if (c.contains("grad_target")) target = xg::tensor(array_from_json(c["target"]), true);
    const xg::Tensor out = loss(input, target, c, reduction);
    if (reduction == nn::Reduction::None) {
      out.backward(array_from_json(c["grad_output"]));
    } else {
      out.backward();
    }
    EXPECT_TRUE(all_close(out.data(), array_from_json(c["loss"]), rtol, atol)) << "loss";
    EXPECT_TRUE(all_close(input.grad(), array_from_json(c["grad_input"]), rtol, atol)) << "grad of input";
    if (c.contains("grad_target")) {
      EXPECT_TRUE(all_close(target.grad(), array_from_json(c["grad_target"]), rtol, atol)) << "grad of target";
    }
    ++checked;
  }
  return checked;
}

TEST(NNLoss, CrossEntropyMatchesPyTorchIncludingSmoothingIgnoredLabelsAndHugeLogits) {
  const int checked = check_against_pytorch(
      "cross_entropy", [](const xg::Tensor& x, const xg::Tensor&, const nlohmann::json& c, nn::Reduction reduction) {
        nn::CrossEntropyLoss loss_fn(nn::CrossEntropyLossOptions(reduction)
                                         .label_smoothing(c["label_smoothing"].get<double>())
                                         .ignore_index(c["ignore_index"].get<std::int64_t>()));
        return loss_fn(x, labels_from_json(c["target"]));
      });
  EXPECT_EQ(checked, 21);
}

TEST(NNLoss, NLLLossMatchesPyTorch) {
  const int checked = check_against_pytorch(
      "nll_loss", [](const xg::Tensor& x, const xg::Tensor&, const nlohmann::json& c, nn::Reduction reduction) {
        nn::NLLLoss loss_fn(nn::NLLLossOptions(reduction).ignore_index(c["ignore_index"].get<std::int64_t>()));
        return loss_fn(x, labels_from_json(c["target"]));
      });
  EXPECT_EQ(checked, 6);
}

TEST(NNLoss, MSELossMatchesPyTorchForInputAndTarget) {
  const int checked =
      check_against_pytorch("mse_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json&,
                                           nn::Reduction reduction) { return nn::MSELoss(reduction)(x, t); });
  EXPECT_EQ(checked, 3);
}

TEST(NNLoss, L1LossMatchesPyTorchForInputAndTarget) {
  const int checked =
      check_against_pytorch("l1_loss", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json&,
                                          nn::Reduction reduction) { return nn::L1Loss(reduction)(x, t); });
  EXPECT_EQ(checked, 3);
}

TEST(NNLoss, BCEWithLogitsMatchesPyTorchEvenForHugeLogits) {
  const int checked = check_against_pytorch(
      "bce_with_logits", [](const xg::Tensor& x, const xg::Tensor& t, const nlohmann::json&, nn::Reduction reduction) {
        return nn::BCEWithLogitsLoss(reduction)(x, t);
      });
  EXPECT_EQ(checked, 3);
}

// ---- gradcheck: every loss, every reduction ----

const nn::Reduction kReductions[] = {nn::Reduction::Mean, nn::Reduction::Sum, nn::Reduction::None};

void expect_gradcheck(const xg::GradcheckFunction& f, const std::vector<xg::Tensor>& inputs) {
  const xg::GradcheckReport report = xg::gradcheck(f, inputs);
  EXPECT_TRUE(report) << report.message;
}

TEST(NNLoss, ClassificationLossesPassGradcheckForEveryReduction) {
  xg::Generator g(5);
  const xg::Tensor logits = xg::uniform({4, 5}, -2.0f, 2.0f, g, true);
  const nn::Labels labels{1, 0, 4, 1};
  const nn::Labels with_ignored{1, -100, 4, 1};
  for (nn::Reduction reduction : kReductions) {
    SCOPED_TRACE(static_cast<int>(reduction));
    for (double smoothing : {0.0, 0.2}) {
      for (const nn::Labels* y : {&labels, &with_ignored}) {
        expect_gradcheck(
            [&](const std::vector<xg::Tensor>& in) {
              return nn::functional::cross_entropy(in[0], *y,
                                                   nn::CrossEntropyLossOptions(reduction).label_smoothing(smoothing));
            },
            {logits});
      }
    }
    expect_gradcheck(
        [&](const std::vector<xg::Tensor>& in) {
          return nn::functional::nll_loss(xg::log_softmax(in[0]), with_ignored, reduction);
        },
        {logits});
  }
}

TEST(NNLoss, ElementwiseLossesPassGradcheckForInputAndTarget) {
  xg::Generator g(6);
  const xg::Tensor input = xg::uniform({3, 4}, -3.0f, 3.0f, g, true);
  const xg::Tensor target = xg::uniform({3, 4}, -3.0f, 3.0f, g, true);
  const xg::Tensor probabilities = xg::uniform({3, 4}, 0.0f, 1.0f, g, true);
  for (nn::Reduction reduction : kReductions) {
    SCOPED_TRACE(static_cast<int>(reduction));
    expect_gradcheck(
        [reduction](const std::vector<xg::Tensor>& in) { return nn::functional::mse_loss(in[0], in[1], reduction); },
        {input, target});
    expect_gradcheck(
        [reduction](const std::vector<xg::Tensor>& in) { return nn::functional::l1_loss(in[0], in[1], reduction); },
        {input, target});
    expect_gradcheck(
        [reduction](const std::vector<xg::Tensor>& in) {
          return nn::functional::binary_cross_entropy_with_logits(in[0], in[1], reduction);
        },
        {input, probabilities});
  }
}

// ---- behaviour ----

TEST(NNLoss, CrossEntropyIsOneNodeOverTheLogits) {
  xg::Tensor logits = xg::zeros({2, 3}, true);
  const xg::Tensor loss = nn::CrossEntropyLoss()(logits, nn::Labels{0, 2});
  ASSERT_TRUE(loss.grad_fn());
  EXPECT_EQ(loss.grad_fn()->op, "cross_entropy");
  EXPECT_EQ(loss.grad_fn()->inputs[0].id(), logits.id());
  EXPECT_FLOAT_EQ(loss.item(), std::log(3.0f));  // uniform logits: -log(1/3)
  EXPECT_EQ(loss.shape(), xg::Shape{});
}

TEST(NNLoss, ReductionNoneGivesOneLossPerSample) {
  const xg::Tensor logits = xg::zeros({4, 2});
  EXPECT_EQ(nn::functional::cross_entropy(logits, {0, 1, 1, 0}, nn::Reduction::None).shape(), xg::Shape{4});
  EXPECT_EQ(nn::functional::mse_loss(xg::zeros({2, 3}), xg::ones({2, 3}), nn::Reduction::None).shape(),
            (xg::Shape{2, 3}));
}

TEST(NNLoss, FloatTensorLabelsGiveTheSameLossAsIntegerLabels) {
  xg::Generator g(8);
  const xg::Tensor logits = xg::randn({3, 4}, g);
  nn::CrossEntropyLoss loss_fn;
  const float from_vector = loss_fn(logits, nn::Labels{3, 0, 2}).item();
  EXPECT_EQ(loss_fn(logits, xg::tensor(xg::Array{3.0f, 0.0f, 2.0f})).item(), from_vector);
  xg::Array column{3.0f, 0.0f, 2.0f};
  column.reshape({3, 1});
  EXPECT_EQ(nn::NLLLoss()(logits, xg::tensor(column)).item(), nn::NLLLoss()(logits, nn::Labels{3, 0, 2}).item());
}

TEST(NNLoss, BadLabelsThrowNamingTheLabelAndItsPosition) {
  const xg::Tensor logits = xg::zeros({5, 10});
  nn::CrossEntropyLoss loss_fn;
  EXPECT_EQ(error_message([&] {
              loss_fn(logits, nn::Labels{0, 1, 2, 12, 3});
            }),
            "CrossEntropyLoss: label 12 at position 3 is out of range for 10 classes");
  EXPECT_EQ(error_message([&] {
              loss_fn(logits, nn::Labels{0, -1, 2, 1, 3});
            }),
            "CrossEntropyLoss: label -1 at position 1 is out of range for 10 classes");
  EXPECT_EQ(error_message([&] {
              loss_fn(logits, nn::Labels{0, 1, 2, 3});
            }),
            "CrossEntropyLoss: expected 5 labels, one per row of the input [5, 10], got 4");
  EXPECT_EQ(error_message([&] {
              nn::NLLLoss()(logits, nn::Labels{0, 1, 2, 3, 10});
            }),
            "NLLLoss: label 10 at position 4 is out of range for 10 classes");
  EXPECT_EQ(error_message([&] {
              loss_fn(logits, xg::tensor(xg::Array{0.0f, 1.0f, 2.5f, 3.0f, 4.0f}));
            }),
            "CrossEntropyLoss: label 2.5 at position 2 is not a whole class index");
  EXPECT_EQ(error_message([&] {
              loss_fn(logits, xg::zeros({5, 2}));
            }),
            "CrossEntropyLoss: expected labels of shape [N] or [N, 1], got [5, 2]");
}

TEST(NNLoss, BadShapesAndOptionsThrow) {
  EXPECT_EQ(error_message([] {
              nn::CrossEntropyLoss()(xg::zeros({2, 3, 4}), nn::Labels{0, 1});
            }),
            "CrossEntropyLoss: expected logits of shape [N, C], got [2, 3, 4]");
  EXPECT_EQ(error_message([] {
              nn::MSELoss()(xg::zeros({2, 3}), xg::zeros({3, 2}));
            }),
            "MSELoss: expected the target to have the input's shape [2, 3], got [3, 2]");
  EXPECT_EQ(error_message([] {
              nn::BCEWithLogitsLoss()(xg::zeros({2}), xg::zeros({2, 1}));
            }),
            "BCEWithLogitsLoss: expected the target to have the input's shape [2], got [2, 1]");
  EXPECT_EQ(
      error_message([] {
        nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().label_smoothing(1.5))(xg::zeros({1, 2}), nn::Labels{0});
      }),
      "CrossEntropyLoss: expected label_smoothing in [0, 1], got 1.5");
}

TEST(NNLoss, PrintsItsOptions) {
  std::ostringstream out;
  out << nn::CrossEntropyLoss(nn::CrossEntropyLossOptions(nn::Reduction::Sum).label_smoothing(0.1)) << " "
      << nn::MSELoss(nn::Reduction::None);
  EXPECT_EQ(out.str(),
            "CrossEntropyLoss(reduction=sum, ignore_index=-100, label_smoothing=0.1) MSELoss(reduction=none)");
}

}  // namespace
