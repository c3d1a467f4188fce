#include "checkpointing.hpp"

#include "errors.hpp"

#include <cstdio>
#include <map>

namespace mlp {

namespace {

constexpr const char* kFlagNote = "flag ";  // notes "flag --hidden" = "256,128", ...
constexpr const char* kMetricsNote = "metrics.csv rows";

// The flags that shape the run, as a checkpoint records them: --resume wants the same ones (the task
// first, so that a checkpoint of the other task is named as such).
std::vector<std::pair<std::string, std::string>> run_flags(const Args& args) {
  std::string hidden;
  for (std::size_t size : args.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(size);
  std::string targets;
  for (const std::string& target : args.targets) targets += (targets.empty() ? "" : ",") + target;
  return {{"--task", args.task},
          {"--target", targets},
          {"--dataset", args.dataset},
          {"--optimizer", args.optimizer},
          {"--lr", xg::format_number(learning_rate(args))},
          {"--weight-decay", xg::format_number(weight_decay(args))},
          {"--epochs", std::to_string(args.epochs)},
          {"--batch-size", std::to_string(args.batch_size)},
          {"--hidden", hidden},
          {"--dropout", xg::format_number(args.dropout)},
          {"--norm", args.norm},
          {"--label-smoothing", xg::format_number(args.label_smoothing)},
          {"--scheduler", args.scheduler},
          {"--seed", std::to_string(args.seed)},
          {"--limit", std::to_string(args.limit)},
          {"--val-split", xg::format_number(args.val_split)},
          {"--early-stop", std::to_string(args.early_stop)},
          {"--min-delta", xg::format_number(args.min_delta)}};
}

// Flags recorded only since --task regression has checkpoints, with the value a checkpoint written
// before them stands for.
const std::map<std::string, std::string> kFlagsRecordedLater = {{"--task", "classification"}, {"--target", ""}};

// Throws FlagError unless this run's flags are those the checkpoint was written with. --epochs may
// differ only where the schedule does not depend on the run's length (none, plateau).
void check_resume_flags(const Args& args, const std::map<std::string, std::string>& notes) {
  const std::string start = "--resume " + args.resume_path + ": ";
  for (const auto& [flag, value] : run_flags(args)) {
    const auto found = notes.find(kFlagNote + flag);
    const auto later = kFlagsRecordedLater.find(flag);
    if (found == notes.end() && later == kFlagsRecordedLater.end())
      throw FlagError(start + "the checkpoint was not written by this program (it has no " + flag + ")");
    const std::string& recorded = found != notes.end() ? found->second : later->second;
    if (recorded == value) continue;
    if (flag == "--epochs" && (args.scheduler == "none" || args.scheduler == "plateau")) continue;
    std::string message = start + "the checkpoint's run had " + flag + " " + recorded + ", this one has " + flag + " " +
                          value + " (give the flags of the run that wrote it";
    if (flag == "--epochs") message += ": its " + args.scheduler + " schedule spans " + recorded + " epochs";
    throw FlagError(message + ")");
  }
}

}  // namespace

xg::Checkpoint make_checkpoint(Setup& setup, Training& training) {
  xg::Checkpoint checkpoint =
      make_checkpoint(setup.net, *training.optimizer, training.schedule.per_batch.get(), training.loader);
  if (training.schedule.plateau) checkpoint.scheduler(*training.schedule.plateau);
  return checkpoint;
}

xg::Checkpoint make_checkpoint(xg::nn::MLP& net, xg::optim::Optimizer& optimizer, xg::optim::LRScheduler* schedule,
                               xg::data::DataLoader& loader) {
  xg::Checkpoint checkpoint(net, optimizer);
  if (schedule) checkpoint.scheduler(*schedule);
  checkpoint.generator("dropout", xg::default_generator()).generator("shuffle", loader.generator());
  return checkpoint;
}

std::vector<EpochResult> resume(const Args& args, xg::Checkpoint& checkpoint) {
  return parse_metrics_rows(resume_metrics_rows(args, checkpoint));
}

std::string resume_metrics_rows(const Args& args, xg::Checkpoint& checkpoint) {
  check_resume_flags(args, xg::read_checkpoint_notes(args.resume_path));
  checkpoint.load(args.resume_path);
  if (checkpoint.epoch > args.epochs) {
    throw FlagError("--resume " + args.resume_path + ": the checkpoint has " + std::to_string(checkpoint.epoch) +
                    " epochs done, more than --epochs " + std::to_string(args.epochs));
  }
  std::printf("resuming from %s: %lld of %d epochs done (%lld steps)\n", args.resume_path.c_str(),
              static_cast<long long>(checkpoint.epoch), args.epochs, static_cast<long long>(checkpoint.step));
  return checkpoint.notes[kMetricsNote];
}

void resume_early_stopping(const Args& args, xg::Checkpoint& checkpoint, EarlyStopping& early_stopping) {
  try {
    early_stopping.read_notes(checkpoint.notes);
  } catch (const std::runtime_error& e) {
    throw FlagError("--resume " + args.resume_path + ": " + e.what());
  }
}

bool checkpoint_due(const Args& args, int epoch) {
  return args.checkpoint_every > 0 && (epoch % args.checkpoint_every == 0 || epoch == args.epochs);
}

void save_checkpoint(const Args& args, xg::Checkpoint& checkpoint, const std::string& metrics_rows) {
  for (const auto& [flag, value] : run_flags(args)) checkpoint.notes[kFlagNote + flag] = value;
  checkpoint.notes[kMetricsNote] = metrics_rows;
  checkpoint.save(checkpoint_file(args, static_cast<int>(checkpoint.epoch)));
}

std::string checkpoint_metrics_rows(xg::Checkpoint& checkpoint) { return checkpoint.notes[kMetricsNote]; }

}  // namespace mlp
