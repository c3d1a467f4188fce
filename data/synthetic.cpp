#include <xgrad/data/synthetic.hpp>

#include <xgrad/core/error.hpp>

#include <cmath>
#include <string>

namespace xg::data {

namespace {

constexpr double kPi = 3.14159265358979323846;

// numpy.linspace(start, stop, n)[i]: evenly spaced, both ends included; [start] when n == 1.
double linspace(double start, double stop, std::size_t n, std::size_t i) {
  return n == 1 ? start : start + (stop - start) * static_cast<double>(i) / static_cast<double>(n - 1);
}

void check_noise(const char* op, const char* name, double noise) {
  if (!(noise >= 0.0)) throw Error(std::string(op) + ": expected " + name + " >= 0, got " + format_number(noise));
}

}  // namespace

TensorDataset spirals(std::size_t n_per_class, std::size_t n_classes, double noise, Generator& generator) {
  check_noise("spirals", "noise", noise);
  const std::size_t n = n_per_class * n_classes;
  Array inputs = Array::from_shape({n, 2});
  Labels labels(n);
  float* xy = inputs.data();
  for (std::size_t k = 0; k < n_classes; ++k) {
    for (std::size_t i = 0; i < n_per_class; ++i) {
      const std::size_t row = k * n_per_class + i;
      const double radius = linspace(0.0, 1.0, n_per_class, i);
      const double angle = linspace(4.0 * k, 4.0 * (k + 1), n_per_class, i) + noise * generator.normal();
      xy[2 * row] = static_cast<float>(radius * std::sin(angle));
      xy[2 * row + 1] = static_cast<float>(radius * std::cos(angle));
      labels[row] = static_cast<std::int64_t>(k);
    }
  }
  return TensorDataset(std::move(inputs), std::move(labels));
}

TensorDataset moons(std::size_t n, double noise, Generator& generator) {
  check_noise("moons", "noise", noise);
  const std::size_t n_outer = n / 2;
  const std::size_t n_inner = n - n_outer;
  Array inputs = Array::from_shape({n, 2});
  Labels labels(n);
  float* xy = inputs.data();
  for (std::size_t row = 0; row < n; ++row) {
    const bool outer = row < n_outer;
    const double angle = outer ? linspace(0.0, kPi, n_outer, row) : linspace(0.0, kPi, n_inner, row - n_outer);
    const double x = outer ? std::cos(angle) : 1.0 - std::cos(angle);
    const double y = outer ? std::sin(angle) : 0.5 - std::sin(angle);
    xy[2 * row] = static_cast<float>(x + noise * generator.normal());
    xy[2 * row + 1] = static_cast<float>(y + noise * generator.normal());
    labels[row] = outer ? 0 : 1;
  }
  return TensorDataset(std::move(inputs), std::move(labels));
}

TensorDataset blobs(std::size_t n, std::size_t centers, std::size_t dims, double cluster_std, Generator& generator) {
  check_noise("blobs", "cluster_std", cluster_std);
  if (centers == 0) throw Error("blobs: expected centers >= 1, got 0");
  if (dims == 0) throw Error("blobs: expected dims >= 1, got 0");
  std::vector<double> centres(centers * dims);
  for (double& coordinate : centres) coordinate = -10.0 + 20.0 * generator.uniform();

  Array inputs = Array::from_shape({n, dims});
  Labels labels(n);
  float* out = inputs.data();
  std::size_t row = 0;
  for (std::size_t c = 0; c < centers; ++c) {
    const std::size_t count = n / centers + (c < n % centers ? 1 : 0);
    for (std::size_t i = 0; i < count; ++i, ++row) {
      for (std::size_t d = 0; d < dims; ++d) {
        out[row * dims + d] = static_cast<float>(centres[c * dims + d] + cluster_std * generator.normal());
      }
      labels[row] = static_cast<std::int64_t>(c);
    }
  }
  return TensorDataset(std::move(inputs), std::move(labels));
}

}  // namespace xg::data
