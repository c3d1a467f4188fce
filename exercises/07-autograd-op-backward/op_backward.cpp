// Exercise 07: write the five bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 7
#include "op_backward.hpp"

#include "not_implemented.hpp"

namespace course {

InputGradients mul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b) {
  throw course::NotImplemented("07-autograd-op-backward", "mul_backward()");
}

xg::Array tanh_backward(const xg::Array& grad, const xg::Array& output) {
  throw course::NotImplemented("07-autograd-op-backward", "tanh_backward()");
}

InputGradients matmul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b) {
  throw course::NotImplemented("07-autograd-op-backward", "matmul_backward()");
}

xg::Array sum_to(const xg::Array& grad, const xg::Shape& shape) {
  throw course::NotImplemented("07-autograd-op-backward", "sum_to()");
}

InputGradients add_backward(const xg::Array& grad, const xg::Shape& a_shape, const xg::Shape& b_shape) {
  throw course::NotImplemented("07-autograd-op-backward", "add_backward()");
}

}  // namespace course
