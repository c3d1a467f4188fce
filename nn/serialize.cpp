// save and load; the file format is described in serialize.hpp.

#include <xgrad/nn/serialize.hpp>

#include <xgrad/core/binary_io.hpp>

#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace xg {

namespace {

constexpr char kMagic[8] = {'X', 'G', 'R', 'A', 'D', 'P', 'R', 'M'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxDim = 64;  // more is surely a corrupted file, not a tensor

std::string encode(const nn::Module& module) {
  LittleEndianWriter out;
  out.raw(std::string_view(kMagic, sizeof kMagic));
  out.u32(kVersion);
  write_module_records(module, out);
  return out.bytes();
}

// The record's header is read and its shape checked first; then its checksum, over bytes that are now
// known to be there; only then are the values decoded into an array.
ModuleRecord read_record(ByteReader& in, std::string_view bytes, std::size_t index) {
  const std::size_t start = in.offset();
  const std::string which = "record " + std::to_string(index);
  ModuleRecord record;
  record.name = in.string(which + " (name)");
  const std::string label = which + " ('" + record.name + "')";
  const std::uint32_t dim = in.u32(label + " (dimensions)");
  if (dim > kMaxDim) in.corrupted(label + " claims " + std::to_string(dim) + " dimensions");
  record.shape = in.shape(dim, label, kMaxArrayDimension, sizeof(float));
  const std::size_t count = numel_of(record.shape);
  const std::string_view values = in.raw(4 * count, label + " (values)");  // shape() checked they are there
  const std::uint32_t computed = crc32_of(bytes.substr(start, in.offset() - start));
  const std::uint32_t stored = in.u32(label + " (checksum)");
  if (stored != computed) {
    std::ostringstream message;
    message << "the checksum of " << label << " does not match (stored 0x" << std::hex << stored << ", computed 0x"
            << computed << ")";
    in.corrupted(message.str());
  }
  record.values = Array::from_shape(record.shape);
  ByteReader(values, ByteOrder::little_endian, in.where()).f32s(record.values.data(), count, label);
  return record;
}

ModuleRecords decode(std::string_view bytes, const std::string& where) {
  ByteReader in(bytes, ByteOrder::little_endian, "load: " + where);
  if (in.raw(sizeof kMagic, "the magic number") != std::string_view(kMagic, sizeof kMagic)) {
    throw Error("load: " + where + " is not an xgrad parameter file (its first bytes are not \"XGRADPRM\")");
  }
  const std::uint32_t version = in.u32("the version");
  if (version != kVersion) {
    throw Error("load: " + where + " has format version " + std::to_string(version) +
                ", but this xgrad reads version " + std::to_string(kVersion));
  }
  ModuleRecords records = read_module_records(in, bytes);
  if (!in.at_end()) {
    in.corrupted(std::to_string(in.remaining()) + " unexpected bytes follow the last of its " +
                 std::to_string(records.size()) + " tensors");
  }
  return records;
}

// Everything that can fail happens before the first parameter is written.
void load_bytes(nn::Module& module, std::string_view bytes, const std::string& where) {
  const ModuleRecords records = decode(bytes, where);
  check_module_records(module, records, "load: " + where);
  copy_module_records(records, module);
}

}  // namespace

void write_module_records(const nn::Module& module, LittleEndianWriter& out) {
  const nn::StateDict parameters = module.state_dict();
  out.u64(parameters.size());
  for (const auto& [name, tensor] : parameters) {
    const std::size_t record_start = out.size();
    out.string(name);
    const Shape shape = tensor.shape();
    out.u32(static_cast<std::uint32_t>(shape.size()));
    for (std::size_t size : shape) out.u64(size);
    out.f32s(tensor.data().data(), tensor.data().size());
    out.u32(crc32_of(std::string_view(out.bytes()).substr(record_start)));
  }
}

ModuleRecords read_module_records(ByteReader& in, std::string_view file) {
  const std::uint64_t count = in.u64("the tensor count");
  ModuleRecords records;
  for (std::uint64_t i = 0; i < count; ++i) {
    ModuleRecord record = read_record(in, file, static_cast<std::size_t>(i));
    const std::string name = record.name;
    if (!records.emplace(name, std::move(record)).second) in.corrupted("it holds '" + name + "' twice");
  }
  return records;
}

void check_module_records(const nn::Module& module, const ModuleRecords& records, const std::string& where) {
  std::vector<std::string> missing, unexpected, reshaped;
  std::set<std::string> in_module;
  for (const auto& [name, tensor] : module.state_dict()) {
    in_module.insert(name);
    const auto found = records.find(name);
    if (found == records.end()) {
      missing.push_back(name);
    } else if (found->second.shape != tensor.shape()) {
      reshaped.push_back(name + " is " + to_string(tensor.shape()) + " in the module but " +
                         to_string(found->second.shape) + " in the file");
    }
  }
  for (const auto& entry : records) {
    if (!in_module.count(entry.first)) unexpected.push_back(entry.first);
  }
  if (missing.empty() && unexpected.empty() && reshaped.empty()) return;
  std::string message = where + " does not match the module " + module.name() + ":";
  if (!missing.empty()) message += " missing from the file: " + join(missing) + ";";
  if (!unexpected.empty()) message += " not in the module: " + join(unexpected) + ";";
  if (!reshaped.empty()) message += " different shapes: " + join(reshaped) + ";";
  message.pop_back();
  throw Error(message + "; the module was not changed");
}

void copy_module_records(const ModuleRecords& records, nn::Module& module) {
  for (const auto& [name, entry] : module.state_dict()) {
    const Array& values = records.at(name).values;
    Tensor tensor = entry;
    std::copy(values.data(), values.data() + values.size(), tensor.data().data());
  }
}

void save(const nn::Module& module, const std::string& path) { save_atomically(path, encode(module), "save"); }

void load(nn::Module& module, const std::string& path) {
  load_bytes(module, read_file(path, "load"), "'" + path + "'");
}

void save(const nn::Module& module, std::ostream& out) {
  const std::string bytes = encode(module);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("save: writing to the stream failed");
}

void load(nn::Module& module, std::istream& in) {
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("load: reading from the stream failed");
  load_bytes(module, bytes, "the stream");
}

}  // namespace xg
