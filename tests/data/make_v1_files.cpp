// Writes the format-version-1 files under tests/data/ that test_file_compat.cpp loads: a model file
// and an Adam state file, made once with the code of commit 0d8aaf0 (before the binary I/O helper)
// and committed, so that the tests prove files written by earlier code still load. Also prints the
// state buffers as hex floats, which test_file_compat.cpp compares bit for bit.
//
// Built and run once from the repository root against a build tree (tests/data/README.md):

#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <string>

namespace {

void print_buffers(const xg::optim::Optimizer& adam, const xg::Tensor& param, const char* label) {
  const xg::optim::OptimizerParamState* state = adam.state(param);
  std::printf("%s: step %lld\n", label, static_cast<long long>(state->step));
  for (const auto& [name, buffer] : state->buffers) {
    std::printf("  %s:", name.c_str());
    for (float value : buffer) std::printf(" %a", static_cast<double>(value));
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : "tests/data";

  // The model: values chosen by hand, with a negative zero and a value that is not a short decimal.
  xg::nn::Linear fc(3, 2);
  fc->weight.data() = xg::Array{{0.5f, -1.25f, 2.0f}, {-0.0f, 3.14159274f, 1e-3f}};
  fc->bias.data() = xg::Array{0.25f, -7.5f};
  xg::save(fc, folder + "/v1_model.xgrad");

  // The optimizer: Adam over two groups, the second with its own options and AMSGrad. The second
  // group's parameter sits out the first step, so the step counts differ (3 and 2).
  xg::Tensor w = xg::tensor(fc->weight.data(), true);
  xg::Tensor b = xg::tensor(fc->bias.data(), true);
  xg::Tensor extra = xg::tensor(xg::Array{1.0f, -2.0f, 0.5f}, true);
  std::vector<xg::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<xg::Tensor>{w, b});
  groups.emplace_back(std::vector<xg::Tensor>{extra},
                      std::make_unique<xg::optim::AdamOptions>(
                          xg::optim::AdamOptions(0.05).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1).amsgrad(true)));
  xg::optim::Adam adam(groups, xg::optim::AdamOptions(0.01));
  for (int step = 0; step < 3; ++step) {
    for (xg::Tensor* p : {&w, &b, &extra}) {
      const xg::Array& x = p->data();
      p->mutable_grad() = xg::Array(x * x - 0.5f * x + 0.25f * static_cast<float>(step));
    }
    if (step == 0) extra.zero_grad(/*set_to_none=*/true);
    adam.step();
  }
  adam.save(folder + "/v1_adam.xgrad.optim");

  print_buffers(adam, w, "weight");
  print_buffers(adam, b, "bias");
  print_buffers(adam, extra, "extra");
  return 0;
}
