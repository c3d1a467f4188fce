#include <xgrad/core/generator.hpp>

#include <xgrad/core/error.hpp>

#include <cmath>
#include <cstring>
#include <string>

namespace xg {

void Generator::manual_seed(std::uint64_t seed) {
  seed_ = seed;
  state_ = seed;
  has_spare_normal_ = false;
}

bool GeneratorState::operator==(const GeneratorState& other) const {
  // The spare is compared by its bits only when it will be used (a NaN would not equal itself).
  return seed == other.seed && state == other.state && has_spare_normal == other.has_spare_normal &&
         (!has_spare_normal || std::memcmp(&spare_normal, &other.spare_normal, sizeof spare_normal) == 0);
}

void Generator::set_state(const GeneratorState& state) {
  seed_ = state.seed;
  state_ = state.state;
  has_spare_normal_ = state.has_spare_normal;
  spare_normal_ = state.has_spare_normal ? state.spare_normal : 0.0;
}

// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose every seed, 0 included,
// gives a good stream. Plenty for initialisation and shuffling.
namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;  // SplitMix64's step

// SplitMix64's output function: scrambles one state into one draw.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t Generator::next_u64() { return mix(state_ += kGoldenGamma); }

void Generator::fill_u64(std::uint64_t* out, std::size_t n) {
  const std::uint64_t start = state_;
  for (std::size_t i = 0; i < n; ++i) out[i] = mix(start + (i + 1) * kGoldenGamma);
  state_ = start + n * kGoldenGamma;
}

float Generator::uniform(float low, float high) {
  // The top 24 bits make a float in [0, 1) with every value equally likely.
  const float unit = static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f);
  return low + (high - low) * unit;
}

float Generator::normal(float mean, float std) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + std * static_cast<float>(spare_normal_);
  }
  // Box-Muller in double: u1 in (0, 1] so the log is finite.
  const double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  const double u2 = unit(next_u64());
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 6.283185307179586 * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return mean + std * static_cast<float>(radius * std::cos(angle));
}

std::size_t Generator::randint(std::size_t n) {
  if (n == 0) throw Error("Generator::randint: expected n > 0, got 0");
  // Reject the top sliver of the 64-bit range that would favour small results.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x;
  do {
    x = next_u64();
  } while (x >= limit);
  return static_cast<std::size_t>(x % n);
}

bool Generator::bernoulli(double p) { return unit(next_u64()) < p; }

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace xg
