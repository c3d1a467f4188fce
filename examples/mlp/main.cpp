// The MLP example, the first thing a new user runs: it trains a multi-layer perceptron, shows it learn
// (a live progress bar, then one line per epoch), and writes what it made: the model, the optimizer
// state, a metrics CSV and an SVG plot of the curves; with --checkpoint-every, checkpoints that
// --resume goes on from exactly. `mlp --help` lists the flags.
//
// The training loop is the one every xgrad program has:
//   forward -> loss -> zero_grad -> backward -> step (-> scheduler step)

#include "args.hpp"
#include "parallel.hpp"
#include "regression.hpp"

#include <support/plot.hpp>
#include <support/progress.hpp>
#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using xg::data::TensorDataset;

// Thrown for problems the user can fix (missing data, unwritable output): printed without a trace.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A flag that does not fit the checkpoint given to --resume: exit 2, as for any bad flag.
struct FlagError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Data {
  TensorDataset train, test;
  std::vector<std::string> class_names;
  std::string description;
};

std::size_t count_classes(const xg::data::Labels& labels) {
  std::int64_t largest = 0;
  for (std::int64_t label : labels) largest = std::max(largest, label);
  return static_cast<std::size_t>(largest) + 1;
}

std::vector<std::string> numbered_names(std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) names.push_back(std::to_string(i));
  return names;
}

Data load_idx_dir(const std::string& dir, bool fashion) {
  if (!fs::exists(dir)) {
    if (fashion) {
      throw UserError("Fashion-MNIST was not found in " + dir +
                      ".\nInstall Debian's package:  sudo apt-get install dataset-fashion-mnist\n"
                      "or point to the IDX files:  --dataset idx:DIR");
    }
    throw UserError("no such directory: " + dir +
                    "\n--dataset idx:DIR wants the folder that holds the MNIST-format files"
                    " {train,t10k}-{images-idx3,labels-idx1}-ubyte (each may end in .gz)");
  }
  Data data;
  data.train = xg::data::load_mnist(dir, xg::data::Split::kTrain);
  data.test = xg::data::load_mnist(dir, xg::data::Split::kTest);
  data.class_names =
      fashion ? xg::data::fashion_mnist_class_names() : numbered_names(count_classes(data.train.labels()));
  data.description = (fashion ? "Fashion-MNIST from " : "IDX files in ") + dir;
  return data;
}

// Small sets held in memory: 80% to train on, 20% to test, features standardised on the training part.
Data split_and_standardise(const TensorDataset& all, const std::string& description, std::uint64_t seed) {
  xg::Generator split_generator(seed + 1);
  auto [train, test] = xg::data::train_val_split(all, 0.2, split_generator);
  xg::data::Standardizer standardizer;
  standardizer.fit(train);
  standardizer.transform_(train);
  standardizer.transform_(test);
  Data data{std::move(train), std::move(test), numbered_names(count_classes(all.labels())), description};
  return data;
}

Data load_data(const mlp::Args& args) {
  const std::string& name = args.dataset;
  if (name == "fashion-mnist") return load_idx_dir(xg::data::kFashionMnistDir, true);
  if (name.rfind("idx:", 0) == 0) return load_idx_dir(name.substr(4), false);
  xg::Generator generator(args.seed);
  if (name == "spirals")
    return split_and_standardise(xg::data::spirals(500, 3, 0.2, generator), "3 spirals", args.seed);
  if (name == "moons") return split_and_standardise(xg::data::moons(2000, 0.1, generator), "two moons", args.seed);
  const std::string path = name.substr(4);  // csv:PATH
  if (!fs::exists(path)) throw UserError("no such CSV file: " + path);
  return split_and_standardise(xg::data::read_csv(path), "CSV " + path, args.seed);
}

std::unique_ptr<xg::optim::Optimizer> make_optimizer(const mlp::Args& args, std::vector<xg::Tensor> params) {
  namespace optim = xg::optim;
  const std::string& name = args.optimizer;
  const double lr = mlp::learning_rate(args);
  const double wd = mlp::weight_decay(args);
  if (name == "sgd") return std::make_unique<optim::SGD>(params, optim::SGDOptions(lr).weight_decay(wd));
  if (name == "momentum" || name == "nesterov") {
    return std::make_unique<optim::SGD>(
        params, optim::SGDOptions(lr).momentum(0.9).nesterov(name == "nesterov").weight_decay(wd));
  }
  if (name == "adam") return std::make_unique<optim::Adam>(params, optim::AdamOptions(lr).weight_decay(wd));
  if (name == "adamw") return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(lr).weight_decay(wd));
  if (name == "rmsprop") return std::make_unique<optim::RMSprop>(params, optim::RMSpropOptions(lr).weight_decay(wd));
  return std::make_unique<optim::Adagrad>(params, optim::AdagradOptions(lr).weight_decay(wd));
}

// The learning-rate schedule: an LRScheduler stepped after every optimizer step, or (plateau) a
// ReduceLROnPlateau stepped after every epoch with the epoch's mean training loss. (The example has
// no validation split, and deciding on the test loss would tune the lr on the test set.)
struct Schedule {
  std::unique_ptr<xg::optim::LRScheduler> per_batch;
  std::unique_ptr<xg::optim::ReduceLROnPlateau> plateau;
};

// `total_steps` optimizer steps in all.
// OneCycleLR cycles the momentum (or Adam's beta1) of an optimizer that already uses one, CyclicLR
// only a momentum (as in torch 1.13, it refuses Adam's betas). Plain SGD, RMSprop and Adagrad are left
// without (torch would switch SGD's momentum on).
bool has_momentum(const mlp::Args& args) { return args.optimizer == "momentum" || args.optimizer == "nesterov"; }
bool has_momentum_or_beta1(const mlp::Args& args) {
  return has_momentum(args) || args.optimizer == "adam" || args.optimizer == "adamw";
}

Schedule make_schedule(const mlp::Args& args, xg::optim::Optimizer& optimizer, std::int64_t steps_per_epoch,
                       std::int64_t total_steps) {
  namespace optim = xg::optim;
  Schedule schedule;
  if (args.scheduler == "plateau") {
    // Halve the lr once the loss has not improved for 2 epochs (PyTorch's patience of 10 epochs is
    // most of a 10-epoch run).
    schedule.plateau =
        std::make_unique<optim::ReduceLROnPlateau>(optimizer, optim::ReduceLROnPlateau::Mode::min, 0.5, 2);
    return schedule;
  }
  if (args.scheduler == "none" || total_steps == 0) return schedule;
  if (args.scheduler == "step") {
    // Divide the lr by 10 after each third of the run.
    schedule.per_batch = std::make_unique<optim::StepLR>(optimizer, std::max<std::int64_t>(1, total_steps / 3), 0.1);
  } else if (args.scheduler == "cosine") {
    schedule.per_batch = std::make_unique<optim::CosineAnnealingLR>(optimizer, total_steps);
  } else if (args.scheduler == "onecycle") {
    optim::OneCycleLR::Options options(mlp::learning_rate(args));
    options.total_steps = total_steps;
    options.cycle_momentum = has_momentum_or_beta1(args);
    schedule.per_batch = std::make_unique<optim::OneCycleLR>(optimizer, options);
  } else if (args.scheduler == "cyclic") {
    optim::CyclicLR::Options options(mlp::learning_rate(args) / 10, mlp::learning_rate(args));
    options.step_size_up = static_cast<double>(steps_per_epoch);
    options.cycle_momentum = has_momentum(args);
    schedule.per_batch = std::make_unique<optim::CyclicLR>(optimizer, options);
  } else if (args.scheduler == "warm-restarts") {
    // Cycles of T_0, 2 T_0 and 4 T_0 steps: the third ends with the run.
    schedule.per_batch =
        std::make_unique<optim::CosineAnnealingWarmRestarts>(optimizer, std::max<std::int64_t>(1, total_steps / 7), 2);
  } else {
    // Warm up over the first epoch (at most a tenth of the run), then follow a cosine down to 0.
    const std::int64_t warmup = std::max<std::int64_t>(1, std::min(steps_per_epoch, total_steps / 10));
    schedule.per_batch = std::make_unique<optim::WarmupCosineLR>(optimizer, warmup, total_steps);
  }
  return schedule;
}

// The regression path steps its schedule per batch only (parse_args refuses plateau there).
std::unique_ptr<xg::optim::LRScheduler> make_per_batch_scheduler(const mlp::Args& args, xg::optim::Optimizer& optimizer,
                                                                 std::int64_t steps_per_epoch,
                                                                 std::int64_t total_steps) {
  return make_schedule(args, optimizer, steps_per_epoch, total_steps).per_batch;
}

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
};

// Loss and accuracy over a whole dataset, in evaluation mode and without recording a graph.
Evaluation evaluate(xg::nn::MLP& net, const TensorDataset& dataset, xg::nn::ConfusionMatrix* confusion = nullptr) {
  xg::NoGradGuard no_grad;
  net->eval();
  xg::nn::CrossEntropyLoss loss_fn(xg::nn::CrossEntropyLossOptions().reduction(xg::nn::Reduction::Sum));
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(1000));
  double loss_sum = 0.0, correct = 0.0;
  for (xg::data::Batch& batch : loader) {
    const xg::Tensor logits = net(batch.input);
    loss_sum += loss_fn(logits, batch.labels).item();
    correct += xg::nn::accuracy(logits, batch.labels) * static_cast<double>(batch.size());
    if (confusion) confusion->update(logits, batch.labels);
  }
  net->train();
  const double n = std::max<double>(1.0, static_cast<double>(dataset.size()));
  return {loss_sum / n, correct / n};
}

// The final test accuracy and the confusion matrix.
void print_final_evaluation(xg::nn::MLP& net, const Data& data, std::size_t classes) {
  xg::nn::ConfusionMatrix confusion(classes);
  const Evaluation final_test = evaluate(net, data.test, &confusion);
  std::printf("\nfinal test accuracy: %.4f (test loss %.4f)\n\n", final_test.accuracy, final_test.loss);
  std::printf("confusion matrix (rows: true class, columns: predicted):\n");
  if (data.class_names != numbered_names(data.class_names.size())) {  // a legend, unless the names are 0, 1, ...
    for (std::size_t i = 0; i < classes; ++i) {
      std::printf("  %2zu = %s\n", i, i < data.class_names.size() ? data.class_names[i].c_str() : "?");
    }
  }
  std::cout << confusion << "\n";
}

std::string shape_list(const std::vector<std::size_t>& sizes) {
  std::string text;
  for (std::size_t s : sizes) text += (text.empty() ? "" : "-") + std::to_string(s);
  return text;
}

std::size_t parameter_count(xg::nn::MLP& net) {
  std::size_t count = 0;
  for (const xg::Tensor& p : net->parameters()) count += p.numel();
  return count;
}

// What every run works on: the data and the network (with the --load weights in it).
struct Setup {
  Data data;
  std::vector<std::size_t> sizes;  // the inputs, the hidden layers, the classes
  xg::nn::MLP net;
};

Setup set_up(const mlp::Args& args) {
  if (args.threads > 0) xg::blas::set_num_threads(args.threads);
  const std::string blas_advice = xg::blas::kernel_advice();
  if (!blas_advice.empty()) std::fprintf(stderr, "note: %s\n", blas_advice.c_str());
  xg::manual_seed(args.seed);  // dropout masks

  Data data = load_data(args);
  if (args.limit > 0 && args.limit < data.train.size()) {
    std::vector<std::size_t> first(args.limit);
    for (std::size_t i = 0; i < args.limit; ++i) first[i] = i;
    data.train = data.train.subset(first);
  }
  const std::size_t classes = std::max(data.class_names.size(), count_classes(data.train.labels()));
  std::vector<std::size_t> sizes = {xg::numel_of(data.train.example_shape())};
  sizes.insert(sizes.end(), args.hidden.begin(), args.hidden.end());
  sizes.push_back(classes);

  xg::Generator init_generator(args.seed);
  xg::nn::MLP net(sizes, xg::nn::Activation::ReLU, args.dropout, xg::nn::norm_from_string(args.norm), init_generator);
  const std::string norm = args.norm == "none" ? "" : ", " + args.norm + " norm";
  const std::string dropout = norm + (args.dropout > 0 ? ", dropout " + xg::format_number(args.dropout) : "");
  std::printf("data: %s: %zu training and %zu test examples, %zu classes\n", data.description.c_str(),
              data.train.size(), data.test.size(), classes);
  std::printf("model: MLP %s (ReLU%s), %zu parameters\n", shape_list(sizes).c_str(), dropout.c_str(),
              parameter_count(net));
  if (!args.load_path.empty()) xg::load(net, args.load_path);
  return {std::move(data), sizes, net};
}

// The optimizer state file beside a --load model holds the optimizer's memory (momentum buffers, Adam's
// moments and step counts) and also the last run's hyperparameters, among them the lr its schedule
// ended on: 0 after a cosine. This run's schedule starts afresh from its own flags, so their values go
// back in after the load. Returns whether there was a file.
bool resume_optimizer_state(xg::optim::Optimizer& optimizer, const std::string& load_path) {
  const std::string path = load_path + ".optim";
  if (load_path.empty() || !fs::exists(path)) return false;
  const auto flags = optimizer.param_groups()[0].options().hyperparameters();
  optimizer.load(path);
  for (xg::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    for (const auto& [name, value] : flags) group.options().set_hyperparameter(name, value);
  }
  return true;
}

// What the training loop steps with.
struct Training {
  std::unique_ptr<xg::optim::Optimizer> optimizer;
  xg::data::DataLoader loader;
  Schedule schedule;
  xg::nn::CrossEntropyLoss loss_fn;
};

Training set_up_training(const mlp::Args& args, Setup& setup) {
  std::unique_ptr<xg::optim::Optimizer> optimizer = make_optimizer(args, setup.net->parameters());
  const bool resumed = resume_optimizer_state(*optimizer, args.load_path);
  if (!args.load_path.empty()) {
    std::printf("starting from %s%s\n", args.load_path.c_str(), resumed ? " and its optimizer state" : "");
  }
  xg::data::DataLoader loader(setup.data.train, xg::data::DataLoaderOptions(args.batch_size)
                                                    .shuffle(true)
                                                    .seed(args.seed)
                                                    .drop_last(drop_lone_last_batch(args, setup.data.train.size())));
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  Schedule schedule = make_schedule(args, *optimizer, steps_per_epoch, steps_per_epoch * args.epochs);
  xg::nn::CrossEntropyLoss loss_fn(xg::nn::CrossEntropyLossOptions().label_smoothing(args.label_smoothing));
  return {std::move(optimizer), std::move(loader), std::move(schedule), loss_fn};
}

// One epoch's line on the screen and in metrics.csv.
struct EpochResult {
  int epoch = 0;
  double train_loss = 0.0, train_accuracy = 0.0;
  Evaluation test;
  double lr = 0.0;  // the learning rate of the epoch's last step
  double seconds = 0.0;
};

EpochResult train_one_epoch(const mlp::Args& args, Setup& setup, Training& training, int epoch,
                            const mlp::Parallel& parallel) {
  char label[32];
  std::snprintf(label, sizeof label, "epoch %d/%d", epoch, args.epochs);
  support::ProgressBar progress(label, training.loader.num_batches(), !args.quiet && support::stdout_is_terminal());
  xg::optim::Optimizer& optimizer = *training.optimizer;
  EpochResult result;
  double correct = 0.0, seen = 0.0;
  for (xg::data::Batch& global : training.loader) {
    const xg::data::Batch batch = parallel.shard(global);      // this rank's part (one process: all)
    xg::Tensor logits = setup.net(batch.input);                // forward
    xg::Tensor loss = training.loss_fn(logits, batch.labels);  // loss
    optimizer.zero_grad();                                     // clear last step's gradients
    loss.backward();                                           // gradients of the loss
    parallel.average_gradients(setup.net->parameters(), batch.size(), global.size());
    result.lr = optimizer.param_groups()[0].options().get_lr();
    optimizer.step();                                                      // update the weights
    if (training.schedule.per_batch) training.schedule.per_batch->step();  // next learning rate
    correct += xg::nn::accuracy(logits, batch.labels) * static_cast<double>(batch.size());
    progress.update(batch.size(), loss.item());
    seen += static_cast<double>(batch.size());
  }
  progress.finish();
  result.epoch = epoch;
  // Over every rank's examples (the progress bar showed rank 0's).
  result.train_loss = parallel.sum(progress.mean_loss() * seen) / std::max(1.0, parallel.sum(seen));
  if (training.schedule.plateau) training.schedule.plateau->step(result.train_loss);
  result.train_accuracy = parallel.sum(correct) / static_cast<double>(setup.data.train.size());
  result.test = evaluate(setup.net, setup.data.test);
  result.seconds = progress.seconds();
  return result;
}

void print_epoch(const EpochResult& r, int epochs) {
  std::printf("epoch %2d/%d  train loss %.4f acc %.4f | test loss %.4f acc %.4f | lr %.2e | %.1f s\n", r.epoch, epochs,
              r.train_loss, r.train_accuracy, r.test.loss, r.test.accuracy, r.lr, r.seconds);
  std::fflush(stdout);
}

constexpr const char* kMetricsHeader = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds\n";

std::string metrics_row(const EpochResult& r) {
  std::ostringstream row;
  row << r.epoch << ',' << r.train_loss << ',' << r.train_accuracy << ',' << r.test.loss << ',' << r.test.accuracy
      << ',' << r.lr << ',' << r.seconds << '\n';
  return row.str();
}

// The rows of metrics.csv back into results (a checkpoint keeps them, for the resumed run's CSV and plot).
std::vector<EpochResult> parse_metrics_rows(const std::string& rows) {
  std::vector<EpochResult> history;
  std::istringstream lines(rows);
  std::string line;
  while (std::getline(lines, line)) {
    EpochResult r;
    char comma = 0;
    std::istringstream fields(line);
    fields >> r.epoch >> comma >> r.train_loss >> comma >> r.train_accuracy >> comma >> r.test.loss >> comma >>
        r.test.accuracy >> comma >> r.lr >> comma >> r.seconds;
    if (!fields) throw UserError("--resume: the checkpoint's metrics row '" + line + "' is not one of this program's");
    history.push_back(r);
  }
  return history;
}

// Loss and accuracy per epoch, train and test, side by side.
void write_curves(const std::string& path, const std::string& title, const std::vector<EpochResult>& history) {
  std::vector<double> train_loss, test_loss, train_accuracy, test_accuracy;
  for (const EpochResult& r : history) {
    train_loss.push_back(r.train_loss);
    test_loss.push_back(r.test.loss);
    train_accuracy.push_back(r.train_accuracy);
    test_accuracy.push_back(r.test.accuracy);
  }
  const support::LineChart loss("loss", "epoch", "cross-entropy", {{"train", train_loss}, {"test", test_loss}});
  const support::LineChart accuracy("accuracy", "epoch", "fraction correct",
                                    {{"train", train_accuracy}, {"test", test_accuracy}});
  support::save_svg(path, {title, {loss, accuracy}});
}

// The model and optimizer state (in --out, and at --save), the plot, and the list of what was written.
void write_outputs(const mlp::Args& args, const Setup& setup, const xg::optim::Optimizer& optimizer,
                   const std::vector<EpochResult>& history, const std::string& metrics_path) {
  const std::string model_path = (fs::path(args.out_dir) / "model.xgrad").string();
  xg::save(setup.net, model_path);
  optimizer.save(model_path + ".optim");
  if (!args.save_path.empty()) {
    xg::save(setup.net, args.save_path);
    optimizer.save(args.save_path + ".optim");
  }
  const std::string plot_path = (fs::path(args.out_dir) / "curves.svg").string();
  write_curves(plot_path, "MLP " + shape_list(setup.sizes) + " on " + setup.data.description, history);
  std::printf("wrote:\n  model            %s\n  optimizer state  %s.optim\n", model_path.c_str(), model_path.c_str());
  if (!args.save_path.empty()) std::printf("  model (--save)   %s\n", args.save_path.c_str());
  std::printf("  metrics          %s\n", metrics_path.c_str());
  std::printf("  plot             %s\n", plot_path.c_str());
}

// The flags that shape the run, as a checkpoint records them: --resume wants the same ones.
std::map<std::string, std::string> run_flags(const mlp::Args& args) {
  std::string hidden;
  for (std::size_t size : args.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(size);
  return {{"--dataset", args.dataset},
          {"--optimizer", args.optimizer},
          {"--lr", xg::format_number(mlp::learning_rate(args))},
          {"--weight-decay", xg::format_number(mlp::weight_decay(args))},
          {"--epochs", std::to_string(args.epochs)},
          {"--batch-size", std::to_string(args.batch_size)},
          {"--hidden", hidden},
          {"--dropout", xg::format_number(args.dropout)},
          {"--norm", args.norm},
          {"--label-smoothing", xg::format_number(args.label_smoothing)},
          {"--scheduler", args.scheduler},
          {"--seed", std::to_string(args.seed)},
          {"--limit", std::to_string(args.limit)}};
}

constexpr const char* kFlagNote = "flag ";  // notes "flag --hidden" = "256,128", ...
constexpr const char* kMetricsNote = "metrics.csv rows";

// Everything that decides what the rest of the run does: the weights, the optimizer's and schedule's
// state, the generators of the dropout masks (the default one, seeded with --seed) and of the
// shuffling (the loader's own).
xg::Checkpoint make_checkpoint(Setup& setup, Training& training) {
  xg::Checkpoint checkpoint(setup.net, *training.optimizer);
  if (training.schedule.per_batch) checkpoint.scheduler(*training.schedule.per_batch);
  if (training.schedule.plateau) checkpoint.scheduler(*training.schedule.plateau);
  checkpoint.generator("dropout", xg::default_generator()).generator("shuffle", training.loader.generator());
  return checkpoint;
}

// Throws FlagError unless this run's flags are those the checkpoint was written with. --epochs may
// differ only where the schedule does not depend on the run's length (none, plateau).
void check_resume_flags(const mlp::Args& args, const std::map<std::string, std::string>& notes) {
  const std::string start = "--resume " + args.resume_path + ": ";
  for (const auto& [flag, value] : run_flags(args)) {
    const auto found = notes.find(kFlagNote + flag);
    if (found == notes.end())
      throw FlagError(start + "the checkpoint was not written by this program (it has no " + flag + ")");
    if (found->second == value) continue;
    if (flag == "--epochs" && (args.scheduler == "none" || args.scheduler == "plateau")) continue;
    std::string message = start + "the checkpoint's run had " + flag + " " + found->second + ", this one has " + flag +
                          " " + value + " (give the flags of the run that wrote it";
    if (flag == "--epochs") message += ": its " + args.scheduler + " schedule spans " + found->second + " epochs";
    throw FlagError(message + ")");
  }
}

// Loads the --resume checkpoint; returns the results of the epochs it has done.
std::vector<EpochResult> resume(const mlp::Args& args, xg::Checkpoint& checkpoint) {
  check_resume_flags(args, xg::read_checkpoint_notes(args.resume_path));
  checkpoint.load(args.resume_path);
  if (checkpoint.epoch > args.epochs) {
    throw FlagError("--resume " + args.resume_path + ": the checkpoint has " + std::to_string(checkpoint.epoch) +
                    " epochs done, more than --epochs " + std::to_string(args.epochs));
  }
  std::printf("resuming from %s: %lld of %d epochs done (%lld steps)\n", args.resume_path.c_str(),
              static_cast<long long>(checkpoint.epoch), args.epochs, static_cast<long long>(checkpoint.step));
  return parse_metrics_rows(checkpoint.notes[kMetricsNote]);
}

void save_checkpoint(const mlp::Args& args, xg::Checkpoint& checkpoint, const std::string& metrics_rows) {
  for (const auto& [flag, value] : run_flags(args)) checkpoint.notes[kFlagNote + flag] = value;
  checkpoint.notes[kMetricsNote] = metrics_rows;
  checkpoint.save(mlp::checkpoint_file(args, static_cast<int>(checkpoint.epoch)));
}

int run(const mlp::Args& args, const mlp::Parallel& parallel) {
  if (args.task == "regression") {
    if (parallel.world_size() > 1) throw FlagError("--task regression runs in one process only, not under mpirun");
    return mlp::run_regression(args, {make_optimizer, make_per_batch_scheduler});
  }
  Setup setup = set_up(args);
  if (args.epochs == 0) {  // evaluation only (parse_args made sure there is a model): nothing to write
    std::printf("evaluating %s\n", args.load_path.c_str());
    print_final_evaluation(setup.net, setup.data, setup.sizes.back());
    return 0;
  }
  parallel.synchronize_batch_norm(*setup.net);
  Training training = set_up_training(args, setup);
  parallel.start(setup.net->parameters(), setup.data.train.size(), args.batch_size, args.seed);
  std::error_code ignored;
  if (parallel.is_main()) fs::create_directories(args.out_dir, ignored);  // only rank 0 writes files
  if (parallel.is_main() && !fs::is_directory(args.out_dir)) {
    throw UserError("cannot create the output directory " + args.out_dir);
  }
  const std::string blas_core = xg::blas::core_name();
  std::printf("training: %s, lr %g, weight decay %g, %s schedule, batch %zu, %d epochs, BLAS threads %d%s\n\n",
              training.optimizer->name().c_str(), mlp::learning_rate(args), mlp::weight_decay(args),
              args.scheduler.c_str(), args.batch_size, args.epochs, xg::blas::get_num_threads(),
              blas_core.empty() ? "" : (" (OpenBLAS " + blas_core + " kernels)").c_str());

  xg::Checkpoint checkpoint = make_checkpoint(setup, training);
  std::vector<EpochResult> history;
  if (!args.resume_path.empty()) {
    history = resume(args, checkpoint);  // every rank reads the checkpoint rank 0 wrote
    parallel.reseed_dropout_after_resume(args.seed, checkpoint.epoch);
  }

  // A row per epoch as soon as it ends, so that a run stopped early keeps what it did. A resumed run
  // writes the rows its checkpoint kept, then goes on.
  const std::string metrics_path = (fs::path(args.out_dir) / "metrics.csv").string();
  std::ofstream metrics;  // left closed on the other ranks, where writing to it does nothing
  if (parallel.is_main()) metrics.open(metrics_path);
  std::string metrics_rows = checkpoint.notes[kMetricsNote];
  metrics << kMetricsHeader << metrics_rows << std::flush;
  for (int epoch = static_cast<int>(checkpoint.epoch) + 1; epoch <= args.epochs; ++epoch) {
    history.push_back(train_one_epoch(args, setup, training, epoch, parallel));
    print_epoch(history.back(), args.epochs);
    const std::string row = metrics_row(history.back());
    metrics << row << std::flush;
    metrics_rows += row;
    checkpoint.epoch = epoch;
    checkpoint.step += static_cast<std::int64_t>(training.loader.num_batches());
    if (parallel.is_main() && args.checkpoint_every > 0 &&
        (epoch % args.checkpoint_every == 0 || epoch == args.epochs)) {
      save_checkpoint(args, checkpoint, metrics_rows);
    }
  }
  print_final_evaluation(setup.net, setup.data, setup.sizes.back());
  if (parallel.is_main()) write_outputs(args, setup, *training.optimizer, history, metrics_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const mlp::Parallel parallel(argc, argv);  // one process, or one rank of an mpirun job (parallel.hpp)
  const mlp::ParseResult parsed = mlp::parse_args(argc, argv);
  if (!parsed.args) return parsed.exit_code;
  // Under mpirun, fail() ends every rank: the others must not wait for this one in an allreduce.
  try {
    return run(*parsed.args, parallel);
  } catch (const FlagError& e) {
    if (parallel.world_size() > 1) return parallel.fail(e.what());
    std::fprintf(stderr, "mlp: %s\n", e.what());
    return 2;
  } catch (const UserError& e) {
    return parallel.fail(e.what());
  } catch (const xg::Error& e) {
    return parallel.fail(e.what());
  } catch (const std::exception& e) {
    return parallel.fail(e.what());
  }
}
