#pragma once
// MNIST-style datasets from a folder of IDX files, as distributed by the MNIST and Fashion-MNIST
// authors: {train,t10k}-{images-idx3,labels-idx1}-ubyte, each plain or with a .gz suffix.
// Debian's dataset-fashion-mnist package installs Fashion-MNIST in kFashionMnistDir.

#include <xgrad/data/dataset.hpp>

#include <string>
#include <vector>

namespace xg::data {

// Which half of the data (libtorch's MNIST calls it Mode).
enum class Split { kTrain, kTest };

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Reads one split of an MNIST-format folder into inputs [N, rows * columns] (flattened for an MLP)
// with pixels divided by 255 into [0, 1] (as torchvision's ToTensor), and labels 0..9.
// Throws xg::Error when a file is missing or corrupt, a label is not in 0..9, or the image and
// label files disagree on the number of examples.
TensorDataset load_mnist(const std::string& dir, Split split);

// The same for Fashion-MNIST (same format), from `dir` or from the Debian package's folder.
TensorDataset load_fashion_mnist(const std::string& dir, Split split);
TensorDataset load_fashion_mnist(Split split);

// Fashion-MNIST's ten classes, indexed by label: "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::vector<std::string>& fashion_mnist_class_names();

}  // namespace xg::data
