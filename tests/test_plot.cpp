// The SVG charts of examples/support/plot.hpp: the document's structure, where values land in pixels
// (the layout constants in plot.hpp), log ticks, contours, bars, and the errors for bad input.
#include <support/plot.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "error_message.hpp"

namespace {

using support::BarChart;
using support::ContourPlot;
using support::Figure;
using support::LineChart;
using support::Series;
using xg_test::error_message;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string svg_of(const support::Chart& chart) { return support::to_svg({"figure", {chart}}); }

// f(x, y) = x on the unit square, in 5 x 5 cells: the iso-line at 0.3 is the vertical line x = 0.3.
ContourPlot ramp() {
  ContourPlot plot;
  plot.title = "ramp";
  plot.f = [](double x, double) { return x; };
  plot.cells = 5;
  plot.levels = {0.3};
  return plot;
}

TEST(Plot, FigureIsOneSvgWithAPanelPerChart) {
  const LineChart loss("loss", "epoch", "cross-entropy", {{"train", {1.0, 0.5}}});
  const std::string svg = support::to_svg({"two panels", {loss, loss}});
  EXPECT_EQ(svg.rfind("<svg xmlns='http://www.w3.org/2000/svg' width='960' height='436'", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "<g "), 2u);
  EXPECT_EQ(count(svg, "</g>"), 2u);
  EXPECT_NE(svg.find("<g transform='translate(0,36)'>"), std::string::npos);
  EXPECT_NE(svg.find("<g transform='translate(480,36)'>"), std::string::npos);
  EXPECT_NE(svg.find(">two panels</text>"), std::string::npos);
}

TEST(Plot, LineChartDrawsAPolylineAndALegendEntryPerSeries) {
  const LineChart chart("curves", "step", "value",
                        {{"train", {3.0, 2.0, 1.0}}, {"test", {3.5, 2.5, 2.0}}, {"lr", {1.0, 1.0, 0.5}}});
  const std::string svg = svg_of(chart);
  EXPECT_EQ(count(svg, "<polyline"), 3u);
  for (const char* name :
       {">train</text>", ">test</text>", ">lr</text>", ">curves</text>", ">step</text>", ">value</text>"}) {
    EXPECT_NE(svg.find(name), std::string::npos) << name;
  }
  // Colours from the palette, in order.
  EXPECT_NE(svg.find("<polyline fill='none' stroke='#1f77b4'"), std::string::npos);
  EXPECT_NE(svg.find("<polyline fill='none' stroke='#d62728'"), std::string::npos);
  EXPECT_NE(svg.find("<polyline fill='none' stroke='#2ca02c'"), std::string::npos);
}

TEST(Plot, LineChartMapsValuesToPixels) {
  // Ticks 2 apart, so both axes run from 0 to 10: x 0 -> 70 and 10 -> 450 px, y 0 -> 340 and 10 -> 50.
  const LineChart chart("map", "x", "y", {{"line", {0.0, 5.0, 10.0}, {0.0, 5.0, 10.0}}});
  const std::string svg = svg_of(chart);
  EXPECT_NE(svg.find("points='70,340 260,195 450,50'"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<circle cx='260' cy='195' r='2.5' fill='#1f77b4'/>"), std::string::npos);
}

TEST(Plot, LineChartWithoutXCountsFromOneAndSkipsValuesThatAreNotFinite) {
  // x = 1, 2, 3 (whole numbers: ticks 1 apart, 1 -> 70 and 3 -> 450 px); y from 0 to 4 (ticks 1 apart).
  const LineChart chart("gaps", "epoch", "loss", {{"train", {4.0, NAN, 0.0}}});
  const std::string svg = svg_of(chart);
  EXPECT_NE(svg.find("points='70,50 450,340'"), std::string::npos) << svg;
  EXPECT_EQ(count(svg, "<circle"), 2u);
}

TEST(Plot, ScatterSeriesDrawsADotPerPointAndNoLine) {
  // The mapping of LineChartMapsValuesToPixels; 40 points (more than a curve shows dots for), all drawn.
  std::vector<double> x, y;
  for (int i = 0; i < 40; ++i) x.push_back(i % 2 == 0 ? 0.0 : 10.0), y.push_back(i % 2 == 0 ? 10.0 : 0.0);
  Series points("test examples", x, y);
  points.dots_only = true;
  const std::string svg =
      svg_of(LineChart("scatter", "true", "predicted", {points, {"y = x", {0.0, 10.0}, {0.0, 10.0}}}));
  EXPECT_EQ(count(svg, "<polyline"), 1u);  // the y = x line only
  EXPECT_EQ(count(svg, "<circle cx='70' cy='50' r='2.5' fill='#1f77b4'/>"), 20u);
  EXPECT_EQ(count(svg, "<circle cx='450' cy='340' r='2.5' fill='#1f77b4'/>"), 20u);
  EXPECT_NE(svg.find("<polyline fill='none' stroke='#d62728' stroke-width='2' points='70,340 450,50'"),
            std::string::npos)
      << svg;
}

TEST(Plot, LogAxisHasTicksAtPowersOfTen) {
  // 0.05 .. 20 widens to 0.01 .. 100: four decades of 72.5 px each.
  LineChart chart("log", "step", "loss", {{"loss", {0.05, 20.0}}}, true);
  const std::string svg = svg_of(chart);
  const std::pair<const char*, const char*> ticks[] = {
      {"0.01", "340"}, {"0.1", "267.5"}, {"1", "195"}, {"10", "122.5"}, {"100", "50"}};
  for (const auto& [label, y] : ticks) {
    EXPECT_NE(svg.find(std::string("y1='") + y + "' y2='" + y + "'"), std::string::npos) << label;
    EXPECT_NE(svg.find(std::string("' text-anchor='end' font-size='11'>") + label + "</text>"), std::string::npos)
        << label;
  }
  // log10(0.05 / 0.01) / 4 of the height above the bottom: 340 - 290 * 0.69897 / 4 = 289.32.
  EXPECT_NE(svg.find("points='70,289.32 450,100.68'"), std::string::npos) << svg;
}

TEST(Plot, TextIsEscaped) {
  const LineChart chart("a < b & c", "x", "y", {{"it's", {1.0, 2.0}}});
  const std::string svg = svg_of(chart);
  EXPECT_NE(svg.find(">a &lt; b &amp; c</text>"), std::string::npos);
  EXPECT_NE(svg.find(">it&apos;s</text>"), std::string::npos);
}

TEST(Plot, LineChartErrorsNameTheChartTheSeriesAndWhatWasGiven) {
  EXPECT_EQ(error_message([] { svg_of(LineChart("loss", "x", "y", {})); }), "LineChart 'loss': no series to draw");
  EXPECT_EQ(error_message([] {
              svg_of(LineChart("loss", "x", "y", {{"train", {}}}));
            }),
            "LineChart 'loss': series 'train' has no values");
  EXPECT_EQ(error_message([] {
              svg_of(LineChart("loss", "x", "y", {{"train", {1.0, 2.0, 3.0}, {1.0, 2.0}}}));
            }),
            "LineChart 'loss': series 'train' has 3 x values and 2 y values");
  EXPECT_EQ(error_message([] {
              svg_of(LineChart("loss", "x", "y", {{"train", {1.0, 0.0}}}, true));
            }),
            "LineChart 'loss': a log y-axis needs values > 0, series 'train' has 0 at index 1");
  EXPECT_EQ(error_message([] {
              svg_of(LineChart("loss", "x", "y", {{"train", {NAN}}}));
            }),
            "LineChart 'loss': no series has a finite value");
  EXPECT_EQ(error_message([] { support::to_svg({"empty", {}}); }), "to_svg: the figure 'empty' has no charts");
}

TEST(Plot, ContourIsoLineLiesWhereTheFunctionEqualsTheLevel) {
  const std::string svg = svg_of(ramp());
  // x = 0.3 is 70 + 0.3 * 380 = 184 px; the five rows of cells are 58 px high, from 340 up to 50.
  EXPECT_NE(svg.find("d='M184 340L184 282M184 282L184 224M184 224L184 166M184 166L184 108M184 108L184 50'"),
            std::string::npos)
      << svg;
  EXPECT_EQ(count(svg, "<path"), 1u);
}

TEST(Plot, ContourSaddleIsSplitByTheValueAtTheCellCentre) {
  // A checkerboard of +1 and -1 on the corners of 2 x 2 cells over [0, 2]^2: every cell is a saddle
  // whose centre (mean 0) is below the level 0.5, so the iso-line cuts off the two +1 corners.
  ContourPlot plot;
  plot.title = "saddle";
  plot.f = [](double x, double y) { return (static_cast<int>(x) + static_cast<int>(y)) % 2 == 0 ? 1.0 : -1.0; };
  plot.x_max = plot.y_max = 2;
  plot.cells = 2;
  plot.levels = {0.5};
  const std::string svg = svg_of(plot);
  // In the bottom-left cell: around (0, 0) from (0, 0.25) to (0.25, 0), around (1, 1) from (1, 0.75) to (0.75, 1).
  EXPECT_NE(svg.find("d='M70 303.75L117.5 340M260 231.25L212.5 195M"), std::string::npos) << svg;
}

TEST(Plot, ContourBandsColourCellsByLevel) {
  // Per row: the first column (mean 0.1) below the level, the other four (means 0.3 and up) above it,
  // one rect per run of a colour.
  const std::string svg = svg_of(ramp());
  EXPECT_EQ(count(svg, "shape-rendering='crispEdges'"), 10u);
  EXPECT_NE(svg.find("<rect x='70' y='282' width='76' height='58' fill='#fdfbee'"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<rect x='146' y='282' width='304' height='58' fill='#afc9da'"), std::string::npos) << svg;
}

TEST(Plot, ContourTrajectoriesAreClippedPolylinesWithALegend) {
  ContourPlot plot = ramp();
  plot.trajectories = {{"SGD", {0.0, 0.5, 1.0}, {0.0, 0.5, 1.0}}, {"Adam", {1.0, 0.0}, {0.0, 1.0}}};
  const std::string svg = svg_of(plot);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(count(svg, "clip-path='url(#clip0)'"), 2u + 5u);  // the polylines and their dots
  EXPECT_NE(svg.find("points='70,340 260,195 450,50' clip-path='url(#clip0)'"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">SGD</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Adam</text>"), std::string::npos);
}

TEST(Plot, ContourLevelsDefaultToQuantilesOfTheSampledValues) {
  ContourPlot plot = ramp();
  plot.levels = {};
  plot.cells = 10;  // 121 samples of x, eleven of each value 0, 0.1, ..., 1: ten distinct quantiles
  EXPECT_EQ(count(svg_of(plot), "<path"), 10u);
}

TEST(Plot, ContourErrorsNameTheChartAndWhatWasGiven) {
  EXPECT_EQ(error_message([] {
              ContourPlot plot = ramp();
              plot.f = nullptr;
              svg_of(plot);
            }),
            "ContourPlot 'ramp': no function f to draw");
  EXPECT_EQ(error_message([] {
              ContourPlot plot = ramp();
              plot.x_max = 0;
              svg_of(plot);
            }),
            "ContourPlot 'ramp': the box x in [0, 0], y in [0, 1] is empty");
  EXPECT_EQ(error_message([] {
              ContourPlot plot = ramp();
              plot.trajectories = {{"SGD", {0.0, 1.0}}};
              svg_of(plot);
            }),
            "ContourPlot 'ramp': series 'SGD' has 0 x values and 2 y values");
  EXPECT_EQ(error_message([] {
              ContourPlot plot = ramp();
              plot.levels = {0.5, 0.2};
              svg_of(plot);
            }),
            "ContourPlot 'ramp': the levels must increase");
  EXPECT_EQ(error_message([] {
              ContourPlot plot = ramp();
              plot.cells = 1;
              svg_of(plot);
            }),
            "ContourPlot 'ramp': cells must be from 2 to 1000, got 1");
}

TEST(Plot, BarChartMapsValuesToBars) {
  // y from 0 to 2; two categories of 190 px, each bar 80% of it, starting 10% in.
  const BarChart chart("bars", "", "count", {"a", "b"}, {{"model", {1.0, 2.0}}});
  const std::string svg = svg_of(chart);
  EXPECT_NE(svg.find("<rect x='89' y='195' width='152' height='145' fill='#1f77b4'/>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<rect x='279' y='50' width='152' height='290' fill='#1f77b4'/>"), std::string::npos);
  EXPECT_NE(svg.find(">a</text>"), std::string::npos);
  EXPECT_NE(svg.find(">model</text>"), std::string::npos);
}

TEST(Plot, HistogramCountsEachSampleInSharedBins) {
  support::Sample adam("Adam + L2", {0, 1, 2, 3, 4});
  support::Sample adamw("AdamW", {4, 4, 0.5});
  adamw.color = "#ff7f0e";
  const BarChart chart = support::histogram("weights", "|w|", {adam, adamw}, 2);  // bins [0, 2) and [2, 4]
  EXPECT_EQ(chart.categories, (std::vector<std::string>{"1", "3"}));              // the centres
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].y, (std::vector<double>{2, 3}));
  EXPECT_EQ(chart.series[1].y, (std::vector<double>{1, 2}));
  EXPECT_EQ(chart.series[1].color, "#ff7f0e");
  EXPECT_EQ(chart.y_label, "count");
  // Side by side: in each bin the second sample's bar starts where the first one's ends.
  const std::string svg = svg_of(chart);
  // (y from 0 to 3; bins 190 px wide, bars 76.)
  EXPECT_NE(svg.find("<rect x='279' y='50' width='76' height='290' fill='#1f77b4'/>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<rect x='355' y='146.67' width='76' height='193.33' fill='#ff7f0e'/>"), std::string::npos);
}

TEST(Plot, BarChartAndHistogramErrorsNameWhatWasGiven) {
  EXPECT_EQ(error_message([] {
              svg_of(BarChart("bars", "", "", {"a", "b"}, {{"m", {1.0}}}));
            }),
            "BarChart 'bars': series 'm' has 1 values for 2 categories");
  EXPECT_EQ(error_message([] {
              svg_of(BarChart("bars", "", "", {}, {{"m", {1.0}}}));
            }),
            "BarChart 'bars': no categories");
  EXPECT_EQ(error_message([] { support::histogram("h", "", {support::Sample("w", {})}); }),
            "histogram 'h': sample 'w' has no values");
  EXPECT_EQ(error_message([] {
              support::histogram("h", "", {support::Sample("w", {1.0, INFINITY})});
            }),
            "histogram 'h': sample 'w' has inf");
  EXPECT_EQ(error_message([] { support::histogram("h", "", {}); }), "histogram 'h': no samples");
}

TEST(Plot, SaveSvgWritesTheDocumentOrSaysWhyNot) {
  const Figure figure{"saved", {LineChart("loss", "x", "y", {{"train", {1.0, 2.0}}})}};
  const std::string path = (std::filesystem::temp_directory_path() / "xgrad_test_plot.svg").string();
  support::save_svg(path, figure);
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), support::to_svg(figure));
  std::remove(path.c_str());
  EXPECT_EQ(error_message([&] { support::save_svg("/nonexistent/folder/plot.svg", figure); }),
            "save_svg: cannot write the picture to /nonexistent/folder/plot.svg");
}

TEST(Plot, LevelHelpers) {
  EXPECT_EQ(support::linear_levels(0, 1, 5), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  const std::vector<double> levels = support::geometric_levels(1, 100, 3);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_DOUBLE_EQ(levels[0], 1);
  EXPECT_DOUBLE_EQ(levels[1], 10);
  EXPECT_DOUBLE_EQ(levels[2], 100);
  EXPECT_EQ(error_message([] { support::geometric_levels(0, 1, 3); }),
            "geometric_levels: needs 0 < low < high and count >= 2, got 0, 1, 3");
}

}  // namespace
