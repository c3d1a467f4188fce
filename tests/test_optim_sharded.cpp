// A sharded step (Optimizer::set_value_ranges, what distributed/sharded_optimizer.hpp uses): each
// element-wise optimizer updates exactly its range of each parameter, with the bits of a whole step
// there, and leaves the rest of the parameter and of its state buffers as they were; the refusals.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;
using xg_test::error_message;

using MakeOptimizer = std::function<std::unique_ptr<Optimizer>(std::vector<xg::Tensor>)>;

template <class Kind, class Options>
MakeOptimizer make(Options options) {
  return [options](std::vector<xg::Tensor> params) { return std::make_unique<Kind>(std::move(params), options); };
}

// Every OptimizerWith optimizer, with options that use all of its state buffers.
std::vector<MakeOptimizer> element_wise_optimizers() {
  return {make<SGD>(SGDOptions(0.1).momentum(0.9).weight_decay(0.01)),
          make<Adam>(AdamOptions(0.01).weight_decay(0.01).amsgrad(true)),
          make<AdamW>(AdamWOptions(0.01).weight_decay(0.05)),
          make<Adamax>(AdamaxOptions(0.01)),
          make<Adagrad>(AdagradOptions(0.1).initial_accumulator_value(0.1)),
          make<Adadelta>(AdadeltaOptions(1.0).weight_decay(0.01)),
          make<NAdam>(NAdamOptions(0.01)),
          make<RAdam>(RAdamOptions(0.01)),
          make<RMSprop>(RMSpropOptions(0.01).momentum(0.9).centered(true))};
}

// A 3 x 5 weight and a 7-vector, values and gradients from a seed (the same for every copy).
std::vector<xg::Tensor> parameters() {
  xg::Generator generator(4);
  return {xg::randn({3, 5}, generator, true), xg::randn({7}, generator, true)};
}

void set_gradients(std::vector<xg::Tensor>& params, int step) {
  xg::Generator generator(100 + static_cast<std::uint64_t>(step));
  for (xg::Tensor& p : params) p.mutable_grad() = xg::randn(p.shape(), generator).data();
}

bool same_floats(const float* a, const float* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

TEST(OptimSharded, EachOptimizerUpdatesExactlyItsRangeWithTheWholeStepsBits) {
  // Cut inside both tensors: values [4, 11) of the weight, [0, 3) of the vector, nothing else.
  const std::vector<ValueRange> ranges = {{4, 11}, {0, 3}};
  for (const MakeOptimizer& make_optimizer : element_wise_optimizers()) {
    std::vector<xg::Tensor> whole_params = parameters(), sharded_params = parameters();
    const std::vector<xg::Tensor> start = parameters();
    auto whole = make_optimizer(whole_params);
    auto sharded = make_optimizer(sharded_params);
    sharded->set_value_ranges({{sharded_params[0].id(), ranges[0]}, {sharded_params[1].id(), ranges[1]}});
    ASSERT_TRUE(sharded->sharded());
    for (int step = 0; step < 3; ++step) {
      set_gradients(whole_params, step);
      set_gradients(sharded_params, step);
      whole->step();
      sharded->step();
    }
    SCOPED_TRACE(whole->name());
    for (std::size_t i = 0; i < 2; ++i) {
      const ValueRange r = ranges[i];
      const float* got = sharded_params[i].data().data();
      const float* want = whole_params[i].data().data();
      const float* before = start[i].data().data();
      const std::size_t n = sharded_params[i].numel();
      EXPECT_TRUE(same_floats(got + r.begin, want + r.begin, r.size())) << "parameter " << i << " in its range";
      EXPECT_TRUE(same_floats(got, before, r.begin)) << "parameter " << i << " before its range";
      EXPECT_TRUE(same_floats(got + r.end, before + r.end, n - r.end)) << "parameter " << i << " after its range";
      const OptimizerParamState& whole_state = *whole->state(whole_params[i]);
      const OptimizerParamState& sharded_state = *sharded->state(sharded_params[i]);
      EXPECT_EQ(sharded_state.step, 3);
      ASSERT_EQ(sharded_state.buffers.size(), whole_state.buffers.size());
      for (const auto& [name, buffer] : whole_state.buffers) {
        const xg::Array& mine = sharded_state.buffers.at(name);
        if (buffer.dimension() == 0) {  // a per-parameter number (NAdam's mu_product): every rank's
          EXPECT_EQ(*mine.data(), *buffer.data()) << name;
        } else {
          EXPECT_TRUE(same_floats(mine.data() + r.begin, buffer.data() + r.begin, r.size())) << name;
        }
      }
    }
  }
}

TEST(OptimSharded, EmptyRangesMakeStepsWholeAgain) {
  std::vector<xg::Tensor> whole_params = parameters(), params = parameters();
  AdamW whole(whole_params, AdamWOptions(0.01));
  AdamW optimizer(params, AdamWOptions(0.01));
  optimizer.set_value_ranges({{params[0].id(), {0, 2}}, {params[1].id(), {0, 0}}});
  optimizer.set_value_ranges({});
  EXPECT_FALSE(optimizer.sharded());
  set_gradients(whole_params, 0);
  set_gradients(params, 0);
  whole.step();
  optimizer.step();
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(same_floats(params[i].data().data(), whole_params[i].data().data(), params[i].numel()));
  }
}

TEST(OptimSharded, RefusesWhatItCannotShard) {
  std::vector<xg::Tensor> params = parameters();
  SGD sgd(params, SGDOptions(0.1));
  EXPECT_EQ(error_message([&] {
              sgd.set_value_ranges({{params[1].id(), {2, 8}}});
            }),
            "SGD.set_value_ranges: parameter 1 has 7 values, got the range [2, 8)");
  EXPECT_FALSE(sgd.sharded());
  // A parameter with a gradient but no range: refused at the step, before anything changes.
  sgd.set_value_ranges({{params[0].id(), {0, 15}}});
  set_gradients(params, 0);
  const xg::Array before = params[0].data();
  EXPECT_EQ(error_message([&] { sgd.step(); }),
            "SGD.step: parameter 1 of shape [7] has a gradient but no range of values to update in this sharded "
            "optimizer");
  EXPECT_EQ(params[0].data(), before);
  LBFGS lbfgs(params);
  EXPECT_EQ(error_message([&] {
              lbfgs.set_value_ranges({{params[0].id(), {0, 15}}});
            }),
            "LBFGS.set_value_ranges: a sharded step needs an optimizer that updates each value on its own (SGD, "
            "Adam, AdamW, ...), LBFGS does not");
}

}  // namespace
