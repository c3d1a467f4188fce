// One optimizer step over 1M parameters (one [1000, 1000] tensor with a fixed gradient). A step is one
// pass over memory, so its bound is the time to stream its buffers; bytes per parameter are what it must
// read and write, 4 per float:
//   SGD       reads param, grad; writes param                        12
//   momentum  reads param, grad, buf; writes param, buf              20
//   Adam(W)   reads param, grad, m, v; writes param, m, v            28
// Each is paired (micro.hpp) with a streaming loop, a += s b in place, over arrays as large in total as
// the optimizer's buffers (the same footprint, so the same level of the memory hierarchy). That gives
// the bandwidth at that moment; the reference time is the step's bytes at that bandwidth.

#include "micro.hpp"

#include <xgrad/xgrad.hpp>

#include <memory>

namespace bench {

namespace {

constexpr std::size_t kRows = 1000, kColumns = 1000;

template <class MakeOptimizer>
void add_step(const std::string& name, std::size_t buffers, std::size_t bytes_per_param, MakeOptimizer make_optimizer) {
  const std::size_t bytes = bytes_per_param * kRows * kColumns;
  const std::size_t footprint = buffers * sizeof(float) * kRows * kColumns;
  add(
      "xgrad/optim_step/" + name + "/1M/t1", {0, static_cast<double>(bytes)},
      [make_optimizer, bytes, footprint](benchmark::State& state) {
        xg::Generator generator(0);
        std::vector<xg::Tensor> params = {xg::uniform({kRows, kColumns}, -1.0f, 1.0f, generator, true)};
        params[0].set_grad(xg::uniform({kRows, kColumns}, -1.0f, 1.0f, generator).data());
        std::unique_ptr<xg::optim::Optimizer> optimizer = make_optimizer(params);
        optimizer->step();         // the first step creates the state buffers; time the steady state
        Axpy axpy(footprint / 8);  // two arrays of footprint / 2 bytes; moves 12 bytes per element
        const double scale = static_cast<double>(bytes) / (1.5 * static_cast<double>(footprint));
        run_paired(
            state, [&] { optimizer->step(); }, [&] { axpy.run(); }, scale);
      },
      true);
}

}  // namespace

void register_optimizers() {
  using namespace xg::optim;
  // A small learning rate keeps thousands of steps on one fixed gradient from moving the values far.
  // buffers: param, grad (+ momentum buffer, or + m and v)
  add_step("sgd", 2, 12, [](std::vector<xg::Tensor> p) { return std::make_unique<SGD>(p, SGDOptions(1e-6)); });
  add_step("sgd_momentum", 3, 20,
           [](std::vector<xg::Tensor> p) { return std::make_unique<SGD>(p, SGDOptions(1e-6).momentum(0.9)); });
  add_step("adam", 4, 28, [](std::vector<xg::Tensor> p) { return std::make_unique<Adam>(p, AdamOptions(1e-6)); });
  add_step("adamw", 4, 28, [](std::vector<xg::Tensor> p) { return std::make_unique<AdamW>(p, AdamWOptions(1e-6)); });
}

}  // namespace bench
