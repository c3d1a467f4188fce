// IDX readers and load_mnist on small files written here: round trips (plain and gzip) and a clear
// error for every kind of corrupt input.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"
#include "file_test_helpers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

using xg::data::Labels;
using xg_test::contains;
using xg_test::error_message;
using xg_test::TempDir;

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

// An IDX file's bytes, written out by hand from the format description: magic, big-endian sizes, data.
std::string idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const std::vector<int>& data) {
  std::string bytes;
  put_u32(bytes, magic);
  for (std::uint32_t dim : dims) put_u32(bytes, dim);
  for (int value : data) bytes.push_back(static_cast<char>(value));
  return bytes;
}

std::string write_gz(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir.file(name);
  gzFile file = gzopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr);
  EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  EXPECT_EQ(gzclose(file), Z_OK);
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What read_idx_images (read_idx_labels) says of the file at `path`, after the "read_idx_images: PATH" that
// every refusal starts with.
std::string refusal_of(const char* reader, const std::string& path, const std::function<void()>& read) {
  const std::string message = error_message(read);
  const std::string start = std::string(reader) + ": " + path;
  return message.rfind(start, 0) == 0 ? message.substr(start.size()) : "(no path) " + message;
}
std::string refusal_of_images(const std::string& path) {
  return refusal_of("read_idx_images", path, [&] { xg::data::read_idx_images(path); });
}
std::string refusal_of_labels(const std::string& path) {
  return refusal_of("read_idx_labels", path, [&] { xg::data::read_idx_labels(path); });
}

// Three 2x4 images whose pixels cover 0 and 255 and values in between.
const std::vector<int> kPixels = {0,  1,  2,  3, 4, 5,   6,   7,  255, 254, 128, 127,
                                  64, 32, 16, 8, 9, 200, 100, 50, 25,  12,  6,   3};

void expect_three_images(const xg::Array& images) {
  ASSERT_EQ(xg::shape_of(images), (xg::Shape{3, 2, 4}));
  for (std::size_t i = 0; i < kPixels.size(); ++i) EXPECT_EQ(images.data()[i], static_cast<float>(kPixels[i]));
}

TEST(Idx, ImagesRoundTripPlainAndGzip) {
  TempDir dir;
  const std::string bytes = idx(0x00000803, {3, 2, 4}, kPixels);
  expect_three_images(xg::data::read_idx_images(dir.write("images-idx3-ubyte", bytes)));
  expect_three_images(xg::data::read_idx_images(write_gz(dir, "images-idx3-ubyte.gz", bytes)));
  // zlib recognises gzip data by content, whatever the name.
  expect_three_images(xg::data::read_idx_images(write_gz(dir, "no-suffix", bytes)));
}

TEST(Idx, LabelsRoundTripPlainAndGzip) {
  TempDir dir;
  const std::string bytes = idx(0x00000801, {5}, {9, 0, 0, 3, 255});
  EXPECT_EQ(xg::data::read_idx_labels(dir.write("labels", bytes)), (Labels{9, 0, 0, 3, 255}));
  EXPECT_EQ(xg::data::read_idx_labels(write_gz(dir, "labels.gz", bytes)), (Labels{9, 0, 0, 3, 255}));
}

TEST(Idx, EmptyFilesOfZeroExamplesAreValid) {
  TempDir dir;
  EXPECT_EQ(xg::shape_of(xg::data::read_idx_images(dir.write("images", idx(0x803, {0, 28, 28}, {})))),
            (xg::Shape{0, 28, 28}));
  EXPECT_EQ(xg::data::read_idx_labels(dir.write("labels", idx(0x801, {0}, {}))), Labels{});
}

TEST(Idx, BadMagicNumber) {
  TempDir dir;
  const std::string path = dir.write("image.pgm", "P5\n2 4\n255\n" + std::string(8, '\0'));
  EXPECT_EQ(refusal_of_images(path),
            ": bad magic number 0x50350A32 at byte offset 0: expected 0x00000803 (IDX, unsigned bytes, 3 "
            "dimensions)");
}

TEST(Idx, WrongNumberOfDimensions) {
  TempDir dir;
  const std::string labels = dir.write("labels", idx(0x801, {3}, {1, 2, 3}));
  EXPECT_EQ(refusal_of_images(labels),
            ": wrong number of dimensions at byte offset 3 (magic number 0x00000801): expected 3 (count, rows, "
            "columns), got 1");
  const std::string images = dir.write("images", idx(0x803, {1, 2, 4}, std::vector<int>(8, 0)));
  EXPECT_EQ(refusal_of_labels(images),
            ": wrong number of dimensions at byte offset 3 (magic number 0x00000803): expected 1 (count), got 3");
}

TEST(Idx, UnsupportedDataType) {
  TempDir dir;
  const std::string path = dir.write("floats", idx(0x00000D03, {1, 1, 1}, {0, 0, 0, 0}));
  EXPECT_EQ(refusal_of_images(path),
            ": unsupported data type 0x0D at byte offset 2 (magic number 0x00000D03): expected 0x08 (unsigned "
            "bytes)");
}

TEST(Idx, TruncatedHeader) {
  TempDir dir;
  const std::string empty = dir.write("empty", "");
  EXPECT_EQ(refusal_of_images(empty),
            ": truncated at byte offset 0: expected the 4-byte magic number 0x00000803 (IDX, unsigned bytes, 3 "
            "dimensions), found only 0 bytes");
  const std::string short_header = dir.write("short", idx(0x803, {3, 2, 4}, {}).substr(0, 10));
  EXPECT_EQ(refusal_of_images(short_header),
            ": truncated header at byte offset 10: expected 3 big-endian uint32 sizes (count, rows, columns) in "
            "bytes 4..15, found only 6 bytes");
}

// The refusals of the same bytes as a plain file and gzipped (whose size the reader cannot know ahead).
struct PlainAndGzip {
  std::string plain, gzip;
};
PlainAndGzip refusals_of_images(const TempDir& dir, const std::string& bytes) {
  return {refusal_of_images(dir.write("plain", bytes)), refusal_of_images(write_gz(dir, "data.gz", bytes))};
}

TEST(Idx, TruncatedDataPlainAndGzip) {
  TempDir dir;
  const std::vector<int> twenty(kPixels.begin(), kPixels.begin() + 20);
  const PlainAndGzip refusals = refusals_of_images(dir, idx(0x803, {3, 2, 4}, twenty));
  EXPECT_EQ(refusals.plain,
            " is truncated: the data (count, rows, columns) has shape [3, 2, 4], which needs 24 bytes at offset "
            "16, but only 20 are left");
  EXPECT_EQ(refusals.gzip,
            ": truncated at decompressed byte offset 36: expected 24 bytes of data after the 16-byte header "
            "(dimensions [3, 2, 4]), found 20");
}

TEST(Idx, CutGzipStreamIsTruncation) {
  TempDir dir;
  const std::string complete = read_file(write_gz(dir, "full.gz", idx(0x803, {3, 2, 4}, kPixels)));
  const std::string cut = dir.write("cut.gz", complete.substr(0, complete.size() - 12));
  EXPECT_TRUE(contains(error_message([&] { xg::data::read_idx_images(cut); }), "(the gzip stream is cut short)"));
}

TEST(Idx, CorruptGzipData) {
  TempDir dir;
  std::string bytes = read_file(write_gz(dir, "good.gz", idx(0x803, {3, 2, 4}, kPixels)));
  bytes[bytes.size() - 6] ^= 0x5A;  // inside the CRC-32 trailer: the data no longer matches it
  const std::string path = dir.write("bad.gz", bytes);
  // zlib inflates ahead of what we ask for, so the very first read (of the magic number) fails.
  EXPECT_EQ(refusal_of_images(path),
            ": read failed at decompressed byte offset 0: corrupt gzip data: incorrect data check");
}

TEST(Idx, TrailingBytesAfterTheData) {
  TempDir dir;
  const PlainAndGzip refusals = refusals_of_images(dir, idx(0x803, {3, 2, 4}, kPixels) + "junk");
  EXPECT_EQ(refusals.plain,
            ": unexpected data at byte offset 40: expected the file to end after 24 bytes of data after the "
            "16-byte header (dimensions [3, 2, 4]), found 4 more bytes");
  EXPECT_EQ(refusals.gzip,
            ": unexpected data at decompressed byte offset 40: expected the file to end after 24 bytes of data "
            "after the 16-byte header (dimensions [3, 2, 4]), found more");
}

TEST(Idx, HugeHeaderIsRejectedWithoutAllocatingIt) {
  TempDir dir;
  // 60000 * 28 * 28 promised, 8 bytes present: the plain file's size is checked before any allocation,
  // the gzip file's data is read chunk by chunk.
  const std::string bytes = idx(0x803, {60000, 28, 28}, std::vector<int>(8, 1));
  const std::string plain = dir.write("plain", bytes);
  EXPECT_EQ(refusal_of_images(plain),
            " is truncated: the data (count, rows, columns) has shape [60000, 28, 28], which needs 47040000 bytes "
            "at offset 16, but only 8 are left");
  const std::string gz = write_gz(dir, "huge.gz", bytes);
  EXPECT_TRUE(contains(error_message([&] { xg::data::read_idx_images(gz); }),
                       "truncated at decompressed byte offset 24: expected 47040000 bytes"));
  const std::string absurd = dir.write("absurd", idx(0x803, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {}));
  EXPECT_EQ(refusal_of_images(absurd),
            " is corrupted: the data (count, rows, columns) has shape [4294967295, 4294967295, 4294967295]: its "
            "non-zero dimensions multiply to more than std::ptrdiff_t holds (9223372036854775807)");
}

TEST(Idx, MissingFileAndDirectory) {
  TempDir dir;
  const std::string missing = dir.file("missing-idx3-ubyte");
  EXPECT_EQ(refusal_of_images(missing), ": cannot open the file: No such file or directory");
  EXPECT_EQ(error_message([&] { xg::data::read_idx_labels(dir.path().string()); }),
            "read_idx_labels: " + dir.path().string() + ": cannot open the file: it is a directory");
}

TEST(Idx, LabelOutOfRange) {
  TempDir dir;
  const std::string path = dir.write("labels", idx(0x801, {3}, {1, 12, 3}));
  EXPECT_EQ(xg::data::read_idx_labels(path), (Labels{1, 12, 3}));  // no range given: any byte
  EXPECT_EQ(xg::data::read_idx_labels(path, 13), (Labels{1, 12, 3}));
  EXPECT_EQ(error_message([&] { xg::data::read_idx_labels(path, 10); }),
            "read_idx_labels: " + path +
                ": label out of range at byte offset 9 (example 1): expected a class in 0..9, got 12");
}

// The fuzzers' reproducer (issue 17): a 0 count beside 2^32-1 rows and columns multiplies to 0 bytes,
// which the old size check passed, and then overflowed xtensor's stride computation.
TEST(Idx, FuzzerReproducerZeroBesideHugeDimensionsIsAClearError) {
  TempDir dir;
  const std::string bytes = xg_test::from_hex("0000080300000000ffffffffffffffff");
  for (const std::string& path : {dir.write("plain", bytes), write_gz(dir, "packed.gz", bytes)}) {
    EXPECT_EQ(refusal_of_images(path),
              " is corrupted: the data (count, rows, columns) has shape [0, 4294967295, 4294967295]: its "
              "non-zero dimensions multiply to more than std::ptrdiff_t holds (9223372036854775807)");
  }
}

TEST(Idx, EveryTruncationOfAnImagesFileIsRefused) {
  TempDir dir;
  const std::string bytes = idx(0x803, {3, 2, 4}, kPixels);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string path = dir.write("cut", bytes.substr(0, size));
    EXPECT_TRUE(contains(error_message([&] { xg::data::read_idx_images(path); }), "truncated")) << size;
  }
}

// An MNIST-style folder holding one split of two 2x3 images.
void write_mnist_split(const TempDir& dir, const std::string& prefix, const std::vector<int>& labels,
                       bool gzip_images) {
  const std::string images = idx(0x803, {2, 2, 3}, {0, 51, 255, 1, 2, 3, 10, 20, 30, 40, 50, 60});
  if (gzip_images) {
    write_gz(dir, prefix + "-images-idx3-ubyte.gz", images);
  } else {
    dir.write(prefix + "-images-idx3-ubyte", images);
  }
  write_gz(dir, prefix + "-labels-idx1-ubyte.gz", idx(0x801, {static_cast<std::uint32_t>(labels.size())}, labels));
}

TEST(LoadMnist, FlattensAndScalesToUnitRange) {
  TempDir dir;
  write_mnist_split(dir, "train", {7, 2}, /*gzip_images=*/false);
  write_mnist_split(dir, "t10k", {0, 9}, /*gzip_images=*/true);
  const xg::data::TensorDataset train = xg::data::load_mnist(dir.path().string(), xg::data::Split::kTrain);
  EXPECT_EQ(xg::shape_of(train.inputs()), (xg::Shape{2, 6}));
  EXPECT_EQ(train.labels(), (Labels{7, 2}));
  const xg::Array expected = {{0.0f, 0.2f, 1.0f, 1 / 255.0f, 2 / 255.0f, 3 / 255.0f},
                              {10 / 255.0f, 20 / 255.0f, 30 / 255.0f, 40 / 255.0f, 50 / 255.0f, 60 / 255.0f}};
  EXPECT_EQ(train.inputs(), expected);
  const xg::data::TensorDataset test = xg::data::load_fashion_mnist(dir.path().string(), xg::data::Split::kTest);
  EXPECT_EQ(test.labels(), (Labels{0, 9}));
  EXPECT_EQ(test.inputs(), expected);
}

TEST(LoadMnist, ImageAndLabelCountsMustMatch) {
  TempDir dir;
  write_mnist_split(dir, "train", {1, 2, 3}, /*gzip_images=*/false);
  const std::string folder = dir.path().string();
  EXPECT_EQ(error_message([&] { xg::data::load_mnist(folder, xg::data::Split::kTrain); }),
            "load_mnist: expected as many labels as images: " + folder + "/train-images-idx3-ubyte has 2 images, " +
                folder + "/train-labels-idx1-ubyte.gz has 3 labels");
}

TEST(LoadMnist, LabelsMustBeDigits) {
  TempDir dir;
  write_mnist_split(dir, "train", {4, 10}, /*gzip_images=*/false);
  const std::string folder = dir.path().string();
  EXPECT_EQ(error_message([&] { xg::data::load_mnist(folder, xg::data::Split::kTrain); }),
            "read_idx_labels: " + folder +
                "/train-labels-idx1-ubyte.gz: label out of range at decompressed byte offset 9 (example 1): expected "
                "a class in 0..9, got 10");
}

TEST(LoadMnist, MissingFilesAreNamed) {
  TempDir dir;
  const std::string folder = dir.path().string();
  EXPECT_EQ(error_message([&] { xg::data::load_mnist(folder, xg::data::Split::kTest); }),
            "load_mnist: expected " + folder + "/t10k-images-idx3-ubyte or " + folder +
                "/t10k-images-idx3-ubyte.gz, found neither");
}

}  // namespace
