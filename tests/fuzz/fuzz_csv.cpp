// libFuzzer harness for xg::data::read_csv: any bytes, as a file, read with the default options (label
// last, header guessed) and with the label first and no header.
//
// Promises checked (abort otherwise): a table that reads has at least one row, inputs [rows, columns]
// of finite numbers and labels >= 0, one per row. Any exception other than xg::Error, a crash or a
// sanitizer report is a finding too.

#include "fixtures.hpp"
#include "input_file.hpp"

#include <cmath>

namespace {

void read_and_check(const std::string& path, const xg::data::CsvOptions& options) {
  xg::data::TensorDataset table;
  try {
    table = xg::data::read_csv(path, options);
  } catch (const xg::Error&) {
    return;
  }
  const xg::Array& inputs = table.inputs();
  if (table.size() == 0) xg_fuzz::fail("read_csv returned no rows");
  if (inputs.dimension() != 2 || inputs.shape(0) != table.size()) xg_fuzz::fail("read_csv returned a bad shape");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!std::isfinite(inputs.data()[i])) xg_fuzz::fail("read_csv returned a number that is not finite");
  }
  for (auto label : table.labels()) {
    if (label < 0) xg_fuzz::fail("read_csv returned a negative label");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static xg_fuzz::InputFile file;
  const std::string& path = file.hold(data, size);
  read_and_check(path, xg::data::CsvOptions());
  read_and_check(path, xg::data::CsvOptions().label_column(0).header(false));
  return 0;
}
