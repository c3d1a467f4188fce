// xg::save / xg::load: a bit-exact round trip, the documented layout, and every kind of bad file
// throwing xg::Error while leaving the module exactly as it was.

#include "error_message.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/core/binary_io.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace {

namespace nn = xg::nn;
namespace fs = std::filesystem;
using xg_test::error_message;

class NNSerialize : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("xgrad_nn_serialize_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<xg::Array> snapshot(const nn::Module& module) {
  std::vector<xg::Array> values;
  for (const xg::Tensor& p : module.parameters()) values.push_back(p.data());
  return values;
}

// Bit-for-bit equality, so that -0.0 vs 0.0 or NaN payloads would also count.
bool same_bits(const std::vector<xg::Array>& a, const std::vector<xg::Array>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].shape() != b[i].shape() || std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

std::string load_error(nn::Module& module, const std::string& path) {
  return error_message([&] { xg::load(module, path); });
}

// load_error, checking too that the failed load left every parameter as it was.
std::string refused_load(nn::Module& module, const std::string& path) {
  const auto before = snapshot(module);
  std::string message = load_error(module, path);
  EXPECT_TRUE(same_bits(snapshot(module), before)) << "loading " << path << " changed the module";
  return message;
}

TEST_F(NNSerialize, RoundTripIsBitExact) {
  xg::Generator g1(1), g2(2);
  nn::MLP saved({6, 5, 3}, nn::Activation::ReLU, 0.0, g1);
  saved->parameters()[0].data()(0, 0) = -0.0f;  // the sign of zero survives too
  nn::MLP loaded({6, 5, 3}, nn::Activation::ReLU, 0.0, g2);
  ASSERT_FALSE(same_bits(snapshot(*saved), snapshot(*loaded)));
  xg::save(saved, path("mlp.xgp"));
  xg::load(loaded, path("mlp.xgp"));
  EXPECT_TRUE(same_bits(snapshot(*saved), snapshot(*loaded)));
  EXPECT_TRUE(std::signbit(loaded->parameters()[0].data()(0, 0)));
  const xg::Tensor x = xg::randn({2, 6});
  EXPECT_EQ(saved(x).data(), loaded(x).data());
  EXPECT_FALSE(fs::exists(path("mlp.xgp.tmp")));
}

TEST_F(NNSerialize, LoadKeepsTheModulesTensorsAndTheirIdentity) {
  nn::Linear a(3, 2), b(3, 2);
  const xg::TensorImpl* weight = b->weight.id();
  xg::save(a, path("linear.xgp"));
  xg::load(*b, path("linear.xgp"));   // the Module& form
  EXPECT_EQ(b->weight.id(), weight);  // an optimizer holding b's parameters still sees them
  EXPECT_EQ(b->weight.data(), a->weight.data());
}

TEST_F(NNSerialize, FileLayoutIsTheDocumentedOne) {
  nn::Linear fc(2, 1);
  fc->weight.data() = xg::Array{{1.0f, -2.0f}};
  fc->bias.data() = xg::Array{0.5f};
  xg::save(fc, path("tiny.xgp"));
  const std::string bytes = read_bytes(path("tiny.xgp"));
  // magic 8 + version 4 + count 8; "weight": 4 + 6 + 4 + 2*8 + 2*4 + 4; "bias": 4 + 4 + 4 + 8 + 4 + 4
  ASSERT_EQ(bytes.size(), 20u + 42u + 28u);
  EXPECT_EQ(bytes.substr(0, 8), "XGRADPRM");
  EXPECT_EQ(bytes.substr(8, 4), std::string("\x01\x00\x00\x00", 4));
  EXPECT_EQ(bytes.substr(12, 8), std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(bytes.substr(20, 10), std::string("\x06\x00\x00\x00weight", 10));
  EXPECT_EQ(bytes.substr(30, 4), std::string("\x02\x00\x00\x00", 4));  // two dimensions
  EXPECT_EQ(bytes.substr(34, 16), std::string("\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0", 16));
  EXPECT_EQ(bytes.substr(50, 8), std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8));  // 1.0f, -2.0f
  EXPECT_EQ(bytes.substr(62, 8), std::string("\x04\x00\x00\x00"
                                             "bias",
                                             8));
}

// What a refused load of an MLP says after "load: '<path>' does not match the module MLP: ".
std::string mismatch(nn::Module& module, const std::string& path) {
  const std::string message = refused_load(module, path);
  const std::string start = "load: '" + path + "' does not match the module MLP: ";
  return message.rfind(start, 0) == 0 ? message.substr(start.size()) : "(another start) " + message;
}

TEST_F(NNSerialize, AnotherArchitectureIsRejectedNamingEveryDifference) {
  nn::MLP small({4, 8, 3});
  nn::MLP deeper({4, 8, 8, 3});
  nn::MLP wider({4, 16, 3});
  xg::save(small, path("small.xgp"));
  EXPECT_EQ(mismatch(*deeper, path("small.xgp")),
            "missing from the file: 4.weight, 4.bias; different shapes: 2.weight "
            "is [8, 8] in the module but [3, 8] in the file, 2.bias is [8] in the module but [3] in the file; the "
            "module was not changed");

  xg::save(deeper, path("deeper.xgp"));
  EXPECT_EQ(mismatch(*small, path("deeper.xgp")),
            "not in the module: 4.bias, 4.weight; different shapes: 2.weight is "
            "[3, 8] in the module but [8, 8] in the file, 2.bias is [3] in the module but [8] in the file; the "
            "module was not changed");

  EXPECT_NE(refused_load(*wider, path("small.xgp")).find("0.weight is [16, 4] in the module but [8, 4] in the file"),
            std::string::npos);
}

std::string load_error(nn::Module& module, std::istream& in) {
  return error_message([&] { xg::load(module, in); });
}

// What xg::save writes for an MLP({3, 4, 2}), the model the exhaustive checks below damage.
std::string saved_mlp_bytes() {
  nn::MLP source({3, 4, 2});
  std::ostringstream out;
  xg::save(source, out);
  return out.str();
}

// The exhaustive checks go through streams: they try every byte, and files are slow on shared disks.
TEST_F(NNSerialize, EveryTruncationIsRejectedAndChangesNothing) {
  nn::MLP target({3, 4, 2});
  const std::string bytes = saved_mlp_bytes();
  const auto before = snapshot(*target);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    std::istringstream cut(bytes.substr(0, size));
    const std::string message = load_error(*target, cut);
    ASSERT_EQ(message.rfind("load: the stream is truncated: ", 0), 0u) << size << ": " << message;
    ASSERT_TRUE(same_bits(snapshot(*target), before)) << size;
  }
  write_bytes(path("cut.xgp"), bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(load_error(*target, path("cut.xgp")),
            "load: '" + path("cut.xgp") + "' is truncated: record 3 ('2.bias') (checksum) needs 4 bytes at offset " +
                std::to_string(bytes.size() - 4) + ", but the file ends at " + std::to_string(bytes.size() - 3));
}

TEST_F(NNSerialize, EveryFlippedByteIsDetectedAndChangesNothing) {
  nn::MLP target({3, 4, 2});
  const std::string bytes = saved_mlp_bytes();
  const auto before = snapshot(*target);
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (int bit : {0, 4, 7}) {
      std::string bad = bytes;
      bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
      std::istringstream in(bad);
      ASSERT_NE(load_error(*target, in), xg_test::kNoError) << "byte " << at << " bit " << bit;
      ASSERT_TRUE(same_bits(snapshot(*target), before)) << "byte " << at;
    }
  }
}

TEST_F(NNSerialize, StreamsCarryTheSameBytesAsFiles) {
  nn::MLP source({3, 4, 2}), target({3, 4, 2});
  std::ostringstream out;
  xg::save(source, out);
  xg::save(source, path("same.xgp"));
  EXPECT_EQ(out.str(), read_bytes(path("same.xgp")));
  std::istringstream in(out.str());
  xg::load(target, in);
  EXPECT_TRUE(same_bits(snapshot(*target), snapshot(*source)));
}

TEST_F(NNSerialize, CorruptedValuesFailTheChecksum) {
  nn::Linear fc(2, 2);
  xg::save(fc, path("fc.xgp"));
  std::string bytes = read_bytes(path("fc.xgp"));
  bytes[20 + 4 + 6 + 4 + 16 + 1] ^= 0x01;  // inside the first value of "weight"
  write_bytes(path("fc.xgp"), bytes);
  const std::string message = load_error(*fc, path("fc.xgp"));
  EXPECT_EQ(message.rfind("load: '" + path("fc.xgp") +
                              "' is corrupted: the checksum of record 0 ('weight') does not match (stored 0x",
                          0),
            0u)
      << message;
}

TEST_F(NNSerialize, WrongMagicVersionAndTrailingBytesAreNamed) {
  nn::Linear fc(2, 2);
  xg::save(fc, path("fc.xgp"));
  const std::string bytes = read_bytes(path("fc.xgp"));
  write_bytes(path("magic.xgp"), "PK" + bytes.substr(2));
  EXPECT_EQ(load_error(*fc, path("magic.xgp")),
            "load: '" + path("magic.xgp") + "' is not an xgrad parameter file (its first bytes are not \"XGRADPRM\")");
  std::string version = bytes;
  version[8] = 2;
  write_bytes(path("version.xgp"), version);
  EXPECT_EQ(load_error(*fc, path("version.xgp")),
            "load: '" + path("version.xgp") + "' has format version 2, but this xgrad reads version 1");
  write_bytes(path("trailing.xgp"), bytes + "xyz");
  EXPECT_EQ(load_error(*fc, path("trailing.xgp")),
            "load: '" + path("trailing.xgp") + "' is corrupted: 3 unexpected bytes follow the last of its 2 tensors");
}

TEST_F(NNSerialize, SavingReplacesAnExistingFile) {
  nn::Linear first(2, 2), second(2, 2), loaded(2, 2);
  xg::save(first, path("fc.xgp"));
  xg::save(second, path("fc.xgp"));
  xg::load(loaded, path("fc.xgp"));
  EXPECT_EQ(loaded->weight.data(), second->weight.data());
  EXPECT_FALSE(fs::exists(path("fc.xgp.tmp")));
}

TEST_F(NNSerialize, UnreadableAndUnwritablePathsThrow) {
  nn::Linear fc(2, 2);
  const std::string missing_dir = path("no/such/dir/fc.xgp");
  try {
    xg::save(fc, missing_dir);
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(),
                 ("save: cannot open '" + missing_dir + ".tmp' for writing: No such file or directory").c_str());
  }
  EXPECT_EQ(load_error(*fc, path("absent.xgp")),
            "load: cannot open '" + path("absent.xgp") + "' for reading: No such file or directory");
  // Renaming onto a directory fails after the temporary file was written: it must be cleaned up.
  fs::create_directories(path("a_directory"));
  EXPECT_THROW(xg::save(fc, path("a_directory")), xg::Error);
  EXPECT_FALSE(fs::exists(path("a_directory.tmp")));
}

// The reproducers the fuzzers found (issue 17): a 0 dimension beside huge ones passed the size check
// (the product is 0) and overflowed xtensor's stride computation. Now the shape check refuses them,
// before the checksum, which is read only over bytes known to be there.
TEST_F(NNSerialize, FuzzerReproducersAreClearErrors) {
  nn::Linear fc(2, 2);
  const auto before = snapshot(*fc);
  std::istringstream zero_beside_huge(xg_test::from_hex(
      "584752414450524d0100000001000000000000000000000003000000000000000000000000000000010000000000000001000000"));
  EXPECT_EQ(load_error(*fc, zero_beside_huge),
            "load: the stream is corrupted: record 0 ('') has shape [0, 4294967296, 4294967296]: its non-zero "
            "dimensions multiply to more than std::ptrdiff_t holds (9223372036854775807)");
  std::istringstream negative_as_long(xg_test::from_hex(
      "584752414450524d01000000020000000000000008000000302e776569dcd7de04000000000000000000000029060040000000002900"
      "220001000000ee51cdbe5c459a88"));
  EXPECT_EQ(load_error(*fc, negative_as_long),
            "load: the stream is corrupted: record 0 ('0.wei\xdc\xd7\xde') has shape [0, 1073743401, 4297195561, "
            "9843256200212074990]: dimension 3 is above 9223372036854775807, the format's limit");
  EXPECT_TRUE(same_bits(snapshot(*fc), before));
}

// The same shape with a correct checksum: refused by the shape check, not by luck of the CRC.
TEST_F(NNSerialize, ZeroBesideHugeDimensionsIsRefusedWhateverTheChecksum) {
  xg::LittleEndianWriter out;
  out.raw("XGRADPRM");
  out.u32(1);
  out.u64(1);
  out.string("weight");
  out.u32(3);
  for (std::uint64_t dim : {0ull, 0xFFFFFFFFull, 0xFFFFFFFFull}) out.u64(dim);
  out.u32(xg::crc32_of(std::string_view(out.bytes()).substr(20)));
  nn::Linear fc(2, 2);
  std::istringstream in(out.bytes());
  EXPECT_EQ(load_error(*fc, in),
            "load: the stream is corrupted: record 0 ('weight') has shape [0, 4294967295, 4294967295]: its non-zero "
            "dimensions multiply to more than std::ptrdiff_t holds (9223372036854775807)");
}

TEST_F(NNSerialize, EveryTruncationOfAFileIsRefusedAndChangesNothing) {
  nn::Linear source(3, 2), target(3, 2);
  xg::save(source, path("full.xgp"));
  const std::string bytes = xg_test::file_bytes(path("full.xgp"));
  const auto before = snapshot(*target);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    write_bytes(path("cut.xgp"), bytes.substr(0, size));
    const std::string message = load_error(*target, path("cut.xgp"));
    ASSERT_EQ(message.rfind("load: '" + path("cut.xgp") + "' is truncated: ", 0), 0u) << size << ": " << message;
    ASSERT_TRUE(same_bits(snapshot(*target), before)) << size;
  }
}

TEST_F(NNSerialize, ASaveBeyondTheFileSizeLimitFailsAndKeepsTheOldFile) {
  nn::Linear small(2, 2);
  xg::save(small, path("model.xgp"));
  const std::string old_bytes = xg_test::file_bytes(path("model.xgp"));
  nn::MLP big({64, 64, 10});
  std::string message;
  {
    xg_test::FileSizeLimit limit(4096);  // the new file would be about 20 KB
    message = error_message([&] { xg::save(big, path("model.xgp")); });
  }
  EXPECT_EQ(message, "save: cannot write '" + path("model.xgp") + ".tmp': File too large ('" + path("model.xgp") +
                         "' was left as it was)");
  EXPECT_EQ(xg_test::file_bytes(path("model.xgp")), old_bytes);
  EXPECT_EQ(xg_test::files_in(dir_), (std::set<std::string>{"model.xgp"}));
}

TEST_F(NNSerialize, ASaveIntoAReadOnlyFolderFailsAndKeepsTheOldFile) {
  if (!xg_test::ReadOnlyFolder::can_block_writes()) {
    GTEST_SKIP() << "running as root, whom a read-only folder does not stop; run the tests as another user";
  }
  nn::Linear first(2, 2), second(2, 2);
  xg::save(first, path("model.xgp"));
  const std::string old_bytes = xg_test::file_bytes(path("model.xgp"));
  std::string message;
  {
    xg_test::ReadOnlyFolder read_only(dir_);
    message = error_message([&] { xg::save(second, path("model.xgp")); });
  }
  EXPECT_EQ(message, "save: cannot open '" + path("model.xgp") + ".tmp' for writing: Permission denied");
  EXPECT_EQ(xg_test::file_bytes(path("model.xgp")), old_bytes);
  EXPECT_EQ(xg_test::files_in(dir_), (std::set<std::string>{"model.xgp"}));
}

}  // namespace
