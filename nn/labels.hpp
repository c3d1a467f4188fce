#pragma once
// Class labels for the classification losses and metrics.

#include <xgrad/core/tensor.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace xg::nn {

using xg::Labels;  // the one labels type (core/tensor.hpp), also spelled xg::nn::Labels

// Converts a tensor of class indices stored as floats ([N] or [N, 1]) to Labels; throws xg::Error
// naming `op`, the value and its position when one is not a whole number.
Labels to_labels(const Tensor& labels, const char* op = "to_labels");

// Checks that there is one label per row and each lies in [0, classes) or equals ignore_index
// when one is given. The message names `op`, the label and its position, e.g.
//   CrossEntropyLoss: label 12 at position 3 is out of range for 10 classes
void check_labels(const char* op, const Labels& labels, const Shape& input_shape,
                  std::optional<std::int64_t> ignore_index = std::nullopt);

// Checks that `input` is a 2-D [N, C] batch of class scores.
void check_class_scores(const char* op, const Tensor& input, const char* what = "logits");

}  // namespace xg::nn
