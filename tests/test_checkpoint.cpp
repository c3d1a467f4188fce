// xg::Checkpoint: a run stopped after epoch k and resumed from its checkpoint ends bit for bit where
// an uninterrupted run ends; a damaged file is refused with a clear error and changes nothing; a save
// that the system refuses keeps the old file.

#include "file_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const xg::Error& error) {
    return error.what();
  }
  return "(no error)";
}

// The whole training run of these tests: a small MLP with dropout on 3 spirals, AdamW, a warmup then
// cosine schedule as PyTorch writes it (SequentialLR of LinearLR and CosineAnnealingLR, stepped per
// batch), shuffled batches of 16 from the loader's own generator, dropout masks from the default one.
// 120 examples: 8 steps per epoch; the warmup takes the first 12 steps (1.5 epochs), the cosine the
// other 36.
constexpr int kEpochs = 6;
constexpr std::int64_t kWarmupSteps = 12, kTotalSteps = 48;

struct TrainingRun {
  xg::data::TensorDataset data;
  xg::nn::MLP net;
  xg::optim::AdamW optimizer;
  xg::data::DataLoader loader;
  std::unique_ptr<xg::optim::SequentialLR> scheduler;
  xg::nn::CrossEntropyLoss loss_fn;
  xg::Checkpoint checkpoint;

  // `init_seed` picks the initial weights: a resumed run starts from other weights, which the
  // checkpoint must overwrite.
  explicit TrainingRun(std::uint64_t init_seed = 3)
      : data(make_data()),
        net(make_net(init_seed)),
        optimizer(net->parameters(), xg::optim::AdamWOptions(1e-2).weight_decay(0.05)),
        loader(data, xg::data::DataLoaderOptions(16).shuffle(true).seed(5)),
        scheduler(make_scheduler(optimizer)),
        checkpoint(net, optimizer) {
    checkpoint.scheduler(*scheduler)
        .generator("dropout", xg::default_generator())
        .generator("shuffle", loader.generator());
  }

  static xg::data::TensorDataset make_data() {
    xg::Generator generator(1);
    return xg::data::spirals(40, 3, 0.2, generator);
  }
  static xg::nn::MLP make_net(std::uint64_t seed) {
    xg::Generator generator(seed);
    return xg::nn::MLP({2, 16, 16, 3}, xg::nn::Activation::ReLU, 0.25, generator);
  }
  static std::unique_ptr<xg::optim::SequentialLR> make_scheduler(xg::optim::Optimizer& optimizer) {
    std::vector<std::unique_ptr<xg::optim::LRScheduler>> parts;
    parts.push_back(std::make_unique<xg::optim::LinearLR>(optimizer, 0.1, 1.0, kWarmupSteps));
    parts.push_back(std::make_unique<xg::optim::CosineAnnealingLR>(optimizer, kTotalSteps - kWarmupSteps));
    return std::make_unique<xg::optim::SequentialLR>(optimizer, std::move(parts),
                                                     std::vector<std::int64_t>{kWarmupSteps});
  }

  void train_until(int last_epoch) {
    for (int epoch = static_cast<int>(checkpoint.epoch) + 1; epoch <= last_epoch; ++epoch) {
      for (xg::data::Batch& batch : loader) {
        xg::Tensor loss = loss_fn(net(batch.input), batch.labels);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        scheduler->step();
        ++checkpoint.step;
      }
      checkpoint.epoch = epoch;
    }
  }
};

std::vector<float> values_of(const std::vector<xg::Tensor>& tensors) {
  std::vector<float> values;
  for (const xg::Tensor& t : tensors) values.insert(values.end(), t.data().begin(), t.data().end());
  return values;
}

// Everything a load could change, as bytes: parameters, gradients, optimizer and scheduler state, the
// generators, the counters and notes.
std::string everything(TrainingRun& run) {
  xg::LittleEndianWriter out;
  for (const xg::Tensor& p : run.net->parameters()) {
    out.f32s(p.data().data(), p.data().size());
    if (p.has_grad()) out.f32s(p.grad().data(), p.grad().size());
  }
  out.raw(xg::optim::encode_state_dict(run.optimizer.state_dict()));
  const xg::optim::LRSchedulerState s = run.scheduler->state_dict();
  out.i64(s.last_epoch);
  for (const xg::optim::LRSchedulerState& child : s.children) out.i64(child.last_epoch);
  for (double lr : s.last_lr) out.f64(lr);
  for (xg::Generator* g : {&xg::default_generator(), &run.loader.generator()}) {
    const xg::GeneratorState state = g->get_state();
    out.u64(state.seed);
    out.u64(state.state);
    out.u32(state.has_spare_normal);
  }
  out.i64(run.checkpoint.epoch);
  out.i64(run.checkpoint.step);
  for (const auto& [key, value] : run.checkpoint.notes) out.string(key + "=" + value);
  return out.bytes();
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xgrad_checkpoint_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    xg::manual_seed(11);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// The run that never stops, once per test binary.
const std::vector<float>& uninterrupted_result() {
  static const std::vector<float> result = [] {
    xg::manual_seed(11);
    TrainingRun run;
    run.train_until(kEpochs);
    return values_of(run.net->parameters());
  }();
  return result;
}

void expect_resume_is_bit_exact(const std::string& file, int stop_after) {
  const std::vector<float>& expected = uninterrupted_result();
  xg::manual_seed(11);
  {
    TrainingRun first;
    first.train_until(stop_after);
    first.checkpoint.notes["stopped"] = std::to_string(stop_after);
    first.checkpoint.save(file);
  }
  xg::manual_seed(999);  // the resumed process starts with other random numbers
  TrainingRun resumed(/*init_seed=*/42);
  resumed.checkpoint.load(file);
  EXPECT_EQ(resumed.checkpoint.epoch, stop_after);
  EXPECT_EQ(resumed.checkpoint.step, 8 * stop_after);
  EXPECT_EQ(resumed.checkpoint.notes.at("stopped"), std::to_string(stop_after));
  resumed.train_until(kEpochs);
  const std::vector<float> actual = values_of(resumed.net->parameters());
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "parameter value " << i;
}

TEST_F(CheckpointTest, ResumingMidWarmupEndsBitForBitAsTheUninterruptedRun) {
  expect_resume_is_bit_exact(path("epoch1.ckpt"), 1);  // step 8 of a 12-step warmup
}

TEST_F(CheckpointTest, ResumingJustAfterTheWarmupEndsBitForBitAsTheUninterruptedRun) {
  expect_resume_is_bit_exact(path("epoch2.ckpt"), 2);  // step 16: 4 steps into the cosine
}

TEST_F(CheckpointTest, ResumingMidCosineEndsBitForBitAsTheUninterruptedRun) {
  expect_resume_is_bit_exact(path("epoch4.ckpt"), 4);  // step 32 of 48
}

TEST_F(CheckpointTest, ResumingAfterTheLastEpochChangesNothingMore) {
  expect_resume_is_bit_exact(path("epoch6.ckpt"), kEpochs);
}

TEST_F(CheckpointTest, WithoutTheCheckpointTheRunWouldDiffer) {
  // The control: a "resume" that restores only model and optimizer (fresh schedule and generators)
  // ends elsewhere, so the bit-exact tests above do test the scheduler and generator sections.
  const std::vector<float>& expected = uninterrupted_result();
  xg::manual_seed(11);
  TrainingRun first;
  first.train_until(2);
  xg::save(first.net, path("model.xgp"));
  first.optimizer.save(path("model.optim"));
  xg::manual_seed(999);
  TrainingRun partial(/*init_seed=*/42);
  xg::load(partial.net, path("model.xgp"));
  partial.optimizer.load(path("model.optim"));
  partial.checkpoint.epoch = 2;
  partial.train_until(kEpochs);
  EXPECT_NE(values_of(partial.net->parameters()), expected);
}

TEST_F(CheckpointTest, EveryTruncationIsRefusedNamingTheFileAndChangesNothing) {
  TrainingRun source;
  source.train_until(1);
  source.checkpoint.save(path("full.ckpt"));
  const std::string bytes = xg_test::file_bytes(path("full.ckpt"));
  TrainingRun target(/*init_seed=*/42);
  target.train_until(1);  // state everywhere: moments, a scheduler in progress, moved generators
  target.net->parameters()[0].set_grad(target.net->parameters()[0].data());
  const std::string before = everything(target);
  // A file cut short once through the file system; every other length from memory (the same decoder).
  {
    std::ofstream out(path("cut.ckpt"), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  EXPECT_EQ(error_of([&] { target.checkpoint.load(path("cut.ckpt")); }),
            "Checkpoint::load: truncated checkpoint '" + path("cut.ckpt") + "': the header announces " +
                std::to_string(bytes.size() - 24) + " payload bytes, the file holds " +
                std::to_string(bytes.size() / 2 - 24));
  const std::string file = "checkpoint 'cut.ckpt'";
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string message =
        error_of([&] { target.checkpoint.load_bytes(std::string_view(bytes).substr(0, size), "'cut.ckpt'"); });
    const bool clear = message.rfind("Checkpoint::load: truncated " + file + ": ", 0) == 0 ||
                       (size == 0 && message == "Checkpoint::load: not an xgrad " + file +
                                                    " (expected the magic \"XGRADCKP\" at the start)");
    ASSERT_TRUE(clear) << size << ": " << message;
    ASSERT_EQ(everything(target), before) << "a load of the first " << size << " bytes changed something";
  }
}

TEST_F(CheckpointTest, FlippingAnyByteIsRefusedAndChangesNothing) {
  // Every byte of the file (a few KB for this model), each flipped in all its bits.
  TrainingRun source;
  source.train_until(1);
  const std::string bytes = source.checkpoint.encode();
  TrainingRun target(/*init_seed=*/42);
  target.train_until(1);
  const std::string before = everything(target);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(~damaged[i]);
    const std::string message = error_of([&] { target.checkpoint.load_bytes(damaged, "'damaged'"); });
    const bool clear =
        message.rfind("Checkpoint::load: ", 0) == 0 && message.find("checkpoint 'damaged'") != std::string::npos;
    ASSERT_TRUE(clear) << "byte " << i << ": " << message;
    ASSERT_EQ(everything(target), before) << "byte " << i;
  }
}

TEST_F(CheckpointTest, AFlipInThePayloadIsACheckSumMismatch) {
  TrainingRun source;
  const std::string bytes = source.checkpoint.encode();
  std::string damaged = bytes;
  damaged[40] = static_cast<char>(damaged[40] ^ 1);
  const std::string message = error_of([&] { source.checkpoint.load_bytes(damaged, "'x.ckpt'"); });
  EXPECT_EQ(
      message.rfind("Checkpoint::load: checksum mismatch (the checkpoint 'x.ckpt' is corrupt): stored CRC-32 ", 0), 0u)
      << message;
}

TEST_F(CheckpointTest, AnotherArchitectureIsRefusedNamingTheMismatch) {
  TrainingRun source;
  source.checkpoint.save(path("run.ckpt"));
  xg::Generator generator(0);
  xg::nn::MLP other({2, 8, 3}, xg::nn::Activation::ReLU, 0.0, generator);
  xg::optim::AdamW optimizer(other->parameters());
  xg::Checkpoint checkpoint(other, optimizer);
  const std::vector<float> before = values_of(other->parameters());
  EXPECT_EQ(error_of([&] { checkpoint.load(path("run.ckpt")); }),
            "Checkpoint::load: the checkpoint '" + path("run.ckpt") +
                "' does not match the module MLP: missing from the file: 2.weight, 2.bias; not in the module: "
                "3.bias, 3.weight, 6.bias, 6.weight; different shapes: 0.weight is [8, 2] in the module but [16, 2] "
                "in the file, 0.bias is [8] in the module but [16] in the file; the module was not changed");
  EXPECT_EQ(values_of(other->parameters()), before);
}

TEST_F(CheckpointTest, AnotherOptimizerSchedulerOrGeneratorsAreRefusedAndChangeNothing) {
  TrainingRun source;
  source.train_until(2);
  source.checkpoint.save(path("run.ckpt"));
  const std::string file = "Checkpoint::load: the checkpoint '" + path("run.ckpt") + "'";

  TrainingRun target(/*init_seed=*/42);
  const std::string before = everything(target);
  xg::optim::SGD sgd(target.net->parameters(), xg::optim::SGDOptions(0.1));
  xg::Checkpoint with_sgd(target.net, sgd);
  with_sgd.scheduler(*target.scheduler)
      .generator("dropout", xg::default_generator())
      .generator("shuffle", target.loader.generator());
  EXPECT_EQ(error_of([&] { with_sgd.load(path("run.ckpt")); }),
            file +
                " does not fit the optimizer: SGD.load_state_dict: the state was saved by AdamW optimizer, this "
                "one is SGD; nothing was changed");

  xg::Checkpoint without_scheduler(target.net, target.optimizer);
  EXPECT_EQ(
      error_of([&] { without_scheduler.load(path("run.ckpt")); }),
      file + " holds the state of an LRScheduler, but the checkpoint was given no scheduler; nothing was changed");

  xg::optim::StepLR step_lr(target.optimizer, 5);
  xg::Checkpoint other_scheduler(target.net, target.optimizer);
  other_scheduler.scheduler(step_lr)
      .generator("dropout", xg::default_generator())
      .generator("shuffle", target.loader.generator());
  const std::string message = error_of([&] { other_scheduler.load(path("run.ckpt")); });
  EXPECT_EQ(message.rfind(file + " does not fit the scheduler: StepLR", 0), 0u) << message;

  xg::Checkpoint one_generator(target.net, target.optimizer);
  one_generator.scheduler(*target.scheduler)
      .generator("dropout", xg::default_generator())
      .generator("init", target.loader.generator());
  EXPECT_EQ(error_of([&] { one_generator.load(path("run.ckpt")); }),
            file +
                " does not hold the same generators: missing from the file: init; not given to the checkpoint: "
                "shuffle; nothing was changed");
  EXPECT_EQ(everything(target), before);
}

TEST_F(CheckpointTest, AGeneratorNameAddedTwiceIsAnError) {
  TrainingRun run;
  EXPECT_EQ(error_of([&] { run.checkpoint.generator("dropout", xg::default_generator()); }),
            "Checkpoint::generator: a generator named 'dropout' is already added");
}

TEST_F(CheckpointTest, ASaveBeyondTheFileSizeLimitFailsAndKeepsTheOldFile) {
  TrainingRun run;
  run.checkpoint.save(path("run.ckpt"));
  const std::string old_bytes = xg_test::file_bytes(path("run.ckpt"));
  run.train_until(1);
  std::string message;
  {
    xg_test::FileSizeLimit limit(1024);  // the file is a few KB
    message = error_of([&] { run.checkpoint.save(path("run.ckpt")); });
  }
  EXPECT_EQ(message, "Checkpoint::save: cannot write '" + path("run.ckpt") + ".tmp': File too large ('" +
                         path("run.ckpt") + "' was left as it was)");
  EXPECT_EQ(xg_test::file_bytes(path("run.ckpt")), old_bytes);
  EXPECT_EQ(xg_test::files_in(dir_), (std::set<std::string>{"run.ckpt"}));
}

TEST_F(CheckpointTest, ASaveIntoAReadOnlyFolderFailsAndKeepsTheOldFile) {
  if (!xg_test::ReadOnlyFolder::can_block_writes()) {
    GTEST_SKIP() << "running as root, whom a read-only folder does not stop; run the tests as another user";
  }
  TrainingRun run;
  run.checkpoint.save(path("run.ckpt"));
  const std::string old_bytes = xg_test::file_bytes(path("run.ckpt"));
  run.train_until(1);
  std::string message;
  {
    xg_test::ReadOnlyFolder read_only(dir_);
    message = error_of([&] { run.checkpoint.save(path("run.ckpt")); });
  }
  EXPECT_EQ(message, "Checkpoint::save: cannot open '" + path("run.ckpt") + ".tmp' for writing: Permission denied");
  EXPECT_EQ(xg_test::file_bytes(path("run.ckpt")), old_bytes);
  EXPECT_EQ(xg_test::files_in(dir_), (std::set<std::string>{"run.ckpt"}));
}

TEST(GeneratorState, SetStateReplaysTheSameNumbersIncludingASpareNormal) {
  xg::Generator generator(17);
  generator.normal();  // leaves Box-Muller's second number waiting
  const xg::GeneratorState saved = generator.get_state();
  EXPECT_TRUE(saved.has_spare_normal);
  const float spare = generator.normal();
  const std::uint64_t next = generator.next_u64();
  xg::Generator other(3);
  other.set_state(saved);
  EXPECT_EQ(other.get_state(), saved);
  EXPECT_EQ(other.initial_seed(), 17u);
  EXPECT_EQ(other.normal(), spare);
  EXPECT_EQ(other.next_u64(), next);
}

}  // namespace
