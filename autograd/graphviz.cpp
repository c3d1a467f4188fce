#include <xgrad/autograd/graphviz.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <cstdio>
#include <cstdlib>
#include <unordered_map>

namespace xg {

namespace {

// Text for inside a DOT "..." string: quotes and backslashes escaped, line breaks as \n.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// A float in the fewest significant digits that read back as the same float: 0.7071067, not the
// 0.7071067094802856 its double would print as.
std::string shortest(float value) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(text, nullptr) == value) break;
  }
  return text;
}

// The elements of a small array, flat and in row-major order, as "[1, -0.5, 2]" (each number in its
// shortest exact form); a larger one as its element count.
std::string numbers(const Array& array, std::size_t max_elements) {
  if (array.size() > max_elements) return "(" + std::to_string(array.size()) + " elements)";
  std::string text = "[";
  for (std::size_t i = 0; i < array.size(); ++i) text += (i ? ", " : "") + shortest(array.data()[i]);
  return text + "]";
}

std::string label_of(const TensorImpl& impl, const ToDotOptions& options) {
  std::string label;
  if (!impl.grad_fn) {
    label = escape(impl.name.empty() ? "leaf" : impl.name);
  } else {
    label = escape(impl.grad_fn->op);
    if (impl.grad_fn->released) label += " (freed)";
    if (!impl.name.empty()) label = escape(impl.name) + " = " + label;
  }
  label += "\\n" + to_string(shape_of(impl.data));
  if (options.show_values) label += "\\ndata " + numbers(impl.data, options.max_elements);
  if (options.show_grads) label += "\\ngrad " + (impl.grad ? numbers(*impl.grad, options.max_elements) : "none");
  return label;
}

}  // namespace

std::string to_dot(const Tensor& tensor, const ToDotOptions& options) {
  if (!tensor.defined()) throw Error("to_dot: the tensor is undefined (default-constructed handle)");
  // Breadth-first from the output with an explicit queue (no recursion: graphs can be 100,000 ops deep).
  // Tensors are numbered in the order they are first reached, so the text is the same on every run.
  std::vector<const TensorImpl*> order = {tensor.impl().get()};
  std::unordered_map<const TensorImpl*, std::size_t> id = {{order[0], 0}};
  std::string nodes, edges;
  for (std::size_t next = 0; next < order.size(); ++next) {
    const TensorImpl& impl = *order[next];
    nodes += "  t" + std::to_string(next) + " [label=\"" + label_of(impl, options) + "\"";
    nodes += impl.grad_fn ? ", shape=box" : (impl.requires_grad ? ", shape=ellipse" : ", shape=ellipse, style=dashed");
    nodes += "];\n";
    if (!impl.grad_fn) continue;
    for (const Tensor& input : impl.grad_fn->inputs) {
      auto [slot, inserted] = id.try_emplace(input.impl().get(), order.size());
      if (inserted) order.push_back(input.impl().get());
      edges += "  t" + std::to_string(slot->second) + " -> t" + std::to_string(next) + ";\n";
    }
  }
  return "digraph xgrad {\n  node [fontname=\"Helvetica\"];\n" + nodes + edges + "}\n";
}

}  // namespace xg
