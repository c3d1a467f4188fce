#pragma once
// Exercise 04, given: the seeds' weight-distribution analysis. Trains the same small MLP on spirals
// twice, with Adam + L2 (xg::optim::Adam with weight_decay) and with your AdamW, the same lr and
// lambda, and then looks at every weight:
//   rms              sqrt(v_hat): the size of the gradients the weight has been seeing (Adam's v is
//                    the running mean of g^2: the gradient's variance plus its mean squared)
//   effective decay  the fraction of the weight the decay takes away per step.
//                    AdamW: measured on your adamw_update, with a zero gradient and zero moments.
//                    Adam + L2: the L2 gradient lambda * w goes through Adam's division like any
//                    gradient, so once m has taken it in the step takes lr * lambda * w / (rms + eps):
//                    lr * lambda / (rms + eps) of the weight.
//   magnitude        |w| at the end of training: what the decay did.
// Used by the program (weight_decay_analysis.cpp) and by the last check.

#include "adamw_optimizer.hpp"

#include <xgrad/xgrad.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace course {

struct DecaySetup {
  double lr = 5e-3;
  double weight_decay = 1e-2;
  int epochs = 30;
  std::uint64_t seed = 0;
};

struct WeightRecord {
  std::size_t parameter = 0;  // which of net->parameters()
  double rms = 0;
  double effective_decay = 0;
  double magnitude = 0;
};

struct DecayRun {
  std::string optimizer;
  double accuracy = 0;                // on the training set, at the end
  std::vector<WeightRecord> weights;  // every weight whose gradient was ever nonzero
};

// Trains `net` on the spirals with `optimizer`; returns the final accuracy on them.
inline double train_on_spirals(xg::nn::MLP& net, xg::optim::Optimizer& optimizer, int epochs, std::uint64_t seed) {
  xg::Generator generator(seed);
  const xg::data::TensorDataset data = xg::data::spirals(/*n_per_class=*/300, /*n_classes=*/3, 0.2, generator);
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(64).shuffle(true).seed(seed));
  xg::nn::CrossEntropyLoss loss_fn;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (xg::data::Batch& batch : loader) {
      const xg::Tensor loss = loss_fn(net(batch.input), batch.labels);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  const xg::NoGradGuard no_grad;
  return xg::nn::accuracy(net(xg::tensor(data.inputs())), data.labels());
}

// sqrt(v_hat) of every element of every parameter, from the optimizer's state, with a per-weight
// function for the effective decay.
template <class EffectiveDecay>
std::vector<WeightRecord> weight_records(const xg::optim::Optimizer& optimizer, const std::vector<xg::Tensor>& params,
                                         double beta2, const EffectiveDecay& effective_decay) {
  std::vector<WeightRecord> records;
  for (std::size_t k = 0; k < params.size(); ++k) {
    const xg::optim::OptimizerParamState* state = optimizer.state(params[k]);
    if (state == nullptr) continue;
    const xg::Array& v = state->buffers.at("exp_avg_sq");
    const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(state->step));
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double rms = std::sqrt(static_cast<double>(v.data()[i]) / bias_correction2);
      const float w = params[k].data().data()[i];
      if (rms == 0 || w == 0) continue;  // a weight that never had a gradient, or nothing left to decay
      records.push_back({k, rms, effective_decay(w, rms), std::fabs(static_cast<double>(w))});
    }
  }
  return records;
}

// Both runs, from the same initial weights and batches.
inline std::vector<DecayRun> compare_weight_decay(const DecaySetup& setup) {
  const std::vector<std::size_t> sizes = {2, 64, 64, 3};
  const double beta2 = 0.999;
  const double eps = 1e-8;
  std::vector<DecayRun> runs;
  {
    xg::manual_seed(setup.seed);
    xg::nn::MLP net(sizes);
    xg::optim::Adam adam(net->parameters(), xg::optim::AdamOptions(setup.lr).weight_decay(setup.weight_decay));
    DecayRun run{"Adam + L2", train_on_spirals(net, adam, setup.epochs, setup.seed), {}};
    run.weights = weight_records(adam, net->parameters(), beta2,
                                 [&](float, double rms) { return setup.lr * setup.weight_decay / (rms + eps); });
    runs.push_back(run);
  }
  {
    xg::manual_seed(setup.seed);
    xg::nn::MLP net(sizes);
    AdamWOptimizer adamw(net->parameters(), xg::optim::AdamWOptions(setup.lr).weight_decay(setup.weight_decay));
    DecayRun run{"AdamW", train_on_spirals(net, adamw, setup.epochs, setup.seed), {}};
    const float decay_factor = adamw_decay_factor(setup.lr, setup.weight_decay);
    const AdamConstants c = adam_constants(xg::optim::AdamOptions(setup.lr), 1);
    run.weights = weight_records(adamw, net->parameters(), beta2, [&](float w, double) {
      float decayed = w;
      float m = 0.0f;
      float v = 0.0f;
      adamw_update(decayed, 0.0f, m, v, decay_factor, c);  // what one step takes away when the data asks nothing
      return 1.0 - static_cast<double>(decayed) / static_cast<double>(w);
    });
    runs.push_back(run);
  }
  return runs;
}

// The weights sorted by rms and cut into `count` groups of equal size: each group's mean rms, mean
// effective decay and mean magnitude.
struct Bin {
  double rms = 0;
  double effective_decay = 0;
  double magnitude = 0;
};

inline std::vector<Bin> by_gradient_size(std::vector<WeightRecord> weights, std::size_t count) {
  std::sort(weights.begin(), weights.end(), [](const WeightRecord& a, const WeightRecord& b) { return a.rms < b.rms; });
  std::vector<Bin> bins(count);
  for (std::size_t b = 0; b < count; ++b) {
    const std::size_t begin = b * weights.size() / count;
    const std::size_t end = (b + 1) * weights.size() / count;
    for (std::size_t i = begin; i < end; ++i) {
      bins[b].rms += weights[i].rms;
      bins[b].effective_decay += weights[i].effective_decay;
      bins[b].magnitude += weights[i].magnitude;
    }
    const auto n = static_cast<double>(std::max<std::size_t>(end - begin, 1));
    bins[b] = {bins[b].rms / n, bins[b].effective_decay / n, bins[b].magnitude / n};
  }
  return bins;
}

// Pearson's correlation of log(x) and log(y) over the weights (0 when either is constant): near -1,
// y falls as x grows, as a power of it; near 0, y does not follow x.
template <class X, class Y>
double log_correlation(const std::vector<WeightRecord>& weights, const X& x, const Y& y) {
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const WeightRecord& w : weights) {
    const double a = std::log(x(w));
    const double b = std::log(y(w));
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  const auto n = static_cast<double>(weights.size());
  const double cov = sxy / n - (sx / n) * (sy / n);
  const double var_x = sxx / n - (sx / n) * (sx / n);
  const double var_y = syy / n - (sy / n) * (sy / n);
  // A constant (up to rounding) has no direction to follow.
  if (var_x <= 1e-12 * (sxx / n) || var_y <= 1e-12 * (syy / n)) return 0.0;
  return cov / std::sqrt(var_x * var_y);
}

inline double decay_follows_rms(const DecayRun& run) {
  return log_correlation(
      run.weights, [](const WeightRecord& w) { return w.rms; },
      [](const WeightRecord& w) { return w.effective_decay; });
}

inline double magnitude_follows_rms(const DecayRun& run) {
  return log_correlation(
      run.weights, [](const WeightRecord& w) { return w.rms; }, [](const WeightRecord& w) { return w.magnitude; });
}

// The largest effective decay over the smallest: 1 when every weight decays alike.
inline double decay_spread(const DecayRun& run) {
  double low = INFINITY;
  double high = 0;
  for (const WeightRecord& w : run.weights) {
    low = std::min(low, w.effective_decay);
    high = std::max(high, w.effective_decay);
  }
  return high / low;
}

}  // namespace course
