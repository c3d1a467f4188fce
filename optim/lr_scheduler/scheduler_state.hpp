#pragma once
// Scheduler state as bytes: a file of its own (save_scheduler_state / load_scheduler_state), or a part
// of a bigger file such as a checkpoint (write_scheduler_state / read_lr_scheduler_state).
//
//   xg::optim::save_scheduler_state(sched, "run.sched");   // beside the model and optimizer files
//   ...                                                   // later, in a new process:
//   xg::optim::load_scheduler_state(sched, "run.sched");   // sched constructed as before
//
// The state, version 1. All numbers little-endian; a "string" is a u32 byte count and the bytes.
//   string  the scheduler's name ("StepLR", ..., "ReduceLROnPlateau"), then for an LRScheduler:
//             i64     last_epoch
//             u32     base lr count; each an f64
//             u32     last lr count; each an f64
//             u32     scalar count; each: string name, f64 value ("T_cur", "T_i", ...)
//             u32     sub-scheduler count; each a state as this one, from its name on (at most 8 deep)
//           for a ReduceLROnPlateau:
//             i64 last_epoch, f64 best, i64 num_bad_epochs, i64 cooldown_counter,
//             u32 last lr count; each an f64
//
// The file around it (core/binary_io.hpp's sealed envelope):
//   offset  0  8 bytes  magic "XGSCHED\0"
//   offset  8  u32      format version (1)
//   offset 12  u64      payload size N in bytes
//   offset 20  N bytes  payload: one state as above
//   offset 20+N  u32    CRC-32 (zlib's) of the payload; the file ends there.
//
// Loads are all or nothing: the CRC is checked before any of the payload is decoded, every count is
// checked against the bytes left before anything is allocated, and the decoded state must pass the
// scheduler's check_state_dict before it takes any of it.

#include <xgrad/core/binary_io.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>
#include <xgrad/optim/lr_scheduler/reduce_lr_on_plateau.hpp>

#include <string>
#include <string_view>

namespace xg::optim {

// ---- a state inside a bigger file ----

// Appends the state (the payload layout above) to `out`.
void write_scheduler_state(const LRSchedulerState& state, LittleEndianWriter& out);
void write_scheduler_state(const ReduceLROnPlateauState& state, LittleEndianWriter& out);
// Reads what write_scheduler_state wrote from `in`, which is left after it. Throws xg::Error naming the
// place (in's `where`), the field and the offset when the bytes are short or malformed, or hold the
// other kind of scheduler (a ReduceLROnPlateau's state for an LRScheduler, or the reverse).
LRSchedulerState read_lr_scheduler_state(ByteReader& in);
ReduceLROnPlateauState read_reduce_lr_on_plateau_state(ByteReader& in);

// ---- a state file of its own ----

// The file's bytes.
std::string encode_scheduler_state(const LRSchedulerState& state);
std::string encode_scheduler_state(const ReduceLROnPlateauState& state);
// A file's state, after checking its magic, version, size and CRC and that nothing follows the state.
// Messages start with "read_scheduler_state: ".
LRSchedulerState decode_lr_scheduler_state(std::string_view bytes);
ReduceLROnPlateauState decode_reduce_lr_on_plateau_state(std::string_view bytes);

// scheduler.state_dict() to `path`, atomically (save_atomically: a failed save leaves an older file
// whole). Throws xg::Error "save_scheduler_state: ..." when the system refuses.
void save_scheduler_state(const LRScheduler& scheduler, const std::string& path);
void save_scheduler_state(const ReduceLROnPlateau& scheduler, const std::string& path);
// Reads `path` and loads it into `scheduler` (constructed as the one that saved it). Throws xg::Error
// "load_scheduler_state('<path>'): ..." and changes nothing when the file cannot be read, is damaged,
// or does not fit the scheduler.
void load_scheduler_state(LRScheduler& scheduler, const std::string& path);
void load_scheduler_state(ReduceLROnPlateau& scheduler, const std::string& path);

}  // namespace xg::optim
