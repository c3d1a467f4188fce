#pragma once
// Small synthetic classification sets for 2-D pictures, tests and first experiments. Each draws its
// randomness from an xg::Generator, so the same seed gives the same data. Examples come sorted by
// class (a shuffling DataLoader mixes them). Coordinates are computed in double, stored as float.

#include <xgrad/core/generator.hpp>
#include <xgrad/data/dataset.hpp>

#include <cstddef>

namespace xg::data {

// CS231n's spirals: n_classes arms of n_per_class points in 2-D. Point i of arm k has radius
// r = i / (n_per_class - 1) and angle t = 4k + 4r plus normal noise of std `noise`;
// its input is (r sin t, r cos t) and its label k. Inputs [n_per_class * n_classes, 2].
TensorDataset spirals(std::size_t n_per_class, std::size_t n_classes, double noise = 0.2,
                      Generator& generator = default_generator());

// scikit-learn's make_moons (without its shuffle): n / 2 points (rounded down) on the upper unit
// half-circle, label 0, the rest on a lower half-circle centred at (1, 0.5), label 1; each coordinate
// plus normal noise of std `noise`. Inputs [n, 2].
TensorDataset moons(std::size_t n, double noise = 0.1, Generator& generator = default_generator());

// scikit-learn's make_blobs (without its shuffle): `centers` centres drawn uniformly in
// [-10, 10)^dims, then n points split as evenly as possible among them (the first n % centers get one
// more), each its centre plus normal noise of std `cluster_std` per coordinate; label = centre index.
// Inputs [n, dims].
TensorDataset blobs(std::size_t n, std::size_t centers, std::size_t dims, double cluster_std = 1.0,
                    Generator& generator = default_generator());

}  // namespace xg::data
