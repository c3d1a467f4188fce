#pragma once
// The training set of the end-to-end benchmarks: Fashion-MNIST's 60,000 training images (Debian package
// dataset-fashion-mnist) when installed, otherwise random data of the same shape, [60000, 784] in [0, 1)
// with labels 0..9, so that timings stay comparable.

#include <xgrad/data/dataset.hpp>

#include <cstddef>
#include <string>

namespace bench {

struct TrainingData {
  xg::data::TensorDataset dataset;
  std::string description;  // where it came from, for the report
};

// The first `limit` examples (all when 0).
TrainingData load_training_data(std::size_t limit = 0);

}  // namespace bench
