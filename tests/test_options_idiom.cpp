// XG_ARG (core/options.hpp): one line per option gives a typed default, a chained setter and a getter.

#include <xgrad/core/options.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>

namespace {

struct ExampleOptions {
  using Pair = std::tuple<double, double>;
  explicit ExampleOptions(int width) : width_(width) {}  // a required option comes through the constructor
  XG_ARG(int, width, 0);
  XG_ARG(double, rate, 0.5);
  XG_ARG(bool, enabled, true);
  XG_ARG(Pair, pair, {0.9, 0.999});
  XG_ARG(std::optional<int>, limit, std::nullopt);
  XG_ARG(std::string, name, "plain");
};

TEST(OptionsIdiom, DefaultsSettersAndGetters) {
  const ExampleOptions defaults(3);
  EXPECT_EQ(defaults.width(), 3);
  EXPECT_EQ(defaults.rate(), 0.5);
  EXPECT_TRUE(defaults.enabled());
  EXPECT_EQ(defaults.pair(), ExampleOptions::Pair(0.9, 0.999));
  EXPECT_FALSE(defaults.limit().has_value());
  EXPECT_EQ(defaults.name(), "plain");

  // Setters chain and keep the struct's type, so a chain can end in a getter.
  const ExampleOptions set = ExampleOptions(1).rate(0.25).enabled(false).limit(7).pair({0.5, 0.75}).name("x");
  EXPECT_EQ(set.rate(), 0.25);
  EXPECT_FALSE(set.enabled());
  EXPECT_EQ(set.limit(), std::optional<int>(7));
  EXPECT_EQ(set.pair(), ExampleOptions::Pair(0.5, 0.75));
  EXPECT_EQ(set.name(), "x");
  EXPECT_EQ(ExampleOptions(1).limit(4).limit(std::nullopt).limit(), std::nullopt);
}

// A pointer option (a borrowed object, as DataLoaderOptions' generator): the setter and getter take the
// pointer itself, not a pointer to const (the macro writes `T const&` for that reason).
struct BorrowingOptions {
  XG_ARG(int*, target, nullptr);
};

TEST(OptionsIdiom, APointerOptionKeepsItsTargetWritable) {
  int value = 1;
  const BorrowingOptions options = BorrowingOptions().target(&value);
  EXPECT_EQ(BorrowingOptions().target(), nullptr);
  ASSERT_EQ(options.target(), &value);
  *options.target() = 5;
  EXPECT_EQ(value, 5);
}

}  // namespace
