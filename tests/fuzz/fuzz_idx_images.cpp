// libFuzzer harness for xg::data::read_idx_images: any bytes, as a file (plain or gzip).
//
// Promise checked (abort otherwise): what reads is [count, rows, columns] of bytes 0..255, and a plain
// (not gzip) file holds exactly the 16-byte header and those bytes. Any exception other than
// xg::Error, a crash or a sanitizer report is a finding too.

#include "fixtures.hpp"
#include "input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static xg_fuzz::InputFile file;
  const std::string& path = file.hold(data, size);
  xg::Array images;
  try {
    images = xg::data::read_idx_images(path);
  } catch (const xg::Error&) {
    return 0;
  }
  if (images.dimension() != 3) {
    xg_fuzz::fail("read_idx_images returned " + std::to_string(images.dimension()) + " dimensions");
  }
  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (!gzip && images.size() + 16 != size) xg_fuzz::fail("read_idx_images read a file whose size does not fit");
  for (std::size_t i = 0; i < images.size(); ++i) {
    const float value = images.data()[i];
    if (!(value >= 0 && value <= 255 && value == static_cast<float>(static_cast<int>(value)))) {
      xg_fuzz::fail("read_idx_images returned a pixel that is not a byte");
    }
    if (!gzip && value != static_cast<float>(data[16 + i])) xg_fuzz::fail("read_idx_images returned other bytes");
  }
  return 0;
}
