// End to end: an MLP learns XOR with CrossEntropyLoss and a hand-written SGD loop (no optim/).

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

namespace {

namespace nn = xg::nn;

TEST(NNTraining, AnMLPLearnsXorWithPlainSGD) {
  xg::Generator generator(2024);
  nn::MLP net({2, 8, 2}, nn::Activation::Tanh, 0.0, generator);
  nn::CrossEntropyLoss loss_fn;
  const xg::Tensor inputs = xg::tensor(xg::Array{{0.0f, 0.0f}, {0.0f, 1.0f}, {1.0f, 0.0f}, {1.0f, 1.0f}});
  const nn::Labels labels{0, 1, 1, 0};
  const float learning_rate = 0.5f;

  float first_loss = 0.0f, last_loss = 0.0f;
  for (int step = 0; step < 500; ++step) {
    net->zero_grad();
    const xg::Tensor loss = loss_fn(net(inputs), labels);
    loss.backward();
    if (step == 0) first_loss = loss.item();
    last_loss = loss.item();
    for (xg::Tensor& p : net->parameters()) {
      float* value = p.data().data();
      const float* grad = p.grad().data();
      for (std::size_t i = 0; i < p.numel(); ++i) value[i] -= learning_rate * grad[i];
    }
  }
  EXPECT_GT(first_loss, 0.5f);  // about log 2 at the start
  EXPECT_LT(last_loss, 0.05f);
  net->eval();
  xg::NoGradGuard no_grad;
  EXPECT_EQ(nn::accuracy(net(inputs), labels), 1.0);
}

}  // namespace
