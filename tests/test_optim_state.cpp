// Optimizer state: state_dict() / load_state_dict(), state files, bit-exact resumption, and loads
// that fail (each must leave the optimizer exactly as it was).

#include "data_helpers.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/core/binary_io.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace xg::optim;

// Parameters of shapes [4, 3], [3], [] and a fixed smooth gradient for them.
std::vector<xg::Tensor> make_params() {
  xg::Generator gen(5);
  return {xg::randn({4, 3}, gen, true), xg::randn({3}, gen, true), xg::tensor(xt::xarray<float>(0.5f), true)};
}

std::vector<xg::Tensor> copy_of(const std::vector<xg::Tensor>& params) {
  std::vector<xg::Tensor> copies;
  for (const xg::Tensor& p : params) copies.push_back(xg::tensor(p.data(), true));
  return copies;
}

void set_gradients(std::vector<xg::Tensor>& params) {
  for (xg::Tensor& p : params) {
    const xg::Array& x = p.data();
    p.mutable_grad() = xg::Array(x * x * x - 0.5f * x + 0.1f);
  }
}

void train(Optimizer& optimizer, std::vector<xg::Tensor>& params, int steps) {
  for (int i = 0; i < steps; ++i) {
    set_gradients(params);
    optimizer.step();
  }
}

using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<xg::Tensor>)>;

std::vector<std::pair<std::string, Factory>> factories() {
  return {
      {"SGD momentum",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01));
       }},
      {"Adam amsgrad",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<Adam>(p, AdamOptions(0.01).amsgrad(true).weight_decay(0.1));
       }},
      {"AdamW", [](std::vector<xg::Tensor> p) { return std::make_unique<AdamW>(p, AdamWOptions(0.01)); }},
      {"RMSprop centered momentum",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<RMSprop>(p, RMSpropOptions(0.01).centered(true).momentum(0.5));
       }},
      {"Adagrad",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<Adagrad>(p, AdagradOptions(0.1).lr_decay(0.01).initial_accumulator_value(0.1));
       }},
      {"NAdam",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<NAdam>(p, NAdamOptions(0.01).weight_decay(0.01).momentum_decay(0.01));
       }},
      {"RAdam", [](std::vector<xg::Tensor> p) { return std::make_unique<RAdam>(p, RAdamOptions(0.01)); }},
      {"Adamax", [](std::vector<xg::Tensor> p) { return std::make_unique<Adamax>(p, AdamaxOptions(0.01)); }},
      {"Adadelta",
       [](std::vector<xg::Tensor> p) { return std::make_unique<Adadelta>(p, AdadeltaOptions(0.5).rho(0.95)); }},
  };
}

std::string bytes_of(const Optimizer& optimizer) {
  std::ostringstream out;
  optimizer.save(out);
  return out.str();
}

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "xgrad_optim_" + name + ".bin"; }

TEST(OptimState, SaveLoadResumesBitForBit) {
  for (const auto& [name, make] : factories()) {
    SCOPED_TRACE(name);
    std::vector<xg::Tensor> params = make_params();
    std::unique_ptr<Optimizer> optimizer = make(params);
    train(*optimizer, params, 10);
    optimizer->param_groups()[0].options().set_lr(optimizer->param_groups()[0].options().get_lr() * 0.5);
    const std::string path = temp_path("resume");
    optimizer->save(path);
    std::vector<xg::Tensor> resumed_params = copy_of(params);  // the model checkpoint, saved alongside
    train(*optimizer, params, 10);

    // A fresh optimizer (with the original lr: the file brings the halved one) continues identically.
    std::unique_ptr<Optimizer> resumed = make(resumed_params);
    resumed->load(path);
    EXPECT_EQ(resumed->param_groups()[0].options().get_lr(), optimizer->param_groups()[0].options().get_lr());
    train(*resumed, resumed_params, 10);
    for (std::size_t k = 0; k < params.size(); ++k) EXPECT_EQ(resumed_params[k].data(), params[k].data());
    EXPECT_EQ(bytes_of(*resumed), bytes_of(*optimizer));
    std::remove(path.c_str());
  }
}

TEST(OptimState, StateDictIsADeepCopyWithStepsAndBuffers) {
  std::vector<xg::Tensor> params = make_params();
  Adam adam(params, AdamOptions(0.01));
  params[1].zero_grad(/*set_to_none=*/true);
  set_gradients(params);
  params[1].zero_grad(/*set_to_none=*/true);  // parameter 1 sits this step out
  adam.step();
  set_gradients(params);
  adam.step();
  OptimizerStateDict dict = adam.state_dict();
  EXPECT_EQ(dict.optimizer, "Adam");
  ASSERT_EQ(dict.param_groups.size(), 1u);
  EXPECT_EQ(dict.param_groups[0].param_shapes, (std::vector<xg::Shape>{{4, 3}, {3}, {}}));
  EXPECT_EQ(dict.param_groups[0].options[0], (std::pair<std::string, double>{"lr", 0.01}));
  EXPECT_EQ(dict.state.at(0).step, 2);
  EXPECT_EQ(dict.state.at(1).step, 1);
  EXPECT_EQ(dict.state.at(2).step, 2);
  EXPECT_EQ(dict.state.at(0).buffers.size(), 2u);
  dict.state.at(0).buffers.at("exp_avg").fill(123.0f);
  EXPECT_NE(adam.state(params[0])->buffers.at("exp_avg")(0, 0), 123.0f);
}

TEST(OptimState, LoadStateDictRestoresGroupsOptionsAndState) {
  std::vector<xg::Tensor> params = make_params();
  xg::Tensor extra = xg::ones({2}, true);
  SGD source({OptimizerParamGroup(params), OptimizerParamGroup({extra}, std::make_unique<SGDOptions>(0.2))},
             SGDOptions(0.1).momentum(0.9));
  train(source, params, 3);
  std::vector<xg::Tensor> other = copy_of(params);
  xg::Tensor other_extra = xg::ones({2}, true);
  SGD target({OptimizerParamGroup(other), OptimizerParamGroup({other_extra})}, SGDOptions(0.5));
  target.load_state_dict(source.state_dict());
  EXPECT_EQ(target.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_EQ(target.param_groups()[1].options().get_lr(), 0.2);
  EXPECT_EQ(static_cast<const SGDOptions&>(target.param_groups()[0].options()).momentum(), 0.9);
  // A group's own options replace the defaults entirely (libtorch), so group 1 has no momentum.
  EXPECT_EQ(static_cast<const SGDOptions&>(target.param_groups()[1].options()).momentum(), 0.0);
  EXPECT_EQ(target.state_size(), 3u);  // `extra` never had a gradient
  EXPECT_EQ(target.state(other[0])->buffers.at("momentum_buffer"),
            source.state(params[0])->buffers.at("momentum_buffer"));
  EXPECT_EQ(target.state(other_extra), nullptr);
}

// ---- failed loads change nothing ---------------------------------------------------------------------

struct Trained {
  std::vector<xg::Tensor> params = make_params();
  Adam adam{params, AdamOptions(0.01).amsgrad(true)};
  Trained() { train(adam, params, 5); }
};

std::string saved_bytes() {
  Trained source;
  return bytes_of(source.adam);
}

// Loads `bytes` into a trained Adam and expects an xg::Error containing `message`, with the optimizer
// (state and options) and the parameters exactly as before.
void expect_load_fails_unchanged(const std::string& bytes, const std::string& message) {
  Trained target;
  target.adam.param_groups()[0].options().set_lr(0.003);
  const std::string before = bytes_of(target.adam);
  const std::vector<xg::Tensor> values_before = copy_of(target.params);
  std::istringstream in(bytes);
  try {
    target.adam.load(in);
    ADD_FAILURE() << "load did not throw; expected: " << message;
  } catch (const xg::Error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
  EXPECT_EQ(bytes_of(target.adam), before);
  EXPECT_EQ(target.adam.param_groups()[0].options().get_lr(), 0.003);
  for (std::size_t k = 0; k < values_before.size(); ++k) EXPECT_EQ(target.params[k].data(), values_before[k].data());
}

TEST(OptimStateLoadFailure, WrongMagic) {
  std::string bytes = saved_bytes();
  bytes[0] = 'Y';
  expect_load_fails_unchanged(bytes, "not an xgrad optimizer state");
  expect_load_fails_unchanged("", "not an xgrad optimizer state");
}

TEST(OptimStateLoadFailure, UnsupportedVersion) {
  std::string bytes = saved_bytes();
  bytes[8] = 2;
  expect_load_fails_unchanged(bytes, "unsupported optimizer state version 2 (expected 1)");
}

TEST(OptimStateLoadFailure, Truncated) {
  const std::string bytes = saved_bytes();
  for (std::size_t size : {std::size_t{10}, std::size_t{23}, std::size_t{100}, bytes.size() - 1}) {
    SCOPED_TRACE(size);
    expect_load_fails_unchanged(bytes.substr(0, size), "truncated optimizer state");
  }
}

TEST(OptimStateLoadFailure, TrailingBytes) {
  expect_load_fails_unchanged(saved_bytes() + "x", "1 unexpected bytes after the optimizer state");
}

TEST(OptimStateLoadFailure, ChecksumMismatch) {
  std::string bytes = saved_bytes();
  bytes[bytes.size() / 2] ^= 0x01;  // one flipped bit inside the payload (a buffer value)
  expect_load_fails_unchanged(bytes, "checksum mismatch");
}

TEST(OptimStateLoadFailure, ShapeMismatch) {
  std::vector<xg::Tensor> params{xg::ones({4, 3}, true), xg::ones({5}, true), xg::ones({}, true)};
  Adam other(params, AdamOptions(0.01).amsgrad(true));
  train(other, params, 1);
  expect_load_fails_unchanged(bytes_of(other),
                              "parameter 1 (group 0, index 1) has shape [3], the state was saved for shape [5]");
}

TEST(OptimStateLoadFailure, ParameterCountMismatch) {
  std::vector<xg::Tensor> params = make_params();
  params.pop_back();
  Adam other(params, AdamOptions(0.01).amsgrad(true));
  expect_load_fails_unchanged(bytes_of(other), "param group 0 has 3 parameters, the state's 2");
}

TEST(OptimStateLoadFailure, GroupCountMismatch) {
  std::vector<xg::Tensor> params = make_params();
  Adam other({OptimizerParamGroup({params[0], params[1]}), OptimizerParamGroup({params[2]})});
  expect_load_fails_unchanged(bytes_of(other), "the state has 2 param groups, this optimizer 1");
}

TEST(OptimStateLoadFailure, AnotherOptimizersState) {
  std::vector<xg::Tensor> params = make_params();
  AdamW adamw(params);
  train(adamw, params, 1);
  expect_load_fails_unchanged(bytes_of(adamw), "the state was saved by AdamW optimizer, this one is Adam");
}

TEST(OptimStateLoadFailure, InvalidContentsOfAWellFormedDict) {
  Trained source;
  const OptimizerStateDict good = source.adam.state_dict();
  auto expect_refused = [&](const OptimizerStateDict& dict, const std::string& message) {
    std::ostringstream out;
    write_state_dict(dict, out);  // a valid file of bad contents
    expect_load_fails_unchanged(out.str(), message);
  };
  OptimizerStateDict bad = good;
  bad.param_groups[0].options[0].second = -1;  // lr
  expect_refused(bad, "Adam: invalid learning rate -1 (expected lr >= 0)");
  bad = good;
  bad.param_groups[0].options[5].second = 0.5;  // amsgrad
  expect_refused(bad, "Adam: invalid amsgrad 0.5 (expected 0 or 1 for a flag)");
  bad = good;
  bad.param_groups[0].options.pop_back();
  expect_refused(bad,
                 "param group 0 has hyperparameters [lr, beta1, beta2, eps, weight_decay, amsgrad], expected "
                 "[lr, beta1, beta2, eps, weight_decay, amsgrad, maximize]");
  bad = good;
  bad.state.at(0).buffers["momentum_buffer"] = xt::zeros<float>({12});
  expect_refused(bad, "parameter 0 has a state buffer 'momentum_buffer' that Adam does not keep");
  bad = good;
  bad.state.at(1).buffers.at("exp_avg") = xt::zeros<float>({4});
  expect_refused(bad, "state buffer 'exp_avg' of parameter 1 holds 4 values, the parameter of shape [3] has 3");
  bad = good;
  bad.state[7] = good.state.at(0);
  expect_refused(bad, "the state names parameter 7 but there are only 3");
  bad = good;
  bad.state.at(2).step = -1;
  expect_refused(bad, "parameter 2 has a negative step count -1");
}

TEST(OptimStateLoadFailure, MissingFile) {
  Trained target;
  const std::string before = bytes_of(target.adam);
  EXPECT_THROW(target.adam.load(temp_path("does_not_exist")), xg::Error);
  EXPECT_EQ(bytes_of(target.adam), before);
}

TEST(OptimStateLoadFailure, FileErrorsNameThePath) {
  const std::string path = temp_path("corrupt");
  {
    std::ofstream out(path, std::ios::binary);
    out << "garbage";
  }
  Trained target;
  try {
    target.adam.load(path);
    ADD_FAILURE() << "expected an xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_EQ(std::string(e.what()), "Adam.load('" + path +
                                         "'): read_state_dict: not an xgrad optimizer state (expected the magic "
                                         "\"XGOPTIM\" at the start)");
  }
  std::remove(path.c_str());
}

TEST(OptimState, EmptyOptimizerRoundTrips) {
  SGD empty(std::vector<xg::Tensor>{}, SGDOptions(0.1));
  SGD other(std::vector<xg::Tensor>{}, SGDOptions(0.7));
  std::istringstream in(bytes_of(empty));
  other.load(in);
  EXPECT_EQ(other.param_groups()[0].options().get_lr(), 0.1);
}

TEST(OptimStateLoadFailure, EveryTruncationIsRefused) {
  // An empty file is not an optimizer state; the start of one is a truncated one.
  xg_test::expect_every_truncation_refused(saved_bytes(), "optimizer state", expect_load_fails_unchanged);
}

// An optimizer state file around `payload`, with a correct checksum: what remains to refuse it is the
// payload's own checks.
std::string state_file(const xg::LittleEndianWriter& payload) {
  return xg_test::state_file_around(std::string_view("XGOPTIM\0", 8), payload);
}

TEST(OptimStateLoadFailure, ZeroBesideHugeDimensionsIsRefused) {
  // A parameter shape [0, 2^32, 2^32]: the state file holds no values for it, but making an array of
  // that shape would overflow xtensor's strides all the same.
  OptimizerStateDict dict;
  dict.optimizer = "Adam";
  dict.param_groups.push_back({{{"lr", 0.01}}, {xg::Shape{0, 1ull << 32, 1ull << 32}}});
  std::ostringstream out;
  write_state_dict(dict, out);
  expect_load_fails_unchanged(out.str(),
                              "read_state_dict: the optimizer state is corrupted: param group 0 parameter 0 has shape "
                              "[0, 4294967296, 4294967296]: its non-zero dimensions multiply to more than "
                              "std::ptrdiff_t holds (9223372036854775807)");
}

TEST(OptimStateLoadFailure, ABufferLongerThanTheFileIsRefusedBeforeAllocating) {
  xg::LittleEndianWriter payload;
  payload.string("Adam");
  payload.u32(0);  // no param groups
  payload.u64(1);  // one parameter state
  payload.u64(0);  // of parameter 0
  payload.i64(3);  // step
  payload.u32(1);  // one buffer
  payload.string("exp_avg");
  payload.u64(1ull << 61);            // 2^61 floats claimed
  payload.raw(std::string(8, '\0'));  // 2 present
  expect_load_fails_unchanged(
      state_file(payload),
      "read_state_dict: the optimizer state is truncated: state 0 buffer 'exp_avg' has shape "
      "[2305843009213693952], which needs 9223372036854775808 bytes at offset 79, but only 8 are left");
}

TEST(OptimStateLoadFailure, AFileSizeLimitFailsTheSaveAndKeepsTheOldFile) {
  xg_test::TempDir dir;
  const std::string path = dir.file("adam.optim");
  Trained source;
  source.adam.save(path);
  const std::string old_bytes = xg_test::file_bytes(path);
  train(source.adam, source.params, 1);  // new contents
  const std::string message =
      xg_test::refused_save<xg_test::FileSizeLimit>(64, path, old_bytes, [&] { source.adam.save(path); });
  EXPECT_EQ(message, "Adam.save: cannot write '" + path + ".tmp': File too large ('" + path + "' was left as it was)");
}

TEST(OptimStateLoadFailure, AReadOnlyFolderFailsTheSaveAndKeepsTheOldFile) {
  if (!xg_test::ReadOnlyFolder::can_block_writes()) {
    GTEST_SKIP() << "running as root, whom a read-only folder does not stop; run the tests as another user";
  }
  xg_test::TempDir dir;
  const std::string path = dir.file("adam.optim");
  Trained source;
  source.adam.save(path);
  const std::string old_bytes = xg_test::file_bytes(path);
  const std::string message =
      xg_test::refused_save<xg_test::ReadOnlyFolder>(dir.path(), path, old_bytes, [&] { source.adam.save(path); });
  EXPECT_EQ(message, "Adam.save: cannot open '" + path + ".tmp' for writing: Permission denied");
}

}  // namespace
