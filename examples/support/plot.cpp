#include "plot.hpp"

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

namespace support {

namespace {

constexpr std::array<const char*, 10> kPalette = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr double kPlotRight = kPlotLeft + kPlotWidth, kPlotBottom = kPlotTop + kPlotHeight;

// Pixel coordinates: two decimals are finer than any screen, and "70" reads better than "70.00".
std::string px(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  std::string result = text;
  result.erase(result.find_last_not_of('0') + 1);
  if (result.back() == '.') result.pop_back();
  return result == "-0" ? "0" : result;
}

std::string tick_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value == 0 ? 0.0 : value);  // not "-0"
  return text;
}

std::string escaped(const std::string& text) {
  std::string result;
  for (char c : text) {
    const char* entity = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '\'' ? "&apos;" : nullptr;
    if (entity) {
      result += entity;
    } else {
      result += c;
    }
  }
  return result;
}

std::string color_of(const std::string& color, std::size_t index) {
  return color.empty() ? kPalette[index % kPalette.size()] : color;
}

[[noreturn]] void fail(const char* kind, const std::string& title, const std::string& what) {
  throw xg::Error(std::string(kind) + " '" + title + "': " + what);
}

// Maps data values along one axis to pixels; `to` is below `from` for a y-axis (SVG's y grows down).
struct Axis {
  double low, high, from, to;
  bool log = false;
  std::vector<double> ticks;
  double pixel(double value) const {
    const double t = log ? std::log10(value / low) / std::log10(high / low) : (value - low) / (high - low);
    return from + t * (to - from);
  }
};

// The range of the finite values seen.
struct Range {
  double low = std::numeric_limits<double>::infinity(), high = -std::numeric_limits<double>::infinity();
  void add(double value) {
    if (!std::isfinite(value)) return;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  bool empty() const { return low > high; }
};

// Ticks 1, 2 or 5 times a power of ten apart (at least 1 apart for whole numbers such as epochs), about
// five of them; `extend` widens the range to the ticks around it, otherwise it stays as given.
Axis linear_axis(Range range, double from, double to, bool extend, bool whole_numbers = false) {
  if (range.high - range.low < 1e-12 * std::max(1.0, std::abs(range.high))) {
    range.low -= 1;
    range.high += 1;
  }
  const double raw = (range.high - range.low) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double factor : {1.0, 2.0, 5.0}) {
    if (raw <= factor * magnitude) {
      step = factor * magnitude;
      break;
    }
  }
  if (whole_numbers) step = std::max(step, 1.0);
  if (extend) {
    range.low = std::floor(range.low / step + 1e-9) * step;
    range.high = std::ceil(range.high / step - 1e-9) * step;
  }
  Axis axis{range.low, range.high, from, to, false, {}};
  for (double k = std::ceil(range.low / step - 1e-9); k <= std::floor(range.high / step + 1e-9); ++k) {
    axis.ticks.push_back(k * step);
  }
  return axis;
}

// From the power of ten at or below the smallest value to the one at or above the largest.
Axis log_axis(const Range& range, double from, double to) {
  const double first = std::floor(std::log10(range.low)), last = std::max(first + 1, std::ceil(std::log10(range.high)));
  Axis axis{std::pow(10.0, first), std::pow(10.0, last), from, to, true, {}};
  for (double e = first; e <= last; ++e) axis.ticks.push_back(std::pow(10.0, e));
  return axis;
}

void draw_text(std::ostringstream& svg, double x, double y, const std::string& text, const char* anchor = "middle",
               int size = 11, const std::string& extra = "") {
  svg << "<text x='" << px(x) << "' y='" << px(y) << "' text-anchor='" << anchor << "' font-size='" << size << "'"
      << extra << ">" << escaped(text) << "</text>\n";
}

// The frame, the ticks with their grid lines and labels, the axis labels and the chart's title.
void draw_axes(std::ostringstream& svg, const Axis* x, const Axis& y, const std::string& title,
               const std::string& x_label, const std::string& y_label, bool grid) {
  draw_text(svg, kPlotLeft + kPlotWidth / 2, 30, title, "middle", 15, " font-weight='bold'");
  for (double t : y.ticks) {
    const std::string at = px(y.pixel(t));
    if (grid) {
      svg << "<line x1='" << px(kPlotLeft) << "' x2='" << px(kPlotRight) << "' y1='" << at << "' y2='" << at
          << "' stroke='#e4e4e4'/>\n";
    }
    draw_text(svg, kPlotLeft - 6, y.pixel(t) + 4, tick_text(t), "end");
  }
  if (x) {
    for (double t : x->ticks) {
      const std::string at = px(x->pixel(t));
      if (grid) {
        svg << "<line x1='" << at << "' x2='" << at << "' y1='" << px(kPlotTop) << "' y2='" << px(kPlotBottom)
            << "' stroke='#e4e4e4'/>\n";
      }
      draw_text(svg, x->pixel(t), kPlotBottom + 16, tick_text(t));
    }
  }
  svg << "<rect x='" << px(kPlotLeft) << "' y='" << px(kPlotTop) << "' width='" << px(kPlotWidth) << "' height='"
      << px(kPlotHeight) << "' fill='none' stroke='#888'/>\n";
  draw_text(svg, kPlotLeft + kPlotWidth / 2, kPlotBottom + 38, x_label, "middle", 12);
  const double middle = kPlotTop + kPlotHeight / 2;
  draw_text(svg, 18, middle, y_label, "middle", 12, " transform='rotate(-90 18 " + px(middle) + ")'");
}

// The pixels a chart has drawn on (points along its curves, inside its bars): the legend avoids them.
using Pixels = std::vector<std::array<double, 2>>;

// In the corner of the plot area that covers the fewest drawn pixels (top right first when several tie),
// on a white card so that it stays readable over anything.
void draw_legend(std::ostringstream& svg, const std::vector<Series>& series, const Pixels& drawn) {
  std::size_t longest = 0;
  for (const Series& s : series) longest = std::max(longest, s.name.size());
  const double width = 34 + 6.5 * static_cast<double>(longest), height = 16.0 * static_cast<double>(series.size()) + 6;
  double left = 0, top = 0;
  std::size_t least = std::numeric_limits<std::size_t>::max();
  for (const double corner_top : {kPlotTop + 8, kPlotBottom - 8 - height}) {
    for (const double corner_left : {kPlotRight - width - 8, kPlotLeft + 8}) {
      const auto covered = static_cast<std::size_t>(std::count_if(drawn.begin(), drawn.end(), [&](const auto& p) {
        return p[0] > corner_left - 8 && p[0] < corner_left + width + 8 && p[1] > corner_top - 8 &&
               p[1] < corner_top + height + 8;
      }));
      if (covered < least) least = covered, left = corner_left, top = corner_top;
    }
  }
  svg << "<rect x='" << px(left) << "' y='" << px(top) << "' width='" << px(width) << "' height='" << px(height)
      << "' fill='white' fill-opacity='0.85' stroke='#ccc'/>\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double y = top + 14 + 16.0 * static_cast<double>(i);
    svg << "<line x1='" << px(left + 6) << "' x2='" << px(left + 26) << "' y1='" << px(y - 4) << "' y2='" << px(y - 4)
        << "' stroke='" << color_of(series[i].color, i) << "' stroke-width='2'/>\n";
    draw_text(svg, left + 30, y, series[i].name, "start");
  }
}

double x_at(const Series& series, std::size_t i) { return series.x.empty() ? static_cast<double>(i + 1) : series.x[i]; }

void check_series(const char* kind, const std::string& title, const Series& s, bool needs_x) {
  if (s.y.empty()) fail(kind, title, "series '" + s.name + "' has no values");
  if ((needs_x || !s.x.empty()) && s.x.size() != s.y.size()) {
    fail(kind, title,
         "series '" + s.name + "' has " + std::to_string(s.x.size()) + " x values and " + std::to_string(s.y.size()) +
             " y values");
  }
}

// A polyline through the finite points, and a dot on each when there are few enough to tell apart.
void draw_curve(std::ostringstream& svg, Pixels& drawn, const Series& s, std::size_t index, const Axis& x,
                const Axis& y, const std::string& extra = "") {
  const std::string color = color_of(s.color, index);
  std::ostringstream points, dots;
  for (std::size_t i = 0; i < s.y.size(); ++i) {
    if (!std::isfinite(x_at(s, i)) || !std::isfinite(s.y[i])) continue;
    const std::array<double, 2> here = {x.pixel(x_at(s, i)), y.pixel(s.y[i])};
    for (double t = 0.25; !s.dots_only && !drawn.empty() && points.tellp() > 0 && t < 1;
         t += 0.25) {  // along the segment too
      const std::array<double, 2> last = drawn.back();
      drawn.push_back({last[0] + t * (here[0] - last[0]), last[1] + t * (here[1] - last[1])});
    }
    drawn.push_back(here);
    const std::string cx = px(here[0]), cy = px(here[1]);
    points << (points.tellp() > 0 ? " " : "") << cx << ',' << cy;
    dots << "<circle cx='" << cx << "' cy='" << cy << "' r='2.5' fill='" << color << "'" << extra << "/>\n";
  }
  if (!s.dots_only) {
    svg << "<polyline fill='none' stroke='" << color << "' stroke-width='2' points='" << points.str() << "'" << extra
        << "/>\n";
  }
  if (s.dots_only || s.y.size() <= 30) svg << dots.str();
}

void draw(std::ostringstream& svg, const LineChart& chart, std::size_t) {
  const char* kind = "LineChart";
  if (chart.series.empty()) fail(kind, chart.title, "no series to draw");
  Range xs, ys;
  bool whole_x = true;
  for (const Series& s : chart.series) {
    check_series(kind, chart.title, s, false);
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      if (chart.log_y && s.y[i] <= 0) {
        fail(kind, chart.title,
             "a log y-axis needs values > 0, series '" + s.name + "' has " + xg::format_number(s.y[i]) + " at index " +
                 std::to_string(i));
      }
      if (!std::isfinite(s.y[i])) continue;
      xs.add(x_at(s, i));
      ys.add(s.y[i]);
      whole_x = whole_x && std::floor(x_at(s, i)) == x_at(s, i);
    }
  }
  if (ys.empty()) fail(kind, chart.title, "no series has a finite value");
  const Axis x = linear_axis(xs, kPlotLeft, kPlotRight, true, whole_x);
  const Axis y = chart.log_y ? log_axis(ys, kPlotBottom, kPlotTop) : linear_axis(ys, kPlotBottom, kPlotTop, true);
  draw_axes(svg, &x, y, chart.title, chart.x_label, chart.y_label, true);
  Pixels drawn;
  for (std::size_t i = 0; i < chart.series.size(); ++i) draw_curve(svg, drawn, chart.series[i], i, x, y);
  draw_legend(svg, chart.series, drawn);
}

// Pale at the lowest band (where trajectories end, so they stay visible), blue-grey at the highest.
std::string band_color(std::size_t band, std::size_t bands) {
  const double t = bands > 1 ? static_cast<double>(band) / static_cast<double>(bands - 1) : 0.0;
  char text[16];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", static_cast<int>(253 - t * 78), static_cast<int>(251 - t * 50),
                static_cast<int>(238 - t * 20));
  return text;
}

std::vector<double> quantile_levels(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  std::sort(values.begin(), values.end());
  std::vector<double> levels;
  for (int k = 0; k < 10 && !values.empty(); ++k) {
    const double level = values[static_cast<std::size_t>((k + 0.5) / 10 * static_cast<double>(values.size() - 1))];
    if (levels.empty() || level > levels.back()) levels.push_back(level);
  }
  return levels;
}

// Marching squares: where the level crosses a cell's edges (linear interpolation between corners), one
// segment joins two crossings. Four crossings (a saddle) are paired by the value at the cell's centre.
void iso_segments(std::ostringstream& path, const std::array<double, 4>& v, const std::array<double, 4>& cx,
                  const std::array<double, 4>& cy, double level) {
  // Corners counter-clockwise from the bottom left; edge e joins corner e and corner e + 1.
  std::array<std::string, 4> crossing;
  int count = 0;
  for (int e = 0; e < 4; ++e) {
    const int a = e, b = (e + 1) % 4;
    if ((v[a] < level) == (v[b] < level)) continue;
    const double t = (level - v[a]) / (v[b] - v[a]);
    crossing[e] = px(cx[a] + t * (cx[b] - cx[a])) + " " + px(cy[a] + t * (cy[b] - cy[a]));
    ++count;
  }
  auto segment = [&](int e, int f) { path << 'M' << crossing[e] << 'L' << crossing[f]; };
  if (count == 2) {
    int first = -1;
    for (int e = 0; e < 4; ++e) {
      if (crossing[e].empty()) continue;
      if (first < 0)
        first = e;
      else
        segment(first, e);
    }
  } else if (count == 4) {
    const bool centre_like_first = ((v[0] + v[1] + v[2] + v[3]) / 4 < level) == (v[0] < level);
    if (centre_like_first)
      segment(0, 1), segment(2, 3);  // cut off corners 1 and 3
    else
      segment(3, 0), segment(1, 2);  // cut off corners 0 and 2
  }
}

void draw(std::ostringstream& svg, const ContourPlot& plot, std::size_t index) {
  const char* kind = "ContourPlot";
  if (!plot.f) fail(kind, plot.title, "no function f to draw");
  if (!(plot.x_min < plot.x_max) || !(plot.y_min < plot.y_max)) {
    fail(kind, plot.title,
         "the box x in [" + xg::format_number(plot.x_min) + ", " + xg::format_number(plot.x_max) + "], y in [" +
             xg::format_number(plot.y_min) + ", " + xg::format_number(plot.y_max) + "] is empty");
  }
  if (plot.cells < 2 || plot.cells > 1000) {
    fail(kind, plot.title, "cells must be from 2 to 1000, got " + std::to_string(plot.cells));
  }
  for (std::size_t i = 1; i < plot.levels.size(); ++i) {
    if (!(plot.levels[i - 1] < plot.levels[i])) fail(kind, plot.title, "the levels must increase");
  }
  for (const Series& s : plot.trajectories) check_series(kind, plot.title, s, true);

  const std::size_t n = plot.cells;
  const Axis x = linear_axis({plot.x_min, plot.x_max}, kPlotLeft, kPlotRight, false);
  const Axis y = linear_axis({plot.y_min, plot.y_max}, kPlotBottom, kPlotTop, false);
  std::vector<double> grid_x(n + 1), grid_y(n + 1), values((n + 1) * (n + 1));
  for (std::size_t i = 0; i <= n; ++i) {
    grid_x[i] = plot.x_min + (plot.x_max - plot.x_min) * static_cast<double>(i) / static_cast<double>(n);
    grid_y[i] = plot.y_min + (plot.y_max - plot.y_min) * static_cast<double>(i) / static_cast<double>(n);
  }
  for (std::size_t j = 0; j <= n; ++j) {
    for (std::size_t i = 0; i <= n; ++i) values[j * (n + 1) + i] = plot.f(grid_x[i], grid_y[j]);
  }
  const std::vector<double> levels = plot.levels.empty() ? quantile_levels(values) : plot.levels;
  auto corners = [&](std::size_t i, std::size_t j) {
    const std::size_t at = j * (n + 1) + i;
    return std::array<double, 4>{values[at], values[at + 1], values[at + n + 2], values[at + n + 1]};
  };

  // The bands: a cell's colour is that of its corners' mean; runs of one colour along a row make one rect.
  draw_axes(svg, &x, y, plot.title, plot.x_label, plot.y_label, false);
  for (std::size_t j = 0; j < n; ++j) {
    const double top = y.pixel(grid_y[j + 1]), height = y.pixel(grid_y[j]) - top;
    std::size_t run_start = 0, run_band = 0;
    for (std::size_t i = 0; i <= n; ++i) {
      std::size_t band = run_band;
      if (i < n) {
        const std::array<double, 4> v = corners(i, j);
        const double mean = (v[0] + v[1] + v[2] + v[3]) / 4;
        band = static_cast<std::size_t>(std::upper_bound(levels.begin(), levels.end(), mean) - levels.begin());
      }
      if (i == n || (i > 0 && band != run_band)) {
        const double left = x.pixel(grid_x[run_start]);
        svg << "<rect x='" << px(left) << "' y='" << px(top) << "' width='" << px(x.pixel(grid_x[i]) - left)
            << "' height='" << px(height) << "' fill='" << band_color(run_band, levels.size() + 1)
            << "' shape-rendering='crispEdges'/>\n";
        run_start = i;
      }
      run_band = band;
    }
  }
  for (double level : levels) {
    std::ostringstream path;
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        const double left = x.pixel(grid_x[i]), right = x.pixel(grid_x[i + 1]);
        const double bottom = y.pixel(grid_y[j]), top = y.pixel(grid_y[j + 1]);
        iso_segments(path, corners(i, j), {left, right, right, left}, {bottom, bottom, top, top}, level);
      }
    }
    svg << "<path fill='none' stroke='#6b7b8c' stroke-width='0.7' d='" << path.str() << "'/>\n";
  }
  svg << "<rect x='" << px(kPlotLeft) << "' y='" << px(kPlotTop) << "' width='" << px(kPlotWidth) << "' height='"
      << px(kPlotHeight) << "' fill='none' stroke='#888'/>\n";

  // Trajectories leave the box when they diverge: the clip keeps them inside the plot area.
  const std::string clip = "clip" + std::to_string(index);
  svg << "<clipPath id='" << clip << "'><rect x='" << px(kPlotLeft) << "' y='" << px(kPlotTop) << "' width='"
      << px(kPlotWidth) << "' height='" << px(kPlotHeight) << "'/></clipPath>\n";
  Pixels drawn;
  for (std::size_t i = 0; i < plot.trajectories.size(); ++i) {
    draw_curve(svg, drawn, plot.trajectories[i], i, x, y, " clip-path='url(#" + clip + ")'");
  }
  if (!plot.trajectories.empty()) draw_legend(svg, plot.trajectories, drawn);
}

void draw(std::ostringstream& svg, const BarChart& chart, std::size_t) {
  const char* kind = "BarChart";
  if (chart.categories.empty()) fail(kind, chart.title, "no categories");
  if (chart.series.empty()) fail(kind, chart.title, "no series to draw");
  Range values{0, 0};
  for (const Series& s : chart.series) {
    if (!s.x.empty())
      fail(kind, chart.title, "series '" + s.name + "' has x values: bars take only y, one per category");
    if (s.y.size() != chart.categories.size()) {
      fail(kind, chart.title,
           "series '" + s.name + "' has " + std::to_string(s.y.size()) + " values for " +
               std::to_string(chart.categories.size()) + " categories");
    }
    for (double v : s.y) values.add(v);
  }
  const Axis y = linear_axis(values, kPlotBottom, kPlotTop, true);
  draw_axes(svg, nullptr, y, chart.title, chart.x_label, chart.y_label, true);
  const double slot = kPlotWidth / static_cast<double>(chart.categories.size());
  const double bar = 0.8 * slot / static_cast<double>(chart.series.size());
  Pixels drawn;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    for (std::size_t c = 0; c < chart.categories.size(); ++c) {
      const double v = chart.series[s].y[c];
      if (!std::isfinite(v)) continue;
      const double top = y.pixel(std::max(v, 0.0)), bottom = y.pixel(std::min(v, 0.0));
      const double left = kPlotLeft + slot * static_cast<double>(c) + 0.1 * slot + bar * static_cast<double>(s);
      for (double at = top; at <= bottom; at += 8) drawn.push_back({left + bar / 2, at});
      svg << "<rect x='" << px(left) << "' y='" << px(top) << "' width='" << px(bar) << "' height='" << px(bottom - top)
          << "' fill='" << color_of(chart.series[s].color, s) << "'/>\n";
    }
  }
  // Labels that would overlap are thinned out: every k-th one.
  std::size_t longest = 1;
  for (const std::string& name : chart.categories) longest = std::max(longest, name.size());
  const auto every = static_cast<std::size_t>(std::ceil(7.0 * static_cast<double>(longest) / slot));
  for (std::size_t c = 0; c < chart.categories.size(); c += std::max<std::size_t>(1, every)) {
    draw_text(svg, kPlotLeft + slot * (static_cast<double>(c) + 0.5), kPlotBottom + 16, chart.categories[c]);
  }
  draw_legend(svg, chart.series, drawn);
}

}  // namespace

BarChart histogram(const std::string& title, const std::string& x_label, const std::vector<Sample>& samples,
                   std::size_t bins) {
  if (samples.empty()) fail("histogram", title, "no samples");
  if (bins < 1) fail("histogram", title, "needs at least 1 bin, got 0");
  Range range;
  for (const Sample& sample : samples) {
    if (sample.values.empty()) fail("histogram", title, "sample '" + sample.name + "' has no values");
    for (double v : sample.values) {
      if (!std::isfinite(v)) fail("histogram", title, "sample '" + sample.name + "' has " + xg::format_number(v));
      range.add(v);
    }
  }
  const double width = range.high > range.low ? (range.high - range.low) / static_cast<double>(bins) : 1.0;
  BarChart chart(title, x_label, "count", {}, {});
  for (std::size_t b = 0; b < bins; ++b) {
    char centre[32];  // two digits are enough to read an axis by
    std::snprintf(centre, sizeof centre, "%.2g", range.low + width * (static_cast<double>(b) + 0.5));
    chart.categories.push_back(centre);
  }
  for (const Sample& sample : samples) {
    Series counts(sample.name, std::vector<double>(bins, 0.0));
    counts.color = sample.color;
    for (double v : sample.values) {
      const auto bin = static_cast<std::size_t>((v - range.low) / width);
      counts.y[std::min(bin, bins - 1)] += 1;  // the largest value closes the last bin
    }
    chart.series.push_back(counts);
  }
  return chart;
}

std::string to_svg(const Figure& figure) {
  if (figure.charts.empty()) throw xg::Error("to_svg: the figure '" + figure.title + "' has no charts");
  const double width = kPanelWidth * static_cast<double>(figure.charts.size()), height = kTitleHeight + kPanelHeight;
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << px(width) << "' height='" << px(height)
      << "' viewBox='0 0 " << px(width) << ' ' << px(height) << "' font-family='sans-serif'>\n";
  svg << "<rect width='100%' height='100%' fill='white'/>\n";
  draw_text(svg, width / 2, 24, figure.title, "middle", 17);
  for (std::size_t i = 0; i < figure.charts.size(); ++i) {
    svg << "<g transform='translate(" << px(kPanelWidth * static_cast<double>(i)) << ',' << px(kTitleHeight) << ")'>\n";
    std::visit([&](const auto& chart) { draw(svg, chart, i); }, figure.charts[i]);
    svg << "</g>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

void save_svg(const std::string& path, const Figure& figure) {
  const std::string text = to_svg(figure);
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw xg::Error("save_svg: cannot write the picture to " + path);
}

std::vector<double> linear_levels(double low, double high, std::size_t count) {
  if (!(low < high) || count < 2) {
    throw xg::Error("linear_levels: needs low < high and count >= 2, got " + xg::format_number(low) + ", " +
                    xg::format_number(high) + ", " + std::to_string(count));
  }
  std::vector<double> levels;
  for (std::size_t i = 0; i < count; ++i) {
    levels.push_back(low + (high - low) * static_cast<double>(i) / static_cast<double>(count - 1));
  }
  return levels;
}

std::vector<double> geometric_levels(double low, double high, std::size_t count) {
  if (!(low > 0) || !(low < high) || count < 2) {
    throw xg::Error("geometric_levels: needs 0 < low < high and count >= 2, got " + xg::format_number(low) + ", " +
                    xg::format_number(high) + ", " + std::to_string(count));
  }
  std::vector<double> levels = linear_levels(std::log(low), std::log(high), count);
  for (double& level : levels) level = std::exp(level);
  return levels;
}

}  // namespace support
