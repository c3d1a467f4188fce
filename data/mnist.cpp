#include <xgrad/data/mnist.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/data/idx.hpp>

#include <filesystem>
#include <utility>

namespace xg::data {

namespace {

constexpr std::size_t kMnistClasses = 10;

// dir/name, or dir/name.gz when only that exists.
std::string find_file(const std::string& dir, const std::string& name) {
  const std::filesystem::path plain = std::filesystem::path(dir) / name;
  const std::filesystem::path gz = std::filesystem::path(dir) / (name + ".gz");
  if (std::filesystem::exists(plain)) return plain.string();
  if (std::filesystem::exists(gz)) return gz.string();
  throw Error("load_mnist: expected " + plain.string() + " or " + gz.string() + ", found neither");
}

}  // namespace

TensorDataset load_mnist(const std::string& dir, Split split) {
  const std::string prefix = split == Split::kTrain ? "train" : "t10k";
  const std::string images_path = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");

  Array images = read_idx_images(images_path);
  Labels labels = read_idx_labels(labels_path, kMnistClasses);
  const std::size_t count = images.shape(0);
  if (count != labels.size()) {
    throw Error("load_mnist: expected as many labels as images: " + images_path + " has " + std::to_string(count) +
                " images, " + labels_path + " has " + std::to_string(labels.size()) + " labels");
  }
  // Divide (not multiply by 1/255) so every value matches PyTorch's x.float().div(255) exactly.
  float* pixels = images.data();
  for (std::size_t i = 0, n = images.size(); i < n; ++i) pixels[i] = pixels[i] / 255.0f;
  images.reshape({count, images.shape(1) * images.shape(2)});
  return TensorDataset(std::move(images), std::move(labels));
}

TensorDataset load_fashion_mnist(const std::string& dir, Split split) { return load_mnist(dir, split); }
TensorDataset load_fashion_mnist(Split split) { return load_mnist(kFashionMnistDir, split); }

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

}  // namespace xg::data
