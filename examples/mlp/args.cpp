#include "args.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace mlp {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double parse_double(const std::string& flag, const std::string& text, double min, bool min_inclusive, double max) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    throw UsageError(flag + " expects a number, got '" + text + "'");
  }
  if (value < min || (!min_inclusive && value == min) || value > max) {
    throw UsageError(flag + " must be " + (min_inclusive ? ">= " : "> ") + std::to_string(min) +
                     (max < 1e300 ? " and <= " + std::to_string(max) : "") + ", got " + text);
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

void expect_one_of(const std::string& flag, const std::string& value, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (value == a) return;
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : "|") + a;
  throw UsageError(flag + " expects one of " + list + ", got '" + value + "'");
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
  --epochs N            passes over the training data (default 10)
  --batch-size N        examples per step (default 128)
  --hidden A,B,...      hidden layer sizes (default 256,128)
  --dropout P           dropout after each hidden layer, 0 <= P < 1 (default 0)
  --scheduler NAME      none | step | cosine | warmup-cosine   (default warmup-cosine)
  --seed N              seed for initialisation and shuffling (default 0)
  --threads N           BLAS threads (default: OpenBLAS's own choice)
  --limit N             train on the first N training examples only (default: all)
  --save PATH           also write the trained model to PATH (always written to the --out directory)
  --load PATH           start from this model; with --epochs 0 just evaluate it. The optimizer state
                        PATH.optim is loaded too when it exists, to resume training exactly.
  --out DIR             where the metrics CSV, the plot and the model go (default out/mlp)
  --quiet               no progress bar
  --help                this text
)";
}

ParseResult parse_args(int argc, const char* const argv[]) {
  const std::string program = argc > 0 ? argv[0] : "mlp";
  Args args;
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
      if (i + 1 >= argc) throw UsageError(flag + " needs a value");
      const std::string value = argv[++i];
      if (flag == "--dataset") {
        if (value.rfind("csv:", 0) != 0 && value.rfind("idx:", 0) != 0) {
          expect_one_of(flag, value, {"fashion-mnist", "spirals", "moons", "csv:PATH", "idx:DIR"});
        } else if (value.size() == 4) {
          throw UsageError(flag + " " + value + " needs a path after the colon");
        }
        args.dataset = value;
      } else if (flag == "--optimizer") {
        expect_one_of(flag, value, {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"});
        args.optimizer = value;
      } else if (flag == "--lr") {
        args.lr = parse_double(flag, value, 0.0, false, 1e3);
      } else if (flag == "--weight-decay") {
        args.weight_decay = parse_double(flag, value, 0.0, true, 1e3);
      } else if (flag == "--epochs") {
        args.epochs = static_cast<int>(parse_count(flag, value, 0));
      } else if (flag == "--batch-size") {
        args.batch_size = parse_count(flag, value, 1);
      } else if (flag == "--hidden") {
        args.hidden.clear();
        std::size_t start = 0;
        while (start <= value.size()) {
          const std::size_t comma = value.find(',', start);
          const std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          args.hidden.push_back(parse_count(flag, part, 1));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      } else if (flag == "--dropout") {
        args.dropout = parse_double(flag, value, 0.0, true, 0.99);
      } else if (flag == "--scheduler") {
        expect_one_of(flag, value, {"none", "step", "cosine", "warmup-cosine"});
        args.scheduler = value;
      } else if (flag == "--seed") {
        args.seed = parse_count(flag, value, 0);
      } else if (flag == "--threads") {
        args.threads = static_cast<int>(parse_count(flag, value, 1));
      } else if (flag == "--limit") {
        args.limit = parse_count(flag, value, 1);
      } else if (flag == "--save") {
        args.save_path = value;
      } else if (flag == "--load") {
        args.load_path = value;
      } else if (flag == "--out") {
        args.out_dir = value;
      } else {
        throw UsageError("unknown flag " + flag);
      }
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n\n%s", program.c_str(), e.what(), usage(program).c_str());
    return {std::nullopt, 2};
  }
  return {args, 0};
}

}  // namespace mlp
