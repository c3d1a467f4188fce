#include <xgrad/nn/flatten.hpp>

#include <xgrad/autograd/ops.hpp>

#include <ostream>

namespace xg::nn {

Tensor FlattenImpl::forward(const Tensor& input) {
  const Shape shape = input.shape();
  // A scalar flattens to one element, as in PyTorch.
  if (shape.empty()) return reshape(input, {1});
  const std::size_t start = normalize_axis("Flatten", start_dim, shape.size());
  const std::size_t end = normalize_axis("Flatten", end_dim, shape.size());
  if (start > end) {
    throw Error("Flatten: start_dim " + std::to_string(start_dim) + " comes after end_dim " + std::to_string(end_dim) +
                " for an input of shape " + to_string(shape));
  }
  Shape flat(shape.begin(), shape.begin() + static_cast<long>(start));
  flat.push_back(numel_of(Shape(shape.begin() + static_cast<long>(start), shape.begin() + static_cast<long>(end) + 1)));
  flat.insert(flat.end(), shape.begin() + static_cast<long>(end) + 1, shape.end());
  return reshape(input, flat);
}

void FlattenImpl::pretty_print(std::ostream& out) const {
  out << "Flatten(start_dim=" << start_dim << ", end_dim=" << end_dim << ")";
}

}  // namespace xg::nn
