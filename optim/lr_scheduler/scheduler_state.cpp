#include <xgrad/optim/lr_scheduler/scheduler_state.hpp>

#include <xgrad/core/error.hpp>

namespace xg::optim {
namespace {

const SealedFormat kFormat{std::string_view("XGSCHED\0", 8), 1, "read_scheduler_state", "scheduler state"};
// ReduceLROnPlateau is not an LRScheduler; its state is told apart by the name it starts with.
constexpr const char* kPlateau = "ReduceLROnPlateau";
// SequentialLR inside a ChainedScheduler is 2 deep; a file claiming far more is damaged, and the limit
// keeps the recursion of the reader short whatever the file says.
constexpr int kMaxDepth = 8;
// The fewest bytes a sub-scheduler state takes: an empty name, last_epoch and four empty counts.
constexpr std::size_t kMinStateBytes = 4 + 8 + 4 * 4;

void write_doubles(const std::vector<double>& values, LittleEndianWriter& out) {
  out.u32(static_cast<std::uint32_t>(values.size()));
  for (double value : values) out.f64(value);
}

// `what` names one value ("base lr"): "base lr 3", "base lrs (count)".
std::vector<double> read_doubles(ByteReader& in, const std::string& what) {
  const std::uint32_t n = in.count(8, what + "s");
  std::vector<double> values(n);
  for (std::uint32_t i = 0; i < n; ++i) values[i] = in.f64(what + " " + std::to_string(i));
  return values;
}

// The state's name, read and checked against the kind of scheduler the caller loads into.
std::string read_name(ByteReader& in, const std::string& field, bool plateau) {
  const std::string name = in.string(field);
  if ((name == kPlateau) != plateau) {
    throw Error(in.where() + " holds a " + (name.empty() ? "nameless" : name) + " state at offset " +
                std::to_string(in.offset() - name.size() - 4) + ", expected " +
                (plateau ? "a ReduceLROnPlateau's" : "an LRScheduler's (StepLR, ...)"));
  }
  return name;
}

// From last_epoch on; the name is read already.
LRSchedulerState read_body(ByteReader& in, std::string name, const std::string& label, int depth) {
  LRSchedulerState state;
  state.scheduler = std::move(name);
  state.last_epoch = in.i64(label + "last_epoch");
  state.base_lrs = read_doubles(in, label + "base lr");
  state.last_lr = read_doubles(in, label + "last lr");
  const std::uint32_t scalar_count = in.count(12, label + "scalars");
  for (std::uint32_t i = 0; i < scalar_count; ++i) {
    std::string scalar = in.string(label + "scalar " + std::to_string(i) + " (name)");
    const double value = in.f64(label + "scalar '" + scalar + "'");
    state.scalars.emplace_back(std::move(scalar), value);
  }
  const std::uint32_t child_count = in.count(kMinStateBytes, label + "sub-scheduler states");
  if (child_count > 0 && depth == kMaxDepth) {
    in.corrupted(label + "sub-scheduler states nest deeper than " + std::to_string(kMaxDepth) + " at offset " +
                 std::to_string(in.offset() - 4));
  }
  for (std::uint32_t i = 0; i < child_count; ++i) {
    const std::string child = label + "sub-scheduler " + std::to_string(i) + " ";
    std::string child_name = read_name(in, child + "(name)", false);
    state.children.push_back(read_body(in, std::move(child_name), child, depth + 1));
  }
  return state;
}

// Decodes the one state of a sealed file with `read`, refusing bytes after it.
template <typename State, typename Read>
State decode(std::string_view bytes, Read read) {
  ByteReader payload = open_sealed(bytes, kFormat);
  State state = read(payload);
  if (!payload.at_end())
    payload.corrupted(std::to_string(payload.remaining()) + " unread bytes at the end of the payload");
  return state;
}

// Reads `path` into `scheduler`, all or nothing, every message naming the path.
template <typename Scheduler, typename Decode>
void load_file(Scheduler& scheduler, const std::string& path, Decode decode_file) {
  const std::string op = "load_scheduler_state('" + path + "')";
  const std::string bytes = read_file(path, op);
  try {
    scheduler.load_state_dict(decode_file(bytes));
  } catch (const Error& e) {
    throw Error(op + ": " + e.what());
  }
}

}  // namespace

void write_scheduler_state(const LRSchedulerState& state, LittleEndianWriter& out) {
  out.string(state.scheduler);
  out.i64(state.last_epoch);
  write_doubles(state.base_lrs, out);
  write_doubles(state.last_lr, out);
  out.u32(static_cast<std::uint32_t>(state.scalars.size()));
  for (const auto& [name, value] : state.scalars) {
    out.string(name);
    out.f64(value);
  }
  out.u32(static_cast<std::uint32_t>(state.children.size()));
  for (const LRSchedulerState& child : state.children) write_scheduler_state(child, out);
}

void write_scheduler_state(const ReduceLROnPlateauState& state, LittleEndianWriter& out) {
  out.string(kPlateau);
  out.i64(state.last_epoch);
  out.f64(state.best);
  out.i64(state.num_bad_epochs);
  out.i64(state.cooldown_counter);
  write_doubles(state.last_lr, out);
}

LRSchedulerState read_lr_scheduler_state(ByteReader& in) {
  std::string name = read_name(in, "the scheduler name", false);
  return read_body(in, std::move(name), "", 0);
}

ReduceLROnPlateauState read_reduce_lr_on_plateau_state(ByteReader& in) {
  read_name(in, "the scheduler name", true);
  ReduceLROnPlateauState state;
  state.last_epoch = in.i64("last_epoch");
  state.best = in.f64("best");
  state.num_bad_epochs = in.i64("num_bad_epochs");
  state.cooldown_counter = in.i64("cooldown_counter");
  state.last_lr = read_doubles(in, "last lr");
  return state;
}

std::string encode_scheduler_state(const LRSchedulerState& state) {
  LittleEndianWriter payload;
  write_scheduler_state(state, payload);
  return seal(kFormat, payload.bytes());
}

std::string encode_scheduler_state(const ReduceLROnPlateauState& state) {
  LittleEndianWriter payload;
  write_scheduler_state(state, payload);
  return seal(kFormat, payload.bytes());
}

LRSchedulerState decode_lr_scheduler_state(std::string_view bytes) {
  return decode<LRSchedulerState>(bytes, read_lr_scheduler_state);
}

ReduceLROnPlateauState decode_reduce_lr_on_plateau_state(std::string_view bytes) {
  return decode<ReduceLROnPlateauState>(bytes, read_reduce_lr_on_plateau_state);
}

void save_scheduler_state(const LRScheduler& scheduler, const std::string& path) {
  save_atomically(path, encode_scheduler_state(scheduler.state_dict()), "save_scheduler_state");
}

void save_scheduler_state(const ReduceLROnPlateau& scheduler, const std::string& path) {
  save_atomically(path, encode_scheduler_state(scheduler.state_dict()), "save_scheduler_state");
}

void load_scheduler_state(LRScheduler& scheduler, const std::string& path) {
  load_file(scheduler, path, decode_lr_scheduler_state);
}

void load_scheduler_state(ReduceLROnPlateau& scheduler, const std::string& path) {
  load_file(scheduler, path, decode_reduce_lr_on_plateau_state);
}

}  // namespace xg::optim
