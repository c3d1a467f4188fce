#include "args.hpp"

#include "defaults.hpp"

#include <xgrad/core/error.hpp>

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>

namespace mlp {

namespace {

// CLI11 turns the text into numbers (a non-number is its "Could not convert: --epochs = abc"); these
// checks say which values make sense. CLI11 puts the flag in front: "--lr: must be > 0 and <= 1000, got -1".

// Whether a range includes its bound (closed) or not (open): --dropout is in [0, 1), --lr in (0, 1000].
enum class Bound { kClosed, kOpen };

CLI::Validator in_range(double low, Bound low_bound, double high, Bound high_bound) {
  auto check = [=](std::string& text) -> std::string {
    double value = 0.0;
    if (!CLI::detail::lexical_cast(text, value)) return "";  // not a number: the conversion says so
    const bool above_low = low_bound == Bound::kClosed ? value >= low : value > low;  // NaN is neither
    const bool below_high = high_bound == Bound::kClosed ? value <= high : value < high;
    if (above_low && below_high) return "";
    return std::string("must be ") + (low_bound == Bound::kClosed ? ">= " : "> ") + xg::format_number(low) + " and " +
           (high_bound == Bound::kClosed ? "<= " : "< ") + xg::format_number(high) + ", got " + text;
  };
  return CLI::Validator(check, "");
}

// Counts (epochs, batch size, seed, ...): whole numbers from `min` to a hundred million.
CLI::Validator count_from(double min) { return in_range(min, Bound::kClosed, 1e8, Bound::kClosed); }

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : "|") + name;
  return list;
}

CLI::Validator one_of(std::vector<std::string> allowed) {
  auto check = [allowed](std::string& value) -> std::string {
    for (const std::string& name : allowed) {
      if (value == name) return "";
    }
    return "expects one of " + joined(allowed) + ", got '" + value + "'";
  };
  return CLI::Validator(check, "");
}

CLI::Validator dataset_name() {
  auto check = [](std::string& value) -> std::string {
    if (value.rfind("csv:", 0) != 0 && value.rfind("idx:", 0) != 0) {
      return one_of({"fashion-mnist", "spirals", "moons", "csv:PATH", "idx:DIR"})(value);
    }
    if (value.size() == 4) return "'" + value + "' needs a path after the colon";
    return "";
  };
  return CLI::Validator(check, "");
}

// "256,128" -> {256, 128}; every part a whole number >= 1. Not CLI11's own list splitting: that skips
// empty parts, so a typo such as 10,,5 would pass unnoticed.
std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t size = 0;
    if (!CLI::detail::lexical_cast(part, size) || size < 1 || size > 100000000) {
      throw CLI::ValidationError("--hidden",
                                 "expects sizes >= 1 separated by commas, like 256,128, got '" + text + "'");
    }
    sizes.push_back(size);
    if (comma == std::string::npos) return sizes;
    start = comma + 1;
  }
}

// "price" or "price,tax": the CSV columns to predict, each a header name or a 0-based index.
std::vector<std::string> parse_columns(const std::string& text) {
  std::vector<std::string> columns;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    columns.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (columns.back().empty()) {
      throw CLI::ValidationError("--target",
                                 "expects column names or 0-based indices separated by commas, like "
                                 "price or 3,4, got '" +
                                     text + "'");
    }
    if (comma == std::string::npos) return columns;
    start = comma + 1;
  }
}

void add_regression_flags(CLI::App& app, Args& args) {
  app.add_option("--task", args.task,
                 "classification | regression (default classification); regression\n"
                 "needs --dataset csv:PATH and --target")
      ->option_text("NAME")
      ->check(one_of({"classification", "regression"}));
  app.add_option_function<std::string>(
         "--target", [&args](const std::string& text) { args.targets = parse_columns(text); },
         "the CSV column(s) a regression predicts: header names or 0-based\n"
         "indices (negative from the end), separated by commas")
      ->option_text("COL[,COL]");
}

// The combinations that cannot work, said before any data is read.
void check_regression_flags(const Args& args) {
  if (args.task != "regression") {
    if (!args.targets.empty()) throw CLI::ValidationError("--target only applies to --task regression");
    return;
  }
  if (args.dataset.rfind("csv:", 0) != 0) {
    throw CLI::ValidationError("--task regression needs --dataset csv:PATH (a table with float target columns); '" +
                               args.dataset + "' holds class labels only");
  }
  if (args.targets.empty()) {
    throw CLI::ValidationError("--task regression needs --target COL[,COL]: the CSV column(s) to predict");
  }
  // The regression path steps its schedule per batch.
  if (args.scheduler == "plateau") {
    throw CLI::ValidationError("--scheduler plateau is for --task classification only (regression steps per batch)");
  }
}

void add_validation_flags(CLI::App& app, Args& args) {
  app.add_option("--val-split", args.val_split,
                 "hold out this fraction of the training data, 0 < F < 1, for a\n"
                 "validation loss and metric per epoch (seeded; for classes, the\n"
                 "same fraction of each class); statistics such as the\n"
                 "standardizer's are fitted on the rest only (default: none)")
      ->option_text("F")
      ->check(in_range(0, Bound::kOpen, 1, Bound::kOpen));
  app.add_option("--early-stop", args.early_stop,
                 "stop after N epochs without an improvement of the validation loss\n"
                 "and go back to the best epoch's weights (Keras's EarlyStopping\n"
                 "with restore_best_weights); without --val-split it holds out\n"
                 "0.1 of the training data (scikit-learn's validation_fraction)")
      ->option_text("N")
      ->check(count_from(1));
  app.add_option("--min-delta", args.min_delta,
                 "with --early-stop: an improvement is a validation loss below the\n"
                 "best by more than D (default 0)")
      ->option_text("D")
      ->check(in_range(0, Bound::kClosed, 1e3, Bound::kClosed));
}

// CLI11's help with "usage: PROGRAM [flags]" first and the description under it.
class UsageFirst : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App*) const override { return ""; }
  std::string make_usage(const CLI::App* app, std::string name) const override {
    return "usage: " + name + " [flags]\n" + app->get_description() + "\n";
  }
};

void add_flags(CLI::App& app, Args& args) {
  // A flag given twice takes its last value, as most programs do (CLI11's default would refuse).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->group("flags");
  app.add_option("--dataset", args.dataset,
                 "fashion-mnist | spirals | moons | csv:PATH | idx:DIR\n"
                 "(default fashion-mnist); idx:DIR reads\n"
                 "DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]")
      ->option_text("NAME")
      ->check(dataset_name());
  app.add_option("--optimizer", args.optimizer,
                 "sgd | momentum | nesterov | adam | adamw | rmsprop | adagrad\n(default adamw)")
      ->option_text("NAME")
      ->check(one_of({"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"}));
  app.add_option_function<double>(
         "--lr", [&args](double lr) { args.lr = lr; },
         "learning rate (default: 0.1 sgd, 0.05 momentum/nesterov, 2e-3 adamw,\n"
         "1e-3 adam/rmsprop, 1e-2 adagrad)")
      ->option_text("X")
      ->check(in_range(0, Bound::kOpen, 1e3, Bound::kClosed));
  app.add_option_function<double>(
         "--weight-decay", [&args](double decay) { args.weight_decay = decay; },
         "weight decay (default 0.05 for adamw, 0 otherwise)")
      ->option_text("X")
      ->check(in_range(0, Bound::kClosed, 1e3, Bound::kClosed));
  app.add_option("--epochs", args.epochs, kEpochsHelp)->option_text("N")->check(count_from(0));
  app.add_option("--batch-size", args.batch_size, "examples per step (default 128)")
      ->option_text("N")
      ->check(count_from(1));
  app.add_option_function<std::string>(
         "--hidden", [&args](const std::string& text) { args.hidden = parse_sizes(text); },
         "hidden layer sizes (default 256,128)")
      ->option_text("A,B,...");
  app.add_option("--dropout", args.dropout, "dropout after each hidden layer, 0 <= P < 1 (default 0)")
      ->option_text("P")
      ->check(in_range(0, Bound::kClosed, 1, Bound::kOpen));
  app.add_option("--norm", args.norm,
                 "none | batch | layer: BatchNorm1d or LayerNorm after each hidden\nLinear, before its ReLU (default "
                 "batch; none for --task regression)")
      ->option_text("NAME")
      ->check(one_of({"none", "batch", "layer"}));
  app.add_option("--label-smoothing", args.label_smoothing,
                 "label smoothing of the training loss, 0 <= S <= 1 (default 0)")
      ->option_text("S")
      ->check(in_range(0, Bound::kClosed, 1, Bound::kClosed));
  app.add_option("--scheduler", args.scheduler,
                 "the lr schedule (default warmup-cosine), stepped per batch\n"
                 "except plateau:\n"
                 "  none           the --lr throughout\n"
                 "  step           lr / 10 after each third of the run (StepLR)\n"
                 "  cosine         cosine from --lr down to 0 (CosineAnnealingLR)\n"
                 "  warmup-cosine  linear warmup over the first epoch (at most a\n"
                 "                 tenth of the run), then cosine to 0\n"
                 "  onecycle       up from --lr / 25 to --lr over the first 30%,\n"
                 "                 then cosine down to --lr / 25e4 (OneCycleLR;\n"
                 "                 momentum or Adam's beta1 cycles 0.95-0.85)\n"
                 "  cyclic         triangles between --lr / 10 and --lr, one epoch\n"
                 "                 up and one down (CyclicLR; a momentum cycles\n"
                 "                 0.9-0.8)\n"
                 "  warm-restarts  cosine to 0 restarting at --lr, each cycle twice\n"
                 "                 as long as the last: 3 cycles, the last ending\n"
                 "                 with the run (CosineAnnealingWarmRestarts)\n"
                 "  plateau        halve the lr when an epoch's mean training loss\n"
                 "                 has not improved for 2 epochs (ReduceLROnPlateau,\n"
                 "                 stepped per epoch)")
      ->option_text("NAME")
      ->check(one_of({"none", "step", "cosine", "warmup-cosine", "onecycle", "cyclic", "warm-restarts", "plateau"}));
  app.add_option("--seed", args.seed, "seed for initialisation and shuffling (default 0)")
      ->option_text("N")
      ->check(count_from(0));
  app.add_option("--threads", args.threads, "BLAS threads (default: OpenBLAS's own choice)")
      ->option_text("N")
      ->check(count_from(1));
  app.add_option("--limit", args.limit, "train on the first N training examples only (default: all)")
      ->option_text("N")
      ->check(count_from(1));
  app.add_option("--save", args.save_path,
                 "also write the trained model to PATH (always written to\nthe --out directory). "
                 "PATH.safetensors: Hugging Face's safetensors,\nwhich PyTorch loads; any other name: xgrad's format")
      ->option_text("PATH");
  app.add_option("--export-onnx", args.export_onnx_path,
                 "write the trained (or, with --epochs 0, the loaded) model as\nONNX (opset 17) to PATH")
      ->option_text("PATH");
  app.add_option("--load", args.load_path,
                 "start from this model, xgrad's or a .safetensors one (PyTorch's\n"
                 "nn.Sequential of the same layers loads strictly); give the\n"
                 "--dataset, --hidden and --seed it\n"
                 "was trained with: the seed picks the test part of spirals, moons\n"
                 "and CSV data). With --epochs 0 only evaluate it, writing nothing.\n"
                 "When training, the optimizer state PATH.optim is loaded too if it\n"
                 "exists, so momentum and Adam's moments carry over; the\n"
                 "hyperparameters are this run's flags (the schedule starts afresh\n"
                 "from --lr, and so does the shuffling).")
      ->option_text("PATH");
  app.add_option("--out", args.out_dir, "where the metrics CSV, the plot and the model go (default out/mlp)")
      ->option_text("DIR");
  app.add_option("--checkpoint-every", args.checkpoint_every,
                 "write a checkpoint every N epochs, and after the last: the\n"
                 "model, the optimizer's and the schedule's state, the random\n"
                 "generators, the epoch and the metrics so far (default 0: none)")
      ->option_text("N")
      ->check(count_from(1));
  app.add_option("--checkpoint", args.checkpoint_path,
                 "where the checkpoints go (default OUT/checkpoint.xgrad, replaced\n"
                 "each time, atomically); \"{epoch}\" in PATH keeps one per epoch:\n"
                 "run-{epoch}.xgrad")
      ->option_text("PATH");
  app.add_option("--resume", args.resume_path,
                 "go on from this checkpoint up to --epochs epochs in all, as if\n"
                 "the run had never stopped: same schedule, shuffling, dropout\n"
                 "masks and metrics.csv. Give the flags of the run that wrote it\n"
                 "(a flag that differs is an error naming it)")
      ->option_text("PATH");
  add_validation_flags(app, args);
  app.add_flag("--quiet", args.quiet, "no progress bar");
  add_regression_flags(app, args);
  app.callback([&args, &app] {
    check_regression_flags(args);
    // The batch-norm default is the Fashion-MNIST recipe's; a regression uses a norm only when asked.
    args.norm_given = app.count("--norm") > 0;
    args.epochs_given = app.count("--epochs") > 0;
    if (app.count("--min-delta") > 0 && args.early_stop == 0) {
      throw CLI::ValidationError("--min-delta only applies with --early-stop N");
    }
    if (args.early_stop > 0 && args.val_split == 0.0) args.val_split = kEarlyStopValSplit;
    if (args.task == "regression" && !args.norm_given) args.norm = "none";
    if (!args.resume_path.empty() && !args.load_path.empty()) {
      throw CLI::ValidationError("--resume and --load both give the starting weights: use one of them");
    }
    if (!args.checkpoint_path.empty() && args.checkpoint_every == 0) {
      throw CLI::ValidationError("--checkpoint PATH says where checkpoints go: give --checkpoint-every N as well");
    }
    if (!args.resume_path.empty() && args.epochs == 0) {
      throw CLI::ValidationError("--resume trains on up to --epochs epochs in all: --epochs 0 leaves nothing to do");
    }
    // Evaluating an untrained network would also overwrite the model in --out with random weights.
    if (args.epochs == 0 && args.load_path.empty()) {
      throw CLI::ValidationError("--epochs 0 only evaluates a trained model: give it one with --load PATH");
    }
  });
}

}  // namespace

bool drop_lone_last_batch(const Args& args, std::size_t train_size) {
  return args.norm == "batch" && train_size % args.batch_size == 1;
}

double learning_rate(const Args& args) {
  if (args.lr) return *args.lr;
  const std::string& name = args.optimizer;
  if (name == "sgd") return 0.1;
  if (name == "momentum" || name == "nesterov") return 0.05;
  if (name == "adagrad") return 1e-2;
  if (name == "adamw") return 2e-3;
  return 1e-3;  // adam, rmsprop
}

std::string checkpoint_file(const Args& args, int epoch) {
  if (args.checkpoint_path.empty()) return args.out_dir + "/checkpoint.xgrad";
  std::string path = args.checkpoint_path;
  const std::string placeholder = "{epoch}";
  for (std::size_t at = path.find(placeholder); at != std::string::npos; at = path.find(placeholder, at)) {
    path.replace(at, placeholder.size(), std::to_string(epoch));
  }
  return path;
}

double weight_decay(const Args& args) { return args.weight_decay.value_or(args.optimizer == "adamw" ? 0.05 : 0.0); }

ParseResult parse_args(int argc, const char* const argv[]) {
  CLI::App app(
      "Trains a multi-layer perceptron and shows it learn. With no flags: the 784-256-128-10 ReLU MLP\n"
      "with BatchNorm1d on Fashion-MNIST (Debian package dataset-fashion-mnist), AdamW, warmup + cosine\n"
      "schedule, batch 128, 8 epochs.");
  app.formatter(std::make_shared<UsageFirst>());
  app.get_formatter()->column_width(24);
  Args args;
  add_flags(app, args);
  app.set_help_flag("-h,--help", "this text");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return {std::nullopt, 0};
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n\n%s", app.get_name().c_str(), e.what(), app.help().c_str());
    return {std::nullopt, 2};
  }
  return {args, 0};
}

}  // namespace mlp
