#pragma once
// Small SVG pictures for the examples and exercises, written by hand (an SVG is text; any browser opens
// it). Three kinds of chart, laid side by side in a Figure:
//   LineChart    named curves over x, axis labels, a legend, optionally a log y-axis (loss, lr curves);
//   ContourPlot  a function f(x, y) over a box as coloured bands and iso-lines, with trajectories over it;
//   BarChart     groups of bars, one bar per series in each category; histogram() makes one from samples.
//
//   support::LineChart loss("loss", "epoch", "cross-entropy", {{"train", train_losses}, {"test", test_losses}});
//   support::save_svg("curves.svg", {"MLP on spirals", {loss}});
//
// Bad input (no series, x and y of different lengths, a log axis with a value <= 0, ...) throws
// xg::Error naming the chart, the series and what was given.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace support {

// Every panel is kPanelWidth x kPanelHeight pixels, below a strip of kTitleHeight for the figure's
// title; its plot area starts kPlotLeft, kPlotTop into the panel. Tests rely on these numbers.
constexpr double kPanelWidth = 480, kPanelHeight = 400, kTitleHeight = 36;
constexpr double kPlotLeft = 70, kPlotTop = 50, kPlotWidth = 380, kPlotHeight = 290;

// One named curve: the points (x[i], y[i]). Empty x means 1, 2, 3, ... (epochs, steps). An empty
// colour takes the next one of a ten-colour palette. Points that are not finite are left out.
struct Series {
  Series(std::string name, std::vector<double> y) : name(std::move(name)), y(std::move(y)) {}
  Series(std::string name, std::vector<double> x, std::vector<double> y)
      : name(std::move(name)), x(std::move(x)), y(std::move(y)) {}
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  std::string color;       // any SVG colour, e.g. "#1f77b4"
  bool dots_only = false;  // a scatter plot's points: a dot at each, no line between them
};

// Curves over x; with Series::dots_only, a scatter plot (predicted against true values, say).
struct LineChart {
  LineChart() = default;
  LineChart(std::string title, std::string x_label, std::string y_label, std::vector<Series> series, bool log_y = false)
      : title(std::move(title)),
        x_label(std::move(x_label)),
        y_label(std::move(y_label)),
        series(std::move(series)),
        log_y(log_y) {}
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool log_y = false;  // ticks at the powers of ten
};

// f over [x_min, x_max] x [y_min, y_max], sampled on a grid of cells x cells, shown as bands between
// the levels (empty levels: ten picked from the sampled values' quantiles, so that a steep function
// such as Rosenbrock's still shows its valley) with an iso-line at each level. The trajectories
// (Series with x and y) are drawn over it, clipped to the box. Fill it in field by field:
//   support::ContourPlot plot;
//   plot.f = [](double x, double y) { return x * x + 10 * y * y; };
//   plot.x_min = -2, plot.x_max = 2, plot.y_min = -1, plot.y_max = 1;
struct ContourPlot {
  std::string title, x_label = "x", y_label = "y";
  std::function<double(double, double)> f;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::vector<double> levels;
  std::vector<Series> trajectories;
  std::size_t cells = 80;
};

// One bar per series in each category, side by side; series[i].y holds one value per category
// (series[i].x stays empty). Bars start at 0.
struct BarChart {
  BarChart() = default;
  BarChart(std::string title, std::string x_label, std::string y_label, std::vector<std::string> categories,
           std::vector<Series> series)
      : title(std::move(title)),
        x_label(std::move(x_label)),
        y_label(std::move(y_label)),
        categories(std::move(categories)),
        series(std::move(series)) {}
  std::string title, x_label, y_label;
  std::vector<std::string> categories;
  std::vector<Series> series;
};

// A histogram as a BarChart: `bins` equal bins over the range of all the values, each sample's count
// per bin as one series (so two models' weights sit side by side); categories are the bins' centres.
struct Sample {
  Sample(std::string name, std::vector<double> values) : name(std::move(name)), values(std::move(values)) {}
  std::string name;
  std::vector<double> values;
  std::string color;
};
BarChart histogram(const std::string& title, const std::string& x_label, const std::vector<Sample>& samples,
                   std::size_t bins = 20);

using Chart = std::variant<LineChart, ContourPlot, BarChart>;

// Charts side by side, in a row, under one title.
struct Figure {
  std::string title;
  std::vector<Chart> charts;
};

std::string to_svg(const Figure& figure);
// Throws xg::Error when the file cannot be written.
void save_svg(const std::string& path, const Figure& figure);

// Helpers for levels, for a ContourPlot whose levels are given: count levels from low to high, evenly
// spaced or (low > 0) spaced by a constant factor.
std::vector<double> linear_levels(double low, double high, std::size_t count);
std::vector<double> geometric_levels(double low, double high, std::size_t count);

}  // namespace support
