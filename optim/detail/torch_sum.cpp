#include <xgrad/optim/detail/torch_sum.hpp>

#include <algorithm>
#include <cstddef>

namespace xg::optim::detail {

namespace {

// torch's CPU sum of float32 values (aten/src/ATen/native/cpu/SumKernel.cpp, 1.13): `rows` running
// sums over rows of `rows` consecutive values, cascaded over four levels so that no partial sum
// collects more than 2^level_power terms before it moves up a level.
std::vector<float> multi_row_sum(const float* x, std::size_t rows, std::size_t count) {
  constexpr int levels = 4;
  int ceil_log2 = 1;
  if (count > 2) {
    ceil_log2 = 0;
    for (std::size_t v = count - 1; v != 0; v >>= 1) ++ceil_log2;
  }
  const int level_power = std::max(4, ceil_log2 / levels);
  const std::size_t level_step = std::size_t{1} << level_power;
  const std::size_t level_mask = level_step - 1;
  std::vector<std::vector<float>> acc(levels, std::vector<float>(rows, 0.0f));
  std::size_t i = 0;
  for (; i + level_step <= count;) {
    for (std::size_t j = 0; j < level_step; ++j, ++i) {
      for (std::size_t k = 0; k < rows; ++k) acc[0][k] += x[i * rows + k];
    }
    for (int j = 1; j < levels; ++j) {
      for (std::size_t k = 0; k < rows; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = 0.0f;
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < count; ++i) {
    for (std::size_t k = 0; k < rows; ++k) acc[0][k] += x[i * rows + k];
  }
  for (int j = 1; j < levels; ++j) {
    for (std::size_t k = 0; k < rows; ++k) acc[0][k] += acc[j][k];
  }
  return acc[0];
}

}  // namespace

// 8-wide vectors summed four at a time (32 running sums), the leftovers, then the 8 lanes.
float torch_sum(const std::vector<float>& x) {
  const std::size_t n = x.size();
  constexpr std::size_t lanes = 8, ilp = 4;
  if (n < lanes) {
    std::vector<float> partial = multi_row_sum(x.data(), ilp, n / ilp);
    for (std::size_t i = n / ilp * ilp; i < n; ++i) partial[0] += x[i];
    for (std::size_t k = 1; k < ilp; ++k) partial[0] += partial[k];
    return partial[0];
  }
  const std::size_t vectors = n / lanes, groups = vectors / ilp;
  std::vector<float> partial = multi_row_sum(x.data(), lanes * ilp, groups);  // four vectors of lanes
  for (std::size_t v = groups * ilp; v < vectors; ++v) {
    for (std::size_t l = 0; l < lanes; ++l) partial[l] += x[v * lanes + l];
  }
  for (std::size_t v = 1; v < ilp; ++v) {
    for (std::size_t l = 0; l < lanes; ++l) partial[l] += partial[v * lanes + l];
  }
  float total = 0.0f;
  for (std::size_t i = vectors * lanes; i < n; ++i) total += x[i];
  for (std::size_t l = 0; l < lanes; ++l) total += partial[l];
  return total;
}

}  // namespace xg::optim::detail
