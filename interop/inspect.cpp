// list_model_file: the tensors of a model file through the checked readers (see inspect.hpp).

#include <xgrad/interop/inspect.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/interop/safetensors.hpp>
#include <xgrad/nn/serialize.hpp>

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace xg::interop {

namespace {

std::vector<std::int64_t> signed_shape(const Shape& shape) { return {shape.begin(), shape.end()}; }

void add_records(const ModuleRecords& records, ModelFileListing& listing) {
  for (const auto& [name, record] : records) {
    listing.tensors.push_back({name, "F32", signed_shape(record.shape), 4 * numel_of(record.shape)});
  }
}

ModelFileListing list_xgrad_model(const std::string& path, const std::string& bytes) {
  ByteReader in(bytes, ByteOrder::little_endian, "inspect: '" + path + "'");
  in.raw(8, "the magic number");
  const std::uint32_t version = in.u32("the version");
  if (version != 1) in.corrupted("version " + std::to_string(version) + " is not one this xgrad reads (1)");
  ModelFileListing listing{"xgrad model", {}, {}};
  add_records(read_module_records(in, bytes), listing);
  return listing;
}

// A checkpoint's model part (checkpoint/checkpoint.hpp: epoch, step, then a model file's records).
ModelFileListing list_checkpoint(const std::string& path, const std::string& bytes) {
  const SealedFormat format{"XGRADCKP", 1, "inspect", "checkpoint '" + path + "'"};
  ByteReader in = open_sealed(bytes, format);
  ModelFileListing listing{"xgrad checkpoint", {}, {}};
  listing.metadata["epoch"] = std::to_string(in.i64("the epoch"));
  listing.metadata["step"] = std::to_string(in.i64("the step"));
  add_records(read_module_records(in, bytes), listing);
  return listing;
}

ModelFileListing list_safetensors(const std::string& path) {
  const SafetensorsHeader header = read_safetensors_header(path, "inspect");
  ModelFileListing listing{"safetensors", {}, header.metadata};
  for (const SafetensorsEntry& entry : header.entries) {
    listing.tensors.push_back({entry.name, entry.dtype, signed_shape(entry.shape), entry.end - entry.begin});
  }
  return listing;
}

ModelFileListing list_onnx(const std::string& path, std::uint64_t size) {
  if (size > kMaxOnnxFileBytes) {
    throw Error("inspect: '" + path + "' is " + std::to_string(size) + " bytes, above the " +
                std::to_string(kMaxOnnxFileBytes) + " an ONNX file may have here");
  }
  const std::string bytes = read_file(path, "inspect");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || !model.has_graph()) {
    throw Error("inspect: '" + path +
                "' is none of the formats xgrad reads (xgrad model, checkpoint, safetensors, ONNX)");
  }
  ModelFileListing listing{"ONNX", {}, {}};
  for (const auto& opset : model.opset_import()) {
    listing.metadata["opset" + (opset.domain().empty() ? "" : " " + opset.domain())] = std::to_string(opset.version());
  }
  listing.metadata["producer"] = model.producer_name();
  for (const onnx::TensorProto& tensor : model.graph().initializer()) {
    TensorListing item{tensor.name(),
                       onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(tensor.data_type())),
                       {tensor.dims().begin(), tensor.dims().end()},
                       0};
    if (item.dtype.empty()) item.dtype = "type " + std::to_string(tensor.data_type());
    item.bytes = tensor.raw_data().size() + 4 * static_cast<std::uint64_t>(tensor.float_data_size()) +
                 8 * static_cast<std::uint64_t>(tensor.int64_data_size() + tensor.double_data_size()) +
                 4 * static_cast<std::uint64_t>(tensor.int32_data_size());
    listing.tensors.push_back(item);
  }
  return listing;
}

}  // namespace

ModelFileListing list_model_file(const std::string& path) {
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  if (error) throw Error("inspect: cannot open '" + path + "': " + error.message());
  std::string head(8, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), 8);
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (head == "XGRADPRM") return list_xgrad_model(path, read_file(path, "inspect"));
  if (head == "XGRADCKP") return list_checkpoint(path, read_file(path, "inspect"));
  // safetensors: a header length, then '{'. Anything else that is no ONNX model gets safetensors' message.
  const bool onnx_name = path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
  if (!onnx_name) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(8);
    if (in.get() == '{' || path.find(".safetensors") != std::string::npos) return list_safetensors(path);
  }
  return list_onnx(path, size);
}

std::string format_listing(const std::string& path, const ModelFileListing& listing) {
  std::size_t name_width = 4, dtype_width = 5, shape_width = 5;
  std::uint64_t total = 0;
  std::vector<std::string> shapes;
  for (const TensorListing& tensor : listing.tensors) {
    shapes.push_back("[" + join_with(tensor.shape, [](std::int64_t d) { return std::to_string(d); }) + "]");
    name_width = std::max(name_width, tensor.name.size());
    dtype_width = std::max(dtype_width, tensor.dtype.size());
    shape_width = std::max(shape_width, shapes.back().size());
    total += tensor.bytes;
  }
  std::ostringstream out;
  out << path << ": " << listing.format << ", " << listing.tensors.size() << " tensors, " << total << " bytes\n";
  for (const auto& [key, value] : listing.metadata) out << "  " << key << " = " << value << "\n";
  auto row = [&](const std::string& name, const std::string& dtype, const std::string& shape,
                 const std::string& bytes) {
    out << "  " << name << std::string(name_width - name.size() + 2, ' ') << dtype
        << std::string(dtype_width - dtype.size() + 2, ' ') << shape << std::string(shape_width - shape.size() + 2, ' ')
        << bytes << "\n";
  };
  row("name", "dtype", "shape", "bytes");
  for (std::size_t i = 0; i < listing.tensors.size(); ++i) {
    row(listing.tensors[i].name, listing.tensors[i].dtype, shapes[i], std::to_string(listing.tensors[i].bytes));
  }
  return out.str();
}

}  // namespace xg::interop
