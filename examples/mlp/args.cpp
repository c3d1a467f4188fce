#include "args.hpp"

#include <xgrad/core/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <stdexcept>

namespace mlp {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double parse_double(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    throw UsageError(flag + " expects a number, got '" + text + "'");
  }
  return value;
}

// Whether a range includes its bound (closed) or not (open): --dropout is in [0, 1), --lr in (0, 1000].
enum class Bound { kClosed, kOpen };

// A number between low and high (NaN is between nothing).
double parse_in_range(const std::string& flag, const std::string& text, double low, Bound low_bound, double high,
                      Bound high_bound) {
  const double value = parse_double(flag, text);
  const bool above_low = low_bound == Bound::kClosed ? value >= low : value > low;
  const bool below_high = high_bound == Bound::kClosed ? value <= high : value < high;
  if (!above_low || !below_high) {
    throw UsageError(flag + " must be " + (low_bound == Bound::kClosed ? ">= " : "> ") + xg::format_number(low) +
                     " and " + (high_bound == Bound::kClosed ? "<= " : "< ") + xg::format_number(high) + ", got " +
                     text);
  }
  return value;
}

std::size_t parse_count(const std::string& flag, const std::string& text, std::size_t min) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < static_cast<long long>(min) || value > 100000000) {
    throw UsageError(flag + " expects a whole number >= " + std::to_string(min) + ", got '" + text + "'");
  }
  return static_cast<std::size_t>(value);
}

// "256,128" -> {256, 128}; every part a whole number >= 1.
std::vector<std::size_t> parse_sizes(const std::string& flag, const std::string& text) {
  std::vector<std::size_t> sizes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      sizes.push_back(parse_count(flag, part, 1));
    } catch (const UsageError&) {
      throw UsageError(flag + " expects sizes >= 1 separated by commas, like 256,128, got '" + text + "'");
    }
    if (comma == std::string::npos) return sizes;
    start = comma + 1;
  }
}

const std::string& one_of(const std::string& flag, const std::string& value, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (value == a) return value;
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : "|") + a;
  throw UsageError(flag + " expects one of " + list + ", got '" + value + "'");
}

const std::string& dataset_name(const std::string& flag, const std::string& value) {
  if (value.rfind("csv:", 0) != 0 && value.rfind("idx:", 0) != 0) {
    return one_of(flag, value, {"fashion-mnist", "spirals", "moons", "csv:PATH", "idx:DIR"});
  }
  if (value.size() == 4) throw UsageError(flag + " " + value + " needs a path after the colon");
  return value;
}

}  // namespace

double learning_rate(const Args& args) {
  if (args.lr) return *args.lr;
  const std::string& name = args.optimizer;
  if (name == "sgd") return 0.1;
  if (name == "momentum" || name == "nesterov") return 0.05;
  if (name == "adagrad") return 1e-2;
  if (name == "adamw") return 2e-3;
  return 1e-3;  // adam, rmsprop
}

double weight_decay(const Args& args) { return args.weight_decay.value_or(args.optimizer == "adamw" ? 0.05 : 0.0); }

std::string usage(const std::string& program) {
  return "usage: " + program + R"( [flags]
Trains a multi-layer perceptron and shows it learn. With no flags: the 784-256-128-10 ReLU MLP on
Fashion-MNIST (Debian package dataset-fashion-mnist), AdamW, warmup + cosine schedule, batch 128, 10 epochs.

  --dataset NAME        fashion-mnist | spirals | moons | csv:PATH | idx:DIR   (default fashion-mnist)
                        idx:DIR reads DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
  --optimizer NAME      sgd | momentum | nesterov | adam | adamw | rmsprop | adagrad   (default adamw)
  --lr X                learning rate (default: 0.1 sgd, 0.05 momentum/nesterov, 2e-3 adamw,
                        1e-3 adam/rmsprop, 1e-2 adagrad)
  --weight-decay X      weight decay (default 0.05 for adamw, 0 otherwise)
  --epochs N            passes over the training data (default 10; 0 needs --load)
  --batch-size N        examples per step (default 128)
  --hidden A,B,...      hidden layer sizes (default 256,128)
  --dropout P           dropout after each hidden layer, 0 <= P < 1 (default 0)
  --scheduler NAME      none | step | cosine | warmup-cosine   (default warmup-cosine)
  --seed N              seed for initialisation and shuffling (default 0)
  --threads N           BLAS threads (default: OpenBLAS's own choice)
  --limit N             train on the first N training examples only (default: all)
  --save PATH           also write the trained model to PATH (always written to the --out directory)
  --load PATH           start from this model (give the --dataset, --hidden and --seed it was trained
                        with: the seed picks the test part of spirals, moons and CSV data). With
                        --epochs 0 only evaluate it, writing nothing. When training, the optimizer state
                        PATH.optim is loaded too if it exists, so momentum and Adam's moments carry
                        over; the hyperparameters are this run's flags (the schedule starts afresh
                        from --lr, and so does the shuffling).
  --out DIR             where the metrics CSV, the plot and the model go (default out/mlp)
  --quiet               no progress bar
  --help                this text
)";
}

ParseResult parse_args(int argc, const char* const argv[]) {
  const std::string program = argc > 0 ? argv[0] : "mlp";
  Args args;
  using Setter = std::function<void(const std::string& flag, const std::string& value)>;
  // Every flag that takes a value, and what it does with it.
  const std::map<std::string, Setter> flags = {
      {"--dataset", [&](auto& flag, auto& value) { args.dataset = dataset_name(flag, value); }},
      {"--optimizer",
       [&](auto& flag, auto& value) {
         args.optimizer = one_of(flag, value, {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"});
       }},
      {"--lr",
       [&](auto& flag, auto& value) { args.lr = parse_in_range(flag, value, 0, Bound::kOpen, 1e3, Bound::kClosed); }},
      {"--weight-decay",
       [&](auto& flag, auto& value) {
         args.weight_decay = parse_in_range(flag, value, 0, Bound::kClosed, 1e3, Bound::kClosed);
       }},
      {"--epochs", [&](auto& flag, auto& value) { args.epochs = static_cast<int>(parse_count(flag, value, 0)); }},
      {"--batch-size", [&](auto& flag, auto& value) { args.batch_size = parse_count(flag, value, 1); }},
      {"--hidden", [&](auto& flag, auto& value) { args.hidden = parse_sizes(flag, value); }},
      {"--dropout",
       [&](auto& flag, auto& value) {
         args.dropout = parse_in_range(flag, value, 0, Bound::kClosed, 1, Bound::kOpen);
       }},
      {"--scheduler",
       [&](auto& flag, auto& value) {
         args.scheduler = one_of(flag, value, {"none", "step", "cosine", "warmup-cosine"});
       }},
      {"--seed", [&](auto& flag, auto& value) { args.seed = parse_count(flag, value, 0); }},
      {"--threads", [&](auto& flag, auto& value) { args.threads = static_cast<int>(parse_count(flag, value, 1)); }},
      {"--limit", [&](auto& flag, auto& value) { args.limit = parse_count(flag, value, 1); }},
      {"--save", [&](auto&, auto& value) { args.save_path = value; }},
      {"--load", [&](auto&, auto& value) { args.load_path = value; }},
      {"--out", [&](auto&, auto& value) { args.out_dir = value; }},
  };
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (flag == "--help" || flag == "-h") {
        std::fputs(usage(program).c_str(), stdout);
        return {std::nullopt, 0};
      }
      if (flag == "--quiet") {
        args.quiet = true;
        continue;
      }
      if (flag.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + flag + "'");
      const auto setter = flags.find(flag);
      if (setter == flags.end()) throw UsageError("unknown flag " + flag);
      if (i + 1 >= argc) throw UsageError(flag + " needs a value");
      setter->second(flag, argv[++i]);
    }
    // Evaluating an untrained network would also overwrite the model in --out with random weights.
    if (args.epochs == 0 && args.load_path.empty()) {
      throw UsageError("--epochs 0 only evaluates a trained model: give it one with --load PATH");
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n\n%s", program.c_str(), e.what(), usage(program).c_str());
    return {std::nullopt, 2};
  }
  return {args, 0};
}

}  // namespace mlp
