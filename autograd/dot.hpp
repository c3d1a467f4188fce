#pragma once
// to_dot: the graph that produced a tensor, as Graphviz DOT text. Render it with
//   dot -Tsvg graph.dot -o graph.svg
// Each op is a box labelled with its name and output shape; each leaf an ellipse labelled with its
// name (Tensor::set_name) or "leaf", and its shape; a leaf that does not require grad is dashed. Edges
// run from an op's inputs to the op, one per argument (x * x has two). A named op output shows its name
// too. After a backward without retain_graph the graph is freed: only the output's op remains, marked
// "(freed)".

#include <xgrad/core/tensor.hpp>

#include <string>

namespace xg {

std::string to_dot(const Tensor& tensor);

}  // namespace xg
