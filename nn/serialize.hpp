#pragma once
// xg::save / xg::load: a module's state_dict() (its named parameters and persistent buffers) to and
// from a file.
//
//   xg::save(net, "mlp.xgp");
//   xg::load(net, "mlp.xgp");   // net must have the same architecture
//
// save writes `path + ".tmp"`, flushes it to disk and renames it over `path` (xg::save_atomically),
// so neither a crash nor a failed save (full disk, file size limit, no permission) ever leaves a
// half-written file under the real name: the previous file stays as it was. load reads and checks the whole file before
// it changes anything: a file for another architecture (missing or extra names, other shapes), a truncated or corrupted
// file, or a wrong magic or version throws xg::Error saying what differs, and the module stays exactly as it was.
// Tensors are matched by name, like PyTorch's load_state_dict(strict=True); gradients are left alone.
//
// File format, version 1. All integers are unsigned little-endian; floats are IEEE-754 binary32,
// little-endian.
//
//   magic       8 bytes   "XGRADPRM"
//   version     u32       1
//   count       u64       number of tensor records that follow
//   count records, in state_dict() order (parameters and persistent buffers, module by module):
//     name_size u32       bytes in the name
//     name      bytes     UTF-8 dotted name, e.g. "0.weight" (no terminator)
//     dim       u32       number of dimensions
//     sizes     u64 x dim
//     values    f32 x n   row-major, n = product of sizes
//     crc32     u32       CRC-32 (zlib's, the one of gzip and PNG) of the record's bytes from
//                         name_size through values
//   nothing after the last record.
// load checks each record's shape (xg::check_shape) and then its checksum before it decodes a value.
// Buffers (BatchNorm1d's running statistics) are records like any other, so a model without buffers
// writes exactly the bytes it always did, and every file of version 1 still loads. A buffer that holds
// a count (num_batches_tracked) is a float32 record too: exact up to 2^24.

#include <xgrad/core/binary_io.hpp>
#include <xgrad/nn/module.hpp>

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace xg {

void save(const nn::Module& module, const std::string& path);
void load(nn::Module& module, const std::string& path);
// The same bytes to or from a stream (opened in binary mode); load reads the stream to its end.
void save(const nn::Module& module, std::ostream& out);
void load(nn::Module& module, std::istream& in);

// ---- For files that hold a module among other things (checkpoints: checkpoint/checkpoint.hpp) ----
// They embed the part of the format above from `count` on, so the checks stay in one place.

// One tensor as read from a file: its shape checked, its checksum right, not yet in any module.
struct ModuleRecord {
  std::string name;
  Shape shape;
  Array values;
};
using ModuleRecords = std::map<std::string, ModuleRecord>;  // by name

// Appends the count and the records of `module` (the format above, without magic and version).
void write_module_records(const nn::Module& module, LittleEndianWriter& out);
// Reads what write_module_records wrote. `file` is the whole file the reader reads from (the records'
// checksums are computed over it by offset). Throws xg::Error naming the record on any problem.
ModuleRecords read_module_records(ByteReader& in, std::string_view file);
// Throws xg::Error "<where> does not match the module <name>: ...; the module was not changed" unless
// the records are exactly the module's state_dict() (parameters and persistent buffers), with the same shapes.
void check_module_records(const nn::Module& module, const ModuleRecords& records, const std::string& where);
// Copies checked records into the module's state_dict() tensors (cannot fail after check_module_records).
void copy_module_records(const ModuleRecords& records, nn::Module& module);

template <class Impl, class Target>
void save(const nn::ModuleHolder<Impl>& module, Target&& path_or_stream) {
  save(*module, std::forward<Target>(path_or_stream));
}
template <class Impl, class Source>
void load(const nn::ModuleHolder<Impl>& module, Source&& path_or_stream) {
  load(*module, std::forward<Source>(path_or_stream));
}

}  // namespace xg
