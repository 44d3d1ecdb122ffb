// Test helpers: bit-exact comparison with hex printing (Eigen's idea) and
// a reference decoder of the named formats written from their definitions.
#pragma once

#include <bit>
#include <cstdint>
#include <cstdio>
#include <string>

namespace glasses::test {

inline std::string hex(std::uint64_t bits, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*llX", digits, static_cast<unsigned long long>(bits));
  return buffer;
}

inline std::uint64_t bits_of(double x) { return std::bit_cast<std::uint64_t>(x); }
inline std::uint32_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }

// Same bits, or both NaN.
inline bool same_value(double a, double b) {
  return bits_of(a) == bits_of(b) || (a != a && b != b);
}

}  // namespace glasses::test
