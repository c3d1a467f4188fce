#pragma once
// What a model file holds, for a user whose load failed: every tensor's name, dtype, shape and bytes,
// from any file xgrad reads (xgrad's model format, a checkpoint's model, safetensors, an ONNX model's
// initializers). It reads through the same checked readers as the loads do, so a damaged file gets the
// same message here. The program is examples/inspect/xgrad_inspect.cpp (xgrad-inspect FILE...).

#include <xgrad/core/shape.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xg::interop {

struct TensorListing {
  std::string name;
  std::string dtype;  // "F32", "I64", ... (ONNX's element types by their ONNX names: "FLOAT", "INT64")
  std::vector<std::int64_t> shape;
  std::uint64_t bytes = 0;
};

struct ModelFileListing {
  std::string format;  // "xgrad model", "xgrad checkpoint", "safetensors", "ONNX"
  std::vector<TensorListing> tensors;
  std::map<std::string, std::string>
      metadata;  // safetensors' __metadata__, a checkpoint's epoch and step, ONNX's opset
};

// An ONNX file above this many bytes is refused before protobuf parses it.
constexpr std::uint64_t kMaxOnnxFileBytes = std::uint64_t{1} << 30;

// The listing of the file at `path`, whose format is told by its first bytes (ONNX by elimination).
// Throws xg::Error (the readers' own messages) for a file that is damaged or of no known format.
ModelFileListing list_model_file(const std::string& path);

// The listing as a table, one tensor a line, with the totals.
std::string format_listing(const std::string& path, const ModelFileListing& listing);

}  // namespace xg::interop
