#pragma once
// Shapes and NumPy broadcasting, checked by us before xtensor sees them: in Release builds xtensor's
// own message is only "Incompatible dimension of arrays", which names neither the op nor the shapes.

#include <cstddef>
#include <string>
#include <vector>

namespace xg {

using Shape = std::vector<std::size_t>;

// "[32, 784]"; "[]" for a scalar.
std::string to_string(const Shape& shape);

// Number of elements in a tensor of this shape (1 for the scalar shape []).
std::size_t numel_of(const Shape& shape);

// The NumPy broadcast of two shapes: align on the right, each pair of sizes equal or one of them 1.
// Throws xg::Error naming `op` and both shapes when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Whether `small` repeats along the leading dimensions of `big`: `small` without its leading 1s is a
// suffix of `big`, like a bias row [M] or [1, M] over [N, M], or a scalar over anything. Element i of
// the larger array then pairs with element i % small.size() of the smaller.
bool repeats_along_leading_dims(const Shape& small, const Shape& big);

// Checks that an axis argument names a dimension of a `dim`-dimensional tensor; negative axes count
// from the end as in PyTorch. Returns the non-negative axis.
std::size_t normalize_axis(const char* op, long axis, std::size_t dim);

}  // namespace xg
