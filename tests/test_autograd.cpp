// The backward engine: gradients, accumulation, graph lifetime, grad mode, deep graphs.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using xt::xarray;

TEST(Autograd, DesignExampleGradientIsTwoXPlusTwo) {
  xg::Tensor x = xg::tensor(xarray<float>{{1, 2}, {3, 4}}, true);
  xg::Tensor y = xg::sum(x * x + 2.0f * x);
  EXPECT_EQ(y.item(), 1 + 2 + 4 + 4 + 9 + 6 + 16 + 8);
  y.backward();
  EXPECT_EQ(x.grad(), (xarray<float>{{4, 6}, {8, 10}}));
}

TEST(Autograd, LeafGradientsAccumulateAcrossBackwardCalls) {
  xg::Tensor x = xg::tensor(xarray<float>{1, -2}, true);
  xg::sum(x * 3.0f).backward();
  xg::sum(x * 3.0f).backward();
  EXPECT_EQ(x.grad(), (xarray<float>{6, 6}));
  x.zero_grad();
  xg::sum(x * x).backward();
  EXPECT_EQ(x.grad(), (xarray<float>{2, -4}));
}

TEST(Autograd, ATensorUsedTwiceGetsBothContributions) {
  xg::Tensor x = xg::tensor(xarray<float>{3}, true);
  xg::Tensor y = x * x * x;  // 3x^2 = 27
  xg::sum(y).backward();
  EXPECT_EQ(x.grad(), (xarray<float>{27}));
}

TEST(Autograd, NonLeafGradientOnlyWithRetainGrad) {
  xg::Tensor x = xg::tensor(xarray<float>{1, 2}, true);
  xg::Tensor hidden = x * 2.0f;
  xg::Tensor kept = hidden + 1.0f;
  kept.retain_grad();
  xg::sum(kept * kept).backward();
  EXPECT_FALSE(hidden.has_grad());
  ASSERT_TRUE(kept.has_grad());
  EXPECT_EQ(kept.grad(), (xarray<float>{6, 10}));  // 2 * (2x + 1)
  EXPECT_EQ(x.grad(), (xarray<float>{12, 20}));
  EXPECT_FALSE(hidden.is_leaf());
  EXPECT_TRUE(x.is_leaf());
}

TEST(Autograd, RetainGraphAllowsASecondBackward) {
  xg::Tensor x = xg::tensor(xarray<float>{2}, true);
  xg::Tensor y = xg::sum(x * x);
  y.backward(/*retain_graph=*/true);
  y.backward();
  EXPECT_EQ(x.grad(), (xarray<float>{8}));
}

TEST(Autograd, SecondBackwardThroughAFreedGraphThrows) {
  xg::Tensor x = xg::tensor(xarray<float>{2}, true);
  xg::Tensor y = xg::sum(x * x);
  y.backward();
  try {
    y.backward();
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("backward: trying to go through the graph of 'sum' a second time"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(x.grad(), (xarray<float>{4}));  // the failed call changed nothing
}

TEST(Autograd, AFailedBackwardThroughAPartlyFreedGraphChangesNoGradient) {
  xg::Tensor x = xg::tensor(xarray<float>{2}, true);
  xg::Tensor y = x * 3.0f;
  xg::sum(y).backward();  // frees y's node
  EXPECT_EQ(x.grad(), (xarray<float>{3}));
  xg::Tensor z = y * x;  // a live node on top of the freed one
  try {
    xg::sum(z).backward();
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("the graph of 'mul_scalar' a second time"), std::string::npos) << e.what();
  }
  // z's node would have handed x its share (y = 6) before reaching the freed node: nothing may move.
  EXPECT_EQ(x.grad(), (xarray<float>{3}));
}

TEST(Autograd, NoGradGuardRecordsNothing) {
  xg::Tensor x = xg::ones({2}, true);
  {
    xg::NoGradGuard no_grad;
    xg::Tensor y = x * 2.0f;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
  }
  EXPECT_TRUE((x * 2.0f).requires_grad());
}

TEST(Autograd, DetachCutsTheGraph) {
  xg::Tensor x = xg::tensor(xarray<float>{3}, true);
  xg::Tensor y = x * x;
  xg::Tensor frozen = y.detach();
  EXPECT_FALSE(frozen.requires_grad());
  EXPECT_TRUE(frozen.is_leaf());
  xg::sum(frozen * x).backward();  // d/dx (9 * x) with 9 treated as a constant
  EXPECT_EQ(x.grad(), (xarray<float>{9}));
}

TEST(Autograd, ExplicitGradientForNonScalarOutput) {
  xg::Tensor x = xg::tensor(xarray<float>{1, 2, 3}, true);
  xg::Tensor y = x * x;
  EXPECT_THROW(y.backward(), xg::Error);
  y.backward(xarray<float>{1.0f, 10.0f, 100.0f});
  EXPECT_EQ(x.grad(), (xarray<float>{2, 40, 600}));
  try {
    (x * x).backward(xarray<float>{1.0f, 2.0f});
    FAIL();
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "backward: expected a gradient of shape [3], got [2]");
  }
}

// backward(grad) reads the caller's array in place, unless the pass writes to it: a seed that is a
// gradient of the same graph is copied first, so every product reads the values it was given.
TEST(Autograd, ASeedThatIsAGradientOfTheGraphIsReadBeforeItChanges) {
  xg::Tensor a = xg::tensor(xarray<float>{{1, 2}, {3, 4}}, true);
  xg::Tensor b = xg::tensor(xarray<float>{{1, 1}, {0, 2}}, true);
  a.set_grad(xarray<float>{{1, 0}, {0, 1}});
  xg::matmul(a, b).backward(a.grad());  // G = the identity, then a.grad += G B^T in place
  EXPECT_EQ(a.grad(), (xarray<float>{{2, 0}, {1, 3}}));
  EXPECT_EQ(b.grad(), (xarray<float>{{1, 3}, {2, 4}}));  // A^T G, G still the identity

  // The root's own retained gradient as the seed: it doubles, but the inputs get the old one.
  xg::Tensor x = xg::tensor(xarray<float>{1, 2}, true);
  xg::Tensor y = x * 3.0f;
  y.retain_grad();
  y.backward(xarray<float>{1, 10}, /*retain_graph=*/true);
  y.backward(y.grad());
  EXPECT_EQ(y.grad(), (xarray<float>{2, 20}));
  EXPECT_EQ(x.grad(), (xarray<float>{6, 60}));
}

// The seed of a pass that does not write it is not copied, and stays as it was.
TEST(Autograd, AnUnrelatedSeedIsLeftUnchanged) {
  xg::Tensor a = xg::tensor(xarray<float>{{1, 2}, {3, 4}}, true);
  xg::Tensor other = xg::tensor(xarray<float>{{1, 0}, {0, 1}}, true);
  other.set_grad(xarray<float>{{1, 0}, {0, 1}});
  xg::matmul(a, a).backward(other.grad());
  EXPECT_EQ(other.grad(), (xarray<float>{{1, 0}, {0, 1}}));
  EXPECT_EQ(a.grad(), (xarray<float>{{2, 6}, {4, 8}}));  // G A^T + A^T G = 2 A^T
}

TEST(Autograd, BackwardOnATensorWithoutGradThrows) {
  xg::Tensor x = xg::ones({1});
  EXPECT_THROW((x * 2.0f).backward(), xg::Error);
}

TEST(Autograd, HundredThousandOpChainNeitherOverflowsNorLeaks) {
  xg::Tensor x = xg::tensor(xarray<float>{1}, true);
  xg::Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0f + 0.0f;
  xg::sum(y).backward();
  EXPECT_EQ(x.grad(), (xarray<float>{1}));
  // And a chain that is never differentiated is freed without recursion when it goes out of scope.
  xg::Tensor z = x;
  for (int i = 0; i < 100000; ++i) z = z + 1.0f;
  EXPECT_EQ(z.item(), 100001.0f);
}

// Every tensor impl in the graph behind `output` (including output itself), walked without recursion.
std::vector<std::weak_ptr<xg::TensorImpl>> graph_tensors(const xg::Tensor& output) {
  std::vector<std::weak_ptr<xg::TensorImpl>> found;
  std::vector<std::shared_ptr<xg::TensorImpl>> stack = {output.impl()};
  while (!stack.empty()) {
    std::shared_ptr<xg::TensorImpl> impl = stack.back();
    stack.pop_back();
    found.push_back(impl);
    if (impl->grad_fn) {
      for (const xg::Tensor& input : impl->grad_fn->inputs) stack.push_back(input.impl());
    }
  }
  return found;
}

// The tensors among `tensors` still alive.
std::set<const xg::TensorImpl*> alive(const std::vector<std::weak_ptr<xg::TensorImpl>>& tensors) {
  std::set<const xg::TensorImpl*> result;
  for (const auto& tensor : tensors) {
    if (const auto impl = tensor.lock()) result.insert(impl.get());
  }
  return result;
}

// A graph that uses every op once, on the leaves x [2, 3] and w [3, 3].
xg::Tensor every_op(const xg::Tensor& x, const xg::Tensor& w) {
  xg::Tensor h = xg::gelu(xg::matmul(x, w) + 1.0f) - xg::tanh(x) * xg::sigmoid(x) / (2.0f - xg::relu(x));
  h = xg::leaky_relu(h) + xg::exp(-h) * xg::log(xg::abs(h) + 1.0f) + xg::sqrt(xg::pow(h, 2.0f) + 1.0f);
  h = xg::clamp(h, -3.0f, 3.0f) * 0.5f + xg::softmax(h, 0) + xg::log_softmax(h, 1) - (h - 1.0f) / 2.0f;
  h = xg::transpose(xg::index_select(xg::reshape(h, {3, 2}), {2, 0, 2})) + 2.0f / (xg::mean(h, 0) + 5.0f).sum();
  return xg::sum(h, 1, true).mean() + xg::max(h) + xg::max(h, 0).mean(0) + xg::sum(h) + xg::mean(h, -1).sum();
}

TEST(Autograd, BackwardFreesTheGraphBehindTheOutput) {
  xg::Generator g(3);
  xg::Tensor x = xg::randn({2, 3}, g, true);
  xg::Tensor w = xg::randn({3, 3}, g, true);
  xg::Tensor loss = every_op(x, w);
  const std::vector<std::weak_ptr<xg::TensorImpl>> tensors = graph_tensors(loss);
  ASSERT_GT(tensors.size(), 60u);
  const std::weak_ptr<xg::Node> node = loss.grad_fn();
  loss.backward();
  // Every intermediate is gone although loss is alive: only it and the leaves remain.
  EXPECT_EQ(alive(tensors), (std::set<const xg::TensorImpl*>{loss.id(), x.id(), w.id()}));
  loss = xg::Tensor();
  EXPECT_TRUE(node.expired());
  EXPECT_TRUE(x.has_grad());
  EXPECT_TRUE(w.has_grad());
}

TEST(Autograd, ARetainedGraphIsFreedWithItsOutput) {
  xg::Generator g(4);
  xg::Tensor x = xg::randn({2, 3}, g, true);
  xg::Tensor w = xg::randn({3, 3}, g, true);
  std::vector<std::weak_ptr<xg::TensorImpl>> tensors;
  std::weak_ptr<xg::TensorImpl> hidden;
  {
    xg::Tensor h = xg::tanh(xg::matmul(x, w));
    hidden = h.impl();
    xg::Tensor loss = every_op(h, w);
    tensors = graph_tensors(loss);
    loss.backward(/*retain_graph=*/true);
    loss.backward();
    EXPECT_FALSE(hidden.expired());  // h itself is still in scope
  }
  EXPECT_TRUE(hidden.expired());
  EXPECT_EQ(alive(tensors), (std::set<const xg::TensorImpl*>{x.id(), w.id()}));
}

TEST(Autograd, AGraphNeverDifferentiatedIsFreedWithItsOutput) {
  xg::Tensor x = xg::ones({2, 3}, true);
  xg::Tensor w = xg::ones({3, 3}, true);
  std::vector<std::weak_ptr<xg::TensorImpl>> tensors;
  {
    xg::Tensor loss = every_op(x, w);
    tensors = graph_tensors(loss);
  }
  EXPECT_EQ(alive(tensors), (std::set<const xg::TensorImpl*>{x.id(), w.id()}));
  EXPECT_EQ(x.impl().use_count(), 1);  // no node anywhere still holds the leaves
  EXPECT_EQ(w.impl().use_count(), 1);
}

TEST(Autograd, BroadcastGradientsSumBackToInputShapes) {
  xarray<float> column = {1, 2, 3};
  column.reshape({3, 1});
  xg::Tensor a = xg::tensor(column, true);                           // [3, 1]
  xg::Tensor b = xg::tensor(xarray<float>{{10, 20, 30, 40}}, true);  // [1, 4]
  xg::sum(a * b).backward();
  EXPECT_EQ(a.grad().shape(), column.shape());
  EXPECT_EQ(a.grad(), xt::full_like(column, 100.0f));
  EXPECT_EQ(b.grad(), (xarray<float>{{6, 6, 6, 6}}));
}

TEST(Autograd, MismatchedShapesNameTheOp) {
  try {
    (void)(xg::ones({2, 3}) + xg::ones({4}));
    FAIL();
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "add: shapes [2, 3] and [4] do not broadcast: sizes 3 and 4 differ at dimension 1");
  }
}

TEST(Matmul, ValuesAndGradients) {
  xg::Tensor a = xg::tensor(xarray<float>{{1, 2, 3}, {4, 5, 6}}, true);    // [2, 3]
  xg::Tensor b = xg::tensor(xarray<float>{{1, 0}, {0, 1}, {1, 1}}, true);  // [3, 2]
  xg::Tensor c = xg::matmul(a, b);
  EXPECT_EQ(c.data(), (xarray<float>{{4, 5}, {10, 11}}));
  xg::sum(c).backward();
  EXPECT_EQ(a.grad(), (xarray<float>{{1, 1, 2}, {1, 1, 2}}));    // G B^T with G = ones
  EXPECT_EQ(b.grad(), (xarray<float>{{5, 5}, {7, 7}, {9, 9}}));  // A^T G
}

// With a gradient already there (as after zero_grad()), matmul's backward adds its products into it
// in place (sgemm with beta = 1): same values, same buffer.
TEST(Matmul, GradientsAddIntoExistingGradientsInPlace) {
  xg::Tensor a = xg::tensor(xarray<float>{{1, 2, 3}, {4, 5, 6}}, true);    // [2, 3]
  xg::Tensor b = xg::tensor(xarray<float>{{1, 0}, {0, 1}, {1, 1}}, true);  // [3, 2]
  a.set_grad(xarray<float>{{10, 20, 30}, {40, 50, 60}});
  b.set_grad(xarray<float>{{-1, -2}, {-3, -4}, {-5, -6}});
  const float* a_buffer = a.grad().data();
  const float* b_buffer = b.grad().data();
  xg::sum(xg::matmul(a, b)).backward();
  EXPECT_EQ(a.grad(), (xarray<float>{{11, 21, 32}, {41, 51, 62}}));  // + G B^T
  EXPECT_EQ(b.grad(), (xarray<float>{{4, 3}, {4, 3}, {4, 3}}));      // + A^T G
  EXPECT_EQ(a.grad().data(), a_buffer);
  EXPECT_EQ(b.grad().data(), b_buffer);
}

// A non-leaf read by two products gets the second share added in place to the first.
TEST(Matmul, ANonLeafReadTwiceGetsBothShares) {
  xg::Tensor a = xg::tensor(xarray<float>{{1, 2}, {3, 4}}, true);
  const xg::Tensor x = a * 2.0f;  // non-leaf: its gradient is gathered during the pass
  const xg::Tensor b = xg::tensor(xarray<float>{{1, 0}, {0, 1}});
  const xg::Tensor c = xg::tensor(xarray<float>{{2, 1}, {1, 2}});
  xg::sum(xg::matmul(x, b) + xg::matmul(x, c)).backward();
  // dL/dx = ones B^T + ones C^T = [[1, 1], [1, 1]] + [[3, 3], [3, 3]]; dL/da = 2 dL/dx.
  EXPECT_EQ(a.grad(), (xarray<float>{{8, 8}, {8, 8}}));
}

// Empty sizes never reach BLAS (it rejects leading dimensions of 0): an empty inner dimension gives
// a zero product, and the gradients keep their inputs' shapes.
TEST(Matmul, EmptyDimensionsGiveZeroProductsAndShapedGradients) {
  xg::Tensor a = xg::zeros({2, 0}, true), b = xg::zeros({0, 3}, true);
  const xg::Tensor c = xg::matmul(a, b);
  EXPECT_EQ(c.data(), (xarray<float>{{0, 0, 0}, {0, 0, 0}}));
  xg::sum(c).backward();
  EXPECT_EQ(a.grad().shape(), (std::vector<std::size_t>{2, 0}));
  EXPECT_EQ(b.grad().shape(), (std::vector<std::size_t>{0, 3}));

  xg::Tensor none = xg::zeros({0, 4}, true), w = xg::ones({4, 3}, true);
  w.set_grad(xarray<float>::from_shape({4, 3}));
  w.mutable_grad().fill(5.0f);  // a gradient already there keeps its values: nothing is added to it
  const xg::Tensor empty = xg::matmul(none, w);
  EXPECT_EQ(empty.shape(), (xg::Shape{0, 3}));
  xg::sum(empty).backward();
  EXPECT_EQ(w.grad(), (xarray<float>{{5, 5, 5}, {5, 5, 5}, {5, 5, 5}, {5, 5, 5}}));
  xg::Tensor fresh = xg::ones({4, 3}, true);
  xg::sum(xg::matmul(none, fresh)).backward();
  EXPECT_EQ(fresh.grad(), (xarray<float>{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}));
}

TEST(Matmul, InnerDimensionMismatchMessage) {
  try {
    (void)xg::matmul(xg::zeros({32, 784}), xg::zeros({256, 10}));
    FAIL();
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "matmul: cannot multiply [32, 784] by [256, 10]: inner dimensions 784 and 256 differ");
  }
}

TEST(Gradcheck, MatmulAndBroadcastArithmetic) {
  xg::Generator g(1);
  auto a = xg::randn({3, 4}, g, true);
  auto b = xg::randn({4, 5}, g, true);
  auto bias = xg::randn({5}, g, true);
  auto report =
      xg::gradcheck([](const std::vector<xg::Tensor>& in) { return xg::matmul(in[0], in[1]) + in[2]; }, {a, b, bias});
  EXPECT_TRUE(report) << report.message;
  EXPECT_EQ(report.elements_checked, 12u + 20u + 5u);
}

TEST(Gradcheck, DetectsAWrongGradient) {
  // pow's forward with a wrong claim: feed gradcheck a function whose backward is deliberately not
  // its derivative (detach hides x from the graph in one factor).
  auto x = xg::tensor(xarray<float>{0.5f, 1.5f, -2.0f}, true);
  auto report = xg::gradcheck([](const std::vector<xg::Tensor>& in) { return in[0] * in[0].detach(); }, {x});
  EXPECT_FALSE(report);
  EXPECT_NE(report.message.find("FAILED"), std::string::npos) << report.message;
}

// Post-accumulate-grad hooks (what distributed's BackwardAllReduce starts its buckets from).
TEST(Autograd, PostAccumulateGradHookSeesTheFinalGradientOncePerPass) {
  // w is used by two ops, far apart in the order: the hook must wait for both contributions.
  xg::Tensor w = xg::tensor(xarray<float>{1.0f, 2.0f}, true);
  xg::Tensor b = xg::tensor(xarray<float>{0.5f, 0.5f}, true);
  std::vector<std::pair<std::string, std::vector<float>>> calls;
  auto record = [&calls](const std::string& name) {
    return [&calls, name](const xg::Tensor& leaf) {
      calls.emplace_back(name, std::vector<float>(leaf.grad().begin(), leaf.grad().end()));
    };
  };
  w.register_post_accumulate_grad_hook(record("w"));
  b.register_post_accumulate_grad_hook(record("b"));
  xg::Tensor y = xg::sum(xg::exp(w * 3.0f + b) + w * w);  // dy/dw = 3 exp(3w + b) + 2w, dy/db = exp(3w + b)
  y.backward();
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(calls[0].first, "b");  // b's last use comes before w's (w * w is the root's other input)
  EXPECT_FLOAT_EQ(calls[0].second[1], std::exp(6.5f));
  ASSERT_EQ(calls[1].first, "w");
  EXPECT_FLOAT_EQ(calls[1].second[0], 3.0f * std::exp(3.5f) + 2.0f);
  EXPECT_FLOAT_EQ(calls[1].second[1], 3.0f * std::exp(6.5f) + 4.0f);
}

TEST(Autograd, PostAccumulateGradHookCanBeRemovedAndIsOnlyForLeaves) {
  xg::Tensor w = xg::tensor(xarray<float>{1.0f}, true);
  int calls = 0;
  const std::size_t id = w.register_post_accumulate_grad_hook([&calls](const xg::Tensor&) { ++calls; });
  xg::sum(w * 2.0f).backward();
  EXPECT_EQ(calls, 1);
  w.remove_post_accumulate_grad_hook(id);
  xg::sum(w * 2.0f).backward();
  EXPECT_EQ(calls, 1);
  xg::Tensor made = w * 2.0f;
  try {
    made.register_post_accumulate_grad_hook([](const xg::Tensor&) {});
    FAIL() << "a non-leaf took a hook";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(),
                 "register_post_accumulate_grad_hook: expected a leaf that requires grad, got the result of an op");
  }
}

}  // namespace
