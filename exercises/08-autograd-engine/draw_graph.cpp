// Exercise 08's program (given; scripts/exercise.sh 8 runs it once the checks pass): one neuron,
// tanh(x1 w1 + x2 w2 + b), differentiated by your backward(), written as a Graphviz picture with
// every value and gradient (graph.dot in the folder argv[1]; render it with
// `dot -Tsvg graph.dot -o graph.svg`).
#include "engine.hpp"

#include <xgrad/autograd/graphviz.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  const auto input = [](float value, const char* name) { return xg::tensor(xg::Array(value), true).set_name(name); };
  const xg::Tensor x1 = input(2.0f, "x1");
  const xg::Tensor x2 = input(0.0f, "x2");
  const xg::Tensor w1 = input(-3.0f, "w1");
  const xg::Tensor w2 = input(1.0f, "w2");
  const xg::Tensor b = input(6.8813735870195432f, "b");  // tanh(0.8813735870195432) = 1 / sqrt(2)
  // Every step named and kept, so that the picture shows its gradient too.
  xg::Tensor x1w1 = (x1 * w1).set_name("x1*w1").retain_grad();
  xg::Tensor x2w2 = (x2 * w2).set_name("x2*w2").retain_grad();
  xg::Tensor sum = (x1w1 + x2w2).set_name("x1*w1 + x2*w2").retain_grad();
  xg::Tensor n = (sum + b).set_name("n").retain_grad();
  xg::Tensor o = xg::tanh(n).set_name("o").retain_grad();
  course::backward(o);

  std::printf("o = tanh(x1 w1 + x2 w2 + b) = %.4f\n", static_cast<double>(o.item()));
  std::printf("do/dn = 1 - o^2 = %.4f\n", static_cast<double>(n.grad()()));
  for (const xg::Tensor& leaf : {x1, w1, x2, w2, b}) {
    std::printf("do/d%s = %.4f\n", leaf.name().c_str(), static_cast<double>(leaf.grad()()));
  }
  xg::ToDotOptions options;
  options.show_values = true;
  options.show_grads = true;
  std::ofstream(out + "/graph.dot") << xg::to_dot(o, options);
  std::printf("wrote %s/graph.dot (dot -Tsvg %s/graph.dot -o %s/graph.svg draws it)\n", out.c_str(), out.c_str(),
              out.c_str());
  return 0;
}
