#pragma once
// Writes the training curves as a self-contained SVG (opens in any browser): loss on the left,
// accuracy on the right, one line per series, epochs along the bottom.

#include <string>
#include <vector>

namespace mlp {

struct Series {
  std::string label;
  std::string color;           // any SVG colour, e.g. "#1f77b4"
  std::vector<double> values;  // one per epoch
};

struct Panel {
  std::string title;
  std::vector<Series> series;
};

// Throws std::runtime_error when the file cannot be written.
void write_svg_plot(const std::string& path, const std::string& title, const std::vector<Panel>& panels);

}  // namespace mlp
