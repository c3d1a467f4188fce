// SyncBatchNorm's conversions, which exchange nothing (training under mpirun is mpi_equivalence's):
// the same state_dict as BatchNorm1d, the same tensors after converting both ways, torch's printing,
// and in evaluation mode the output of BatchNorm1d.
#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

xg::nn::MLP normed_mlp() {
  xg::Generator init(5);
  return xg::nn::MLP({6, 5, 4, 3}, xg::nn::Activation::ReLU, 0.0, xg::nn::Norm::Batch, init);
}

std::vector<std::pair<std::string, xg::Shape>> keys_and_shapes(const xg::nn::Module& module) {
  std::vector<std::pair<std::string, xg::Shape>> result;
  for (const auto& [key, tensor] : module.state_dict()) result.emplace_back(key, tensor.shape());
  return result;
}

TEST(SyncBatchNorm, ConvertReplacesEveryBatchNormAndKeepsTheStateDictKeysAndShapes) {
  xg::nn::MLP net = normed_mlp();
  const auto before = keys_and_shapes(*net);
  EXPECT_EQ(xg::distributed::convert_sync_batchnorm(*net), 2u);
  EXPECT_EQ(keys_and_shapes(*net), before);
  EXPECT_NE(dynamic_cast<xg::distributed::SyncBatchNormImpl*>(net[1].get()), nullptr);
  EXPECT_NE(dynamic_cast<xg::distributed::SyncBatchNormImpl*>(net[4].get()), nullptr);
  EXPECT_EQ(xg::distributed::convert_sync_batchnorm(*net), 0u);  // nothing left to convert
}

TEST(SyncBatchNorm, ConvertingBothWaysKeepsTheSameTensorsSoAnOptimizerStillHoldsThem) {
  xg::nn::MLP net = normed_mlp();
  const xg::nn::StateDict original = net->state_dict();
  xg::distributed::convert_sync_batchnorm(*net);
  for (const auto& [key, tensor] : net->state_dict()) EXPECT_EQ(tensor.impl(), original[key].impl()) << key;
  EXPECT_EQ(xg::distributed::revert_sync_batchnorm(*net), 2u);
  EXPECT_EQ(net[1]->name(), "BatchNorm1d");
  for (const auto& [key, tensor] : net->state_dict()) EXPECT_EQ(tensor.impl(), original[key].impl()) << key;
  EXPECT_EQ(net->parameters().size(), 10u);  // a converted weight is still a trained parameter
}

TEST(SyncBatchNorm, PrintsAsTorchsSyncBatchNormAndKeepsTheMode) {
  xg::nn::MLP net = normed_mlp();
  net->eval();
  xg::distributed::convert_sync_batchnorm(*net);
  std::ostringstream printed;
  net[1]->pretty_print(printed);
  EXPECT_EQ(printed.str(), "SyncBatchNorm(5, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  EXPECT_FALSE(net[1]->is_training());
}

TEST(SyncBatchNorm, InEvaluationModeComputesWhatBatchNorm1dComputes) {
  xg::nn::MLP plain = normed_mlp();
  xg::nn::MLP sync = normed_mlp();
  for (xg::nn::MLP* net : {&plain, &sync}) {
    auto& norm = (*net)->at<xg::nn::BatchNorm1dImpl>(1);
    norm.running_mean.data() = xt::xarray<float>{0.5f, -1.0f, 2.0f, 0.0f, 0.25f};
    norm.running_var.data() = xt::xarray<float>{2.0f, 0.5f, 1.0f, 4.0f, 3.0f};
    (*net)->eval();
  }
  xg::distributed::convert_sync_batchnorm(*sync);
  xg::Generator generator(9);
  const xg::Tensor x = xg::randn({4, 6}, generator);
  const xg::Tensor expected = plain(x), got = sync(x);
  ASSERT_EQ(got.shape(), expected.shape());
  for (std::size_t i = 0; i < got.numel(); ++i) EXPECT_EQ(got.data().data()[i], expected.data().data()[i]);
}

}  // namespace
