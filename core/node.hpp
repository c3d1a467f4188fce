#pragma once
// The autograd graph. Each op that sees an input requiring grad records one Node as its output's
// grad_fn: the op's name, its input handles, and a backward function that turns dL/d(output) into
// each input's contribution to dL/d(input). One node per tensor op, never per element.
//
// Ownership runs one way: output -> node -> inputs. A backward function must never capture a Tensor
// handle (the node passes it the inputs) and above all never its own output: that makes a cycle
// that leaks every graph. It captures only evaluated arrays it saved in the forward pass (never an
// xtensor lazy expression, whose references would dangle).

#include <xgrad/core/tensor.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace xg {

class BackwardContext;
using BackwardFn = std::function<void(BackwardContext&)>;

struct Node {
  std::string op;              // "mul", "matmul", ... for DOT pictures and error messages
  std::vector<Tensor> inputs;  // the tensors the op read, in argument order
  BackwardFn backward;
  bool released = false;  // backward ran without retain_graph: inputs and saved arrays are gone

  // The engine's bookkeeping during one backward pass (engine.cpp), kept here so that a pass needs no
  // hash map: the number of the pass that last reached this node, and the node's place in its order.
  // (So one node takes part in one backward pass at a time: no backward inside a backward function.)
  std::uint64_t visited_in_pass = 0;
  std::size_t position = 0;

  ~Node();  // releases inputs iteratively, so freeing a 100,000-op chain cannot overflow the stack
  // Frees what backward needs (inputs, saved arrays); the node stays as a marker in the graph.
  void release();
};

class BackwardPass;  // engine.cpp: the gradients one backward pass has gathered so far

// What a backward function sees: the gradient flowing in, the op's output and inputs, and where to
// send each input's gradient.
class BackwardContext {
 public:
  BackwardContext(const Array& grad, const Array& output, const std::vector<Tensor>& inputs, BackwardPass& pass)
      : grad(grad), output(output), inputs_(inputs), pass_(pass) {}

  const Array& grad;    // dL/d(output), the output's shape
  const Array& output;  // the output's values (exp, tanh, sigmoid reuse them)

  // The values of input i as they were in the forward pass.
  const Array& input(std::size_t i) const { return inputs_[i].data(); }
  // Whether input i wants a gradient; skip the work when it does not.
  bool needs_grad(std::size_t i) const { return inputs_[i].requires_grad(); }
  // Adds `grad` to input i's gradient. A gradient of the broadcast shape is summed back to the input's
  // shape here, so ops that broadcast need not do it themselves.
  void accumulate(std::size_t i, Array&& grad) const;
  // For ops whose gradient share is written by a BLAS product or a plain loop: calls
  // write(out, beta), which must set out = share + beta * out over input i's shape. When input i
  // already holds a gradient (a leaf's .grad after zero_grad(), or another op's share of a non-leaf's
  // gradient), `out` is that gradient and beta is 1: the share is added in place, saving a temporary
  // and a pass over it. Otherwise `out` is a fresh, uninitialized array, beta is 0, and the result is
  // accumulate()d.
  template <class WriteShare>
  void accumulate_in_place(std::size_t i, WriteShare&& write) const {
    if (float* gradient = accumulation_buffer(i)) {
      write(gradient, 1.0f);
      return;
    }
    Array share = Array::from_shape(input(i).shape());
    write(share.data(), 0.0f);
    accumulate(i, std::move(share));
  }

 private:
  // The gradient input i already holds, to add into; nullptr when it holds none yet.
  float* accumulation_buffer(std::size_t i) const;

  const std::vector<Tensor>& inputs_;
  BackwardPass& pass_;
};

// Whether ops record graph nodes (on by default; per thread).
struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

// While alive, ops record nothing: their outputs are leaves that do not require grad.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// The tensors an op read, in argument order: `{a, b}` at the call. They are passed by reference, so
// that the only copies of the handles are the node's own (each copy is an atomic reference count
// update; building a std::vector<Tensor> from `{a, b}` would copy every handle twice).
using OpInputs = std::initializer_list<std::reference_wrapper<const Tensor>>;

// True when an op over these inputs must record a node.
bool should_record(OpInputs inputs);

// Wraps an op's evaluated output in a Tensor and, when any input requires grad (and grad mode is on),
// records the node that can differentiate it. Every op ends with this call.
Tensor record(const char* op, Array&& output, OpInputs inputs, BackwardFn backward);

// Sums a gradient of a broadcast shape back down to `shape` (the inverse of broadcasting).
Array sum_to_shape(Array grad, const Shape& shape);

}  // namespace xg
