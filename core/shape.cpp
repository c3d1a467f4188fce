#include <xgrad/core/shape.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>

namespace xg {

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

std::size_t numel_of(const Shape& shape) {
  std::size_t count = 1;
  for (std::size_t size : shape) count *= size;
  return count;
}

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  const std::size_t dim = std::max(a.size(), b.size());
  Shape result(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    // Walk both shapes from the right; a missing leading dimension acts as size 1.
    const std::size_t size_a = i < a.size() ? a[a.size() - 1 - i] : 1;
    const std::size_t size_b = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (size_a != size_b && size_a != 1 && size_b != 1) {
      throw Error(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast: sizes " +
                  std::to_string(size_a) + " and " + std::to_string(size_b) + " differ at dimension " +
                  std::to_string(dim - 1 - i));
    }
    result[dim - 1 - i] = size_a == 1 ? size_b : size_a;  // not max: a size 0 against 1 stays 0
  }
  return result;
}

std::size_t normalize_axis(const char* op, long axis, std::size_t dim) {
  const long d = static_cast<long>(dim);
  if (dim == 0) {
    throw Error(std::string(op) + ": axis " + std::to_string(axis) +
                " is out of range for a scalar (a tensor with 0 dimensions has no axes)");
  }
  if (axis < -d || axis >= d) {
    throw Error(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for a tensor with " +
                std::to_string(dim) + " dimensions (expected -" + std::to_string(d) + " to " + std::to_string(d - 1) +
                ")");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + d : axis);
}

bool repeats_along_leading_dims(const Shape& small, const Shape& big) {
  const auto core = std::find_if(small.begin(), small.end(), [](std::size_t size) { return size != 1; });
  const auto core_size = static_cast<std::size_t>(small.end() - core);
  return core_size <= big.size() && std::equal(core, small.end(), big.end() - static_cast<long>(core_size));
}

}  // namespace xg
