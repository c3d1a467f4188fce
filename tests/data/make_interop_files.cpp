// Writes tests/data/xgrad_mlp.safetensors: xgrad's MLP({12, 16, 8, 4}, ReLU, norm batch) after three
// plain SGD steps in training mode (so that BatchNorm1d's running statistics and num_batches_tracked
// move), saved by xg::interop::save_model. tests/reference/interop.py loads it into torch strictly.
//   cmake --build build --target make_interop_files && build/tests/make_interop_files tests/data
#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_interop_files FOLDER\n");
    return 2;
  }
  namespace nn = xg::nn;
  xg::Generator generator(20261207);
  nn::MLP net({12, 16, 8, 4}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  nn::CrossEntropyLoss loss_fn;
  for (int step = 0; step < 3; ++step) {
    const xg::Tensor x = xg::randn({10, 12}, generator) * (1.0f + static_cast<float>(step));
    const nn::Labels labels{0, 1, 2, 3, 0, 1, 2, 3, 1, 2};
    net->zero_grad();
    loss_fn(net(x), labels).backward();
    for (xg::Tensor& p : net->parameters()) {
      float* value = p.data().data();
      const float* grad = p.grad().data();
      for (std::size_t i = 0; i < p.numel(); ++i) value[i] -= 0.1f * grad[i];
    }
  }
  xg::interop::save_model(net, std::string(argv[1]) + "/xgrad_mlp.safetensors");
  std::printf("wrote %s/xgrad_mlp.safetensors\n", argv[1]);
  return 0;
}
