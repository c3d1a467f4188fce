// Exercise 04's program (given; scripts/exercise.sh 4 runs it once the checks pass): trains the same
// MLP with Adam + L2 and with your AdamW, then shows per weight how strongly the decay acts against
// the size of its gradients. Writes weights.csv (one row per weight) and bins.csv to the folder in
// argv[1]. Optional: argv[2] the weight decay lambda, argv[3] the epochs (to try other settings).
#include "decay_analysis.hpp"

#include <support/plot.hpp>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  course::DecaySetup setup;
  if (argc > 2) setup.weight_decay = std::stod(argv[2]);
  if (argc > 3) setup.epochs = std::stoi(argv[3]);
  std::printf("MLP 2-64-64-3 on spirals, %d epochs, lr %g, lambda %g, the same start for both\n\n", setup.epochs,
              setup.lr, setup.weight_decay);
  const std::vector<course::DecayRun> runs = course::compare_weight_decay(setup);

  std::ofstream weights(out + "/weights.csv");
  weights << "optimizer,parameter,rms,effective_decay,magnitude\n";
  std::ofstream bins(out + "/bins.csv");
  bins << "optimizer,bin,mean_rms,mean_effective_decay,mean_magnitude\n";
  for (const course::DecayRun& run : runs) {
    for (const course::WeightRecord& w : run.weights) {
      weights << run.optimizer << ',' << w.parameter << ',' << w.rms << ',' << w.effective_decay << ',' << w.magnitude
              << '\n';
    }
    std::printf("%s: training accuracy %.3f, %zu weights\n", run.optimizer.c_str(), run.accuracy, run.weights.size());
    std::printf("  weights by gradient size (rms = sqrt(v_hat)), ten groups of equal count:\n");
    std::printf("    %12s  %16s  %10s\n", "mean rms", "decay per step", "mean |w|");
    const std::vector<course::Bin> grouped = course::by_gradient_size(run.weights, 10);
    for (std::size_t b = 0; b < grouped.size(); ++b) {
      std::printf("    %12.3e  %16.3e  %10.4f\n", grouped[b].rms, grouped[b].effective_decay, grouped[b].magnitude);
      bins << run.optimizer << ',' << b << ',' << grouped[b].rms << ',' << grouped[b].effective_decay << ','
           << grouped[b].magnitude << '\n';
    }
    std::printf("  largest decay / smallest: %.4g\n", course::decay_spread(run));
    std::printf(
        "  correlation of log decay with log rms: %+.3f (-1: the decay follows the gradients; 0: it does not)\n",
        course::decay_follows_rms(run));
    std::printf("  correlation of log |w| with log rms:   %+.3f\n\n", course::magnitude_follows_rms(run));
  }
  // The picture: the decay per step of each tenth of the weights, smallest gradients first (Adam + L2
  // falls as the gradients grow, AdamW stays level), and where the weights' magnitudes ended.
  std::vector<support::Series> decay_by_group;
  std::vector<support::Sample> magnitudes;
  for (const course::DecayRun& run : runs) {
    std::vector<double> group, decay;
    for (const course::Bin& bin : course::by_gradient_size(run.weights, 10)) {
      group.push_back(static_cast<double>(group.size() + 1));
      decay.push_back(bin.effective_decay);
    }
    decay_by_group.emplace_back(run.optimizer, group, decay);
    std::vector<double> magnitude;
    for (const course::WeightRecord& w : run.weights) magnitude.push_back(w.magnitude);
    magnitudes.emplace_back(run.optimizer, magnitude);
  }
  const support::LineChart decay_chart("decay per step by gradient size",
                                       "tenth of the weights (small to large sqrt(v_hat))", "decay per step",
                                       decay_by_group, /*log_y=*/true);
  const support::BarChart magnitude_chart = support::histogram("final |w|", "|w|", magnitudes);
  support::save_svg(out + "/weight_decay.svg",
                    {"Exercise 04: Adam + L2 against AdamW", {decay_chart, magnitude_chart}});
  std::printf("wrote %s/weights.csv, %s/bins.csv and %s/weight_decay.svg\n", out.c_str(), out.c_str(), out.c_str());
  return 0;
}
