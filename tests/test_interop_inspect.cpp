// The model-file inspector (interop/inspect.hpp, the program xgrad-inspect): what it lists for each
// format, and that a damaged file gets the reader's own message.

#include "error_message.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/interop/inspect.hpp>
#include <xgrad/interop/onnx_export.hpp>
#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

namespace nn = xg::nn;
namespace interop = xg::interop;
using xg_test::error_message;

std::string temp_path(const std::string& name) { return xg_test::scratch_file("xgrad_interop_inspect", name); }

nn::Sequential small_model() {
  xg::Generator generator(1);
  return nn::Sequential{nn::Linear(3, 2, true, generator), nn::BatchNorm1d(2)};
}

TEST(InteropInspect, ListsASafetensorsFileWithDtypesAndMetadata) {
  const std::string path = temp_path("model.safetensors");
  interop::save_model(small_model(), path, {{"task", "demo"}});
  EXPECT_EQ(interop::format_listing("model.safetensors", interop::list_model_file(path)),
            "model.safetensors: safetensors, 7 tensors, 72 bytes\n"
            "  format = pt\n"
            "  task = demo\n"
            "  name                   dtype  shape   bytes\n"
            "  1.num_batches_tracked  I64    []      8\n"
            "  0.bias                 F32    [2]     8\n"
            "  0.weight               F32    [2, 3]  24\n"
            "  1.bias                 F32    [2]     8\n"
            "  1.running_mean         F32    [2]     8\n"
            "  1.running_var          F32    [2]     8\n"
            "  1.weight               F32    [2]     8\n");
}

TEST(InteropInspect, ListsXgradsOwnModelFile) {
  const std::string path = temp_path("model.xgp");
  xg::save(small_model(), path);
  const interop::ModelFileListing listing = interop::list_model_file(path);
  EXPECT_EQ(listing.format, "xgrad model");
  ASSERT_EQ(listing.tensors.size(), 7u);
  EXPECT_EQ(listing.tensors[1].name, "0.weight");
  EXPECT_EQ(listing.tensors[1].shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(listing.tensors[1].bytes, 24u);
}

TEST(InteropInspect, ListsTheInitializersOfAnOnnxModel) {
  const std::string path = temp_path("model.onnx");
  nn::Sequential model = small_model();
  model->eval();
  interop::export_onnx(model, path);
  const interop::ModelFileListing listing = interop::list_model_file(path);
  EXPECT_EQ(listing.format, "ONNX");
  EXPECT_EQ(listing.metadata.at("opset"), "17");
  std::vector<std::string> rows;
  for (const auto& tensor : listing.tensors) {
    rows.push_back(tensor.name + " " + tensor.dtype + " " + std::to_string(tensor.bytes));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"0.weight FLOAT 24", "0.bias FLOAT 8", "1.weight FLOAT 8", "1.bias FLOAT 8",
                                            "1.running_mean FLOAT 8", "1.running_var FLOAT 8"}));
}

TEST(InteropInspect, ADamagedFileGetsTheReadersMessage) {
  const std::string path = temp_path("damaged.safetensors");
  std::ofstream(path, std::ios::binary) << std::string("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}", 15);
  EXPECT_EQ(error_message([&] { interop::list_model_file(path); }),
            "inspect: '" + path + "': the header claims 16 bytes, but the file ends at 15");
}

TEST(InteropInspect, AnOnnxFileAboveTheCapIsRefusedBeforeItIsRead) {
  // A sparse file: its size says 1 GiB + 1 without using the disk.
  const std::string path = temp_path("huge.onnx");
  std::ofstream(path, std::ios::binary).put('\x08');
  std::filesystem::resize_file(path, interop::kMaxOnnxFileBytes + 1);
  EXPECT_EQ(error_message([&] { interop::list_model_file(path); }),
            "inspect: '" + path + "' is 1073741825 bytes, above the 1073741824 an ONNX file may have here");
  std::filesystem::remove(path);
}

}  // namespace
