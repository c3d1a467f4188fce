// core/binary_io: the byte order of the writer and the readers, CRC-32, the shape check every reader
// runs, and the atomic save (which must leave the previous file whole whatever goes wrong).

#include "data_helpers.hpp"
#include "file_test_helpers.hpp"

#include <xgrad/core/binary_io.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace {

using xg::ByteOrder;
using xg::ByteReader;
using xg_test::error_message;
using xg_test::file_bytes;
using xg_test::files_in;

// CRC-32 bit by bit, straight from its definition (reflected polynomial 0xEDB88320, initial value and
// final xor 0xFFFFFFFF): what zlib's table-driven code must agree with.
std::uint32_t crc32_bit_by_bit(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

TEST(BinaryIo, Crc32OfTheCheckStringIsTheStandardOne) {
  EXPECT_EQ(xg::crc32_of("123456789"), 0xCBF43926u);
  EXPECT_EQ(xg::crc32_of(""), 0u);
  EXPECT_EQ(xg::crc32_of("a"), 0xE8B7BE43u);
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
  EXPECT_EQ(xg::crc32_of(bytes), crc32_bit_by_bit(bytes));
  EXPECT_EQ(crc32_bit_by_bit("123456789"), 0xCBF43926u);
}

// One field of each kind, with values whose bytes are easy to read; the two tests below check its bytes
// and read it back.
xg::LittleEndianWriter one_of_each_field() {
  xg::LittleEndianWriter out;
  out.u32(0x01020304u);
  out.u64(0x0102030405060708u);
  out.i64(-2);
  out.f32(1.0f);
  out.f64(-2.0);
  out.string("ab");
  return out;
}

TEST(BinaryIo, WriterPutsTheLeastSignificantByteFirst) {
  const xg::LittleEndianWriter out = one_of_each_field();
  const std::string expected(
      "\x04\x03\x02\x01"
      "\x08\x07\x06\x05\x04\x03\x02\x01"
      "\xfe\xff\xff\xff\xff\xff\xff\xff"
      "\x00\x00\x80\x3f"
      "\x00\x00\x00\x00\x00\x00\x00\xc0"
      "\x02\x00\x00\x00"
      "ab",
      4 + 8 + 8 + 4 + 8 + 4 + 2);
  EXPECT_EQ(out.bytes(), expected);
  EXPECT_EQ(out.size(), expected.size());
}

TEST(BinaryIo, ReadersReadWhatTheWriterWroteInEitherOrder) {
  xg::LittleEndianWriter out = one_of_each_field();
  out.f64(0.1);  // not exact in binary: every bit of it must come back
  const std::vector<float> values = {-0.0f, 1.5f, std::numeric_limits<float>::infinity(), 3.14159274f};
  out.f32s(values.data(), values.size());
  ByteReader in(out.bytes(), ByteOrder::little_endian, "test: 'x'");
  EXPECT_EQ(in.u32("a"), 0x01020304u);
  EXPECT_EQ(in.u64("b"), 0x0102030405060708u);
  EXPECT_EQ(in.i64("c"), -2);
  EXPECT_EQ(in.f32("d"), 1.0f);
  EXPECT_EQ(in.f64("e"), -2.0);
  EXPECT_EQ(in.string("f"), "ab");
  EXPECT_EQ(in.f64("g"), 0.1);
  std::vector<float> back(4);
  in.f32s(back.data(), back.size(), "h");
  EXPECT_EQ(std::memcmp(back.data(), values.data(), sizeof(float) * 4), 0);
  EXPECT_TRUE(in.at_end());

  // IDX headers are big-endian: 0x00000803 is an images file.
  const std::string header("\x00\x00\x08\x03\x00\x00\xea\x60", 8);
  ByteReader big(header, ByteOrder::big_endian, "test: 'idx'");
  EXPECT_EQ(big.u32("the magic"), 0x803u);
  EXPECT_EQ(big.u32("the count"), 60000u);
}

TEST(BinaryIo, EveryReadChecksTheBytesLeftAndNamesFileFieldAndOffset) {
  const std::string bytes("\x01\x00\x00\x00\x05\x00", 6);
  ByteReader in(bytes, ByteOrder::little_endian, "load: 'm.xgp'");
  EXPECT_EQ(in.u32("the version"), 1u);
  EXPECT_EQ(error_message([&] { in.u32("the count"); }),
            "load: 'm.xgp' is truncated: the count needs 4 bytes at offset 4, but the file ends at 6");
  EXPECT_EQ(in.offset(), 4u);  // a failed read consumes nothing
  EXPECT_EQ(error_message([&] { in.u64("the size"); }),
            "load: 'm.xgp' is truncated: the size needs 8 bytes at offset 4, but the file ends at 6");
  // A string's size is checked against the bytes left before anything is allocated for it.
  const std::string huge_size("\xff\xff\xff\xff", 4);
  ByteReader huge(huge_size, ByteOrder::little_endian, "load: 'm.xgp'");
  EXPECT_EQ(error_message([&] { huge.string("the name"); }),
            "load: 'm.xgp' is truncated: the name needs 4294967295 bytes at offset 4, but the file ends at 4");
  std::vector<float> out(2);
  const std::string seven_bytes(7, '\0');
  ByteReader floats(seven_bytes, ByteOrder::little_endian, "load: 'm.xgp'");
  EXPECT_EQ(error_message([&] { floats.f32s(out.data(), 2, "the values"); }),
            "load: 'm.xgp' is truncated: the values needs 8 bytes at offset 0, but the file ends at 7");
}

TEST(BinaryIo, APartKeepsTheFilesOffsetsAndNamesItsOwnEnd) {
  const std::string bytes("HEAD\x02\x00\x00\x00\x07", 9);
  ByteReader file(bytes, ByteOrder::little_endian, "read: 'o'");
  file.raw(4, "the magic");
  ByteReader payload = file.part(5, "the payload");
  EXPECT_TRUE(file.at_end());
  EXPECT_EQ(payload.offset(), 4u);
  EXPECT_EQ(payload.u32("the count"), 2u);
  EXPECT_EQ(error_message([&] { payload.u32("item 0"); }),
            "read: 'o' is truncated: item 0 needs 4 bytes at offset 8, but the payload ends at 9");
  EXPECT_EQ(error_message([&] { payload.corrupted("item 0 is bad"); }), "read: 'o' is corrupted: item 0 is bad");
}

xg::ArrayClaim claim(std::vector<std::uint64_t> dims, std::size_t bytes_present, std::size_t element_bytes = 4,
                     std::uint64_t max_dim = xg::kMaxArrayDimension) {
  return xg::ArrayClaim{"load: 'f'", "record 0 ('w')", std::move(dims), max_dim, element_bytes, 40, bytes_present};
}

TEST(BinaryIo, CheckShapeAcceptsWhatFitsIncludingZeroSizes) {
  EXPECT_EQ(xg::check_shape(claim({2, 3}, 24)), 6u);
  EXPECT_EQ(xg::check_shape(claim({}, 4)), 1u);  // a scalar
  EXPECT_EQ(xg::check_shape(claim({0, 28, 28}, 0)), 0u);
  // Huge dimensions beside a 0 are fine while their product fits: xtensor's strides stay in range.
  EXPECT_EQ(xg::check_shape(claim({0, 1u << 31, 1u << 31}, 0)), 0u);
  EXPECT_EQ(xg::check_shape(claim({1000, 1000}, 0, /*element_bytes=*/0)), 1000000u);  // values not in the file
}

TEST(BinaryIo, CheckShapeRefusesAZeroBesideDimensionsWhoseProductOverflows) {
  EXPECT_EQ(error_message([&] {
              xg::check_shape(claim({0, 1ull << 32, 1ull << 32}, 0));
            }),
            "load: 'f' is corrupted: record 0 ('w') has shape [0, 4294967296, 4294967296]: its non-zero dimensions "
            "multiply to more than std::ptrdiff_t holds (9223372036854775807)");
  EXPECT_EQ(error_message([&] {
              xg::check_shape(claim({0xFFFFFFFFu, 0, 0xFFFFFFFFu}, 0, 1));
            }),
            "load: 'f' is corrupted: record 0 ('w') has shape [4294967295, 0, 4294967295]: its non-zero dimensions "
            "multiply to more than std::ptrdiff_t holds (9223372036854775807)");
}

TEST(BinaryIo, CheckShapeRefusesADimensionAboveTheFormatsLimit) {
  EXPECT_EQ(error_message([&] {
              xg::check_shape(claim({0, 1ull << 63}, 0));
            }),
            "load: 'f' is corrupted: record 0 ('w') has shape [0, 9223372036854775808]: dimension 1 is above "
            "9223372036854775807, the format's limit");
  EXPECT_EQ(error_message([&] {
              xg::check_shape(claim({3, 300}, 900, 1, 255));
            }),
            "load: 'f' is corrupted: record 0 ('w') has shape [3, 300]: dimension 1 is above 255, the format's limit");
}

TEST(BinaryIo, CheckShapeRefusesMoreBytesThanPresent) {
  EXPECT_EQ(error_message([&] {
              xg::check_shape(claim({2, 3}, 23));
            }),
            "load: 'f' is truncated: record 0 ('w') has shape [2, 3], which needs 24 bytes at offset 40, but only "
            "23 are left");
  // 2^62 elements of 8 bytes: the byte count itself does not fit in 64 bits.
  EXPECT_EQ(error_message([&] { xg::check_shape(claim({1ull << 62}, 100, 8)); }),
            "load: 'f' is truncated: record 0 ('w') has shape [4611686018427387904], which needs more than "
            "18446744073709551615 bytes at offset 40, but only 100 are left");
}

TEST(BinaryIo, ReaderShapeReadsDimensionsAndChecksThem) {
  xg::LittleEndianWriter out;
  for (std::uint64_t dim : {0ull, 1ull << 32, 1ull << 32}) out.u64(dim);
  ByteReader in(out.bytes(), ByteOrder::little_endian, "load: 'f'");
  EXPECT_EQ(error_message([&] { in.shape(3, "record 0 ('w')", xg::kMaxArrayDimension, 4); }),
            "load: 'f' is corrupted: record 0 ('w') has shape [0, 4294967296, 4294967296]: its non-zero dimensions "
            "multiply to more than std::ptrdiff_t holds (9223372036854775807)");
  ByteReader few(out.bytes(), ByteOrder::little_endian, "load: 'f'");
  EXPECT_EQ(
      error_message([&] { few.shape(4, "record 0 ('w')", 100, 4); }),
      "load: 'f' is truncated: record 0 ('w') (4 dimensions) needs 32 bytes at offset 0, but the file ends at 24");
  xg::LittleEndianWriter good;
  good.u64(2);
  good.f32s(std::vector<float>{1, 2}.data(), 2);
  ByteReader fine(good.bytes(), ByteOrder::little_endian, "load: 'f'");
  EXPECT_EQ(fine.shape(1, "v", 10, 4), (xg::Shape{2}));
  EXPECT_EQ(fine.offset(), 8u);
}

// ---- the atomic save ----

class BinaryIoSave : public ::testing::Test {
 protected:
  xg_test::TempDir dir_;
  std::string path_ = dir_.file("state.bin");
};

TEST_F(BinaryIoSave, WritesTheBytesAndReplacesAnOldFile) {
  xg::save_atomically(path_, "first", "save");
  EXPECT_EQ(file_bytes(path_), "first");
  xg::save_atomically(path_, std::string("sec\0nd", 6), "save");
  EXPECT_EQ(file_bytes(path_), std::string("sec\0nd", 6));
  EXPECT_EQ(files_in(dir_.path()), (std::set<std::string>{"state.bin"}));
}

TEST_F(BinaryIoSave, WritesPartsInOrderAcrossMoreThanOneWritev) {
  // 3000 parts (more than IOV_MAX, 1024, a writev takes), every third one empty.
  std::vector<std::string> texts;
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    texts.push_back(i % 3 == 2 ? "" : std::to_string(i) + ",");
    expected += texts.back();
  }
  const std::vector<std::string_view> parts(texts.begin(), texts.end());
  xg::save_atomically(path_, parts, "save");
  EXPECT_EQ(file_bytes(path_), expected);
  xg::save_atomically(path_, std::vector<std::string_view>{"", ""}, "save");
  EXPECT_EQ(file_bytes(path_), "");
}

TEST_F(BinaryIoSave, PartsCutShortByAFileSizeLimitFailCleanly) {
  xg::save_atomically(path_, "old contents", "save");
  const std::string big(3000, 'x');
  std::string message;
  {
    xg_test::FileSizeLimit limit(4096);  // the first writev stops inside the second part, the next is refused
    message = error_message([&] { xg::save_atomically(path_, std::vector<std::string_view>{big, big}, "save"); });
  }
  EXPECT_EQ(message, "save: cannot write '" + path_ + ".tmp': File too large ('" + path_ + "' was left as it was)");
  EXPECT_EQ(file_bytes(path_), "old contents");
}

TEST_F(BinaryIoSave, ALeftoverTemporaryFileIsReplacedAndASymlinkThereIsNotFollowed) {
  dir_.write("state.bin.tmp", "left by a crash");
  xg::save_atomically(path_, "new", "save");
  EXPECT_EQ(file_bytes(path_), "new");
  const std::string victim = dir_.write("victim", "keep me");
  std::filesystem::create_symlink(victim, path_ + ".tmp");
  xg::save_atomically(path_, "newer", "save");
  EXPECT_EQ(file_bytes(victim), "keep me");
  EXPECT_EQ(file_bytes(path_), "newer");
  EXPECT_FALSE(std::filesystem::is_symlink(path_));
  EXPECT_EQ(files_in(dir_.path()), (std::set<std::string>{"state.bin", "victim"}));
}

TEST_F(BinaryIoSave, AFileSizeLimitFailsCleanlyAndKeepsTheOldFile) {
  xg::save_atomically(path_, "old contents", "save");
  const std::string big(100000, 'x');
  std::string message;
  {
    xg_test::FileSizeLimit limit(4096);  // the first write is cut short at 4096 bytes, the next refused
    message = error_message([&] { xg::save_atomically(path_, big, "save"); });
  }
  EXPECT_EQ(message, "save: cannot write '" + path_ + ".tmp': File too large ('" + path_ + "' was left as it was)");
  EXPECT_EQ(file_bytes(path_), "old contents");
  EXPECT_EQ(files_in(dir_.path()), (std::set<std::string>{"state.bin"}));
}

TEST_F(BinaryIoSave, AFullDiskIsAClearError) {
  // /dev/full refuses every write with ENOSPC, as a full disk does.
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) GTEST_SKIP() << "no /dev/full on this system";
  EXPECT_EQ(error_message([&] { xg::write_all(fd, "some bytes", "/dev/full", "save"); }),
            "save: cannot write '/dev/full': No space left on device");
  ::close(fd);
}

TEST_F(BinaryIoSave, AMissingFolderOrAFolderInTheWayIsAClearError) {
  const std::string missing = dir_.file("no/such/folder/state.bin");
  EXPECT_EQ(error_message([&] { xg::save_atomically(missing, "x", "save"); }),
            "save: cannot open '" + missing + ".tmp' for writing: No such file or directory");
  std::filesystem::create_directories(dir_.file("a_folder"));
  EXPECT_EQ(error_message([&] { xg::save_atomically(dir_.file("a_folder"), "x", "save"); }),
            "save: cannot rename '" + dir_.file("a_folder") + ".tmp' to '" + dir_.file("a_folder") +
                "': Is a directory ('" + dir_.file("a_folder") + "' was left as it was)");
  EXPECT_EQ(files_in(dir_.path()), (std::set<std::string>{"a_folder"}));
}

TEST_F(BinaryIoSave, AReadOnlyFolderIsAClearErrorAndKeepsTheOldFile) {
  if (!xg_test::ReadOnlyFolder::can_block_writes()) {
    GTEST_SKIP() << "running as root, whom a read-only folder does not stop; run the tests as another user";
  }
  xg::save_atomically(path_, "old", "save");
  std::string message;
  {
    xg_test::ReadOnlyFolder read_only(dir_.path());
    message = error_message([&] { xg::save_atomically(path_, "new", "save"); });
  }
  EXPECT_EQ(message, "save: cannot open '" + path_ + ".tmp' for writing: Permission denied");
  EXPECT_EQ(file_bytes(path_), "old");
  EXPECT_EQ(files_in(dir_.path()), (std::set<std::string>{"state.bin"}));
}

TEST(BinaryIoReadFile, ReadsEveryByteOrNamesThePath) {
  xg_test::TempDir dir;
  const std::string path = dir.write("f", std::string("a\0b", 3));
  EXPECT_EQ(xg::read_file(path, "load"), std::string("a\0b", 3));
  EXPECT_EQ(error_message([&] { xg::read_file(dir.file("absent"), "load"); }),
            "load: cannot open '" + dir.file("absent") + "' for reading: No such file or directory");
}

}  // namespace
