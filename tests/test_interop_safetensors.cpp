// safetensors in xgrad: the bytes xgrad writes (as the reference writer lays them out), what it reads
// (every dtype it takes), round trips, strict and non-strict loads, and one test per class of damaged
// file, each refused with its message and the module left as it was.

#include "error_message.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

namespace nn = xg::nn;
namespace interop = xg::interop;
using xg_test::error_message;

std::string temp_path(const std::string& name) { return xg_test::scratch_file("xgrad_interop_safetensors", name); }

void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string le64(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return bytes;
}

std::string floats(std::initializer_list<float> values) {
  std::string bytes(4 * values.size(), '\0');
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

// A file of `header` (unpadded) and `data`.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

// Linear(2, 1) with fixed values: the model every damaged file is loaded into.
nn::Linear small_linear() {
  nn::Linear linear(2, 1);
  linear->weight.data() = xg::Array{{0.25f, -0.5f}};
  linear->bias.data() = xg::Array{0.125f};
  return linear;
}

const std::string kValidHeader =
    R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}})";
const std::string kValidData = floats({3.0f, 1.0f, 2.0f});

// The valid file with `from` in its header replaced by `to`.
std::string valid_file_with(const std::string& from, const std::string& to) {
  std::string header = kValidHeader;
  header.replace(header.find(from), from.size(), to);
  return safetensors_bytes(header, kValidData);
}

std::string state_bytes(const nn::Module& module) {
  std::string bytes;
  for (const auto& [name, tensor] : module.state_dict()) {
    bytes.append(reinterpret_cast<const char*>(tensor.data().data()), 4 * tensor.numel());
  }
  return bytes;
}

// Loads `bytes` as a file into small_linear(); returns the message, after checking that the module is unchanged.
std::string refusal_of(const std::string& bytes, const std::string& name) {
  const std::string path = temp_path(name + ".safetensors");
  write_bytes(path, bytes);
  nn::Linear linear = small_linear();
  const std::string before = state_bytes(*linear);
  const std::string message = error_message([&] { interop::load_model(linear, path); });
  EXPECT_EQ(state_bytes(*linear), before) << "a refused load changed the module";
  const std::string prefix = "load_model: '" + path + "'";
  EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
  const std::string rest = message.substr(std::min(message.size(), prefix.size()));
  return rest.rfind(": ", 0) == 0 ? rest.substr(2) : rest;
}

TEST(InteropSafetensors, TheValidFileLoadsItsValues) {
  const std::string path = temp_path("valid.safetensors");
  write_bytes(path, safetensors_bytes(kValidHeader, kValidData));
  nn::Linear linear = small_linear();
  const interop::LoadResult result = interop::load_model(linear, path);
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_TRUE(result.unexpected_keys.empty());
  EXPECT_EQ(linear->bias.data(), (xg::Array{3.0f}));
  EXPECT_EQ(linear->weight.data(), (xg::Array{{1.0f, 2.0f}}));
}

// The loaded values replace the module's inside the same tensors: an optimizer made before the load
// steps from them. (weight [1, 2], bias 3; the gradient of sum(linear([1, 1])) is 1 everywhere; lr 0.5.)
TEST(InteropSafetensors, AnOptimizerMadeBeforeTheLoadStepsTheLoadedValues) {
  const std::string path = temp_path("optimizer.safetensors");
  write_bytes(path, safetensors_bytes(kValidHeader, kValidData));
  nn::Linear linear = small_linear();
  xg::optim::SGD sgd(linear->parameters(), xg::optim::SGDOptions(0.5));
  interop::load_model(linear, path);
  xg::sum(linear(xg::Tensor(xg::Array{{1.0f, 1.0f}}))).backward();
  sgd.step();
  EXPECT_EQ(linear->weight.data(), (xg::Array{{0.5f, 1.5f}}));
  EXPECT_EQ(linear->bias.data(), (xg::Array{2.5f}));
}

TEST(InteropSafetensors, WritesTheReferenceWritersLayout) {
  // Counts (I64) first, then the floats by name; metadata first, sorted; padded with spaces to 8 bytes.
  xg::Generator generator(1);
  nn::MLP net({3, 2, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  net->at<nn::BatchNorm1dImpl>(1).num_batches_tracked.data()() = 7.0f;
  const std::string path = temp_path("layout.safetensors");
  interop::save_model(net, path, {{"task", "demo"}});
  const std::string bytes = xg_test::file_bytes(path);
  const std::string header = R"({"__metadata__":{"format":"pt","task":"demo"},)"
                             R"("1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
                             R"("0.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
                             R"("0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]},)"
                             R"("1.bias":{"dtype":"F32","shape":[2],"data_offsets":[40,48]},)"
                             R"("1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[48,56]},)"
                             R"("1.running_var":{"dtype":"F32","shape":[2],"data_offsets":[56,64]},)"
                             R"("1.weight":{"dtype":"F32","shape":[2],"data_offsets":[64,72]},)"
                             R"("3.bias":{"dtype":"F32","shape":[2],"data_offsets":[72,80]},)"
                             R"("3.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[80,96]}})";
  const std::size_t padded = (header.size() + 7) / 8 * 8;
  ASSERT_EQ(bytes.size(), 8 + padded + 96);
  EXPECT_EQ(bytes.substr(0, 8), le64(padded));
  EXPECT_EQ(bytes.substr(8, padded), header + std::string(padded - header.size(), ' '));
  EXPECT_EQ(bytes.substr(8 + padded, 8), le64(7));  // num_batches_tracked as an int64
  const auto& bias = net->at<nn::LinearImpl>(0).bias.data();
  EXPECT_EQ(bytes.substr(8 + padded + 8, 8), std::string(reinterpret_cast<const char*>(bias.data()), 8));
}

TEST(InteropSafetensors, XgradToFileToXgradIsBitExact) {
  xg::Generator generator(5);
  nn::MLP net({6, 5, 4, 3}, nn::Activation::GELU, 0.0, nn::Norm::Batch, generator);
  net(xg::randn({8, 6}, generator));  // training mode: the running statistics move
  const std::string path = temp_path("round_trip.safetensors");
  interop::save_model(net, path);
  xg::Generator other_generator(6);
  nn::MLP other({6, 5, 4, 3}, nn::Activation::GELU, 0.0, nn::Norm::Batch, other_generator);
  interop::load_model(other, path);
  EXPECT_EQ(state_bytes(*other), state_bytes(*net));
  EXPECT_EQ(other->at<nn::BatchNorm1dImpl>(1).num_batches_tracked.data()(), 1.0f);
  // And saved again, the same bytes.
  const std::string again = temp_path("round_trip_again.safetensors");
  interop::save_model(other, again);
  EXPECT_EQ(xg_test::file_bytes(again), xg_test::file_bytes(path));
}

TEST(InteropSafetensors, LoadFileGivesTheTensorsTheirKindsAndTheMetadata) {
  xg::Generator generator(2);
  nn::MLP net({3, 2, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  const std::string path = temp_path("load_file.safetensors");
  interop::save_file(net->state_dict(), path, {{"mean", "1.5"}});
  interop::Metadata metadata;
  const nn::StateDict state = interop::load_file(path, &metadata);
  EXPECT_EQ(state.keys(),
            (std::vector<std::string>{"1.num_batches_tracked", "0.bias", "0.weight", "1.bias", "1.running_mean",
                                      "1.running_var", "1.weight", "3.bias", "3.weight"}));
  EXPECT_EQ(state.kind("1.num_batches_tracked"), nn::EntryKind::count);
  EXPECT_EQ(state.kind("0.weight"), nn::EntryKind::real);
  EXPECT_EQ(metadata, (interop::Metadata{{"format", "pt"}, {"mean", "1.5"}}));
  EXPECT_EQ(state["0.weight"].data(), net->at<nn::LinearImpl>(0).weight.data());
}

TEST(InteropSafetensors, ReadsEveryFloatAndIntegerDtype) {
  // F64 2.5; F16 0x3e00 = 1.5 and 0x8001 = -2^-24 (subnormal); BF16 0x4049 = 3.140625; I32 -7; U8 200.
  std::string data;
  double wide = 2.5;
  data.append(reinterpret_cast<const char*>(&wide), 8);
  data += xg_test::from_hex("003e0180");
  data += xg_test::from_hex("4940");
  data += xg_test::from_hex("f9ffffff");
  data += xg_test::from_hex("c8");
  const std::string header =
      R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},)"
      R"("c":{"dtype":"BF16","shape":[],"data_offsets":[12,14]},"d":{"dtype":"I32","shape":[1,1],"data_offsets":[14,18]},)"
      R"("e":{"dtype":"U8","shape":[1],"data_offsets":[18,19]}})";
  const std::string path = temp_path("dtypes.safetensors");
  write_bytes(path, safetensors_bytes(header, data));
  const nn::StateDict state = interop::load_file(path);
  EXPECT_EQ(state["a"].data(), (xg::Array{2.5f}));
  EXPECT_EQ(state["b"].data(), (xg::Array{1.5f, -0x1p-24f}));
  EXPECT_EQ(state["c"].data()(), 3.140625f);
  EXPECT_EQ(state["d"].shape(), (xg::Shape{1, 1}));
  EXPECT_EQ(state["d"].data()(0, 0), -7.0f);
  EXPECT_EQ(state["e"].data(), (xg::Array{200.0f}));
  EXPECT_EQ(state.kind("a"), nn::EntryKind::real);
  EXPECT_EQ(state.kind("d"), nn::EntryKind::count);
}

// Every way a tensor's bytes arrive, in one file: "a" starts in the bytes read with the header (the
// first 4 KiB) and ends after them; "b" (I64) and "d" (F16) are converted, "b" from the buffer read
// with the F32 data, "d" (1.2 MB, above the 1 MiB read along) in chunks of its own; "c" follows "b".
TEST(InteropSafetensors, ReadsTensorsAcrossTheHeadersReadAndLargeConvertedOnes) {
  const std::size_t a_count = 2000, d_count = 600000;
  std::string data;
  for (std::size_t i = 0; i < a_count; ++i) data += floats({static_cast<float>(i) + 0.5f});
  data += le64(static_cast<std::uint64_t>(-3)) + le64(7);
  data += floats({-1.0f, 2.0f});
  for (std::size_t i = 0; i < d_count; ++i) {
    const std::uint16_t half = static_cast<std::uint16_t>(0x3c00 + (i % 1024));  // 1 + (i % 1024) / 1024
    data.append(reinterpret_cast<const char*>(&half), 2);
  }
  const std::string header = R"({"a":{"dtype":"F32","shape":[2000],"data_offsets":[0,8000]},)"
                             R"("b":{"dtype":"I64","shape":[2],"data_offsets":[8000,8016]},)"
                             R"("c":{"dtype":"F32","shape":[2],"data_offsets":[8016,8024]},)"
                             R"("d":{"dtype":"F16","shape":[600000],"data_offsets":[8024,1208024]}})";
  const std::string path = temp_path("every_path.safetensors");
  write_bytes(path, safetensors_bytes(header, data));
  const nn::StateDict state = interop::load_file(path);
  const xg::Array& a = state["a"].data();
  ASSERT_EQ(a.size(), a_count);
  for (std::size_t i = 0; i < a_count; ++i) ASSERT_EQ(a(i), static_cast<float>(i) + 0.5f) << i;
  EXPECT_EQ(state["b"].data(), (xg::Array{-3.0f, 7.0f}));
  EXPECT_EQ(state["c"].data(), (xg::Array{-1.0f, 2.0f}));
  const xg::Array& d = state["d"].data();
  ASSERT_EQ(d.size(), d_count);
  for (std::size_t i = 0; i < d_count; ++i) ASSERT_EQ(d(i), 1.0f + static_cast<float>(i % 1024) / 1024.0f) << i;
}

// Headers past the first 4 KiB read (read again whole) and past 64 KiB (parsed by a parser of their
// own, not the one kept for ordinary headers) load every tensor, after an ordinary header on the same
// thread and before another.
TEST(InteropSafetensors, LongHeadersLoadWholeAfterAndBeforeShortOnes) {
  for (const std::size_t count : {std::size_t{3}, std::size_t{100}, std::size_t{2000}, std::size_t{3}}) {
    nn::StateDict state;
    for (std::size_t i = 0; i < count; ++i) {
      state.insert("layer_with_a_long_name_" + std::to_string(i) + ".weight",
                   xg::Tensor(xg::Array{static_cast<float>(i), -static_cast<float>(i) / 4}));
    }
    const std::string path = temp_path("long_header_" + std::to_string(count) + ".safetensors");
    interop::save_file(state, path);
    const std::uint64_t header_bytes = interop::read_safetensors_header(path).data_start - 8;
    EXPECT_EQ(header_bytes > 4096, count >= 100) << header_bytes;
    EXPECT_EQ(header_bytes > 65536, count >= 2000) << header_bytes;
    const nn::StateDict loaded = interop::load_file(path);
    ASSERT_EQ(loaded.size(), count);
    for (const auto& [name, tensor] : state) EXPECT_EQ(loaded[name].data(), tensor.data()) << name;
  }
}

// A key the module does not have, between two it has: its bytes are skipped, the others land.
TEST(InteropSafetensors, NonStrictLoadSkipsAnEntryBetweenTwoItReads) {
  const std::string path = temp_path("between.safetensors");
  write_bytes(path, safetensors_bytes(R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                      R"("extra":{"dtype":"F32","shape":[3],"data_offsets":[4,16]},)"
                                      R"("weight":{"dtype":"F32","shape":[1,2],"data_offsets":[16,24]}})",
                                      floats({3.0f, 9.0f, 9.0f, 9.0f, 1.0f, 2.0f})));
  nn::Linear linear = small_linear();
  const interop::LoadResult result = interop::load_model(linear, path, /*strict=*/false);
  EXPECT_EQ(result.unexpected_keys, (std::vector<std::string>{"extra"}));
  EXPECT_EQ(linear->bias.data(), (xg::Array{3.0f}));
  EXPECT_EQ(linear->weight.data(), (xg::Array{{1.0f, 2.0f}}));
}

// For small_linear(): its bias (3) without its weight, and a key it does not have (extra, 4).
std::string without_weight_with_extra() {
  return safetensors_bytes(
      R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"extra":{"dtype":"F32","shape":[],"data_offsets":[4,8]}})",
      floats({3.0f, 4.0f}));
}

TEST(InteropSafetensors, StrictLoadNamesMissingAndUnexpectedKeys) {
  const std::string path = temp_path("extra.safetensors");
  write_bytes(path, without_weight_with_extra());
  nn::Linear linear = small_linear();
  EXPECT_EQ(error_message([&] { interop::load_model(linear, path); }),
            "load_model: '" + path +
                "' does not fit Linear: missing keys: weight; unexpected keys: extra; the module was not changed");
  EXPECT_EQ(linear->bias.data(), (xg::Array{0.125f}));
}

TEST(InteropSafetensors, NonStrictLoadReturnsTheKeysItSkippedLikeTorch) {
  const std::string path = temp_path("partial.safetensors");
  write_bytes(path, without_weight_with_extra());
  nn::Linear linear = small_linear();
  const interop::LoadResult result = interop::load_model(linear, path, /*strict=*/false);
  EXPECT_EQ(result.missing_keys, (std::vector<std::string>{"weight"}));
  EXPECT_EQ(result.unexpected_keys, (std::vector<std::string>{"extra"}));
  EXPECT_EQ(linear->bias.data(), (xg::Array{3.0f}));
  EXPECT_EQ(linear->weight.data(), (xg::Array{{0.25f, -0.5f}}));
}

TEST(InteropSafetensors, AShapeThatDiffersNamesTheKeyAndBothShapes) {
  xg::Generator generator(3);
  nn::MLP wide({4, 8, 2}, nn::Activation::ReLU, 0.0, generator);
  nn::MLP narrow({4, 6, 2}, nn::Activation::ReLU, 0.0, generator);
  const std::string path = temp_path("wide.safetensors");
  interop::save_model(wide, path);
  const std::string before = state_bytes(*narrow);
  EXPECT_EQ(error_message([&] { interop::load_model(narrow, path, /*strict=*/false); }),
            "load_model: '" + path +
                "' does not fit MLP: shape mismatch: '0.weight' is [8, 4] in the file and [6, 4] in the "
                "module; '0.bias' is [8] in the file and [6] in the module; '2.weight' is [2, 8] in the file and "
                "[2, 6] in the module; the module was not changed");
  EXPECT_EQ(state_bytes(*narrow), before);
}

TEST(InteropSafetensors, SerializeGivesTheFilesBytesWithTheTensorsViewedInPlace) {
  xg::Generator generator(2);
  nn::MLP net({3, 2, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  const std::string path = temp_path("serialize.safetensors");
  interop::save_model(net, path, {{"task", "demo"}});
  const nn::StateDict state = net->state_dict();
  const interop::SafetensorsBytes bytes = interop::serialize(state, {{"task", "demo"}});
  std::string joined;
  for (std::string_view part : bytes.parts()) joined += part;
  EXPECT_EQ(joined, xg_test::file_bytes(path));
  // The header, the count (encoded as I64), then the floats straight from the tensors' memory.
  ASSERT_EQ(bytes.parts().size(), 1 + state.size());
  EXPECT_EQ(bytes.encoded.size(), 1u);
  EXPECT_EQ(bytes.parts()[2].data(), reinterpret_cast<const char*>(net->at<nn::LinearImpl>(0).bias.data().data()));
}

TEST(InteropSafetensors, SaveRefusesATensorNamedLikeTheMetadata) {
  const nn::StateDict state{{"__metadata__", xg::Tensor(xg::Array{1.0f})}};
  EXPECT_EQ(error_message([&] { interop::serialize(state); }),
            "serialize: tensor '__metadata__': is the name the header's metadata takes");
}

TEST(InteropSafetensors, SaveIsAtomicAndNamesAnUnwritableFolder) {
  nn::Linear linear = small_linear();
  const std::string path = temp_path("no_such_folder/model.safetensors");
  const std::string message = error_message([&] { interop::save_model(linear, path); });
  EXPECT_NE(message.find("save_file: cannot"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

// ---- Damaged files: one test per class, each refused before anything is allocated or changed ----

TEST(InteropSafetensorsDamaged, TooShortForTheHeaderLength) {
  EXPECT_EQ(refusal_of(std::string("\x05\x00\x00", 3), "short"),
            "is too short for a safetensors file: 3 bytes, and the header length alone takes 8");
}

TEST(InteropSafetensorsDamaged, HeaderLengthAboveTheCap) {
  EXPECT_EQ(refusal_of(le64(100'000'001) + "{}", "cap"),
            "the header claims 100000001 bytes, above the limit of 100000000");
}

TEST(InteropSafetensorsDamaged, HeaderPastTheEndOfTheFile) {
  EXPECT_EQ(refusal_of(le64(64) + "{}", "past_end"), "the header claims 64 bytes, but the file ends at 10");
}

TEST(InteropSafetensorsDamaged, HeaderNotUtf8) {
  EXPECT_EQ(refusal_of(safetensors_bytes("{\"\xff\":{}}", ""), "utf8"),
            "the header is not valid UTF-8 JSON: The input is not valid UTF-8");  // simdjson's words
}

TEST(InteropSafetensorsDamaged, HeaderNotJson) {
  EXPECT_EQ(refusal_of(safetensors_bytes("{\"bias\":", ""), "not_json"),
            "the header is not valid UTF-8 JSON: The JSON document has an improper structure: missing or "
            "superfluous commas, braces, missing keys, etc.");
}

TEST(InteropSafetensorsDamaged, HeaderNotAnObject) {
  EXPECT_EQ(refusal_of(safetensors_bytes("[1, 2]", ""), "array"), "the header must be a JSON object, got array");
}

// A valid file with one field of its header replaced (the first `from` becomes `to`), and the refusal.
TEST(InteropSafetensorsDamaged, OneFieldReplaced) {
  struct Damage {
    const char* from;
    const char* to;
    const char* name;
    const char* refusal;
  };
  const Damage damages[] = {
      {"F32", "F8_E4M3", "dtype",
       "tensor 'bias': dtype \"F8_E4M3\" is not one xgrad reads (F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, "
       "U16, U8, BOOL)"},
      {"[1,2]", "[-1,2]", "negative", "tensor 'weight': shape [-1,2] holds a value that is not a size"},
      // 2^62 * 2^62 elements: the product wraps around in 64 bits (to 0), which a plain product would miss.
      {"[1,2]", "[4611686018427387904,4611686018427387904]", "overflow",
       " is corrupted: tensor 'weight' has shape [4611686018427387904, 4611686018427387904]: its non-zero "
       "dimensions multiply to more than std::ptrdiff_t holds (9223372036854775807)"},
      {"[1,2]", "[1,3]", "span",
       "tensor 'weight': shape [1,3] of F32 needs 12 bytes, but its data_offsets [4,12] span 8"},
  };
  for (const Damage& damage : damages) {
    EXPECT_EQ(refusal_of(valid_file_with(damage.from, damage.to), damage.name), damage.refusal) << damage.to;
  }
}

TEST(InteropSafetensorsDamaged, OffsetsThatEndBeforeTheyBegin) {
  const std::string header = R"({"bias":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}})";
  EXPECT_EQ(refusal_of(safetensors_bytes(header, floats({1.0f})), "backwards"),
            "tensor 'bias': data_offsets [4,0] end before they begin");
}

TEST(InteropSafetensorsDamaged, OffsetsThatLeaveAGap) {
  const std::string header =
      R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]}})";
  EXPECT_EQ(refusal_of(safetensors_bytes(header, floats({1.0f, 0.0f, 2.0f, 3.0f})), "gap"),
            "tensor 'weight': data_offsets [8, 16] leave a gap after the previous tensor's, which end at 4");
}

TEST(InteropSafetensorsDamaged, OffsetsThatOverlap) {
  const std::string header =
      R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}})";
  EXPECT_EQ(refusal_of(safetensors_bytes(header, floats({1.0f, 2.0f})), "overlap"),
            "tensor 'weight': data_offsets [0, 8] overlap the previous tensor's, which end at 4");
}

TEST(InteropSafetensorsDamaged, DataLongerThanTheTensors) {
  EXPECT_EQ(refusal_of(safetensors_bytes(kValidHeader, kValidData + "xxxx"), "trailing"),
            "tensor 'weight': the tensors' data end at 12, but the file holds 16 bytes of data");
}

TEST(InteropSafetensorsDamaged, DataShorterThanTheTensors) {
  EXPECT_EQ(refusal_of(safetensors_bytes(kValidHeader, kValidData.substr(0, 10)), "truncated"),
            "tensor 'weight': the tensors' data end at 12, but the file holds 10 bytes of data");
}

TEST(InteropSafetensorsDamaged, DuplicateNames) {
  const std::string header =
      R"({"bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},)"
      R"("bias":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})";
  EXPECT_EQ(refusal_of(safetensors_bytes(header, kValidData + floats({9.0f})), "duplicate"),
            "tensor 'bias': appears twice in the header");
}

TEST(InteropSafetensorsDamaged, EntryWithoutItsFields) {
  EXPECT_EQ(refusal_of(safetensors_bytes(R"({"bias":{"dtype":"F32","shape":[1]}})", floats({1.0f})), "fields"),
            "tensor 'bias': has no \"data_offsets\"");
}

TEST(InteropSafetensorsDamaged, AFieldTwiceInAnEntry) {
  // A JSON reader that keeps the last of a key twice would read this entry as F16, another as F32.
  const std::string header = R"({"bias":{"dtype":"F32","shape":[1],"dtype":"F16","data_offsets":[0,4]}})";
  EXPECT_EQ(refusal_of(safetensors_bytes(header, floats({1.0f})), "field_twice"),
            "tensor 'bias': expected only dtype, shape and data_offsets, each once, got "
            "{\"dtype\":\"F32\",\"shape\":[1],\"dtype\":\"F16\",\"data_offsets\":[0,4]}");
}

TEST(InteropSafetensorsDamaged, MetadataTwice) {
  EXPECT_EQ(
      refusal_of(safetensors_bytes(R"({"__metadata__":{},"__metadata__":{"format":"pt"}})", ""), "metadata_twice"),
      "tensor '__metadata__': appears twice in the header");
}

TEST(InteropSafetensorsDamaged, MetadataThatIsNotStrings) {
  EXPECT_EQ(refusal_of(safetensors_bytes(R"({"__metadata__":{"epochs":3}})", ""), "metadata"),
            "__metadata__ 'epochs' must be a string, got 3");
}

}  // namespace
