#pragma once
// xg::Checkpoint: everything a training run needs to go on exactly where it stopped, in one file. A
// run stopped after epoch k and resumed from its checkpoint ends with the same parameters, bit for
// bit, as one that never stopped.
//
//   xg::Checkpoint checkpoint(net, optimizer);              // refers to the live objects
//   checkpoint.scheduler(scheduler)                         // optional: an LRScheduler or ReduceLROnPlateau
//       .generator("dropout", xg::default_generator())      // every generator the run draws from
//       .generator("shuffle", loader.generator());
//   checkpoint.epoch = 3; checkpoint.step = 1407;           // where the run is
//   checkpoint.save("run.ckpt");                            // temp file, fsync, rename
//   ...
//   checkpoint.load("run.ckpt");   // into objects built afresh as before: restores all of the above
//
// It lives above nn and optim (a package of its own, xgrad::checkpoint): it is the one place that
// needs a model and an optimizer at once, and neither package may include the other.
//
// load() reads the whole file and checks it before anything changes: magic, version, payload size and
// the CRC-32 of the payload first, then every section is decoded into temporaries (each size checked
// against the bytes present before anything is allocated), then fitted to the objects (parameter names
// and shapes, optimizer kind and groups, scheduler kind, generator names). A truncated, corrupted or
// unfitting file throws xg::Error naming the file and the field, and changes nothing: not the model,
// the optimizer, the scheduler, a generator, nor epoch, step and notes.
//
// File format, version 1, in the sealed envelope of core/binary_io.hpp. Integers little-endian; a
// "string" is a u32 byte count and the bytes.
//   magic    8 bytes  "XGRADCKP"
//   version  u32      1
//   size     u64      payload size N
//   payload  N bytes:
//     i64 epoch, i64 step
//     the model: the tensor records of a model file (nn/serialize.hpp), from its count on
//     u64 size, then the optimizer: a whole optimizer state file (optim/state_dict.hpp)
//     u32 scheduler kind: 0 none, 1 LRScheduler, 2 ReduceLROnPlateau; then its state in the
//         scheduler state form (optim/lr_scheduler/scheduler_state.hpp)
//     u32 generator count; each: string name, u64 seed, u64 state, u32 has spare normal (0 or 1),
//         f64 spare normal
//     u32 note count; each: string key, string value (keys in order, each once)
//   crc      u32      CRC-32 (zlib's) of the payload
// Nothing follows the CRC.

#include <xgrad/core/generator.hpp>
#include <xgrad/nn/module.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>
#include <xgrad/optim/lr_scheduler/reduce_lr_on_plateau.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xg {

class Checkpoint {
 public:
  // The model and optimizer must outlive the checkpoint (it keeps references, as a scheduler does).
  Checkpoint(nn::Module& model, optim::Optimizer& optimizer);
  template <class Impl>
  Checkpoint(const nn::ModuleHolder<Impl>& model, optim::Optimizer& optimizer) : Checkpoint(*model, optimizer) {}

  // The scheduler whose progress to save and restore (at most one; a later call replaces it).
  Checkpoint& scheduler(optim::LRScheduler& scheduler);
  Checkpoint& scheduler(optim::ReduceLROnPlateau& scheduler);
  // A generator the run draws from (dropout masks, shuffling), saved under `name`. load() wants the
  // file's generators to be exactly the ones added here, by name.
  Checkpoint& generator(const std::string& name, Generator& generator);

  // Where the run is: completed epochs and optimizer steps. Saved and restored; the meaning is yours.
  std::int64_t epoch = 0;
  std::int64_t step = 0;
  // Small notes of the program's own (settings to check on resume, a metrics history): saved and
  // restored as they are.
  std::map<std::string, std::string> notes;

  // The file's bytes (the format above).
  std::string encode() const;
  // Writes them to `path` with xg::save_atomically: `path` holds the old file or the new one, never a
  // part, and a failed save leaves no temporary file. Throws xg::Error "Checkpoint::save: ...".
  void save(const std::string& path) const;
  // Restores everything from `path`, or throws xg::Error and changes nothing (see the top).
  void load(const std::string& path);
  // The same from bytes; `file` names them in messages ("'run.ckpt'").
  void load_bytes(std::string_view bytes, const std::string& file);

 private:
  nn::Module* model_;
  optim::Optimizer* optimizer_;
  optim::LRScheduler* lr_scheduler_ = nullptr;
  optim::ReduceLROnPlateau* plateau_ = nullptr;
  std::vector<std::pair<std::string, Generator*>> generators_;
};

// The notes of the checkpoint at `path`, after every check load() makes of the file itself (not those
// against objects): a program can see how a run was set up before it builds the objects to load into.
std::map<std::string, std::string> read_checkpoint_notes(const std::string& path);

}  // namespace xg
