// libFuzzer harness for xg::data::read_idx_labels: any bytes, as a file (plain or gzip), read with
// any class count (0) and with 10 classes.
//
// Promises checked (abort otherwise): a plain (not gzip) file that reads holds exactly the 8-byte
// header and one byte per label; with 10 classes the file reads exactly when every label is below 10,
// and then gives the same labels. Any exception other than xg::Error, a crash or a sanitizer report is
// a finding too.

#include "fixtures.hpp"
#include "input_file.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static xg_fuzz::InputFile file;
  const std::string& path = file.hold(data, size);
  xg::data::Labels labels;
  try {
    labels = xg::data::read_idx_labels(path);
  } catch (const xg::Error&) {
    return 0;
  }
  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (!gzip) {
    if (labels.size() + 8 != size) xg_fuzz::fail("read_idx_labels read a file whose size does not fit");
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] != data[8 + i]) xg_fuzz::fail("read_idx_labels returned other bytes");
    }
  }
  const bool all_below_10 = std::all_of(labels.begin(), labels.end(), [](auto label) { return label < 10; });
  xg::data::Labels ten_classes;
  try {
    ten_classes = xg::data::read_idx_labels(path, 10);
  } catch (const xg::Error&) {
    if (all_below_10) xg_fuzz::fail("read_idx_labels with 10 classes refused labels 0..9");
    return 0;
  }
  if (!all_below_10) xg_fuzz::fail("read_idx_labels with 10 classes accepted a label >= 10");
  if (ten_classes != labels) xg_fuzz::fail("read_idx_labels with 10 classes returned other labels");
  return 0;
}
