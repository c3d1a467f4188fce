#pragma once
// safetensors (Hugging Face's format): a model's weights to and from PyTorch and the Hugging Face world.
//
//   xg::interop::save_model(net, "mlp.safetensors");              // torch: load_state_dict(strict=True)
//   auto result = xg::interop::load_model(net, "torch.safetensors");  // strict: missing/extra keys throw
//   auto state = xg::interop::load_file("any.safetensors");         // a StateDict, in the file's order
//   xg::interop::save_file(state, "out.safetensors", {{"note", "hello"}});
//
// The names of the Python library (safetensors.torch.save_file/load_file/save_model/load_model). The keys
// are the module's state_dict() keys, which are torch's for the same nn.Sequential ("0.weight",
// "1.running_mean", "1.num_batches_tracked"), so files move both ways without renaming.
//
// The format: an 8-byte little-endian header length N, N bytes of JSON
//   {"__metadata__": {"format": "pt"}, "0.bias": {"dtype": "F32", "shape": [256], "data_offsets": [0, 1024]}, ...}
// then the tensors' raw little-endian row-major bytes; data_offsets count from the end of the header.
//
// Written as the reference (Rust) writer writes: entries sorted by dtype (the wider integer I64 first)
// and then by name, packed back to back; `__metadata__` first, holding "format": "pt" and the caller's
// strings; the JSON compact and padded with spaces to a multiple of 8 bytes. Floats are F32; a count
// (EntryKind::count: BatchNorm1d's num_batches_tracked) is I64, as torch keeps it. Saves are atomic
// (xg::save_atomically).
//
// Read: F32, F64, F16 and BF16 into float tensors; BOOL and the integer dtypes too, as counts. Before
// anything is allocated the header is checked whole: its length (at most 100,000,000 bytes, the
// reference reader's cap, and inside the file), a UTF-8 JSON object, each entry's dtype, a shape whose
// size cannot overflow and equals its data_offsets' span, offsets that follow each other without gap
// or overlap and cover the data to the end of the file, no name twice. Every refusal is an xg::Error
// naming the file and (where there is one) the key; a failed load_model leaves the module as it was.
// The header is read with the length in one pread (usually) and parsed by simdjson (Debian's
// libsimdjson-dev), which checks UTF-8 and syntax at gigabytes a second and keeps every key, so a name
// twice is seen. The data are read with preadv straight into new arrays, which replace the module's
// only when all are read: a load holds no second copy of the file. A save's header is written by
// nlohmann::json (which escapes the names), and the file is one writev from the tensors' own memory.
// A count lives in a float tensor in xgrad: it is exact up to 2^24 (16,777,216); a larger I64 in a
// file rounds to the nearest float, and BatchNorm1d's count stops growing there.

#include <xgrad/nn/module.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace xg::interop {

// The header's "__metadata__": strings to strings (sorted by key when written).
using Metadata = std::map<std::string, std::string>;

// One tensor as a checked header describes it.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // "F32", "I64", ...
  Shape shape;
  std::uint64_t begin = 0, end = 0;  // its bytes in the data section (after the header)
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in the order of their data
  Metadata metadata;
  std::uint64_t data_start = 0;  // 8 + the header length
  std::uint64_t file_size = 0;
};

// Bytes per value of a dtype xgrad reads, or 0 for any other name.
std::size_t dtype_size(std::string_view dtype);

// The header of the file at `path`, checked as above; reads only the header. `op` starts every message.
SafetensorsHeader read_safetensors_header(const std::string& path, const std::string& op = "read_safetensors_header");
// The same checks on a file's first bytes (at least the whole header) and its size; `where` names the
// operation and the file in messages ("load_file: 'model.safetensors'").
SafetensorsHeader parse_safetensors_header(std::string_view first_bytes, std::uint64_t file_size,
                                           const std::string& where);

// A file's bytes before they are written (the Python library's safetensors.torch.save, in parts): the
// header, then each tensor's bytes, viewed where they are (the tensors must outlive this) or encoded.
struct SafetensorsBytes {
  struct Piece {
    const char* data;  // a view of a tensor's memory, when encoded < 0
    std::size_t size;
    int encoded;  // else the index of its bytes in `encoded`
  };
  std::string header;  // the 8-byte length and the padded JSON
  std::vector<Piece> pieces;
  std::vector<std::string> encoded;  // counts as I64 (and floats on a big-endian host)
  // The header, then each tensor's bytes, in file order: what save_file writes with one writev.
  std::vector<std::string_view> parts() const;
};
// The layout save_file writes, without writing it. `where` starts every message.
SafetensorsBytes serialize(const nn::StateDict& state, const Metadata& metadata = {},
                           const std::string& where = "serialize");

// Writes every entry of `state` (F32, or I64 for counts) and `metadata` (plus "format": "pt").
void save_file(const nn::StateDict& state, const std::string& path, const Metadata& metadata = {});
// Every tensor of the file, as new tensors in the order of their data (integer dtypes as counts).
// `metadata`, when given, receives the header's "__metadata__".
nn::StateDict load_file(const std::string& path, Metadata* metadata = nullptr);

// What load_model did not match (torch's _IncompatibleKeys), and the file's metadata.
struct LoadResult {
  std::vector<std::string> missing_keys;     // in the module, not in the file (only when not strict)
  std::vector<std::string> unexpected_keys;  // in the file, not in the module (only when not strict)
  Metadata metadata;
};

// save_file(module.state_dict(), path, metadata).
void save_model(const nn::Module& module, const std::string& path, const Metadata& metadata = {});
// Copies the file's tensors into the module's own (an optimizer's handles stay valid). strict: the
// keys must be exactly the module's. A key in both with other shapes is an error either way, naming
// the key and both shapes. Everything is checked (and read) before the module changes.
LoadResult load_model(nn::Module& module, const std::string& path, bool strict = true);

template <class Impl>
void save_model(const nn::ModuleHolder<Impl>& module, const std::string& path, const Metadata& metadata = {}) {
  save_model(*module, path, metadata);
}
template <class Impl>
LoadResult load_model(const nn::ModuleHolder<Impl>& module, const std::string& path, bool strict = true) {
  return load_model(*module, path, strict);
}

}  // namespace xg::interop
