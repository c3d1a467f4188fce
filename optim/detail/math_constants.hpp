#pragma once
// Internal to the schedulers: the constants their formulas share, as PyTorch's Python code has them.

namespace xg::optim::detail {

inline constexpr double kPi = 3.141592653589793;  // Python's math.pi

}  // namespace xg::optim::detail
