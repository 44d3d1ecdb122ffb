// Portable random numbers: the same seed gives the same numbers on every
// platform (std::normal_distribution and friends do not: their algorithms
// are unspecified).
//
// What is guaranteed
//  - `next()` and `uniform()` are bit-exact everywhere: xoshiro256**
//    (Blackman and Vigna 2018) seeded through SplitMix64.
//  - `normal()` is the Box–Muller transform of two uniforms; it calls the C
//    library's log, sqrt, cos and sin, so it is bit-exact on one C library
//    (glibc here) and may differ in the last bit elsewhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {

class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) {
    SplitMix64 sm{seed};
    for (std::uint64_t& s : s_) s = sm.next();
  }

  // The next 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1): 53 random bits times 2^-53.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }

  // Standard normal N(0, 1) by Box–Muller: r = sqrt(-2 ln u1), z = r cos(2π u2),
  // the second value r sin(2π u2) is returned by the next call.
  double normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(angle);
    have_spare_ = true;
    return r * std::cos(angle);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace glasses::numerics
