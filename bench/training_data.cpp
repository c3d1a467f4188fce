#include "training_data.hpp"

#include <xgrad/core/generator.hpp>
#include <xgrad/data/mnist.hpp>

#include <filesystem>
#include <numeric>
#include <vector>

namespace bench {

namespace {

xg::data::TensorDataset synthetic_like_fashion_mnist() {
  constexpr std::size_t kExamples = 60000, kFeatures = 784, kClasses = 10;
  xg::Generator generator(0);
  xg::Array inputs = xg::Array::from_shape({kExamples, kFeatures});
  for (float& value : inputs) value = generator.uniform();
  xg::data::Labels labels(kExamples);
  for (std::int64_t& label : labels) label = static_cast<std::int64_t>(generator.randint(kClasses));
  return xg::data::TensorDataset(std::move(inputs), std::move(labels));
}

}  // namespace

TrainingData load_training_data(std::size_t limit) {
  TrainingData data;
  if (std::filesystem::exists(xg::data::kFashionMnistDir)) {
    data.dataset = xg::data::load_fashion_mnist(xg::data::Split::kTrain);
    data.description = std::string("Fashion-MNIST (") + xg::data::kFashionMnistDir + ")";
  } else {
    data.dataset = synthetic_like_fashion_mnist();
    data.description = "synthetic data shaped like Fashion-MNIST (dataset-fashion-mnist is not installed)";
  }
  if (limit > 0 && limit < data.dataset.size()) {
    std::vector<std::size_t> first(limit);
    std::iota(first.begin(), first.end(), std::size_t{0});
    data.dataset = data.dataset.subset(first);
  }
  return data;
}

}  // namespace bench
