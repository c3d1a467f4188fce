// core/vector_math: exp, log, tanh and erf over arrays (libmvec's AVX-512 or AVX2 versions where the
// machine has them, the scalar libm ones elsewhere) against the exact values, at every array length
// that leaves a partial last vector, and at the edges of each function's range.

#include <xgrad/core/vector_math.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using VectorFn = void (*)(const float*, float*, std::size_t);

struct Function {
  const char* name;
  VectorFn vectorized;
  double (*exact)(double);  // in double, then rounded to float: the correctly rounded result, nearly always
  float low, high;          // where the test draws its inputs
};

const Function kFunctions[] = {
    {"exp", xg::vector_math::exp, [](double v) { return std::exp(v); }, -87.0f, 88.0f},
    {"log", xg::vector_math::log, [](double v) { return std::log(v); }, 1e-30f, 1e30f},
    {"tanh", xg::vector_math::tanh, [](double v) { return std::tanh(v); }, -10.0f, 10.0f},
    {"erf", xg::vector_math::erf, [](double v) { return std::erf(v); }, -5.0f, 5.0f},
};

// How many floats lie between a and b (0: the same float).
std::int64_t ulps_apart(float a, float b) {
  auto ordered = [](float v) {
    std::int32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits < 0 ? -static_cast<std::int64_t>(bits & 0x7fffffff) : static_cast<std::int64_t>(bits);
  };
  return std::llabs(ordered(a) - ordered(b));
}

std::vector<float> draw(const Function& f, std::size_t n, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::vector<float> values(n);
  if (std::string(f.name) == "log") {  // spread over the exponents, not just near the top
    std::uniform_real_distribution<float> exponent(std::log(f.low), std::log(f.high));
    for (float& v : values) v = std::exp(exponent(engine));
  } else {
    std::uniform_real_distribution<float> uniform(f.low, f.high);
    for (float& v : values) v = uniform(engine);
  }
  return values;
}

TEST(VectorMath, WithinFourUlpOfTheExactValue) {
  std::printf("vector math: %s\n", xg::vector_math::implementation());
  for (const Function& f : kFunctions) {
    const std::vector<float> x = draw(f, 100000, 7);
    std::vector<float> y(x.size());
    f.vectorized(x.data(), y.data(), x.size());
    std::int64_t worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      worst = std::max(worst, ulps_apart(y[i], static_cast<float>(f.exact(x[i]))));
    }
    EXPECT_LE(worst, 4) << f.name;
  }
}

// 1 to 40 elements: none, one or two whole vectors of 8 or 16 and every partial last one. Each value
// comes out the same wherever it sits, in a whole vector or the partial one.
TEST(VectorMath, EveryLengthGivesTheSameValuesAsTheWholeArray) {
  for (const Function& f : kFunctions) {
    const std::vector<float> x = draw(f, 40, 11);
    std::vector<float> whole(x.size());
    f.vectorized(x.data(), whole.data(), x.size());
    for (std::size_t n = 1; n <= x.size(); ++n) {
      std::vector<float> part(n + 1, -1.0f);  // one element past the end must stay untouched
      f.vectorized(x.data() + (x.size() - n), part.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(part[i], whole[x.size() - n + i]) << f.name << " n=" << n << " i=" << i;
      }
      ASSERT_EQ(part[n], -1.0f) << f.name << " wrote past n=" << n;
    }
  }
}

TEST(VectorMath, InPlaceAndEmpty) {
  std::vector<float> x = {0.0f, 1.0f, -2.0f};
  xg::vector_math::tanh(x.data(), x.data(), x.size());
  EXPECT_EQ(x[0], 0.0f);
  EXPECT_LE(ulps_apart(x[1], static_cast<float>(std::tanh(1.0))), 4);
  EXPECT_LE(ulps_apart(x[2], static_cast<float>(std::tanh(-2.0))), 4);
  xg::vector_math::exp(nullptr, nullptr, 0);  // nothing to read or write
}

TEST(VectorMath, EdgesOfEachRange) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto apply = [](VectorFn f, std::vector<float> x) {
    f(x.data(), x.data(), x.size());
    return x;
  };
  const std::vector<float> exp = apply(xg::vector_math::exp, {0.0f, -inf, inf, 89.0f, -104.0f, nan});
  EXPECT_EQ(exp[0], 1.0f);
  EXPECT_EQ(exp[1], 0.0f);
  EXPECT_EQ(exp[2], inf);
  EXPECT_EQ(exp[3], inf);   // overflows, as PyTorch's does: sigmoid relies on it
  EXPECT_EQ(exp[4], 0.0f);  // underflows
  EXPECT_TRUE(std::isnan(exp[5]));
  const std::vector<float> log = apply(xg::vector_math::log, {1.0f, 0.0f, -1.0f, inf, nan});
  EXPECT_EQ(log[0], 0.0f);
  EXPECT_EQ(log[1], -inf);
  EXPECT_TRUE(std::isnan(log[2]));
  EXPECT_EQ(log[3], inf);
  EXPECT_TRUE(std::isnan(log[4]));
  const std::vector<float> tanh = apply(xg::vector_math::tanh, {0.0f, 20.0f, -20.0f, inf, -inf, nan});
  EXPECT_EQ(std::vector<float>(tanh.begin(), tanh.begin() + 5), (std::vector<float>{0.0f, 1.0f, -1.0f, 1.0f, -1.0f}));
  EXPECT_TRUE(std::isnan(tanh[5]));
  const std::vector<float> erf = apply(xg::vector_math::erf, {0.0f, 6.0f, -6.0f, inf, -inf, nan});
  EXPECT_EQ(std::vector<float>(erf.begin(), erf.begin() + 5), (std::vector<float>{0.0f, 1.0f, -1.0f, 1.0f, -1.0f}));
  EXPECT_TRUE(std::isnan(erf[5]));
}

}  // namespace
