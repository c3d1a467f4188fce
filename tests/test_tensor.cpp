// Tensor handles, factories, the random generator and shape helpers.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <vector>

namespace {

TEST(Tensor, CopiesShareOneTensor) {
  xg::Tensor a = xg::tensor(xt::xarray<float>{1, 2, 3});
  xg::Tensor b = a;
  b.data()(1) = 20.0f;
  EXPECT_EQ(a.data()(1), 20.0f);
  EXPECT_EQ(a.id(), b.id());
}

TEST(Tensor, ShapeDimNumel) {
  xg::Tensor t = xg::zeros({2, 3, 4});
  EXPECT_EQ(t.shape(), (xg::Shape{2, 3, 4}));
  EXPECT_EQ(t.dim(), 3u);
  EXPECT_EQ(t.numel(), 24u);
}

TEST(Tensor, ItemOfOneElement) {
  EXPECT_EQ(xg::full({1, 1}, 2.5f).item(), 2.5f);
  try {
    (void)xg::zeros({2, 3}).item();
    FAIL() << "item on 6 elements must throw";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "item: expected a tensor with one element, got shape [2, 3] (6 elements)");
  }
}

TEST(Tensor, GradIsAbsentUntilBackward) {
  xg::Tensor x = xg::ones({2}, true);
  EXPECT_FALSE(x.has_grad());
  EXPECT_THROW((void)x.grad(), xg::Error);
  x.zero_grad();
  ASSERT_TRUE(x.has_grad());
  EXPECT_EQ(x.grad(), (xt::xarray<float>{0, 0}));
  x.zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(x.has_grad());
}

TEST(Tensor, UndefinedHandleThrowsClearly) {
  xg::Tensor undefined;
  EXPECT_FALSE(undefined.defined());
  try {
    (void)undefined.shape();
    FAIL();
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "shape: the tensor is undefined (default-constructed handle)");
  }
}

TEST(Tensor, PrintsValuesAndFlag) {
  std::ostringstream out;
  out << xg::tensor(xt::xarray<float>{1, 2}, true);
  EXPECT_EQ(out.str(), "tensor({ 1.,  2.}, requires_grad=true)");
}

TEST(Factories, FullOnesZerosArange) {
  EXPECT_EQ(xg::full({2, 2}, 7.0f).data(), (xt::xarray<float>{{7, 7}, {7, 7}}));
  EXPECT_EQ(xg::ones({3}).data(), (xt::xarray<float>{1, 1, 1}));
  EXPECT_EQ(xg::zeros_like(xg::ones({2, 1})).shape(), (xg::Shape{2, 1}));
  EXPECT_EQ(xg::arange(4).data(), (xt::xarray<float>{0, 1, 2, 3}));
  EXPECT_TRUE(xg::zeros({1}, true).requires_grad());
}

TEST(Generator, SameSeedSameNumbers) {
  xg::Generator a(42), b(42), c(43);
  const float first = a.uniform();
  EXPECT_EQ(first, b.uniform());
  EXPECT_NE(first, c.uniform());
  a.manual_seed(42);
  EXPECT_EQ(a.uniform(), first);
}

TEST(Generator, KnownStreamForSeedZero) {
  // SplitMix64's published first output for seed 0.
  xg::Generator g(0);
  EXPECT_EQ(g.next_u64(), 0xE220A8397B1DCDAFULL);
}

// fill_u64 is n calls of next_u64 at once: the same numbers, and the stream goes on from the same place.
TEST(Generator, FillGivesTheNextDrawsOfTheStream) {
  for (std::size_t n : {0u, 1u, 7u, 1000u}) {
    xg::Generator one_by_one(5), at_once(5);
    one_by_one.next_u64();  // both already some way into the stream
    at_once.next_u64();
    std::vector<std::uint64_t> filled(n + 1, 0);
    at_once.fill_u64(filled.data(), n);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(filled[i], one_by_one.next_u64()) << "n=" << n << " i=" << i;
    EXPECT_EQ(filled[n], 0u);  // nothing past n
    EXPECT_EQ(at_once.next_u64(), one_by_one.next_u64()) << "n=" << n;
  }
}

TEST(Generator, UniformAndNormalStatistics) {
  xg::Generator g(7);
  const int n = 200000;
  double sum_u = 0, sum_n = 0, sum_n2 = 0;
  float min_u = 1, max_u = 0;
  for (int i = 0; i < n; ++i) {
    const float u = g.uniform();
    min_u = std::min(min_u, u);
    max_u = std::max(max_u, u);
    sum_u += u;
    const float z = g.normal();
    sum_n += z;
    sum_n2 += double(z) * z;
  }
  EXPECT_GE(min_u, 0.0f);
  EXPECT_LT(max_u, 1.0f);
  EXPECT_NEAR(sum_u / n, 0.5, 0.003);
  EXPECT_NEAR(sum_n / n, 0.0, 0.01);
  EXPECT_NEAR(sum_n2 / n, 1.0, 0.01);
}

TEST(Generator, RandintCoversRangeEvenly) {
  xg::Generator g(3);
  std::vector<int> counts(5, 0);
  for (int i = 0; i < 50000; ++i) ++counts[g.randint(5)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
  EXPECT_THROW(g.randint(0), xg::Error);
}

TEST(Factories, RandomFactoriesFollowTheDefaultSeed) {
  xg::manual_seed(5);
  const xt::xarray<float> first = xg::randn({3, 3}).data();
  xg::manual_seed(5);
  EXPECT_EQ(xg::randn({3, 3}).data(), first);
  const xg::Tensor u = xg::uniform({1000}, -2.0f, 3.0f);
  EXPECT_GE(xt::amin(u.data())(), -2.0f);
  EXPECT_LT(xt::amax(u.data())(), 3.0f);
}

TEST(Shape, BroadcastShapes) {
  EXPECT_EQ(xg::broadcast_shapes("add", {3, 1}, {1, 4}), (xg::Shape{3, 4}));
  EXPECT_EQ(xg::broadcast_shapes("add", {4}, {2, 3, 4}), (xg::Shape{2, 3, 4}));
  EXPECT_EQ(xg::broadcast_shapes("add", {}, {2}), (xg::Shape{2}));
  // An empty dimension against 1 stays empty, as in NumPy (taking the larger size gave [1, 4]).
  EXPECT_EQ(xg::broadcast_shapes("add", {0, 4}, {4}), (xg::Shape{0, 4}));
  EXPECT_EQ(xg::broadcast_shapes("add", {1, 3}, {0, 1}), (xg::Shape{0, 3}));
  EXPECT_THROW(xg::broadcast_shapes("add", {0}, {2}), xg::Error);
  try {
    xg::broadcast_shapes("add", {2, 3}, {4});
    FAIL();
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "add: shapes [2, 3] and [4] do not broadcast: sizes 3 and 4 differ at dimension 1");
  }
}

}  // namespace
