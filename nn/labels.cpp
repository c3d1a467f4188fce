#include <xgrad/nn/labels.hpp>

#include <xgrad/core/error.hpp>

#include <cmath>
#include <sstream>

namespace xg::nn {

Labels to_labels(const Tensor& labels, const char* op) {
  const Shape shape = labels.shape();
  if (!(shape.size() == 1 || (shape.size() == 2 && shape[1] == 1))) {
    throw Error(std::string(op) + ": expected labels of shape [N] or [N, 1], got " + to_string(shape));
  }
  Labels result;
  result.reserve(labels.numel());
  const float* values = labels.data().data();
  for (std::size_t i = 0; i < labels.numel(); ++i) {
    const float value = values[i];
    if (!(std::floor(value) == value) || std::abs(value) > 16777216.0f) {  // 2^24: floats are exact integers below
      std::ostringstream message;
      message << op << ": label " << value << " at position " << i << " is not a whole class index";
      throw Error(message.str());
    }
    result.push_back(static_cast<std::int64_t>(value));
  }
  return result;
}

void check_class_scores(const char* op, const Tensor& input, const char* what) {
  if (input.dim() != 2) {
    throw Error(std::string(op) + ": expected " + what + " of shape [N, C], got " + to_string(input.shape()));
  }
}

void check_labels(const char* op, const Labels& labels, const Shape& input_shape,
                  std::optional<std::int64_t> ignore_index) {
  const std::size_t rows = input_shape[0];
  const auto classes = static_cast<std::int64_t>(input_shape[1]);
  if (labels.size() != rows) {
    throw Error(std::string(op) + ": expected " + std::to_string(rows) + " labels, one per row of the input " +
                to_string(input_shape) + ", got " + std::to_string(labels.size()));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t label = labels[i];
    if ((label < 0 || label >= classes) && label != ignore_index) {
      throw Error(std::string(op) + ": label " + std::to_string(label) + " at position " + std::to_string(i) +
                  " is out of range for " + std::to_string(classes) + " classes");
    }
  }
}

}  // namespace xg::nn
