#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mlp {

namespace {

constexpr double kPanelWidth = 460, kPanelHeight = 320, kMarginLeft = 60, kMarginRight = 20, kMarginTop = 50,
                 kMarginBottom = 50, kTitleHeight = 36;

std::string number(double value, int digits = 3) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

// "Nice" tick positions covering [low, high]: steps of 1, 2 or 5 times a power of ten.
std::vector<double> ticks(double low, double high, int wanted = 5) {
  const double raw = (high - low) / wanted;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (raw <= step) break;
  }
  std::vector<double> result;
  for (double t = std::ceil(low / step) * step; t <= high + step * 1e-9; t += step) result.push_back(t);
  return result;
}

void draw_panel(std::ostringstream& svg, const Panel& panel, double left, double top) {
  std::size_t epochs = 0;
  double low = INFINITY, high = -INFINITY;
  for (const Series& s : panel.series) {
    epochs = std::max(epochs, s.values.size());
    for (double v : s.values) {
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
    }
  }
  if (!std::isfinite(low)) low = 0, high = 1;
  if (high - low < 1e-9) low -= 0.5, high += 0.5;
  const double pad = (high - low) * 0.05;
  low -= pad;
  high += pad;

  const double plot_left = left + kMarginLeft, plot_top = top + kMarginTop;
  const double plot_width = kPanelWidth - kMarginLeft - kMarginRight;
  const double plot_height = kPanelHeight - kMarginTop - kMarginBottom;
  const double last_x = std::max<double>(1.0, static_cast<double>(epochs));
  auto x_of = [&](double epoch) { return plot_left + (epoch - 1.0) / std::max(1.0, last_x - 1.0) * plot_width; };
  auto y_of = [&](double v) { return plot_top + (high - v) / (high - low) * plot_height; };

  svg << "<text x='" << left + kPanelWidth / 2 << "' y='" << top + 30
      << "' text-anchor='middle' font-size='15' font-weight='bold'>" << panel.title << "</text>\n";
  svg << "<rect x='" << plot_left << "' y='" << plot_top << "' width='" << plot_width << "' height='" << plot_height
      << "' fill='none' stroke='#888'/>\n";
  for (double t : ticks(low, high)) {
    svg << "<line x1='" << plot_left << "' x2='" << plot_left + plot_width << "' y1='" << y_of(t) << "' y2='" << y_of(t)
        << "' stroke='#eee'/>\n";
    svg << "<text x='" << plot_left - 6 << "' y='" << y_of(t) + 4 << "' text-anchor='end' font-size='11'>" << number(t)
        << "</text>\n";
  }
  for (double t : ticks(1.0, last_x, std::min<int>(10, static_cast<int>(epochs) + 1))) {
    if (t < 1.0 || std::floor(t) != t) continue;
    svg << "<text x='" << x_of(t) << "' y='" << plot_top + plot_height + 16 << "' text-anchor='middle' font-size='11'>"
        << number(t) << "</text>\n";
  }
  svg << "<text x='" << plot_left + plot_width / 2 << "' y='" << plot_top + plot_height + 36
      << "' text-anchor='middle' font-size='12'>epoch</text>\n";

  // The legend goes in the right-hand corner the curves leave free: at the bottom when they end high.
  double last_mean = 0.0;
  for (const Series& s : panel.series) last_mean += s.values.empty() ? low : s.values.back();
  last_mean /= std::max<double>(1.0, static_cast<double>(panel.series.size()));
  const bool curves_end_high = last_mean > (low + high) / 2;
  double legend_y = curves_end_high ? plot_top + plot_height - 8 - 16.0 * static_cast<double>(panel.series.size() - 1)
                                    : plot_top + 14;
  for (const Series& s : panel.series) {
    std::ostringstream points;
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (std::isfinite(s.values[i])) points << x_of(static_cast<double>(i + 1)) << ',' << y_of(s.values[i]) << ' ';
    }
    svg << "<polyline fill='none' stroke='" << s.color << "' stroke-width='2' points='" << points.str() << "'/>\n";
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (std::isfinite(s.values[i])) {
        svg << "<circle cx='" << x_of(static_cast<double>(i + 1)) << "' cy='" << y_of(s.values[i]) << "' r='2.5' fill='"
            << s.color << "'/>\n";
      }
    }
    svg << "<line x1='" << plot_left + plot_width - 120 << "' x2='" << plot_left + plot_width - 100 << "' y1='"
        << legend_y - 4 << "' y2='" << legend_y - 4 << "' stroke='" << s.color << "' stroke-width='2'/>\n";
    svg << "<text x='" << plot_left + plot_width - 95 << "' y='" << legend_y << "' font-size='11'>" << s.label
        << "</text>\n";
    legend_y += 16;
  }
}

}  // namespace

void write_svg_plot(const std::string& path, const std::string& title, const std::vector<Panel>& panels) {
  const double width = kPanelWidth * static_cast<double>(panels.size());
  const double height = kPanelHeight + kTitleHeight;
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << height
      << "' font-family='sans-serif'>\n";
  svg << "<rect width='100%' height='100%' fill='white'/>\n";
  svg << "<text x='" << width / 2 << "' y='24' text-anchor='middle' font-size='17'>" << title << "</text>\n";
  for (std::size_t i = 0; i < panels.size(); ++i) {
    draw_panel(svg, panels[i], kPanelWidth * static_cast<double>(i), kTitleHeight);
  }
  svg << "</svg>\n";
  std::ofstream out(path);
  out << svg.str();
  if (!out) throw std::runtime_error("cannot write the plot to " + path);
}

}  // namespace mlp
