#include <xgrad/optim/detail/flat_parameters.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/lbfgs_memory.hpp>

#include <algorithm>
#include <string>

namespace xg::optim::detail {

std::size_t flat_size(const std::vector<Tensor>& params) {
  std::size_t total = 0;
  for (const Tensor& p : params) total += p.numel();
  return total;
}

std::vector<float> flat_values(const std::vector<Tensor>& params) {
  std::vector<float> flat;
  flat.reserve(flat_size(params));
  for (const Tensor& p : params) flat.insert(flat.end(), p.data().begin(), p.data().end());
  return flat;
}

std::vector<float> flat_gradient(const std::vector<Tensor>& params, const char* op) {
  std::vector<float> flat;
  flat.reserve(flat_size(params));
  std::size_t index = 0;
  for (const Tensor& p : params) {
    if (!p.has_grad()) {
      flat.insert(flat.end(), p.numel(), 0.0f);
    } else if (p.grad().shape() != p.data().shape()) {
      throw Error(std::string(op) + ": parameter " + std::to_string(index) + " has shape " + to_string(p.shape()) +
                  " but its gradient has shape " + to_string(shape_of(p.grad())));
    } else {
      flat.insert(flat.end(), p.grad().begin(), p.grad().end());
    }
    ++index;
  }
  return flat;
}

void add_to_values(std::vector<Tensor>& params, float step_size, const std::vector<float>& direction) {
  std::size_t offset = 0;
  for (Tensor& p : params) {
    add_scaled(p.data().data(), direction.data() + offset, step_size, p.numel());
    offset += p.numel();
  }
}

void set_values(std::vector<Tensor>& params, const std::vector<float>& flat) {
  std::size_t offset = 0;
  for (Tensor& p : params) {
    std::copy_n(flat.begin() + static_cast<std::ptrdiff_t>(offset), p.numel(), p.data().begin());
    offset += p.numel();
  }
}

}  // namespace xg::optim::detail
