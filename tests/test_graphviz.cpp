// to_dot (autograd/graphviz.hpp): Graphviz text of the graph behind a tensor.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using xt::xarray;

TEST(ToDot, SmallExpressionExactText) {
  xg::Tensor x = xg::tensor(xarray<float>{{1, 2, 3}, {4, 5, 6}}, true).set_name("x");
  xg::Tensor w = xg::ones({3, 2}, true);
  xg::Tensor b = xg::tensor(xarray<float>{0.5f, -0.5f});  // a constant: does not require grad
  xg::Tensor h = xg::relu(xg::matmul(x, w) + b).set_name("h");
  xg::Tensor loss = xg::sum(h * h);
  EXPECT_EQ(xg::to_dot(loss),
            "digraph xgrad {\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  t0 [label=\"sum\\n[]\", shape=box];\n"
            "  t1 [label=\"mul\\n[2, 2]\", shape=box];\n"
            "  t2 [label=\"h = relu\\n[2, 2]\", shape=box];\n"
            "  t3 [label=\"add\\n[2, 2]\", shape=box];\n"
            "  t4 [label=\"matmul\\n[2, 2]\", shape=box];\n"
            "  t5 [label=\"leaf\\n[2]\", shape=ellipse, style=dashed];\n"
            "  t6 [label=\"x\\n[2, 3]\", shape=ellipse];\n"
            "  t7 [label=\"leaf\\n[3, 2]\", shape=ellipse];\n"
            "  t1 -> t0;\n"
            "  t2 -> t1;\n"
            "  t2 -> t1;\n"
            "  t3 -> t2;\n"
            "  t4 -> t3;\n"
            "  t5 -> t3;\n"
            "  t6 -> t4;\n"
            "  t7 -> t4;\n"
            "}\n");
}

TEST(ToDot, ALeafAloneAndEscapedNames) {
  xg::Tensor x = xg::ones({}, true).set_name("say \"hi\"\\now");
  EXPECT_EQ(xg::to_dot(x),
            "digraph xgrad {\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  t0 [label=\"say \\\"hi\\\"\\\\now\\n[]\", shape=ellipse];\n"
            "}\n");
}

TEST(ToDot, AFreedGraphShowsOnlyTheOutputOp) {
  xg::Tensor x = xg::ones({2}, true);
  xg::Tensor loss = xg::sum(xg::exp(x));
  loss.backward();
  EXPECT_EQ(xg::to_dot(loss),
            "digraph xgrad {\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  t0 [label=\"sum (freed)\\n[]\", shape=box];\n"
            "}\n");
}

TEST(ToDot, DeepChainWithoutRecursion) {
  xg::Tensor x = xg::ones({1}, true);
  xg::Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y + 1.0f;
  const std::string text = xg::to_dot(y);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 100001 + 100000 + 1);  // header, nodes, edges, }
}

TEST(ToDot, ValuesAndGradientsOfSmallTensors) {
  xg::Tensor x = xg::tensor(xarray<float>{2.0f, -0.5f}, true).set_name("x");
  xg::Tensor square = x * x;
  xg::Tensor y = xg::sum(square).retain_grad();
  const xg::ToDotOptions both{/*show_values=*/true, /*show_grads=*/true};
  // Before the backward no tensor has a gradient.
  EXPECT_NE(xg::to_dot(y, both).find("x\\n[2]\\ndata [2, -0.5]\\ngrad none"), std::string::npos);
  y.backward(/*retain_graph=*/true);
  // dy/dx = 2x; the retained root has dy/dy = 1; the product in between kept no gradient.
  EXPECT_EQ(xg::to_dot(y, both),
            "digraph xgrad {\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  t0 [label=\"sum\\n[]\\ndata [4.25]\\ngrad [1]\", shape=box];\n"
            "  t1 [label=\"mul\\n[2]\\ndata [4, 0.25]\\ngrad none\", shape=box];\n"
            "  t2 [label=\"x\\n[2]\\ndata [2, -0.5]\\ngrad [4, -1]\", shape=ellipse];\n"
            "  t1 -> t0;\n"
            "  t2 -> t1;\n"
            "  t2 -> t1;\n"
            "}\n");
  xg::ToDotOptions grads_only;
  grads_only.show_grads = true;
  EXPECT_NE(xg::to_dot(y, grads_only).find("t2 [label=\"x\\n[2]\\ngrad [4, -1]\", shape=ellipse]"), std::string::npos);
  // The default shows no numbers, as before.
  EXPECT_EQ(xg::to_dot(y).find("data"), std::string::npos);
}

TEST(ToDot, LargeTensorsShowOnlyTheirElementCount) {
  xg::Tensor w = xg::ones({3, 4}, true).set_name("w");
  xg::ToDotOptions options;
  options.show_values = true;
  options.show_grads = true;
  EXPECT_EQ(xg::to_dot(w, options),
            "digraph xgrad {\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  t0 [label=\"w\\n[3, 4]\\ndata (12 elements)\\ngrad none\", shape=ellipse];\n"
            "}\n");
  options.max_elements = 12;
  EXPECT_NE(xg::to_dot(w, options).find("data [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"), std::string::npos);
}

TEST(ToDot, UndefinedTensorThrows) { EXPECT_THROW(xg::to_dot(xg::Tensor()), xg::Error); }

}  // namespace
