#include <xgrad/autograd/dot.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

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

std::string label_of(const TensorImpl& impl) {
  const std::string shape = to_string(shape_of(impl.data));
  if (!impl.grad_fn) return escape(impl.name.empty() ? "leaf" : impl.name) + "\\n" + shape;
  std::string op = escape(impl.grad_fn->op);
  if (impl.grad_fn->released) op += " (freed)";
  if (!impl.name.empty()) op = escape(impl.name) + " = " + op;
  return op + "\\n" + shape;
}

}  // namespace

std::string to_dot(const Tensor& tensor) {
  if (!tensor.defined()) throw Error("to_dot: the tensor is undefined (default-constructed handle)");
  // Breadth-first from the output with an explicit queue (no recursion: graphs can be 100,000 ops deep).
  // Tensors are numbered in the order they are first reached, so the text is the same on every run.
  std::vector<const TensorImpl*> order = {tensor.impl().get()};
  std::unordered_map<const TensorImpl*, std::size_t> id = {{order[0], 0}};
  std::string nodes, edges;
  for (std::size_t next = 0; next < order.size(); ++next) {
    const TensorImpl& impl = *order[next];
    nodes += "  t" + std::to_string(next) + " [label=\"" + label_of(impl) + "\"";
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
