#pragma once
// xg::Generator: the one source of randomness in xgrad (weight init, dropout masks, shuffling,
// synthetic data). Its numbers depend only on the seed, not on the compiler or standard library:
// std::normal_distribution and friends differ between libstdc++ and libc++, so we derive floats from
// the raw 64-bit stream ourselves.

#include <cstddef>
#include <cstdint>

namespace xg {

// Everything a Generator's future numbers depend on (torch's get_state / set_state): a checkpoint
// saves it so that a resumed run draws the same dropout masks and shuffles as one that never stopped.
struct GeneratorState {
  std::uint64_t seed = 0;   // what initial_seed() reports
  std::uint64_t state = 0;  // SplitMix64's counter
  bool has_spare_normal = false;
  double spare_normal = 0.0;  // Box-Muller's second number, returned by the next normal()
  bool operator==(const GeneratorState& other) const;
  bool operator!=(const GeneratorState& other) const { return !(*this == other); }
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) { manual_seed(seed); }

  // Restarts the stream: the same seed gives the same numbers.
  void manual_seed(std::uint64_t seed);
  std::uint64_t initial_seed() const { return seed_; }

  GeneratorState get_state() const { return {seed_, state_, has_spare_normal_, spare_normal_}; }
  // After set_state(s) the generator draws exactly what it drew after get_state() returned s.
  void set_state(const GeneratorState& state);

  std::uint64_t next_u64();
  // The next n draws of next_u64() at once, the same numbers in the same order. (SplitMix64's k-th
  // number depends only on the seed and k, so the loop carries nothing from one draw to the next and
  // the CPU overlaps them.)
  void fill_u64(std::uint64_t* out, std::size_t n);
  // The double in [0, 1) that a draw stands for (its top 53 bits): bernoulli(p) is unit(next_u64()) < p.
  static double unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform on [low, high). The float has 24 random bits, so it is exactly representable.
  float uniform(float low = 0.0f, float high = 1.0f);
  // Normal with the given mean and standard deviation (Box-Muller on two uniforms).
  float normal(float mean = 0.0f, float std = 1.0f);
  // Uniform integer in [0, n), without modulo bias. n must be > 0.
  std::size_t randint(std::size_t n);
  // True with probability p.
  bool bernoulli(double p);

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t state_ = 0;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// The generator used whenever none is passed explicitly.
Generator& default_generator();
// Seeds the default generator, like torch::manual_seed.
void manual_seed(std::uint64_t seed);

}  // namespace xg
