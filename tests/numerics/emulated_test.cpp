// Emulated<F>: against native hardware arithmetic (binary32 and binary64 in
// every rounding mode, set with fesetround under a guard) and against
// Eigen's half/bfloat16, whose + - * / are exact roundings of float results.
#include "glasses/numerics/emulated.hpp"

#include <Eigen/Core>
#include <boost/test/unit_test.hpp>
#include <cfenv>
#include <cmath>
#include <random>

#include "glasses/numerics/eigen.hpp"
#include "support/bits.hpp"

namespace gn = glasses::numerics;
using glasses::test::bits_of;

namespace {

// Sets the hardware rounding mode for its lifetime (ceres' Fenv idea).
class FpRoundingGuard {
 public:
  explicit FpRoundingGuard(int mode) : saved_(std::fegetround()) { std::fesetround(mode); }
  ~FpRoundingGuard() { std::fesetround(saved_); }
  FpRoundingGuard(const FpRoundingGuard&) = delete;
  FpRoundingGuard& operator=(const FpRoundingGuard&) = delete;

 private:
  int saved_;
};

// Random finite floats from random bit patterns (subnormals included).
float random_float(std::mt19937_64& rng) {
  while (true) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (std::isfinite(f)) return f;
  }
}
double random_double(std::mt19937_64& rng) {
  while (true) {
    const double d = std::bit_cast<double>(rng());
    if (std::isfinite(d)) return d;
  }
}

bool same(float a, float b) { return bits_of(a) == bits_of(b) || (a != a && b != b); }
bool same(double a, double b) { return bits_of(a) == bits_of(b) || (a != a && b != b); }

// The hardware result of op in the current rounding mode; volatile keeps the
// compiler from folding or moving the operation across fesetround.
template <class T>
T hardware(int op, T x, T y, T z) {
  volatile T a = x, b = y, c = z;
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return std::sqrt(static_cast<T>(a));
    default: return std::fma(static_cast<T>(a), static_cast<T>(b), static_cast<T>(c));
  }
}

template <class E, class T>
T emulated(int op, T x, T y, T z) {
  const E a(x), b(y), c(z);
  switch (op) {
    case 0: return static_cast<T>((a + b).value());
    case 1: return static_cast<T>((a - b).value());
    case 2: return static_cast<T>((a * b).value());
    case 3: return static_cast<T>((a / b).value());
    case 4: return static_cast<T>(sqrt(a).value());
    default: return static_cast<T>(fma(a, b, c).value());
  }
}

template <class E, class T>
void compare_with_hardware(int fe_mode, long count, T (*draw)(std::mt19937_64&)) {
  std::mt19937_64 rng(20261129);
  long mismatches = 0;
  for (int op = 0; op < 6; ++op) {
    for (long i = 0; i < count; ++i) {
      const T x = draw(rng), y = draw(rng), z = draw(rng);
      T want;
      {
        FpRoundingGuard guard(fe_mode);
        want = hardware(op, x, y, z);
      }
      const T got = emulated<E>(op, x, y, z);
      if (!same(got, want) && mismatches++ < 5) {
        BOOST_TEST_MESSAGE("op " << op << " (" << x << ", " << y << ", " << z << "): emulated " << got
                                 << " hardware " << want);
      }
    }
  }
  BOOST_TEST(mismatches == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(emulated)

BOOST_AUTO_TEST_CASE(emulated_binary32_matches_float_bitwise) {
  compare_with_hardware<gn::Emulated<gn::formats::fp32>, float>(FE_TONEAREST, 1'000'000, random_float);
}

BOOST_AUTO_TEST_CASE(emulated_binary32_directed_modes_match_hardware) {
  using gn::Rounding;
  compare_with_hardware<gn::Emulated<gn::formats::fp32, Rounding::min_mag>, float>(FE_TOWARDZERO, 200'000, random_float);
  compare_with_hardware<gn::Emulated<gn::formats::fp32, Rounding::min>, float>(FE_DOWNWARD, 200'000, random_float);
  compare_with_hardware<gn::Emulated<gn::formats::fp32, Rounding::max>, float>(FE_UPWARD, 200'000, random_float);
}

BOOST_AUTO_TEST_CASE(emulated_binary64_matches_double_bitwise) {
  compare_with_hardware<gn::Emulated<gn::formats::fp64>, double>(FE_TONEAREST, 1'000'000, random_double);
  // Directed modes take the MPFR path: compare with the hardware modes.
  using gn::Rounding;
  compare_with_hardware<gn::Emulated<gn::formats::fp64, Rounding::min>, double>(FE_DOWNWARD, 20'000, random_double);
  compare_with_hardware<gn::Emulated<gn::formats::fp64, Rounding::max>, double>(FE_UPWARD, 20'000, random_double);
}

// Eigen::half and Eigen::bfloat16 compute + - * / in float and round the
// result: correct rounding, since 24 >= 2p + 2 for p = 11 and p = 8.
template <class E, class EigenT>
void compare_with_eigen() {
  std::mt19937_64 rng(7);
  long mismatches = 0;
  for (long i = 0; i < 1'000'000; ++i) {
    const EigenT a = Eigen::numext::bit_cast<EigenT>(static_cast<std::uint16_t>(rng()));
    const EigenT b = Eigen::numext::bit_cast<EigenT>(static_cast<std::uint16_t>(rng()));
    const float fa = static_cast<float>(a), fb = static_cast<float>(b);
    if (!std::isfinite(fa) || !std::isfinite(fb)) continue;
    const E x(fa), y(fb);
    const EigenT results[] = {a + b, a - b, a * b, a / b};
    const E mine[] = {x + y, x - y, x * y, x / y};
    for (int k = 0; k < 4; ++k) {
      const float want = static_cast<float>(results[k]);
      const float got = static_cast<float>(mine[k].value());
      if (!same(got, want) && !(std::isnan(want) && std::isnan(got))) {
        if (mismatches++ < 5) BOOST_TEST_MESSAGE("op " << k << " " << fa << ", " << fb << ": " << got << " vs " << want);
      }
    }
  }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(fp16_and_bf16_match_eigen) {
  compare_with_eigen<gn::Fp16, Eigen::half>();
  compare_with_eigen<gn::Bf16, Eigen::bfloat16>();
}

// Transcendentals: one rounding of the double library result (note 3).
BOOST_AUTO_TEST_CASE(transcendentals_round_the_double_result_once) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    const double x = std::ldexp(static_cast<double>(rng() >> 11), -53) * 8 - 4;  // [-4, 4)
    const gn::Fp16 h(x);
    gn::RoundingContext ctx;
    BOOST_TEST(exp(h).value() == gn::round(gn::formats::fp16, std::exp(h.value()), ctx));
    BOOST_TEST(tanh(h).value() == gn::round(gn::formats::fp16, std::tanh(h.value()), ctx));
    BOOST_TEST(erf(h).value() == gn::round(gn::formats::fp16, std::erf(h.value()), ctx));
  }
}

BOOST_AUTO_TEST_CASE(construction_rounds_once_and_limits_are_the_format) {
  BOOST_TEST(gn::Fp16(65519.0).value() == 65504.0);
  BOOST_TEST(std::isinf(gn::Fp16(65520.0).value()));
  BOOST_TEST(gn::E4m3(1000.0).value() == 448.0);  // saturating
  BOOST_TEST(std::numeric_limits<gn::Fp16>::epsilon().value() == std::ldexp(1.0, -10));
  BOOST_TEST(std::numeric_limits<gn::Bf16>::epsilon().value() == std::ldexp(1.0, -7));
  BOOST_TEST(std::numeric_limits<gn::Fp16>::max().value() == 65504.0);
  BOOST_TEST(std::numeric_limits<gn::Fp16>::lowest().value() == -65504.0);
  BOOST_TEST(std::numeric_limits<gn::Fp16>::min().value() == std::ldexp(1.0, -14));
  BOOST_TEST(std::numeric_limits<gn::Fp16>::denorm_min().value() == std::ldexp(1.0, -24));
  BOOST_TEST(std::numeric_limits<gn::Fp16>::digits == 11);
  static_assert(!std::is_convertible_v<gn::Fp16, float>, "no implicit conversion out");
  static_assert(!std::is_convertible_v<double, gn::Fp16>, "no implicit conversion in");
}

// Eigen containers and products work; on small integers every order of
// summation is exact, so the product is known exactly.
BOOST_AUTO_TEST_CASE(eigen_containers_and_products) {
  using M = Eigen::Matrix<gn::Fp16, 3, 3>;
  M a, b;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      a(i, j) = gn::Fp16(i + 2 * j);
      b(i, j) = gn::Fp16(3 * i - j);
    }
  }
  const M c = a * b;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      double want = 0;
      for (int k = 0; k < 3; ++k) want += (i + 2 * k) * (3 * k - j);
      BOOST_TEST(c(i, j).value() == want);
    }
  }
  BOOST_TEST((a.array() + a.array()).matrix()(2, 2).value() == 12.0);
  BOOST_TEST(Eigen::NumTraits<gn::Fp16>::epsilon().value() == std::ldexp(1.0, -10));
}

BOOST_AUTO_TEST_SUITE_END()
