// The MLP example's command line, run as a user runs it: each test starts build/examples/mlp/mlp
// (XGRAD_MLP_PROGRAM) and checks its exit code, what it printed and the files it wrote.
//
// A suite is one ctest test (tests/cli/CMakeLists.txt lists them), so suites run side by side and the
// tests of a suite in order: a suite's SetUpTestSuite makes the run its tests read (a model, checkpoints).
//
// A new flag's tests, in the same shape:
//   TEST(MlpFlags, EarlyStopNegative) { expect_flag_error({"--early-stop", "-1"}, "--early-stop: must be ..."); }
//   TEST(MlpRuns, EarlyStopStops) { expect_run(mlp({"--dataset", "spirals", "--early-stop", "2", ...}), 0, {...}); }

#include "program.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace cli_test;
namespace fs = std::filesystem;
using Args = std::vector<std::string>;

RunResult mlp(const Args& args, const Environment& environment = {}) {
  return run(XGRAD_MLP_PROGRAM, args, environment);
}

Args operator+(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A bad command line: exit 2, the message (naming the flag and the bad value), then the usage.
void expect_flag_error(const Args& args, const std::string& message) { expect_run(mlp(args), 2, {message, "usage: "}); }

// `value` in units of 10^-digits as a decimal number: (-15, 1) -> "-1.5", (7, 2) -> "0.07".
std::string fixed(long value, int digits) {
  long scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  char text[32];
  std::snprintf(text, sizeof text, "%s%ld.%0*ld", value < 0 ? "-" : "", std::labs(value) / scale, digits,
                std::labs(value) % scale);
  return text;
}

// 21 x 21 points on [-1, 1]^2 in steps of 0.1; label 1 where x^2 + y^2 < 0.4. Not linearly separable,
// so the hidden layers have something to do.
std::string disc_csv() {
  std::string rows = "x,y,label\n";
  for (long row = 0; row <= 20; ++row) {
    for (long column = 0; column <= 20; ++column) {
      const long x = column - 10, y = row - 10;  // tenths
      rows += fixed(x, 1) + "," + fixed(y, 1) + "," + (x * x + y * y < 40 ? "1" : "0") + "\n";
    }
  }
  return rows;
}

// The same grid of (a, b), and y = 3a - 2b + e with e a fixed scramble of the hundredths -0.10..0.10
// (standard deviation 0.061 against y's 2.18): a perfect model of 3a - 2b has R^2 1 - 0.061^2 / 2.18^2
// = 0.9992.
std::string plane_csv() {
  std::string rows = "a,b,y\n";
  for (long i = 0; i <= 20; ++i) {
    for (long j = 0; j <= 20; ++j) {
      const long a = (i - 10) * 10, b = (j - 10) * 10;  // hundredths
      const long y = 3 * a - 2 * b + (i * 37 + j * 91) % 21 - 10;
      rows += fixed(a, 2) + "," + fixed(b, 2) + "," + fixed(y, 2) + "\n";
    }
  }
  return rows;
}

// --- The help and the flags' checks ---------------------------------------------------------------

TEST(MlpFlags, HelpListsEveryFlag) {
  const RunResult help = mlp({"--help"});
  std::vector<std::string> patterns = {"^usage: .*mlp \\[flags\\]\n", "--dataset NAME", "--optimizer NAME"};
  for (const char* flag : {"--dataset",
                           "--optimizer",
                           "--lr",
                           "--weight-decay",
                           "--epochs",
                           "--batch-size",
                           "--hidden",
                           "--dropout",
                           "--norm",
                           "--label-smoothing",
                           "--scheduler",
                           "--seed",
                           "--threads",
                           "--limit",
                           "--save",
                           "--load",
                           "--export-onnx",
                           "--out",
                           "--checkpoint-every",
                           "--checkpoint",
                           "--resume",
                           "--quiet",
                           "--task",
                           "--target",
                           "--val-split",
                           "--early-stop",
                           "--min-delta",
                           "--help"}) {
    patterns.push_back(std::string("\n  (-h,)?") + flag + "[ \n]");
  }
  expect_run(help, 0, patterns);
}

// CLI11 reads the command line (its words: "not expected", "Could not convert", "required ... missing");
// the value checks are ours ("--lr: must be > 0 ...").
TEST(MlpFlags, UnknownFlag) {
  expect_flag_error({"--no-such-flag", "1"}, "arguments were not expected: 1 --no-such-flag\n");
}
TEST(MlpFlags, UnknownFlagLast) {
  expect_flag_error({"--no-such-flag"}, "argument was not expected: --no-such-flag\n");
}
TEST(MlpFlags, UnknownShortFlag) { expect_flag_error({"-x"}, "argument was not expected: -x\n"); }
TEST(MlpFlags, StrayArgument) { expect_flag_error({"spirals"}, "argument was not expected: spirals\n"); }
TEST(MlpFlags, EpochsNotANumber) { expect_flag_error({"--epochs", "abc"}, "Could not convert: --epochs = abc\n"); }
TEST(MlpFlags, EpochsNotWhole) { expect_flag_error({"--epochs", "1.5"}, "Could not convert: --epochs = 1\\.5\n"); }
TEST(MlpFlags, LrNotANumber) { expect_flag_error({"--lr", "abc"}, "Could not convert: --lr = abc\n"); }
TEST(MlpFlags, NegativeEpochs) {
  expect_flag_error({"--epochs", "-1"}, "--epochs: must be >= 0 and <= 100000000, got -1\n");
}
TEST(MlpFlags, UnknownOptimizer) {
  expect_flag_error({"--optimizer", "foo"}, "--optimizer: expects one of sgd\\|momentum\\|.*, got 'foo'\n");
}
TEST(MlpFlags, DatasetWithoutPath) {
  expect_flag_error({"--dataset", "csv:"}, "--dataset: 'csv:' needs a path after the colon\n");
}
TEST(MlpFlags, NegativeLr) { expect_flag_error({"--lr", "-1"}, "--lr: must be > 0 and <= 1000, got -1\n"); }
TEST(MlpFlags, NanLr) { expect_flag_error({"--lr", "nan"}, "--lr: must be > 0 and <= 1000, got nan\n"); }
TEST(MlpFlags, EmptyHiddenSize) {
  expect_flag_error({"--hidden", "10,,5"}, "--hidden: expects sizes >= 1 separated by commas.*, got '10,,5'\n");
}
TEST(MlpFlags, DropoutAboveOne) {
  expect_flag_error({"--dropout", "1.5"}, "--dropout: must be >= 0 and < 1, got 1\\.5\n");
}
TEST(MlpFlags, DropoutWithEqualsSign) {
  expect_flag_error({"--dropout=2"}, "--dropout: must be >= 0 and < 1, got 2\n");
}
TEST(MlpFlags, UnknownNorm) {
  expect_flag_error({"--norm", "group"}, "--norm: expects one of none\\|batch\\|layer, got 'group'\n");
}
TEST(MlpFlags, LabelSmoothingAboveOne) {
  expect_flag_error({"--label-smoothing", "1.5"}, "--label-smoothing: must be >= 0 and <= 1, got 1\\.5\n");
}
TEST(MlpFlags, MissingValue) {
  expect_flag_error({"--dataset", "spirals", "--epochs"}, "--epochs: 1 required INT missing\n");
}
TEST(MlpFlags, MissingPath) { expect_flag_error({"--out"}, "--out: 1 required TEXT missing\n"); }
TEST(MlpFlags, ZeroEpochsWithoutLoad) {
  expect_flag_error({"--epochs", "0"}, "--epochs 0 only evaluates a trained model: .*--load PATH");
}
// A flag given twice takes its last value (here the 0 that needs --load).
TEST(MlpFlags, RepeatedFlagTakesLast) {
  expect_flag_error({"--epochs", "5", "--epochs", "0"}, "--epochs 0 only evaluates a trained model");
}
TEST(MlpFlags, ResumeAndLoad) {
  expect_flag_error({"--resume", "a.xgrad", "--load", "b.xgrad"},
                    "--resume and --load both give the starting weights: use one of them");
}
TEST(MlpFlags, CheckpointPathWithoutEvery) {
  expect_flag_error({"--checkpoint", "a.xgrad"},
                    "--checkpoint PATH says where checkpoints go: give --checkpoint-every N as well");
}
TEST(MlpFlags, CheckpointEveryZero) {
  expect_flag_error({"--checkpoint-every", "0"}, "--checkpoint-every: must be >= 1 .*, got 0");
}
TEST(MlpFlags, UnknownScheduler) {
  expect_flag_error(
      {"--scheduler", "linear"},
      "--scheduler: expects one of "
      "none\\|step\\|cosine\\|warmup-cosine\\|onecycle\\|cyclic\\|warm-restarts\\|plateau.*, got 'linear'");
}
TEST(MlpFlags, ValSplitZero) { expect_flag_error({"--val-split", "0"}, "--val-split: must be > 0 and < 1, got 0\n"); }
TEST(MlpFlags, ValSplitOne) { expect_flag_error({"--val-split", "1"}, "--val-split: must be > 0 and < 1, got 1\n"); }
TEST(MlpFlags, EarlyStopNegative) {
  expect_flag_error({"--early-stop", "-1"}, "--early-stop: must be >= 1 and <= 100000000, got -1\n");
}
TEST(MlpFlags, MinDeltaNegative) {
  expect_flag_error({"--early-stop", "2", "--min-delta", "-1"}, "--min-delta: must be >= 0 and <= 1000, got -1\n");
}
TEST(MlpFlags, MinDeltaWithoutEarlyStop) {
  expect_flag_error({"--min-delta", "0.1"}, "--min-delta only applies with --early-stop N\n");
}
TEST(MlpFlags, RegressionNeedsCsv) {
  expect_flag_error({"--task", "regression", "--target", "y"},
                    "--task regression needs --dataset csv:PATH .*'fashion-mnist' holds class labels only");
}
TEST(MlpFlags, RegressionNeedsTarget) {
  expect_flag_error({"--task", "regression", "--dataset", "csv:x.csv"},
                    "--task regression needs --target COL\\[,COL\\]");
}
TEST(MlpFlags, TargetNeedsRegression) {
  expect_flag_error({"--dataset", "csv:x.csv", "--target", "y"}, "--target only applies to --task regression");
}
TEST(MlpFlags, RegressionEmptyTarget) {
  expect_flag_error({"--task", "regression", "--dataset", "csv:x.csv", "--target", "y,"},
                    "--target: expects column names or 0-based indices .*got 'y,'");
}

// --- Data that is missing or broken: exit 1 (not a crash) with a message saying what is wrong -------

TEST(MlpData, MissingIdxDir) {
  expect_run(mlp({"--dataset", "idx:/nonexistent"}), 1,
             {"no such directory: /nonexistent\n", "wants the folder that holds"});
}
TEST(MlpData, CorruptIdx) {
  const std::string dir = fresh_dir("corrupt_idx");
  for (const char* name :
       {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    write_file(dir + "/" + name, "this is not an IDX file\n");
  }
  expect_run(mlp({"--dataset", "idx:" + dir}), 1,
             {"(^|\n)mlp: read_idx_images: .*/train-images-idx3-ubyte: bad magic number 0x74686973 at byte offset 0"});
}
TEST(MlpData, MissingCsv) {
  expect_run(mlp({"--dataset", "csv:/nonexistent.csv"}), 1, {"no such CSV file: /nonexistent.csv"});
}
TEST(MlpData, RegressionMissingColumn) {
  const std::string csv = fresh_dir("regression_missing") + "/plane.csv";
  write_file(csv, plane_csv());
  expect_run(mlp({"--task", "regression", "--dataset", "csv:" + csv, "--target", "price"}), 1,
             {"mlp: read_csv: .*/plane.csv line 1: target column 'price' is not in the header \\(a, b, y\\)"});
}

// --- Real runs --------------------------------------------------------------------------------------

// --limit beyond the data's size uses all of it.
TEST(MlpRuns, MoonsLimitBeyondSize) {
  expect_run(mlp({"--dataset", "moons", "--epochs", "1", "--limit", "100000", "--quiet", "--out", fresh_dir("moons")}),
             0, {"two moons: 1600 training and 400 test examples, 2 classes"});
}
// A CSV written by the test (a disc in a square, 441 rows): 10 epochs of small batches learn it.
TEST(MlpRuns, CsvDisc) {
  const std::string dir = fresh_dir("csv");
  write_file(dir + "/disc.csv", disc_csv());
  expect_run(mlp({"--dataset", "csv:" + dir + "/disc.csv", "--epochs", "10", "--batch-size", "16", "--quiet", "--out",
                  dir + "/out"}),
             0,
             {"CSV .*/disc.csv: 353 training and 88 test examples, 2 classes", "final test accuracy: (0\\.9|1\\.0)"});
  EXPECT_TRUE(fs::exists(dir + "/out/model.xgrad"));
}
// --task regression learns y = 3a - 2b + noise. The R^2 bound: 0.9992 is the best a model can do on this
// noise (plane_csv); 30 epochs reached 0.9990-0.9993 on train and test over seeds 0-3 (Xeon, AVX-512),
// and 0.998 leaves room for other CPUs' rounding.
TEST(MlpRuns, CsvRegression) {
  const std::string dir = fresh_dir("regression");
  write_file(dir + "/plane.csv", plane_csv());
  expect_run(mlp({"--task", "regression", "--dataset", "csv:" + dir + "/plane.csv", "--target", "y", "--epochs", "30",
                  "--batch-size", "16", "--quiet", "--out", dir + "/out"}),
             0,
             {"CSV .*/plane.csv: 353 training and 88 test examples, target y", "MLP 2-256-128-1",
              "epoch 30/30  train loss [0-9.]+ \\| test loss", "  train +[0-9.]+ +[0-9.]+ +0\\.99[89][0-9]\n",
              "  test +[0-9.]+ +[0-9.]+ +0\\.99[89][0-9]\n"});
  for (const char* file : {"model.xgrad", "metrics.csv", "curves.svg"}) EXPECT_TRUE(fs::exists(dir + "/out/" + file));
}

// Each norm trains, and its model (BatchNorm1d's running statistics are buffers in the file) loads back
// to the same accuracy.
void expect_norm_trains_and_loads_back(const std::string& norm) {
  const std::string dir = fresh_dir("norm_" + norm);
  const RunResult trained = mlp({"--dataset", "spirals", "--epochs", "2", "--norm", norm, "--quiet", "--out", dir});
  expect_run(trained, 0, {"model: MLP 2-256-128-3 \\(ReLU(, " + norm + " norm)?", "final test accuracy: [0-9.]+"});
  const RunResult loaded =
      mlp({"--dataset", "spirals", "--norm", norm, "--load", dir + "/model.xgrad", "--epochs", "0"});
  expect_run(loaded, 0, {"evaluating .*/model.xgrad"});
  EXPECT_EQ(final_accuracy(loaded), final_accuracy(trained));
}
TEST(MlpRuns, NormNoneTrainsAndLoadsBack) { expect_norm_trains_and_loads_back("none"); }
TEST(MlpRuns, NormLayerTrainsAndLoadsBack) { expect_norm_trains_and_loads_back("layer"); }

// --- Models in and out: safetensors (by the extension), ONNX, and a regression's statistics ------------

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The "  test ..." row of a regression run's metrics ("" if none).
std::string test_metrics_line(const std::string& output) {
  const std::size_t start = output.rfind("  test ");
  return start == std::string::npos ? std::string() : output.substr(start, output.find('\n', start) - start);
}

// A .safetensors --save loads back to the same accuracy (the count as torch's I64), and --export-onnx
// writes the ONNX model, from training and from --load --epochs 0.
TEST(MlpInterop, SafetensorsRoundTripAndOnnxExport) {
  const std::string dir = fresh_dir("interop");
  const RunResult trained = mlp({"--dataset", "spirals", "--epochs", "2", "--quiet", "--out", dir + "/out", "--save",
                                 dir + "/spirals.safetensors", "--export-onnx", dir + "/spirals.onnx"});
  expect_run(trained, 0, {"model \\(--save\\)   .*/spirals.safetensors\n", "ONNX model       .*/spirals.onnx\n"});
  const std::string file = read_bytes(dir + "/spirals.safetensors");
  EXPECT_NE(file.find(R"("1.num_batches_tracked":{"dtype":"I64","shape":[])"), std::string::npos);
  EXPECT_NE(read_bytes(dir + "/spirals.onnx").find("BatchNormalization"), std::string::npos);
  const RunResult loaded = mlp({"--dataset", "spirals", "--load", dir + "/spirals.safetensors", "--epochs", "0",
                                "--export-onnx", dir + "/loaded.onnx"});
  expect_run(loaded, 0, {"evaluating .*/spirals.safetensors"});
  EXPECT_EQ(final_accuracy(loaded), final_accuracy(trained));
  EXPECT_NE(final_accuracy(loaded), "");
  EXPECT_TRUE(same_bytes(dir + "/loaded.onnx", dir + "/spirals.onnx"));
}

// A .safetensors file of another --hidden: the key and both shapes, and nothing runs.
TEST(MlpInterop, SafetensorsOfAnotherShapeNamesTheKey) {
  const std::string dir = fresh_dir("interop_shape");
  expect_run(mlp({"--dataset", "spirals", "--epochs", "1", "--quiet", "--out", dir, "--save", dir + "/m.safetensors"}),
             0);
  expect_run(mlp({"--dataset", "spirals", "--hidden", "64", "--load", dir + "/m.safetensors", "--epochs", "0"}), 1,
             {"mlp: load_model: '.*/m.safetensors' does not fit MLP: shape mismatch: '0.weight' is \\[256, 2\\] in "
              "the file and \\[64, 2\\] in the module; .*the module was not changed"});
}

// A regression model's statistics travel in the file: evaluated on a --limit that would fit other
// statistics, the test metrics are still those of the training run.
TEST(MlpInterop, RegressionStatisticsTravelInSafetensors) {
  const std::string dir = fresh_dir("interop_regression");
  write_file(dir + "/plane.csv", plane_csv());
  const Args data = {"--task", "regression", "--dataset", "csv:" + dir + "/plane.csv", "--target", "y"};
  const RunResult trained =
      mlp(data + Args{"--epochs", "5", "--batch-size", "16", "--quiet", "--out", dir + "/out", "--save",
                      dir + "/plane.safetensors", "--export-onnx", dir + "/plane.onnx"});
  expect_run(trained, 0, {"  test +[0-9.]+ +[0-9.]+ +-?[0-9.]+\n"});
  EXPECT_NE(read_bytes(dir + "/plane.safetensors").find("\"xgrad.input_mean\":"), std::string::npos);
  const RunResult loaded = mlp(data + Args{"--limit", "50", "--load", dir + "/plane.safetensors", "--epochs", "0"});
  expect_run(loaded, 0, {"evaluating .*/plane.safetensors \\(with its standardization statistics\\)"});
  EXPECT_EQ(test_metrics_line(loaded.out), test_metrics_line(trained.out));
}

// In xgrad's format they go beside the model (PATH.standardizer), and --load uses them the same way.
// Without that file (a model saved before it was written) they are fitted again on the --limit 50
// examples, with a note, and the test metrics change: what the first load shows is the stored statistics.
// A damaged PATH.standardizer is an error that names it.
TEST(MlpInterop, RegressionStatisticsTravelBesideAnXgradModel) {
  const std::string dir = fresh_dir("interop_regression_xgrad");
  write_file(dir + "/plane.csv", plane_csv());
  const Args data = {"--task", "regression", "--dataset", "csv:" + dir + "/plane.csv", "--target", "y"};
  const RunResult trained = mlp(data + Args{"--epochs", "5", "--batch-size", "16", "--quiet", "--out", dir + "/out",
                                            "--save", dir + "/plane.xgrad"});
  expect_run(trained, 0, {"  test +[0-9.]+ +[0-9.]+ +-?[0-9.]+\n"});
  EXPECT_TRUE(fs::exists(dir + "/plane.xgrad.standardizer"));
  const Args evaluate = data + Args{"--limit", "50", "--load", dir + "/plane.xgrad", "--epochs", "0"};
  const RunResult loaded = mlp(evaluate);
  expect_run(loaded, 0, {"evaluating .*/plane.xgrad \\(with its standardization statistics\\)"});
  EXPECT_EQ(test_metrics_line(loaded.out), test_metrics_line(trained.out));
  EXPECT_NE(test_metrics_line(loaded.out), "");

  fs::remove(dir + "/plane.xgrad.standardizer");
  const RunResult refitted = mlp(evaluate);
  expect_run(refitted, 0, {"note: .*/plane.xgrad holds no standardization statistics .*: they are fitted again"});
  EXPECT_NE(test_metrics_line(refitted.out), test_metrics_line(trained.out));
  // A damaged one is refused with its name, not taken for statistics.
  write_file(dir + "/plane.xgrad.standardizer", "not statistics");
  expect_run(mlp(evaluate), 1,
             {"mlp: --load .*/plane.xgrad.standardizer: not an xgrad standardizer file \\(expected the magic"});
}

// A classifier of a CSV table standardizes its features too: their statistics travel in the file (the
// inputs' only) and in the ONNX graph (raw features in: Sub and Div first, logits out), and --load --epochs 0
// on a --limit that would fit other statistics gives the training run's accuracy and loss. Without them
// (the xgrad model's PATH.standardizer removed) they are fitted again, with a note, and the result changes.
TEST(MlpInterop, ClassifierStatisticsOfATableTravelWithTheModel) {
  const std::string dir = fresh_dir("interop_classifier");
  write_file(dir + "/disc.csv", disc_csv());
  const Args data = {"--dataset", "csv:" + dir + "/disc.csv"};
  const RunResult trained = mlp(data + Args{"--epochs", "10", "--batch-size", "16", "--quiet", "--out", dir + "/out",
                                            "--save", dir + "/disc.safetensors", "--export-onnx", dir + "/disc.onnx"});
  expect_run(trained, 0, {"final test accuracy: [0-9.]+ \\(test loss [0-9.]+\\)"});
  const std::string file = read_bytes(dir + "/disc.safetensors");
  EXPECT_NE(file.find(R"("xgrad.input_mean":")"), std::string::npos);
  EXPECT_EQ(file.find("xgrad.target_mean"), std::string::npos);
  const std::string onnx = read_bytes(dir + "/disc.onnx");
  EXPECT_NE(onnx.find("standardize/Sub"), std::string::npos);
  EXPECT_NE(onnx.find("standardize/Div"), std::string::npos);
  EXPECT_EQ(onnx.find("unstandardize"), std::string::npos);
  const auto final_line = [](const RunResult& run) {
    const std::size_t start = run.out.find("final test accuracy: ");
    return start == std::string::npos ? std::string() : run.out.substr(start, run.out.find('\n', start) - start);
  };
  for (const std::string model : {"/disc.safetensors", "/out/model.xgrad"}) {
    const RunResult loaded = mlp(data + Args{"--limit", "50", "--load", dir + model, "--epochs", "0"});
    expect_run(loaded, 0, {"evaluating .*" + model});
    EXPECT_EQ(final_line(loaded), final_line(trained)) << model;
  }
  fs::remove(dir + "/out/model.xgrad.standardizer");
  const RunResult refitted = mlp(data + Args{"--limit", "50", "--load", dir + "/out/model.xgrad", "--epochs", "0"});
  expect_run(refitted, 0, {"note: .*/model.xgrad holds no standardization statistics"});
  EXPECT_NE(final_line(refitted), final_line(trained));
}

TEST(MlpFashionMnist, ShortRun) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "no Fashion-MNIST (Debian package dataset-fashion-mnist installs it)";
  expect_run(
      mlp({"--limit", "2000", "--epochs", "1", "--quiet", "--out", fresh_dir("fashion_mnist")}), 0,
      {"Fashion-MNIST from .*: 2000 training and 10000 test examples, 10 classes", "final test accuracy: [0-9.]+"});
}

// --- A model written, loaded and trained on ---------------------------------------------------------

class MlpSmoke : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("smoke");
    smoke_ = mlp({"--dataset", "spirals", "--epochs", "3", "--quiet", "--out", dir_});
  }
  static std::string dir_;
  static RunResult smoke_;
};
std::string MlpSmoke::dir_;
RunResult MlpSmoke::smoke_;

TEST_F(MlpSmoke, WritesEverything) {
  expect_run(smoke_, 0,
             {"epoch  1/3  train loss [0-9.]+ acc", "epoch  3/3  train loss", "final test accuracy: [0-9.]+"});
  for (const char* file : {"metrics.csv", "curves.svg", "model.xgrad", "model.xgrad.optim"})
    EXPECT_TRUE(fs::exists(dir_ + "/" + file)) << file;
}
TEST_F(MlpSmoke, LoadAndEvaluateGivesTheSameAccuracy) {
  const RunResult loaded = mlp({"--dataset", "spirals", "--load", dir_ + "/model.xgrad", "--epochs", "0"});
  expect_run(loaded, 0, {"evaluating .*/model.xgrad"});
  EXPECT_EQ(final_accuracy(loaded), final_accuracy(smoke_));
  EXPECT_NE(final_accuracy(loaded), "");
}
// The optimizer's moments come back, but the lr is this run's (the smoke run's cosine ended at 0): the
// epoch-1 lr of a fresh 2-epoch warmup + cosine schedule.
TEST_F(MlpSmoke, LoadAndTrainOn) {
  expect_run(
      mlp({"--dataset", "spirals", "--load", dir_ + "/model.xgrad", "--epochs", "2", "--quiet", "--out",
           fresh_dir("train_on")}),
      0, {"starting from .*/model.xgrad and its optimizer state", "epoch  1/2  train loss .* \\| lr 1\\.34e-03 \\|"});
}

// --- Checkpoints: a run stopped and resumed ends with the very same model file as one that went through

const Args kResumeFlags = {"--dataset", "spirals", "--epochs",     "6",  "--dropout", "0.2",
                           "--hidden",  "32,16",   "--batch-size", "32", "--quiet"};

// Dropout on (its masks must resume too) and a warmup + cosine schedule; checkpoints after epochs 2, 4, 6.
class MlpResume : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("resume");
    full_ = mlp(kResumeFlags +
                Args{"--checkpoint-every", "2", "--checkpoint", dir_ + "/ckpt-{epoch}.xgrad", "--out", dir_ + "/full"});
  }
  static std::string dir_;
  static RunResult full_;
};
std::string MlpResume::dir_;
RunResult MlpResume::full_;

TEST_F(MlpResume, CheckpointsAreWritten) {
  expect_run(full_, 0, {"epoch  6/6  train loss"});
  for (const char* file : {"ckpt-2.xgrad", "ckpt-4.xgrad", "ckpt-6.xgrad"}) EXPECT_TRUE(fs::exists(dir_ + "/" + file));
}
TEST_F(MlpResume, AfterEpoch2EndsWithTheSameModel) {
  expect_run(
      mlp(kResumeFlags + Args{"--resume", dir_ + "/ckpt-2.xgrad", "--out", dir_ + "/resumed"}), 0,
      {"resuming from .*/ckpt-2.xgrad: 2 of 6 epochs done \\(", "epoch  3/6  train loss", "epoch  6/6  train loss"});
  EXPECT_TRUE(same_bytes(dir_ + "/full/model.xgrad", dir_ + "/resumed/model.xgrad"));
}
TEST_F(MlpResume, CorruptCheckpoint) {
  std::string bytes;
  {
    std::ifstream in(dir_ + "/ckpt-4.xgrad", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 100u);
  bytes[100] = '\xff';
  write_file(dir_ + "/corrupt.xgrad", bytes);
  expect_run(mlp(kResumeFlags + Args{"--resume", dir_ + "/corrupt.xgrad", "--out", dir_ + "/corrupt"}), 1,
             {"mlp: read_checkpoint_notes: checksum mismatch \\(the checkpoint '.*/corrupt.xgrad' is corrupt\\)"});
}
TEST_F(MlpResume, OtherArchitecture) {
  expect_run(
      mlp(kResumeFlags + Args{"--hidden", "64", "--resume", dir_ + "/ckpt-2.xgrad", "--out", dir_ + "/other"}), 2,
      {"mlp: --resume .*/ckpt-2.xgrad: the checkpoint's run had --hidden 32,16, this one has --hidden 64 \\(give "
       "the flags of the run that wrote it\\)"});
}
TEST_F(MlpResume, OtherEpochs) {
  expect_run(
      mlp(kResumeFlags + Args{"--epochs", "8", "--resume", dir_ + "/ckpt-2.xgrad", "--out", dir_ + "/other"}), 2,
      {"the checkpoint's run had --epochs 6, this one has --epochs 8 \\(give the flags of the run that wrote it: "
       "its warmup-cosine schedule spans 6 epochs\\)"});
}
TEST_F(MlpResume, MissingFile) {
  expect_run(mlp(kResumeFlags + Args{"--resume", dir_ + "/none.xgrad", "--out", dir_ + "/other"}), 1,
             {"mlp: read_checkpoint_notes: cannot open '.*/none.xgrad' for reading"});
}

// The plateau schedule (its best loss and bad-epoch count are in the checkpoint) and the per-batch ones
// that move AdamW's beta1 (onecycle) or restart (warm-restarts, cyclic) resume bit for bit too.
void expect_schedule_resumes(const std::string& schedule) {
  const std::string dir = fresh_dir("resume_" + schedule);
  const Args flags = kResumeFlags + Args{"--scheduler", schedule};
  expect_run(
      mlp(flags + Args{"--checkpoint-every", "3", "--checkpoint", dir + "/ckpt-{epoch}.xgrad", "--out", dir + "/full"}),
      0, {schedule + " schedule"});
  expect_run(mlp(flags + Args{"--resume", dir + "/ckpt-3.xgrad", "--out", dir + "/resumed"}), 0,
             {"resuming from .*/ckpt-3.xgrad: 3 of 6 epochs done"});
  EXPECT_TRUE(same_bytes(dir + "/full/model.xgrad", dir + "/resumed/model.xgrad"));
}
TEST(MlpResumeSchedules, Plateau) { expect_schedule_resumes("plateau"); }
TEST(MlpResumeSchedules, OneCycle) { expect_schedule_resumes("onecycle"); }
TEST(MlpResumeSchedules, Cyclic) { expect_schedule_resumes("cyclic"); }
TEST(MlpResumeSchedules, WarmRestarts) { expect_schedule_resumes("warm-restarts"); }

// The kill test: SIGKILLed 20 times at random moments and resumed each time, the run ends with the model
// of a run never killed (kill_test.sh says how).
TEST(MlpKill, KilledAndResumedEndsAsNeverKilled) {
  expect_run(run(XGRAD_CLI_KILL_TEST, {XGRAD_MLP_PROGRAM, fresh_dir("kill"), "13", "20"}), 0,
             {"after 20 kills, the resumed run's model.xgrad equals the uninterrupted run's, byte for byte"});
}

// --- BLAS kernels ------------------------------------------------------------------------------------

// OpenBLAS before 0.3.25 falls back to its generic Prescott kernels on Intel CPUs it does not know
// (scripts/blas_env.sh). Forced onto them, the program says which kernels this CPU could run; on kernels
// that suit the CPU it says nothing. Only where OpenBLAS is the BLAS and the CPU has AVX2 and FMA.
bool cpu_runs_haswell_kernels() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    const std::string flags = line + " ";
    return flags.find(" avx2 ") != std::string::npos && flags.find(" fma ") != std::string::npos;
  }
  return false;
}

class MlpBlasKernels : public testing::Test {
 protected:
  void SetUp() override {
    if (!XGRAD_CLI_OPENBLAS || !cpu_runs_haswell_kernels()) GTEST_SKIP() << "not OpenBLAS, or no AVX2 + FMA";
  }
  static RunResult spirals(const std::string& core) {
    return mlp({"--dataset", "spirals", "--epochs", "1", "--quiet", "--out", fresh_dir("blas_" + core)},
               {{"OPENBLAS_CORETYPE", core}});
  }
};
TEST_F(MlpBlasKernels, GenericKernelsGetAdvice) {
  expect_run(
      spirals("Prescott"), 0,
      {"note: OpenBLAS chose its generic Prescott kernels, though this CPU can run its (SkylakeX|Haswell) ones",
       "with OPENBLAS_CORETYPE=(SkylakeX|Haswell) set before the program starts", "\\(OpenBLAS Prescott kernels\\)"});
}
TEST_F(MlpBlasKernels, SuitableKernelsNoAdvice) {
  const RunResult haswell = spirals("Haswell");
  expect_run(haswell, 0, {"\\(OpenBLAS Haswell kernels\\)"});
  EXPECT_FALSE(matches(haswell.output(), "note: OpenBLAS"));
}

// --- Under mpirun (built with MPI) -----------------------------------------------------------------------

#ifdef XGRAD_CLI_MPIEXEC
RunResult mpirun(int ranks, const Args& args) {
  std::vector<std::string> command;
  std::istringstream words(XGRAD_CLI_MPIEXEC);  // mpirun, its -np flag and the test flags, space-separated
  for (std::string word; words >> word;) command.push_back(word);
  const std::string launcher = command.front();
  command.erase(command.begin());
  command.insert(command.begin() + 1, std::to_string(ranks));  // after -np
  command.push_back(XGRAD_MLP_PROGRAM);
  return run(launcher, command + args);
}

// 2 ranks reach the single process's final test accuracy (LayerNorm: the same on every rank), and rank 0
// writes the files.
TEST(MlpMpi, TwoRanksTrainAsOneProcess) {
  const Args flags = {"--dataset", "spirals", "--epochs", "2", "--norm", "layer", "--quiet", "--out"};
  const RunResult one = mlp(flags + Args{fresh_dir("mpi_one_process")});
  const std::string dir = fresh_dir("mpi_smoke");
  const RunResult two = mpirun(2, flags + Args{dir});
  expect_run(two, 0, {"distributed: 2 ranks", "epoch  2/2  train loss"});
  EXPECT_EQ(final_accuracy(two), final_accuracy(one));
  EXPECT_NE(final_accuracy(one), "");
  for (const char* file : {"model.xgrad", "metrics.csv", "curves.svg"}) EXPECT_TRUE(fs::exists(dir + "/" + file));
}
// The default batch norm runs as SyncBatchNorm (the global batch's statistics): the same recipe reaches
// the single process's final test accuracy.
TEST(MlpMpi, BatchNormTrainsAsOneProcess) {
  const Args flags = {"--dataset", "spirals", "--epochs", "2", "--norm", "batch", "--quiet", "--out"};
  const RunResult one = mlp(flags + Args{fresh_dir("mpi_batch_norm_one_process")});
  const RunResult two = mpirun(2, flags + Args{fresh_dir("mpi_batch_norm")});
  expect_run(two, 0, {"distributed: batch norm over the global batch \\(SyncBatchNorm\\)"});
  EXPECT_EQ(final_accuracy(two), final_accuracy(one));
  EXPECT_NE(final_accuracy(one), "");
}
// The flags of tests/data/mpi_dropout_2_ranks_before_rank_generators.xgrad, its epoch 2 checkpoint.
const Args kMpiDropoutFlags = {"--dataset",    "spirals", "--epochs",  "4",   "--hidden", "32,16",
                               "--batch-size", "32",      "--dropout", "0.1", "--quiet"};
// Rank 0 writes the checkpoints, every rank resumes from one: the model ends byte for byte as the
// uninterrupted job's, dropout masks included (each rank's generator is in the checkpoint's notes).
TEST(MlpMpi, ResumedJobEndsAsUninterrupted) {
  const std::string dir = fresh_dir("mpi_resume");
  const Args& flags = kMpiDropoutFlags;
  expect_run(mpirun(2, flags + Args{"--checkpoint-every", "2", "--checkpoint", dir + "/ckpt-{epoch}.xgrad", "--out",
                                    dir + "/full"}),
             0);
  EXPECT_TRUE(fs::exists(dir + "/ckpt-2.xgrad"));
  expect_run(mpirun(2, flags + Args{"--resume", dir + "/ckpt-2.xgrad", "--out", dir + "/resumed"}), 0,
             {"resuming from .*/ckpt-2.xgrad: 2 of 4 epochs done"});
  EXPECT_TRUE(same_bytes(dir + "/full/model.xgrad", dir + "/resumed/model.xgrad"));
}
// A checkpoint written before the ranks' generators were kept (by 2 ranks, the commit before they
// were) still resumes: rank 1 draws fresh masks, and rank 0 says that the run is not bit-exact.
TEST(MlpMpi, CheckpointWithoutRankGeneratorsResumes) {
  const std::string checkpoint = std::string(XGRAD_CLI_DATA_DIR) + "/mpi_dropout_2_ranks_before_rank_generators.xgrad";
  expect_run(mpirun(2, kMpiDropoutFlags + Args{"--resume", checkpoint, "--out", fresh_dir("mpi_old_checkpoint")}), 0,
             {"resuming from .*: 2 of 4 epochs done \\(76 steps\\)",
              "note: the checkpoint holds no dropout generator for 1 of the 1 other ranks", "epoch  4/4  train loss",
              "final test accuracy: 0\\.[0-9]+"});
}
#endif

// --- Validation split, early stopping and the defaults that fit the data ------------------------------

// metrics.csv's column `name` ("val_loss") of each row, as written.
std::vector<std::string> metrics_column(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    rows.push_back(fields);
  }
  std::vector<std::string> column;
  if (rows.empty()) return column;
  std::size_t at = 0;
  while (at < rows[0].size() && rows[0][at] != name) ++at;
  for (std::size_t row = 1; row < rows.size(); ++row) column.push_back(at < rows[row].size() ? rows[row][at] : "");
  return column;
}

// The epoch (from 1) of the lowest of a metrics.csv column of losses (the first, on a tie).
int lowest_loss_epoch(const std::vector<std::string>& losses) {
  int best = 0;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    if (best == 0 || std::stod(losses[i]) < std::stod(losses[best - 1])) best = static_cast<int>(i) + 1;
  }
  return best;
}

// Moons (300 training examples, a fifth held out), patience 3, a checkpoint after every epoch.
const Args kEarlyStopFlags = {
    "--dataset", "moons",    "--limit", "300",     "--val-split",        "0.2", "--early-stop",
    "3",         "--epochs", "60",      "--quiet", "--checkpoint-every", "1"};

class MlpEarlyStop : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("early_stop");
    full_ = mlp(kEarlyStopFlags + Args{"--checkpoint", dir_ + "/ckpt-{epoch}.xgrad", "--out", dir_ + "/full"});
    const std::vector<std::string> losses = metrics_column(dir_ + "/full/metrics.csv", "val_loss");
    best_epoch_ = lowest_loss_epoch(losses);
    epochs_run_ = static_cast<int>(losses.size());
  }
  static std::string dir_;
  static RunResult full_;
  static int best_epoch_, epochs_run_;
};
std::string MlpEarlyStop::dir_;
RunResult MlpEarlyStop::full_;
int MlpEarlyStop::best_epoch_ = 0;
int MlpEarlyStop::epochs_run_ = 0;

// It stops 3 epochs after the lowest validation loss in metrics.csv, well before --epochs 60.
TEST_F(MlpEarlyStop, StopsThreeEpochsAfterTheBest) {
  expect_run(
      full_, 0,
      {"two moons: 240 training, 60 validation and 400 test examples",
       "60 epochs at most \\(early stop after 3 without improvement\\)",
       "epoch  1/60  train loss [0-9.]+ acc [0-9.]+ \\| val loss [0-9.]+ acc [0-9.]+ \\| test loss",
       "early stop: best validation loss [0-9.]+ at epoch " + std::to_string(best_epoch_) + "; its weights restored"});
  EXPECT_EQ(epochs_run_, best_epoch_ + 3);
  EXPECT_LT(epochs_run_, 60);
  EXPECT_EQ(metrics_column(dir_ + "/full/metrics.csv", "val_accuracy").size(), static_cast<std::size_t>(epochs_run_));
}
// The model written is the best epoch's: evaluated again, its validation loss is that epoch's in metrics.csv.
TEST_F(MlpEarlyStop, SavedModelHasTheBestValidationLoss) {
  const RunResult loaded = mlp({"--dataset", "moons", "--limit", "300", "--val-split", "0.2", "--epochs", "0", "--load",
                                dir_ + "/full/model.xgrad"});
  const std::string best = metrics_column(dir_ + "/full/metrics.csv", "val_loss").at(best_epoch_ - 1);
  expect_run(loaded, 0, {"final validation loss " + best + " \\("});
}
// Killed after the best epoch, with patience counted (1 and 2 epochs without improvement): resumed, the run
// stops at the same epoch with the same model file.
TEST_F(MlpEarlyStop, ResumedWhileCountingPatienceEndsWithTheSameModel) {
  for (int waited : {1, 2}) {
    const std::string out = dir_ + "/resumed-" + std::to_string(waited);
    const std::string checkpoint = dir_ + "/ckpt-" + std::to_string(best_epoch_ + waited) + ".xgrad";
    expect_run(mlp(kEarlyStopFlags + Args{"--checkpoint", out + "/ckpt.xgrad", "--resume", checkpoint, "--out", out}),
               0, {"early stop: best validation loss [0-9.]+ at epoch " + std::to_string(best_epoch_)});
    EXPECT_TRUE(same_bytes(dir_ + "/full/model.xgrad", out + "/model.xgrad")) << "resumed after " << waited;
  }
}
const Args kRegressionResumeFlags = {"--hidden",    "32,16", "--dropout",    "0.1", "--epochs",           "60",
                                     "--val-split", "0.2",   "--early-stop", "3",   "--checkpoint-every", "1",
                                     "--quiet"};

// --task regression resumes as classification does: the plane table, dropout on (its masks resume too),
// a warmup + cosine schedule, a fifth held out, patience 3 and a checkpoint after every epoch.
class MlpRegressionResume : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("regression_resume");
    write_file(dir_ + "/plane.csv", plane_csv());
    flags_ = Args{"--task", "regression", "--dataset", "csv:" + dir_ + "/plane.csv", "--target", "y"} +
             kRegressionResumeFlags;
    full_ = mlp(flags_ + Args{"--checkpoint", dir_ + "/ckpt-{epoch}.xgrad", "--out", dir_ + "/full"});
    const std::vector<std::string> losses = metrics_column(dir_ + "/full/metrics.csv", "val_loss");
    best_epoch_ = lowest_loss_epoch(losses);
    epochs_run_ = static_cast<int>(losses.size());
  }
  // Resumed from the checkpoint after `epoch`: the same model file as the run never stopped.
  static void expect_resumes_after(int epoch) {
    const std::string out = dir_ + "/resumed-" + std::to_string(epoch);
    expect_run(mlp(flags_ + Args{"--checkpoint", out + "/ckpt.xgrad", "--resume",
                                 dir_ + "/ckpt-" + std::to_string(epoch) + ".xgrad", "--out", out}),
               0,
               {"resuming from .*/ckpt-" + std::to_string(epoch) + ".xgrad: " + std::to_string(epoch) + " of 60 epochs",
                "early stop: best validation loss [0-9.]+ at epoch " + std::to_string(best_epoch_)});
    EXPECT_TRUE(same_bytes(dir_ + "/full/model.xgrad", out + "/model.xgrad")) << "resumed after epoch " << epoch;
    EXPECT_EQ(metrics_column(out + "/metrics.csv", "val_loss"), metrics_column(dir_ + "/full/metrics.csv", "val_loss"));
  }
  static std::string dir_;
  static Args flags_;
  static RunResult full_;
  static int best_epoch_, epochs_run_;
};
std::string MlpRegressionResume::dir_;
Args MlpRegressionResume::flags_;
RunResult MlpRegressionResume::full_;
int MlpRegressionResume::best_epoch_ = 0;
int MlpRegressionResume::epochs_run_ = 0;

TEST_F(MlpRegressionResume, StopsThreeEpochsAfterTheBest) {
  expect_run(full_, 0, {"early stop: best validation loss [0-9.]+ at epoch " + std::to_string(best_epoch_)});
  EXPECT_EQ(epochs_run_, best_epoch_ + 3);
  EXPECT_LT(epochs_run_, 60);
  EXPECT_TRUE(fs::exists(dir_ + "/ckpt-" + std::to_string(epochs_run_) + ".xgrad"));
}
// Before the best epoch: the weights, the optimizer, the schedule and both generators resume.
TEST_F(MlpRegressionResume, MidRunEndsWithTheSameModel) { expect_resumes_after(2); }
// Killed while counting patience (1 and 2 epochs without improvement), and after the stop itself.
TEST_F(MlpRegressionResume, WhileCountingPatienceEndsWithTheSameModel) {
  for (int waited : {1, 2, 3}) expect_resumes_after(best_epoch_ + waited);
}
TEST_F(MlpRegressionResume, OtherTarget) {
  expect_run(mlp(flags_ + Args{"--target", "a", "--resume", dir_ + "/ckpt-2.xgrad", "--out", dir_ + "/other"}), 2,
             {"mlp: --resume .*/ckpt-2.xgrad: the checkpoint's run had --target y, this one has --target a \\(give the "
              "flags of the run that wrote it\\)"});
}
TEST_F(MlpRegressionResume, ClassificationCheckpoint) {
  const std::string out = dir_ + "/classification";
  write_file(dir_ + "/disc.csv", disc_csv());
  expect_run(mlp({"--dataset", "csv:" + dir_ + "/disc.csv", "--epochs", "1", "--quiet", "--checkpoint-every", "1",
                  "--checkpoint", out + "/ckpt.xgrad", "--out", out}),
             0);
  expect_run(mlp(flags_ + Args{"--resume", out + "/ckpt.xgrad", "--out", out + "/resumed"}), 2,
             {"the checkpoint's run had --task classification, this one has --task regression"});
}

// --early-stop without --val-split holds out a tenth of the training data (scikit-learn's validation_fraction).
TEST(MlpValidation, EarlyStopWithoutValSplitHoldsOutATenth) {
  expect_run(mlp({"--dataset", "moons", "--limit", "300", "--early-stop", "2", "--epochs", "2", "--quiet", "--out",
                  fresh_dir("early_stop_tenth")}),
             0, {"two moons: 270 training, 30 validation and 400 test examples"});
}
// Stratified: spirals' three classes of 400 lose 40 each to the validation part (a tenth).
TEST(MlpValidation, SplitIsStratified) {
  const std::string dir = fresh_dir("val_stratified");
  expect_run(mlp({"--dataset", "spirals", "--val-split", "0.1", "--epochs", "1", "--quiet", "--out", dir}), 0,
             {"3 spirals: 1080 training, 120 validation and 300 test examples"});
  EXPECT_EQ(metrics_column(dir + "/metrics.csv", "val_accuracy").size(), 1u);
}
// Without --epochs, a small table trains to the step budget with a validation split and early stopping on
// (defaults.hpp); metrics.csv and the final table have R^2, RMSE and MAE; the scatter plot is written.
TEST(MlpValidation, RegressionDefaultsFitTheTable) {
  const std::string dir = fresh_dir("regression_defaults");
  write_file(dir + "/plane.csv", plane_csv());
  expect_run(mlp({"--task", "regression", "--dataset", "csv:" + dir + "/plane.csv", "--target", "y", "--quiet", "--out",
                  dir + "/out"}),
             0,
             {"plane.csv: 318 training, 35 validation and 88 test examples",
              "1250 epochs at most \\(early stop after 20 without improvement\\)",
              "defaults: epochs fitted to the data \\(3750 steps at least\\); a small table, so by default 0.1 held "
              "out for validation and early stop after 20 epochs",
              "early stop: best validation loss", "  validation +[0-9.]+ +[0-9.]+ +0\\.99[0-9]+\n",
              "  test +[0-9.]+ +[0-9.]+ +0\\.99[0-9]+\n", "predictions +.*/predictions.svg"});
  const std::vector<std::string> r2 = metrics_column(dir + "/out/metrics.csv", "test_r2");
  EXPECT_LT(r2.size(), 1250u);
  for (const char* column : {"val_rmse", "val_mae", "val_r2", "test_rmse", "test_mae"}) {
    EXPECT_EQ(metrics_column(dir + "/out/metrics.csv", column).size(), r2.size()) << column;
  }
  std::ifstream svg(dir + "/out/predictions.svg");
  const std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n') > 88, true);
  EXPECT_NE(text.find(">test: predicted against true</text>"), std::string::npos);
}

// Every suite here must be one ctest runs (tests/cli/CMakeLists.txt lists them in XGRAD_CLI_SUITES).
TEST(MlpCliSuites, EveryOneIsRegisteredWithCtest) {
  std::istringstream listed(XGRAD_CLI_SUITES);
  std::set<std::string> registered;
  for (std::string name; listed >> name;) registered.insert(name);
  const testing::UnitTest& tests = *testing::UnitTest::GetInstance();
  for (int i = 0; i < tests.total_test_suite_count(); ++i) {
    const std::string name = tests.GetTestSuite(i)->name();
    EXPECT_EQ(registered.count(name), 1u) << "add " << name << " to XGRAD_CLI_SUITES in tests/cli/CMakeLists.txt";
  }
}

}  // namespace

// --- Under mpirun: regression, validation and early stopping --------------------------------------------

#ifdef XGRAD_CLI_MPIEXEC
// The numbers a regression run printed, in order: its metrics table (RMSE, MAE, R^2 of each part).
std::vector<double> regression_metrics(const RunResult& run) {
  std::vector<double> numbers;
  const std::string& out = run.out;
  std::size_t at = out.find("regression metrics");
  at = at == std::string::npos ? out.size() : out.find("\n  train", at);
  std::istringstream table(out.substr(std::min(at, out.size()), out.find("wrote:") - std::min(at, out.size())));
  for (std::string word; table >> word;) {
    if (word.find_first_of("0123456789") == 0 || word[0] == '-') numbers.push_back(std::stod(word));
  }
  return numbers;
}

// The __metadata__ of a safetensors file (the standardizer's statistics among them), as written.
std::string safetensors_metadata(const std::string& path) {
  const std::string bytes = read_bytes(path);
  const std::size_t start = bytes.find("\"__metadata__\"");
  return start == std::string::npos ? "" : bytes.substr(start, bytes.find('}', start) - start);
}

// Regression under mpirun: the statistics are the whole training set's, fitted over the ranks' parts
// (the same bytes in the saved model as one process's), and the metrics one process's within the float
// summation bound: rounding moves the weights by ~1e-6 (tests/distributed), far below the printed 1e-4.
TEST(MlpMpiTasks, RegressionTrainsAsOneProcess) {
  const std::string dir = fresh_dir("mpi_regression");
  write_file(dir + "/plane.csv", plane_csv());
  const Args flags = {"--task",      "regression", "--dataset",    "csv:" + dir + "/plane.csv",
                      "--target",    "y",          "--epochs",     "5",
                      "--hidden",    "16",         "--batch-size", "32",
                      "--val-split", "0.2",        "--quiet"};
  const RunResult one = mlp(flags + Args{"--out", dir + "/one", "--save", dir + "/one.safetensors"});
  expect_run(one, 0, {"  validation +[0-9.]+"});
  const std::vector<double> expected = regression_metrics(one);
  ASSERT_EQ(expected.size(), 9u);  // train, validation, test: RMSE, MAE, R^2
  EXPECT_NE(safetensors_metadata(dir + "/one.safetensors").find("\"xgrad.input_mean\":"), std::string::npos);
  for (int ranks : {2, 3}) {
    const std::string name = std::to_string(ranks) + "_ranks";
    const RunResult job =
        mpirun(ranks, flags + Args{"--out", dir + "/" + name, "--save", dir + "/" + name + ".safetensors"});
    expect_run(job, 0, {"distributed: " + std::to_string(ranks) + " ranks", "epoch  5/5  train loss"});
    EXPECT_EQ(safetensors_metadata(dir + "/" + name + ".safetensors"), safetensors_metadata(dir + "/one.safetensors"));
    const std::vector<double> metrics = regression_metrics(job);
    ASSERT_EQ(metrics.size(), expected.size()) << job.out;
    for (std::size_t i = 0; i < metrics.size(); ++i) EXPECT_NEAR(metrics[i], expected[i], 1e-4) << name << " " << i;
    EXPECT_TRUE(fs::exists(dir + "/" + name + "/predictions.svg"));
  }
}

// A --load model without its statistics (PATH.standardizer removed) under mpirun: every rank fits them
// again, and the note that says so is printed once, by rank 0, as the job's other messages are.
TEST(MlpMpiTasks, TheRefittedStatisticsNoteIsPrintedOnce) {
  const std::string dir = fresh_dir("mpi_refitted_note");
  write_file(dir + "/plane.csv", plane_csv());
  const Args data = {"--task", "regression", "--dataset", "csv:" + dir + "/plane.csv", "--target", "y", "--quiet"};
  expect_run(mlp(data + Args{"--epochs", "1", "--out", dir + "/out", "--save", dir + "/plane.xgrad"}), 0);
  fs::remove(dir + "/plane.xgrad.standardizer");
  const RunResult job = mpirun(2, data + Args{"--load", dir + "/plane.xgrad", "--epochs", "0", "--out", dir + "/eval"});
  expect_run(job, 0, {"note: .*/plane.xgrad holds no standardization statistics", "  test +[0-9.]+ +[0-9.]+"});
  const std::string output = job.output();
  std::size_t notes = 0;
  for (std::size_t at = output.find("holds no standardization"); at != std::string::npos;
       at = output.find("holds no standardization", at + 1)) {
    ++notes;
  }
  EXPECT_EQ(notes, 1u) << output;
}

// The line that ends an early-stopped run: "early stop: best validation loss L at epoch E; ...".
std::string early_stop_line(const RunResult& run) {
  std::smatch found;
  const std::string output = run.output();
  return std::regex_search(output, found, std::regex("early stop: [^\n]*")) ? found.str() : "";
}

// --val-split and --early-stop under mpirun: the same split as one process, the validation loss over
// the whole validation set (the ranks' parts summed), the decision rank 0's: the job stops at one
// process's epoch, on the same best epoch, with its final accuracy.
TEST(MlpMpiTasks, EarlyStopAsOneProcess) {
  const Args flags = {"--dataset",    "moons", "--limit",  "300", "--val-split", "0.2",
                      "--early-stop", "3",     "--epochs", "60",  "--quiet"};
  const RunResult one = mlp(flags + Args{"--out", fresh_dir("mpi_early_stop_one")});
  const RunResult two = mpirun(2, flags + Args{"--out", fresh_dir("mpi_early_stop_two")});
  expect_run(one, 0, {"early stop: best validation loss [0-9.]+ at epoch [0-9]+; its weights restored"});
  expect_run(two, 0, {"distributed: 2 ranks", "early stop: best validation loss"});
  EXPECT_EQ(early_stop_line(two), early_stop_line(one));
  EXPECT_EQ(final_accuracy(two), final_accuracy(one));
}
#endif
