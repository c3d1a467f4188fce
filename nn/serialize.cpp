// save and load; the file format is described in serialize.hpp.

#include <xgrad/nn/serialize.hpp>

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace xg {

namespace {

constexpr char kMagic[8] = {'X', 'G', 'R', 'A', 'D', 'P', 'R', 'M'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxDim = 64;  // more is surely a corrupted file, not a tensor

std::uint32_t crc32_of(const char* bytes, std::size_t size) {
  return static_cast<std::uint32_t>(crc32_z(0L, reinterpret_cast<const Bytef*>(bytes), size));
}

// ---- writing: integers byte by byte, so the file is little-endian on any machine ----

void put_u32(std::string& out, std::uint32_t value) {
  for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<char>((value >> (8 * byte)) & 0xFF));
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int byte = 0; byte < 8; ++byte) out.push_back(static_cast<char>((value >> (8 * byte)) & 0xFF));
}

std::string encode(const nn::Module& module) {
  const auto parameters = module.named_parameters();
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kVersion);
  put_u64(out, parameters.size());
  for (const auto& [name, tensor] : parameters) {
    const std::size_t record_start = out.size();
    put_u32(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    const Shape shape = tensor.shape();
    put_u32(out, static_cast<std::uint32_t>(shape.size()));
    for (std::size_t size : shape) put_u64(out, size);
    for (float value : tensor.data()) {
      std::uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      put_u32(out, bits);
    }
    put_u32(out, crc32_of(out.data() + record_start, out.size() - record_start));
  }
  return out;
}

// ---- reading: every read is bounds-checked against the file's size ----

struct Record {
  std::string name;
  Shape shape;
  Array values;
};

class Reader {
 public:
  Reader(const std::string& bytes, const std::string& where) : bytes_(bytes), where_(where) {}

  std::size_t offset() const { return offset_; }
  bool at_end() const { return offset_ == bytes_.size(); }
  const char* at(std::size_t offset) const { return bytes_.data() + offset; }

  // Throws "truncated" unless `size` more bytes exist; `what` says what was being read.
  void need(std::size_t size, const std::string& what) const {
    if (size > bytes_.size() - offset_) {
      throw Error("load: " + where_ + " is truncated: " + what + " needs " + std::to_string(size) +
                  " bytes at offset " + std::to_string(offset_) + ", but the file ends at " +
                  std::to_string(bytes_.size()));
    }
  }
  std::uint64_t uint(int bytes, const std::string& what) {
    need(static_cast<std::size_t>(bytes), what);
    std::uint64_t value = 0;
    for (int byte = 0; byte < bytes; ++byte) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[offset_ + byte])) << (8 * byte);
    }
    offset_ += static_cast<std::size_t>(bytes);
    return value;
  }
  std::string text(std::size_t size, const std::string& what) {
    need(size, what);
    std::string value = bytes_.substr(offset_, size);
    offset_ += size;
    return value;
  }

 private:
  const std::string& bytes_;
  const std::string& where_;  // "'path'" or "the stream", for messages
  std::size_t offset_ = 0;
};

Record read_record(Reader& in, std::size_t index, const std::string& where) {
  const std::size_t start = in.offset();
  const std::string which = "record " + std::to_string(index);
  Record record;
  const auto name_size = static_cast<std::size_t>(in.uint(4, which + " (name size)"));
  record.name = in.text(name_size, which + " (name)");
  const std::string label = which + " ('" + record.name + "')";
  const auto dim = static_cast<std::uint32_t>(in.uint(4, label + " (dimensions)"));
  if (dim > kMaxDim) {
    throw Error("load: " + where + " is corrupted: " + label + " claims " + std::to_string(dim) + " dimensions");
  }
  std::size_t count = 1;
  for (std::uint32_t d = 0; d < dim; ++d) {
    const std::uint64_t size = in.uint(8, label + " (shape)");
    record.shape.push_back(static_cast<std::size_t>(size));
    // A product beyond the file's size is a corrupted (or truncated) size, caught by need() below.
    count = (size != 0 && count > SIZE_MAX / 8 / size) ? SIZE_MAX / 8 : count * static_cast<std::size_t>(size);
  }
  in.need(count * 4, label + " (values of shape " + to_string(record.shape) + ")");
  record.values = Array::from_shape(record.shape);
  float* values = record.values.data();
  for (std::size_t i = 0; i < count; ++i) {
    const auto bits = static_cast<std::uint32_t>(in.uint(4, label));
    std::memcpy(&values[i], &bits, sizeof bits);
  }
  const std::uint32_t computed = crc32_of(in.at(start), in.offset() - start);
  const auto stored = static_cast<std::uint32_t>(in.uint(4, label + " (checksum)"));
  if (stored != computed) {
    std::ostringstream message;
    message << "load: " << where << " is corrupted: the checksum of " << label << " does not match (stored 0x"
            << std::hex << stored << ", computed 0x" << computed << ")";
    throw Error(message.str());
  }
  return record;
}

std::map<std::string, Record> decode(const std::string& bytes, const std::string& where) {
  Reader in(bytes, where);
  const std::string magic = in.text(sizeof kMagic, "the magic number");
  if (magic != std::string(kMagic, sizeof kMagic)) {
    throw Error("load: " + where + " is not an xgrad parameter file (its first bytes are not \"XGRADPRM\")");
  }
  const auto version = static_cast<std::uint32_t>(in.uint(4, "the version"));
  if (version != kVersion) {
    throw Error("load: " + where + " has format version " + std::to_string(version) +
                ", but this xgrad reads version " + std::to_string(kVersion));
  }
  const std::uint64_t count = in.uint(8, "the tensor count");
  std::map<std::string, Record> records;
  for (std::uint64_t i = 0; i < count; ++i) {
    Record record = read_record(in, static_cast<std::size_t>(i), where);
    const std::string name = record.name;
    if (!records.emplace(name, std::move(record)).second) {
      throw Error("load: " + where + " is corrupted: it holds '" + name + "' twice");
    }
  }
  if (!in.at_end()) {
    throw Error("load: " + where + " is corrupted: " + std::to_string(bytes.size() - in.offset()) +
                " unexpected bytes follow the last of its " + std::to_string(count) + " tensors");
  }
  return records;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Throws unless the file's tensors are exactly the module's parameters, with the same shapes.
void check_fits(const nn::Module& module, const std::map<std::string, Record>& records, const std::string& where) {
  std::vector<std::string> missing, unexpected, reshaped;
  std::set<std::string> in_module;
  for (const auto& [name, tensor] : module.named_parameters()) {
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
  std::string message = "load: " + where + " does not match the module " + module.name() + ":";
  if (!missing.empty()) message += " missing from the file: " + join(missing) + ";";
  if (!unexpected.empty()) message += " not in the module: " + join(unexpected) + ";";
  if (!reshaped.empty()) message += " different shapes: " + join(reshaped) + ";";
  message.pop_back();
  throw Error(message + "; the module was not changed");
}

// Everything that can fail happens before the first parameter is written.
void load_bytes(nn::Module& module, const std::string& bytes, const std::string& where) {
  const std::map<std::string, Record> records = decode(bytes, where);
  check_fits(module, records, where);
  for (auto& [name, tensor] : module.named_parameters()) {
    const Array& values = records.at(name).values;
    std::copy(values.data(), values.data() + values.size(), tensor.data().data());
  }
}

}  // namespace

void save(const nn::Module& module, const std::string& path) {
  const std::string bytes = encode(module);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) throw Error("save: cannot open '" + temporary + "' for writing: " + std::strerror(errno));
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
      const int error = errno;
      std::remove(temporary.c_str());
      throw Error("save: cannot write '" + temporary + "': " + std::strerror(error));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw Error("save: cannot rename '" + temporary + "' to '" + path + "': " + std::strerror(error));
  }
}

void load(nn::Module& module, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("load: cannot open '" + path + "' for reading: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw Error("load: error while reading '" + path + "': " + std::strerror(errno));
  load_bytes(module, bytes, "'" + path + "'");
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
