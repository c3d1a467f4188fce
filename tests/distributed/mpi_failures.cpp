// Run as `mpirun -np 2 mpi_failures CASE`: ranks that go wrong must end the job with a clear message,
// never leave it hanging (ctest's TIMEOUT catches a hang).
//   shapes-broadcast  rank 1 builds a wider hidden layer; broadcast_parameters must throw on every rank
//   shapes-allreduce  rank 1 holds [3, 2] where rank 0 holds [2, 3] (same count and sizes);
//                     all_reduce_gradients must throw on every rank
//   error-abort       rank 1 fails in its third step and calls distributed::abort while rank 0 is in
//                     an allreduce: the job must end (non-zero) naming rank 1 and its message
//   uncaught          rank 1 lets an exception escape main's scope: std::terminate / the Environment's
//                     destructor must take the job down the same way
// The two shape cases exit 0 after every rank printed the error it caught; the others never exit 0.
#include "training_common.hpp"

#include <cstdio>
#include <functional>
#include <stdexcept>

namespace {

int expect_error_everywhere(const char* what, const std::function<void()>& call) {
  try {
    call();
  } catch (const xg::Error& e) {
    std::printf("rank %d caught: %s\n", xg::distributed::rank(), e.what());
    std::fflush(stdout);
    return 0;
  }
  std::printf("rank %d: FAIL: %s did not throw\n", xg::distributed::rank(), what);
  return 1;
}

void train_steps(int fail_at_step, bool uncaught) {
  xg::nn::MLP net = xgtest::default_mlp();
  const std::vector<xg::Tensor> params = net->parameters();
  xg::nn::CrossEntropyLoss loss_fn;
  const xg::data::TensorDataset data = xgtest::equivalence_data();
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(64));
  int step = 0;
  for (xg::data::Batch& batch : loader) {
    if (++step == fail_at_step) {
      if (uncaught) throw std::runtime_error("a bug in rank 1 that nobody catches");
      xg::distributed::abort("step 3: mlp: read_idx_images: file truncated (simulated failure)", 3);
    }
    xg::Tensor loss = loss_fn(net(batch.input), batch.labels);
    for (xg::Tensor& p : net->parameters()) p.zero_grad();
    loss.backward();
    xg::distributed::all_reduce_gradients(params);
  }
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const std::string which = argc > 1 ? argv[1] : "";
  const int rank = xg::distributed::rank();
  if (which == "shapes-broadcast") {
    xg::nn::MLP net = xgtest::default_mlp(rank == 1 ? 129 : 128);
    return expect_error_everywhere("broadcast_parameters",
                                   [&] { xg::distributed::broadcast_parameters(net->parameters()); });
  }
  if (which == "shapes-allreduce") {
    xg::Tensor p(xg::Array::from_shape(rank == 1 ? xg::Shape{3, 2} : xg::Shape{2, 3}), true);
    p.mutable_grad();
    return expect_error_everywhere("all_reduce_gradients", [&] { xg::distributed::all_reduce_gradients({p}); });
  }
  if (which == "error-abort" || which == "uncaught") {
    train_steps(rank == 1 ? 3 : -1, which == "uncaught");
    std::printf("rank %d: FAIL: training ended normally\n", rank);
    return 0;  // the test expects a non-zero exit: reaching here is the failure
  }
  std::fprintf(stderr, "usage: mpi_failures shapes-broadcast|shapes-allreduce|error-abort|uncaught\n");
  return 2;
}
