#pragma once
// to_dot: the graph that produced a tensor, as Graphviz DOT text. Render it with
//   dot -Tsvg graph.dot -o graph.svg
// Each op is a box labelled with its name and output shape; each leaf an ellipse labelled with its
// name (Tensor::set_name) or "leaf", and its shape; a leaf that does not require grad is dashed. Edges
// run from an op's inputs to the op, one per argument (x * x has two). A named op output shows its name
// too. After a backward without retain_graph the graph is freed: only the output's op remains, marked
// "(freed)".
//
// With ToDotOptions, small tensors show their numbers too, as micrograd's draw_dot does: the values
// (show_values) and the gradient (show_grads; "grad none" before a backward reaches the tensor, and
// for a non-leaf unless retain_grad() kept it). A tensor with more than max_elements elements shows
// only its element count, so that a picture of a real network stays readable.

#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <string>

namespace xg {

struct ToDotOptions {
  bool show_values = false;
  bool show_grads = false;
  std::size_t max_elements = 8;
};

std::string to_dot(const Tensor& tensor, const ToDotOptions& options = {});

}  // namespace xg
