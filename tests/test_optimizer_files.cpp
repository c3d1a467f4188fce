// Optimizer state files written by earlier code load: tests/data/optimizers/ holds one file per
// optimizer (every hyperparameter off its default), made once by tests/data/make_optimizer_files.cpp
// with the code of the commit named in tests/data/README.md, before the options moved to XG_ARG, and
// never regenerated. Each loads into an optimizer built with the defaults; then its options, step counts
// and buffers must be those the same run gives today (bit for bit), and saving again must give the
// file's bytes.

#include "data/optimizer_files_recipe.hpp"
#include "data_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace {

using xg::optim::Optimizer;

std::string committed(const std::string& name) { return std::string(XGRAD_TEST_DATA_DIR) + "/" + name; }

std::string bytes_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool same_bits(const xg::Array& a, const xg::Array& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class OptimizerFiles : public testing::TestWithParam<xg_files::Recipe> {};

TEST_P(OptimizerFiles, LoadTheRunsOptionsStepsAndBuffers) {
  const xg_files::Recipe& recipe = GetParam();
  xg_files::OptimizerRun expected = recipe.make(/*defaults=*/false);
  xg_files::run_recipe(recipe, expected);

  xg_files::OptimizerRun loaded = recipe.make(/*defaults=*/true);
  ASSERT_NE(loaded.optimizer->param_groups()[0].options().hyperparameters(),
            expected.optimizer->param_groups().back().options().hyperparameters());
  loaded.optimizer->load(committed(recipe.file));

  const auto& groups = loaded.optimizer->param_groups();
  ASSERT_EQ(groups.size(), expected.optimizer->param_groups().size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    EXPECT_EQ(groups[g].options().hyperparameters(), expected.optimizer->param_groups()[g].options().hyperparameters())
        << "group " << g;
  }
  ASSERT_EQ(loaded.optimizer->state_size(), expected.optimizer->state_size());
  for (std::size_t i = 0; i < loaded.params.size(); ++i) {
    const xg::optim::OptimizerParamState* got = loaded.optimizer->state(loaded.params[i]);
    const xg::optim::OptimizerParamState* want = expected.optimizer->state(expected.params[i]);
    ASSERT_EQ(got == nullptr, want == nullptr) << "parameter " << i;
    if (want == nullptr) continue;
    EXPECT_EQ(got->step, want->step) << "parameter " << i;
    ASSERT_EQ(got->buffers.size(), want->buffers.size()) << "parameter " << i;
    for (const auto& [name, buffer] : want->buffers) {
      ASSERT_EQ(got->buffers.count(name), 1u) << name;
      EXPECT_TRUE(same_bits(got->buffers.at(name), buffer)) << "parameter " << i << ", " << name;
    }
  }
}

TEST_P(OptimizerFiles, SaveBackToTheSameBytes) {
  const xg_files::Recipe& recipe = GetParam();
  xg_files::OptimizerRun loaded = recipe.make(/*defaults=*/true);
  loaded.optimizer->load(committed(recipe.file));
  std::ostringstream again;
  loaded.optimizer->save(again);
  const std::string original = bytes_of_file(committed(recipe.file));
  ASSERT_GT(original.size(), 0u);
  EXPECT_EQ(again.str(), original);
}

// The typed options of a few files, read back through each optimizer's getters.
TEST(OptimizerFilesTyped, LBFGSKeepsItsIntegersAndItsLineSearch) {
  xg_files::OptimizerRun loaded = xg_files::lbfgs_run(xg::optim::LBFGSOptions());
  loaded.optimizer->load(committed("optimizers/lbfgs.xgrad.optim"));
  const auto& options = static_cast<const xg::optim::LBFGSOptions&>(loaded.optimizer->param_groups()[0].options());
  EXPECT_EQ(options.lr(), 0.5);
  EXPECT_EQ(options.max_iter(), 4);
  EXPECT_EQ(options.max_eval(), std::optional<int>(7));
  EXPECT_EQ(options.tolerance_grad(), 1e-6);
  EXPECT_EQ(options.tolerance_change(), 1e-8);
  EXPECT_EQ(options.history_size(), 3);
  EXPECT_EQ(options.line_search_fn(), std::optional<std::string>("strong_wolfe"));
}

TEST(OptimizerFilesTyped, RMSpropKeepsItsFlags) {
  xg_files::OptimizerRun loaded =
      xg_files::two_groups<xg::optim::RMSprop>(xg::optim::RMSpropOptions(), xg::optim::RMSpropOptions());
  loaded.optimizer->load(committed("optimizers/rmsprop.xgrad.optim"));
  const auto& options = static_cast<const xg::optim::RMSpropOptions&>(loaded.optimizer->param_groups()[1].options());
  EXPECT_EQ(options.lr(), 0.03);
  EXPECT_EQ(options.alpha(), 0.9);
  EXPECT_EQ(options.momentum(), 0.5);
  EXPECT_TRUE(options.centered());
  EXPECT_TRUE(options.maximize());
  const auto& defaults = static_cast<const xg::optim::RMSpropOptions&>(loaded.optimizer->param_groups()[0].options());
  EXPECT_FALSE(defaults.centered());
  EXPECT_EQ(defaults.alpha(), 0.99);
}

TEST(OptimizerFilesTyped, AdamWKeepsItsBetasAndDecay) {
  xg_files::OptimizerRun loaded =
      xg_files::two_groups<xg::optim::AdamW>(xg::optim::AdamWOptions(), xg::optim::AdamWOptions());
  loaded.optimizer->load(committed("optimizers/adamw.xgrad.optim"));
  const auto& options = static_cast<const xg::optim::AdamWOptions&>(loaded.optimizer->param_groups()[1].options());
  EXPECT_EQ(options.betas(), (std::tuple<double, double>(0.8, 0.99)));
  EXPECT_EQ(options.weight_decay(), 0.2);
  EXPECT_TRUE(options.amsgrad());
  EXPECT_EQ(static_cast<const xg::optim::AdamWOptions&>(loaded.optimizer->param_groups()[0].options()).weight_decay(),
            1e-2);
}

std::string file_label(const testing::TestParamInfo<xg_files::Recipe>& info) {
  std::string name = info.param.file.substr(std::strlen("optimizers/"));
  return name.substr(0, name.find('.'));
}

INSTANTIATE_TEST_SUITE_P(EveryOptimizer, OptimizerFiles, testing::ValuesIn(xg_files::recipes()), file_label);

}  // namespace
