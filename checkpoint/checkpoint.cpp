// Checkpoint: save, and load in three stages (check the file, decode into temporaries, then commit);
// the format is in checkpoint.hpp.

#include <xgrad/checkpoint/checkpoint.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/nn/serialize.hpp>
#include <xgrad/optim/lr_scheduler/scheduler_state.hpp>
#include <xgrad/optim/state_dict.hpp>

#include <algorithm>

namespace xg {

namespace {

constexpr char kMagic[8] = {'X', 'G', 'R', 'A', 'D', 'C', 'K', 'P'};
constexpr std::uint32_t kVersion = 1;

enum class SchedulerKind : std::uint32_t { none = 0, lr_scheduler = 1, plateau = 2 };

const char* kind_name(SchedulerKind kind) {
  switch (kind) {
    case SchedulerKind::none:
      return "no scheduler";
    case SchedulerKind::lr_scheduler:
      return "an LRScheduler";
    case SchedulerKind::plateau:
      return "a ReduceLROnPlateau";
  }
  return "?";
}

// Everything a checkpoint file holds, decoded but not yet given to any object.
struct Decoded {
  std::int64_t epoch = 0, step = 0;
  ModuleRecords model;
  optim::OptimizerStateDict optimizer;
  SchedulerKind scheduler_kind = SchedulerKind::none;
  optim::LRSchedulerState lr_scheduler;
  optim::ReduceLROnPlateauState plateau;
  std::map<std::string, GeneratorState> generators;  // by name
  std::map<std::string, std::string> notes;
};

// The envelope of the format (core/binary_io.hpp's sealed files); `file` names the file: "'run.ckpt'".
SealedFormat format_of(const std::string& op, const std::string& file) {
  return {std::string_view(kMagic, sizeof kMagic), kVersion, op, "checkpoint " + file};
}

std::map<std::string, GeneratorState> read_generators(ByteReader& in) {
  std::map<std::string, GeneratorState> generators;
  const std::uint32_t count = in.count(4 + 8 + 8 + 4 + 8, "generators");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string name = in.string("generator " + std::to_string(i) + " (name)");
    const std::string label = "generator '" + name + "'";
    GeneratorState state;
    state.seed = in.u64(label + " (seed)");
    state.state = in.u64(label + " (state)");
    const std::uint32_t has_spare = in.u32(label + " (has a spare normal)");
    if (has_spare > 1) in.corrupted(label + " has a spare-normal flag of " + std::to_string(has_spare));
    state.has_spare_normal = has_spare == 1;
    state.spare_normal = in.f64(label + " (spare normal)");
    if (!generators.emplace(name, state).second) in.corrupted("it holds " + label + " twice");
  }
  return generators;
}

std::map<std::string, std::string> read_notes(ByteReader& in) {
  std::map<std::string, std::string> notes;
  const std::uint32_t count = in.count(8, "notes");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string key = in.string("note " + std::to_string(i) + " (key)");
    std::string value = in.string("note '" + key + "' (value)");
    if (!notes.emplace(key, std::move(value)).second) in.corrupted("it holds note '" + key + "' twice");
  }
  return notes;
}

// Checks the envelope (magic, version, size, CRC) before it decodes anything. Messages start with `op`.
Decoded decode(std::string_view bytes, const std::string& op, const std::string& file) {
  ByteReader in = open_sealed(bytes, format_of(op, file));
  const std::string& where = in.where();
  Decoded decoded;
  decoded.epoch = in.i64("the epoch");
  decoded.step = in.i64("the step");
  if (decoded.epoch < 0 || decoded.step < 0) {
    in.corrupted("epoch " + std::to_string(decoded.epoch) + " and step " + std::to_string(decoded.step) +
                 " cannot be negative");
  }
  decoded.model = read_module_records(in, bytes);
  const std::uint64_t optimizer_size = in.u64("the optimizer state's size");
  const std::string_view optimizer_bytes = in.raw(static_cast<std::size_t>(optimizer_size), "the optimizer state");
  try {
    decoded.optimizer = optim::decode_state_dict(optimizer_bytes);
  } catch (const Error& error) {
    throw Error(where + ": its optimizer state is refused: " + error.what());
  }
  const std::uint32_t kind = in.u32("the scheduler kind");
  if (kind > 2) in.corrupted("scheduler kind " + std::to_string(kind) + " is not 0, 1 or 2");
  decoded.scheduler_kind = static_cast<SchedulerKind>(kind);
  if (decoded.scheduler_kind == SchedulerKind::lr_scheduler) decoded.lr_scheduler = optim::read_lr_scheduler_state(in);
  if (decoded.scheduler_kind == SchedulerKind::plateau) decoded.plateau = optim::read_reduce_lr_on_plateau_state(in);
  decoded.generators = read_generators(in);
  decoded.notes = read_notes(in);
  if (!in.at_end()) in.corrupted(std::to_string(in.remaining()) + " unread bytes at the end of the payload");
  return decoded;
}

}  // namespace

Checkpoint::Checkpoint(nn::Module& model, optim::Optimizer& optimizer) : model_(&model), optimizer_(&optimizer) {}

Checkpoint& Checkpoint::scheduler(optim::LRScheduler& scheduler) {
  lr_scheduler_ = &scheduler;
  plateau_ = nullptr;
  return *this;
}

Checkpoint& Checkpoint::scheduler(optim::ReduceLROnPlateau& scheduler) {
  plateau_ = &scheduler;
  lr_scheduler_ = nullptr;
  return *this;
}

Checkpoint& Checkpoint::generator(const std::string& name, Generator& generator) {
  for (auto& entry : generators_) {
    if (entry.first == name) throw Error("Checkpoint::generator: a generator named '" + name + "' is already added");
  }
  generators_.emplace_back(name, &generator);
  return *this;
}

std::string Checkpoint::encode() const {
  LittleEndianWriter payload;
  payload.i64(epoch);
  payload.i64(step);
  write_module_records(*model_, payload);
  const std::string optimizer_state = optim::encode_state_dict(optimizer_->state_dict());
  payload.u64(optimizer_state.size());
  payload.raw(optimizer_state);
  if (lr_scheduler_) {
    payload.u32(static_cast<std::uint32_t>(SchedulerKind::lr_scheduler));
    optim::write_scheduler_state(lr_scheduler_->state_dict(), payload);
  } else if (plateau_) {
    payload.u32(static_cast<std::uint32_t>(SchedulerKind::plateau));
    optim::write_scheduler_state(plateau_->state_dict(), payload);
  } else {
    payload.u32(static_cast<std::uint32_t>(SchedulerKind::none));
  }
  payload.u32(static_cast<std::uint32_t>(generators_.size()));
  for (const auto& [name, generator] : generators_) {
    const GeneratorState state = generator->get_state();
    payload.string(name);
    payload.u64(state.seed);
    payload.u64(state.state);
    payload.u32(state.has_spare_normal ? 1 : 0);
    payload.f64(state.spare_normal);
  }
  payload.u32(static_cast<std::uint32_t>(notes.size()));
  for (const auto& [key, value] : notes) {
    payload.string(key);
    payload.string(value);
  }
  return seal(format_of("Checkpoint::save", ""), payload.bytes());
}

void Checkpoint::save(const std::string& path) const { save_atomically(path, encode(), "Checkpoint::save"); }

void Checkpoint::load(const std::string& path) { load_bytes(read_file(path, "Checkpoint::load"), "'" + path + "'"); }

void Checkpoint::load_bytes(std::string_view bytes, const std::string& file) {
  const std::string op = "Checkpoint::load";
  const std::string where = op + ": the checkpoint " + file;
  const std::string unchanged = "; nothing was changed";
  Decoded decoded = decode(bytes, op, file);

  // Fit the file to the objects; nothing has changed yet.
  check_module_records(*model_, decoded.model, where);
  const SchedulerKind expected = lr_scheduler_ ? SchedulerKind::lr_scheduler
                                 : plateau_    ? SchedulerKind::plateau
                                               : SchedulerKind::none;
  if (decoded.scheduler_kind != expected) {
    throw Error(where + " holds the state of " + kind_name(decoded.scheduler_kind) + ", but the checkpoint was given " +
                kind_name(expected) + unchanged);
  }
  std::vector<std::string> missing, unexpected;
  for (const auto& [name, generator] : generators_) {
    if (!decoded.generators.count(name)) missing.push_back(name);
  }
  for (const auto& [name, state] : decoded.generators) {
    const auto given = [&name = name](const auto& entry) { return entry.first == name; };
    if (std::none_of(generators_.begin(), generators_.end(), given)) unexpected.push_back(name);
  }
  if (!missing.empty() || !unexpected.empty()) {
    std::string message = where + " does not hold the same generators:";
    if (!missing.empty()) message += " missing from the file: " + join(missing) + ";";
    if (!unexpected.empty()) message += " not given to the checkpoint: " + join(unexpected) + ";";
    message.pop_back();
    throw Error(message + unchanged);
  }

  try {
    if (lr_scheduler_) lr_scheduler_->check_state_dict(decoded.lr_scheduler);
    if (plateau_) plateau_->check_state_dict(decoded.plateau);
  } catch (const Error& error) {
    throw Error(where + " does not fit the scheduler: " + error.what() + unchanged);
  }

  // Commit. The optimizer checks its state before it takes any of it, and is the only step left
  // that can refuse; everything after it cannot fail.
  try {
    optimizer_->load_state_dict(decoded.optimizer);
  } catch (const Error& error) {
    throw Error(where + " does not fit the optimizer: " + error.what() + unchanged);
  }
  if (lr_scheduler_) lr_scheduler_->load_state_dict(decoded.lr_scheduler);
  if (plateau_) plateau_->load_state_dict(decoded.plateau);
  copy_module_records(decoded.model, *model_);
  for (auto& [name, generator] : generators_) generator->set_state(decoded.generators.at(name));
  epoch = decoded.epoch;
  step = decoded.step;
  notes = std::move(decoded.notes);
}

std::map<std::string, std::string> read_checkpoint_notes(const std::string& path) {
  const std::string op = "read_checkpoint_notes";
  return decode(read_file(path, op), op, "'" + path + "'").notes;
}

}  // namespace xg
