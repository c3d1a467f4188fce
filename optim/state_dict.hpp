#pragma once
// Optimizer state as plain values: what one parameter remembers between steps, and a snapshot of a
// whole optimizer (torch.optim.Optimizer.state_dict()) that can be written to and read from a file.
//
// State file format, version 1. All numbers little-endian; a "string" is a u32 byte count and the bytes.
//   offset  0  8 bytes  magic "XGOPTIM\0"
//   offset  8  u32      format version (1)
//   offset 12  u64      payload size N in bytes
//   offset 20  N bytes  payload:
//                         string  optimizer name ("SGD", "Adam", ...)
//                         u32     param group count; for each group:
//                                   u32 hyperparameter count; each: string name, f64 value
//                                   u32 parameter count; each: u32 rank, then rank x u64 sizes
//                         u64     state count; for each parameter that has state:
//                                   u64 parameter index (counted across groups, in group order)
//                                   i64 step count
//                                   u32 buffer count; each: string name, u64 element count, f32 values
//   offset 20+N  u32    CRC-32 (zlib's) of the payload
// The file ends there; anything after it is an error too.

#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xg::optim {

// What an optimizer keeps for one parameter (libtorch's OptimizerParamState). Created on the
// parameter's first step; the step count belongs to this parameter alone, so a parameter that
// sat out some steps (no gradient) gets its own bias correction, as in PyTorch.
struct OptimizerParamState {
  std::int64_t step = 0;
  // Named like PyTorch's state entries ("momentum_buffer", "exp_avg", "exp_avg_sq", ...); each has
  // the parameter's shape.
  std::map<std::string, Array> buffers;
};

// A deep copy of an optimizer's state. Parameters are identified by position: parameter k is the
// k-th one met walking the groups in order, as in torch.optim's state_dict().
struct OptimizerStateDict {
  struct ParamGroup {
    std::vector<std::pair<std::string, double>> options;  // hyperparameters by name; booleans 0 or 1
    std::vector<Shape> param_shapes;                      // ties the state to these parameters
  };
  std::string optimizer;  // which optimizer made it: "SGD", "Adam", ...
  std::vector<ParamGroup> param_groups;
  std::map<std::size_t, OptimizerParamState> state;  // only parameters that have taken a step
};

// Writes the format above. Throws xg::Error when the stream fails.
void write_state_dict(const OptimizerStateDict& dict, std::ostream& out);
// The bytes of the format above.
std::string encode_state_dict(const OptimizerStateDict& dict);
// Reads the format above. Throws xg::Error naming the problem (bad magic, unknown version,
// truncated, checksum mismatch, malformed payload) and returns nothing in that case.
OptimizerStateDict read_state_dict(std::istream& in);
// The same from bytes in memory. The payload's CRC is checked before any of it is decoded, and every
// shape in it passes xg::check_shape.
OptimizerStateDict decode_state_dict(std::string_view bytes);

}  // namespace xg::optim
