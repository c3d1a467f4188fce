#pragma once
// Preprocessing: scaling pixels to [0, 1], standardizing features with training statistics, and a
// seeded train/validation split.
//
//   auto [train, val] = xg::data::train_val_split(full_train, 0.1, generator);
//   xg::data::Standardizer standardizer;
//   standardizer.fit(train);          // statistics of the training part only...
//   standardizer.transform_(train);
//   standardizer.transform_(val);     // ...applied unchanged to validation and test data
//   standardizer.transform_(test);
//
// Targets of a regression are standardized the same way, with a Standardizer of their own; a network
// trained on them predicts standardized values, which inverse_transform takes back to the data's units:
//   xg::data::Standardizer target_scaler;
//   target_scaler.fit(train.targets());
//   target_scaler.transform_(train.mutable_targets());
//   xg::Array predicted = target_scaler.inverse_transform(net(test_inputs).data());

#include <xgrad/core/generator.hpp>
#include <xgrad/data/dataset.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace xg::data {

// Divides every value by max_value in place, mapping 0..max_value to [0, 1] (torchvision's ToTensor
// does x / 255 for 8-bit images). max_value must be > 0.
void scale_to_unit_(Array& values, float max_value = 255.0f);
void scale_to_unit_(TensorDataset& dataset, float max_value = 255.0f);

// The per-feature moments of some examples: how many, their mean and the sum of squared deviations
// from it, in double. Moments of disjoint parts merge into the moments of their union (Chan, Golub and
// LeVeque's pairwise update), so statistics fitted over shards (MPI ranks) are one merge away from
// statistics fitted over all the data at once. This is the one path every fit takes.
struct FeatureMoments {
  // Two passes in double over inputs [N, ...], N >= 1: the mean, then the squared deviations from it.
  static FeatureMoments of(const Array& inputs);
  // Adds the examples `other` describes (the same example shape; an empty side is the identity).
  FeatureMoments& merge(const FeatureMoments& other);

  std::int64_t count = 0;
  Shape example_shape;                     // one example's shape, [features] for inputs [N, features]
  std::vector<double> mean;                // one per feature (position in an example)
  std::vector<double> squared_deviations;  // sum over the examples of (x - mean)^2, one per feature
};

// Per-feature standardization (scikit-learn's StandardScaler): x -> (x - mean) / std, with the mean
// and the population standard deviation (ddof = 0) of each feature over the examples it was fitted on.
// A feature with std 0 (constant, like MNIST's border pixels) is divided by 1 instead, so it becomes 0
// rather than NaN. Inputs are [N, ...]; a feature is one position in an example ([784] or [28, 28]).
class Standardizer {
 public:
  // Computes the statistics (in double) of inputs [N, ...], N >= 1. Fit on the training split only.
  Standardizer& fit(const Array& inputs);
  Standardizer& fit(const TensorDataset& dataset);
  // From moments gathered elsewhere (merged over shards); count >= 1.
  Standardizer& fit(const FeatureMoments& moments);
  // Takes statistics fitted before (a model file's): mean and stddev of one example's shape, every
  // stddev > 0 and finite. Throws xg::Error naming what is wrong and changes nothing then.
  Standardizer& set_statistics(Array mean, Array stddev);

  bool fitted() const { return fitted_; }
  // Applies the fitted statistics; the inputs' example shape must match the one fitted on.
  Array transform(const Array& inputs) const;
  void transform_(Array& inputs) const;
  void transform_(TensorDataset& dataset) const;  // its inputs
  // The way back: x -> x * std + mean (for predictions made on standardized targets).
  Array inverse_transform(const Array& values) const;
  void inverse_transform_(Array& values) const;

  // Shape: one example's ([features] for inputs [N, features]). stddev() holds 1 where the data's was 0.
  const Array& mean() const;
  const Array& stddev() const;

 private:
  void check_fitted(const char* op) const;
  void check_shape(const char* op, const Array& inputs) const;
  // x -> (x - mean) / std in place, or (inverse) x -> x * std + mean.
  void apply_(const char* op, Array& values, bool inverse) const;

  bool fitted_ = false;
  Array mean_;
  Array stddev_;
};

// Shuffles the examples with `generator` and splits them: the second dataset gets
// round(val_fraction * N) of them, the first the rest. val_fraction must be in [0, 1].
std::pair<TensorDataset, TensorDataset> train_val_split(const TensorDataset& dataset, double val_fraction,
                                                        Generator& generator = default_generator());

// The same, class by class (scikit-learn's stratify=labels), for a dataset with labels: each class's
// examples are shuffled and round(val_fraction * n_class) of them go to the second dataset, so both
// parts keep the classes' proportions (a rare class is not left out of one by chance). The examples
// keep their order of the whole dataset in each part.
std::pair<TensorDataset, TensorDataset> stratified_train_val_split(const TensorDataset& dataset, double val_fraction,
                                                                   Generator& generator = default_generator());

}  // namespace xg::data
