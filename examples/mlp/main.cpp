// The MLP example, the first thing a new user runs: it trains a multi-layer perceptron, shows it learn
// (a live progress bar, then one line per epoch), and writes what it made: the model, the optimizer
// state, a metrics CSV and an SVG plot of the curves; with --checkpoint-every, checkpoints that
// --resume goes on from exactly. `mlp --help` lists the flags.
//
// This file is the training loop a user would write: set up, train epoch by epoch, write the outputs.
// The rest sits beside it, a file per concern:
//   args.*           the flags (a new flag goes here: its field, its CLI11 line, its checks)
//   data.*           --dataset and --val-split: the examples, split and standardised
//   model.*          the network (--hidden, --dropout, --norm), the norm under mpirun
//   model_files.*    --save, --load and the model in --out: the files a model travels in
//   training.*       --optimizer, --lr, --scheduler: the optimizer, schedule, loader and loss
//   checkpointing.*  --checkpoint-every and --resume
//   defaults.*       without --epochs: epochs (and a validation split, early stopping) that fit the data
//   early_stopping.* --early-stop and --min-delta: stop at the best validation loss, restore its weights
//   report.*         evaluation, the epoch lines, metrics.csv, the plot and the list of outputs
//   regression.*     --task regression (its own loop, on a CSV table's float columns)
//   parallel.*       one rank of an mpirun job, or one process on its own
//
// The step every xgrad program has:  forward -> loss -> zero_grad -> backward -> step (-> scheduler step)

#include "args.hpp"
#include "checkpointing.hpp"
#include "early_stopping.hpp"
#include "errors.hpp"
#include "model.hpp"
#include "model_files.hpp"
#include "parallel.hpp"
#include "regression.hpp"
#include "report.hpp"
#include "training.hpp"

#include <support/progress.hpp>
#include <xgrad/xgrad.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace {

using namespace mlp;

// One pass over the training data; then the test set's loss and accuracy.
EpochResult train_one_epoch(const Args& args, Setup& setup, Training& training, int epoch, const Parallel& parallel) {
  char label[32];
  std::snprintf(label, sizeof label, "epoch %d/%d", epoch, args.epochs);
  support::ProgressBar progress(label, training.loader.num_batches(), !args.quiet && support::stdout_is_terminal());
  xg::optim::Optimizer& optimizer = *training.optimizer;
  EpochResult result;
  double correct = 0.0, seen = 0.0;
  for (xg::data::Batch& global : training.loader) {
    const xg::data::Batch batch = parallel.shard(global);           // this rank's part (one process: all)
    xg::Tensor logits = setup.net(batch.input);                     // forward
    xg::Tensor loss = training.loss_fn(logits, batch.labels);       // loss
    optimizer.zero_grad();                                          // clear last step's gradients
    parallel.begin_gradient_exchange(batch.size(), global.size());  // under mpirun: sent during backward
    loss.backward();                                                // gradients of the loss
    parallel.average_gradients();                                   // the global batch's gradient on every rank
    result.lr = optimizer.param_groups()[0].options().get_lr();
    optimizer.step();                  // update the weights (under mpirun on one machine: this rank's share)
    parallel.share_updated_weights();  // under mpirun on one machine: every rank's share to every rank
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
  // Each rank evaluates its part; the sums over ranks give the whole sets' numbers (parallel.hpp).
  const auto evaluate_part = [&](const xg::data::TensorDataset& part) { return evaluate(setup.net, part); };
  if (setup.data.val.size() > 0) result.val = parallel.evaluate_across_ranks(setup.data.val, evaluate_part);
  result.test = parallel.evaluate_across_ranks(setup.data.test, evaluate_part);
  result.seconds = progress.seconds();
  return result;
}

int run(const Args& given, const Parallel& parallel) {
  Args args = given;  // set_up fits the epochs to the data (defaults.hpp)
  if (args.task == "regression") return run_regression(args, parallel);

  // Set up: the data and the network (with the --load weights), then what trains it.
  Setup setup = set_up(args);
  if (args.epochs == 0) {  // evaluation only (parse_args made sure there is a model): nothing to write
    std::printf("evaluating %s\n", args.load_path.c_str());
    print_final_evaluation(setup.net, setup.data, setup.sizes.back());
    if (parallel.is_main() && !args.export_onnx_path.empty())
      export_onnx(setup.net, args.export_onnx_path, if_fitted(setup.data.statistics));
    return 0;
  }
  Training training = set_up_training(args, setup);
  // Under mpirun: the gradient exchange, and SyncBatchNorm for the global batch's statistics.
  parallel.start(*setup.net, *training.optimizer, setup.data.train.size(), args.batch_size, args.seed);
  if (parallel.is_main()) make_out_dir(args);  // only rank 0 writes files
  print_training(args, *training.optimizer, setup.decided);

  xg::Checkpoint checkpoint = make_checkpoint(setup, training);
  std::optional<EarlyStopping> early_stopping;
  if (args.early_stop > 0) early_stopping.emplace(args.early_stop, args.min_delta);
  std::vector<EpochResult> history;
  if (!args.resume_path.empty()) {
    history = resume(args, checkpoint);  // every rank reads the checkpoint rank 0 wrote
    parallel.restore_dropout_generators(checkpoint.notes, args.seed, checkpoint.epoch);  // ranks > 0
    if (early_stopping) resume_early_stopping(args, checkpoint, *early_stopping);
  }

  // Train, epoch by epoch: a line on the screen and in metrics.csv each, and the checkpoints asked for.
  MetricsLog metrics(args, parallel.is_main(), checkpoint_metrics_rows(checkpoint));
  bool stop = early_stopping && early_stopping->should_stop();  // a resumed run that had stopped
  for (int epoch = static_cast<int>(checkpoint.epoch) + 1; epoch <= args.epochs && !stop; ++epoch) {
    history.push_back(train_one_epoch(args, setup, training, epoch, parallel));
    print_epoch(history.back(), args.epochs);
    metrics.add(history.back());
    checkpoint.epoch = epoch;
    checkpoint.step += static_cast<std::int64_t>(training.loader.num_batches());
    if (early_stopping) {
      // Rank 0 decides, so that no rank leaves the loop alone.
      stop = parallel.decided_by_main(early_stopping->update(epoch, history.back().val->loss, *setup.net));
      early_stopping->write_notes(checkpoint.notes);
    }
    if (checkpoint_due(args, epoch) || (stop && args.checkpoint_every > 0)) {
      parallel.note_dropout_generators(checkpoint.notes);  // every rank's masks go on after a resume
      parallel.consolidate_optimizer_state();              // the whole state, as one process saves it
      if (parallel.is_main()) save_checkpoint(args, checkpoint, metrics.rows());
    }
  }
  if (early_stopping) {
    early_stopping->restore_best(*setup.net);
    std::printf("%s: best validation loss %.4f at epoch %d; its weights restored\n",
                stop ? "early stop" : "no early stop", early_stopping->best_loss(), early_stopping->best_epoch());
  }

  // The outputs: the final evaluation, then the model, its optimizer state and the plot (rank 0).
  print_final_evaluation(setup.net, setup.data, setup.sizes.back());
  parallel.consolidate_optimizer_state();  // every rank (under mpirun); then rank 0 saves it
  if (parallel.is_main()) write_outputs(args, setup, *training.optimizer, history, metrics.path());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Parallel parallel(argc, argv);  // one process, or one rank of an mpirun job (parallel.hpp)
  const ParseResult parsed = parse_args(argc, argv);
  if (!parsed.args) return parsed.exit_code;
  // Under mpirun, fail() ends every rank: the others must not wait for this one in an allreduce.
  try {
    return run(*parsed.args, parallel);
  } catch (const FlagError& e) {
    if (parallel.world_size() > 1) return parallel.fail(e.what());
    std::fprintf(stderr, "mlp: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // UserError, xg::Error, ...: "mlp: MESSAGE", exit 1
    return parallel.fail(e.what());
  }
}
