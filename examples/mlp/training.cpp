#include "training.hpp"

#include "model_files.hpp"

#include <algorithm>
#include <cstdio>

namespace mlp {

namespace {

// OneCycleLR cycles the momentum (or Adam's beta1) of an optimizer that already uses one, CyclicLR
// only a momentum (as in torch 1.13, it refuses Adam's betas). Plain SGD, RMSprop and Adagrad are left
// without (torch would switch SGD's momentum on).
bool has_momentum(const Args& args) { return args.optimizer == "momentum" || args.optimizer == "nesterov"; }
bool has_momentum_or_beta1(const Args& args) {
  return has_momentum(args) || args.optimizer == "adam" || args.optimizer == "adamw";
}

}  // namespace

std::unique_ptr<xg::optim::Optimizer> make_optimizer(const Args& args, std::vector<xg::Tensor> params) {
  namespace optim = xg::optim;
  const std::string& name = args.optimizer;
  const double lr = learning_rate(args);
  const double wd = weight_decay(args);
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

Schedule make_schedule(const Args& args, xg::optim::Optimizer& optimizer, std::int64_t steps_per_epoch,
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
    optim::OneCycleLR::Options options(learning_rate(args));
    options.total_steps(total_steps);
    options.cycle_momentum(has_momentum_or_beta1(args));
    schedule.per_batch = std::make_unique<optim::OneCycleLR>(optimizer, options);
  } else if (args.scheduler == "cyclic") {
    optim::CyclicLR::Options options(learning_rate(args) / 10, learning_rate(args));
    options.step_size_up(static_cast<double>(steps_per_epoch));
    options.cycle_momentum(has_momentum(args));
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

xg::data::DataLoader make_loader(const Args& args, const xg::data::TensorDataset& train) {
  return xg::data::DataLoader(train, xg::data::DataLoaderOptions(args.batch_size)
                                         .shuffle(true)
                                         .seed(args.seed)
                                         .drop_last(drop_lone_last_batch(args, train.size())));
}

Training set_up_training(const Args& args, Setup& setup) {
  std::unique_ptr<xg::optim::Optimizer> optimizer = make_optimizer(args, setup.net->parameters());
  const bool resumed = load_optimizer_state(*optimizer, args.load_path);
  if (!args.load_path.empty()) {
    std::printf("starting from %s%s\n", args.load_path.c_str(), resumed ? " and its optimizer state" : "");
  }
  xg::data::DataLoader loader = make_loader(args, setup.data.train);
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  Schedule schedule = make_schedule(args, *optimizer, steps_per_epoch, steps_per_epoch * args.epochs);
  xg::nn::CrossEntropyLoss loss_fn(xg::nn::CrossEntropyLossOptions().label_smoothing(args.label_smoothing));
  return {std::move(optimizer), std::move(loader), std::move(schedule), loss_fn};
}

void print_training(const Args& args, const xg::optim::Optimizer& optimizer, const std::string& decided) {
  const std::string blas_core = xg::blas::core_name();
  std::printf("training: %s, lr %g, weight decay %g, %s schedule, batch %zu, %d epochs%s, BLAS threads %d%s\n",
              optimizer.name().c_str(), learning_rate(args), weight_decay(args), args.scheduler.c_str(),
              args.batch_size, args.epochs, early_stop_text(args).c_str(), xg::blas::get_num_threads(),
              blas_core.empty() ? "" : (" (OpenBLAS " + blas_core + " kernels)").c_str());
  if (!decided.empty()) std::printf("defaults: %s\n", decided.c_str());
  std::printf("\n");
}

std::string early_stop_text(const Args& args) {
  if (args.early_stop == 0) return "";
  return " at most (early stop after " + std::to_string(args.early_stop) + " without improvement" +
         (args.min_delta > 0 ? " by " + xg::format_number(args.min_delta) : "") + ")";
}

}  // namespace mlp
