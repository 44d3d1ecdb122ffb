// Bulk rounding against the scalar reference numerics::round (itself tested
// against MPFR in rounding_test.cpp), element by element: the same bits and
// the same flags, on every kernel this machine can run (portable, AVX-512
// integer, Highway bf16 and fp16), for every named format and every mode;
// the Highway kernels on every compiled target, fp16 with and without F16C.
//
// bulk_round            random bit patterns, format-aware values, ties and
//                       threshold probes; stochastic sequences; vector tails;
//                       aliasing; refused requests.
// bulk_round_exhaustive all 2^32 binary32 inputs to fp16 and bf16 (nearest
//                       even), plus for fp16 the F16C hardware conversion
//                       and the Highway kernel's integer variant.
#include "glasses/numerics/bulk_round.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"
#include "support/bits.hpp"
#include "support/feature.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GLASSES_TEST_X86 1
#else
#define GLASSES_TEST_X86 0
#endif

namespace gn = glasses::numerics;
using gn::Flags;
using gn::Format;
using gn::Rounding;
using gn::detail::BulkKernel;
using glasses::test::hex;

namespace {

constexpr std::array kDeterministicModes{Rounding::near_even, Rounding::near_max_mag, Rounding::min_mag,
                                         Rounding::min, Rounding::max};

const char* kernel_name(BulkKernel k) {
  switch (k) {
    case BulkKernel::portable: return "portable";
    case BulkKernel::avx512: return "avx512";
    case BulkKernel::simd_bf16: return "simd_bf16";
    case BulkKernel::simd_fp16: return "simd_fp16";
    case BulkKernel::automatic: return "automatic";
  }
  return "?";
}

template <class T>
using BitsOf = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
BitsOf<T> bits(T x) {
  return std::bit_cast<BitsOf<T>>(x);
}

template <class T>
T from_bits(BitsOf<T> b) {
  return std::bit_cast<T>(b);
}

template <class T>
std::string describe(T x) {
  char b[96];
  std::snprintf(b, sizeof b, "%a [%s]", static_cast<double>(x), hex(bits(x), 2 * sizeof(T)).c_str());
  return b;
}

// Same bits, or both NaN (the NaN rule of the comparison with MPFR).
template <class T>
bool same_value(T a, T b) {
  return bits(a) == bits(b) || (a != a && b != b);
}

// Collects a sweep's mismatches and reports the first few.
class Mismatches {
 public:
  explicit Mismatches(std::string what) : what_(std::move(what)) {}
  Mismatches(const Mismatches&) = delete;
  Mismatches& operator=(const Mismatches&) = delete;
  void add(const std::string& detail) {
    if (count_++ < 6) BOOST_TEST_MESSAGE(what_ << ": " << detail);
  }
  long count() const { return count_; }
  ~Mismatches() { BOOST_CHECK_MESSAGE(count_ == 0, what_ << ": " << count_ << " mismatches"); }

 private:
  std::string what_;
  long count_ = 0;
};

// The kernels that can serve a request on this machine.
std::vector<BulkKernel> kernels_for(const Format& f, Rounding mode, bool binary32) {
  std::vector<BulkKernel> kernels{BulkKernel::portable};
  if (gn::detail::bulk_kernel_available(BulkKernel::avx512)) kernels.push_back(BulkKernel::avx512);
  if (binary32 && f == gn::formats::bf16 && mode == Rounding::near_even) kernels.push_back(BulkKernel::simd_bf16);
  if (binary32 && f == gn::formats::fp16 && mode == Rounding::near_even) kernels.push_back(BulkKernel::simd_fp16);
  return kernels;
}

// The scalar reference on an array: values and each element's flags, with
// one context (so stochastic rounding draws in order).
template <class T>
void scalar_reference(const Format& f, gn::RoundingContext& ctx, const std::vector<T>& in, std::vector<T>& out,
                      std::vector<std::uint8_t>& flags) {
  out.resize(in.size());
  flags.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    ctx.flags = Flags{};
    out[i] = static_cast<T>(gn::round(f, static_cast<double>(in[i]), ctx));
    flags[i] = ctx.flags.bits;
  }
}

// Runs `kernel` on `in` and compares values, per-element flags and the
// returned OR of flags with the reference.
template <class T>
void compare_kernel(BulkKernel kernel, const Format& f, Rounding mode, std::uint64_t seed, const std::vector<T>& in,
                    const std::vector<T>& want, const std::vector<std::uint8_t>& want_flags,
                    const std::string& label) {
  std::vector<T> got(in.size());
  std::vector<std::uint8_t> got_flags(in.size(), 0xFF);
  gn::RoundingContext ctx{mode, {}, gn::SplitMix64{seed}};
  const Flags returned = gn::detail::round_array_with(kernel, f, std::span<const T>(in), std::span<T>(got), ctx,
                                                      std::span<std::uint8_t>(got_flags));
  Mismatches bad(label + " kernel " + kernel_name(kernel));
  std::uint8_t want_or = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    want_or = static_cast<std::uint8_t>(want_or | want_flags[i]);
    if (!same_value(got[i], want[i]) || got_flags[i] != want_flags[i]) {
      bad.add("input " + describe(in[i]) + ": got " + describe(got[i]) + " flags " + hex(got_flags[i], 2) +
              ", scalar " + describe(want[i]) + " flags " + hex(want_flags[i], 2));
    }
  }
  if (returned.bits != want_or || ctx.flags.bits != want_or) {
    bad.add("returned flags " + hex(returned.bits, 2) + " (context " + hex(ctx.flags.bits, 2) +
            "), OR of scalar flags " + hex(want_or, 2));
  }
}

// Carrier-specific limits for the probe generators.
template <class T>
constexpr int kCarrierP = std::numeric_limits<T>::digits;
template <class T>
constexpr int kCarrierMinExp = std::numeric_limits<T>::min_exponent - 1;  // emin of the carrier
template <class T>
constexpr int kCarrierMaxExp = std::numeric_limits<T>::max_exponent - 1;

// x and its neighbours within `steps` carrier ulps, both signs.
template <class T>
void add_with_neighbours(std::vector<T>& out, double value, int steps) {
  if (!std::isfinite(value)) return;
  const T x = static_cast<T>(value);
  const T inf = std::numeric_limits<T>::infinity();
  for (const T sign : {T{1}, T{-1}}) {
    T up = x, down = x;
    out.push_back(sign * x);
    for (int s = 0; s < steps; ++s) {
      up = std::nextafter(up, inf);
      down = std::nextafter(down, T{0});
      out.push_back(sign * up);
      out.push_back(sign * down);
    }
  }
}

// Inputs that probe every threshold of f: 2^emin, the tininess midpoint, the
// last value below 2^emin, half the smallest quantum, the largest finite
// value and the overflow tie, with neighbours; plus specials.
template <class T>
std::vector<T> threshold_probes(const Format& f) {
  std::vector<T> v;
  const int emin = std::max(f.emin, kCarrierMinExp<T> - kCarrierP<T>);
  const int p = f.p;
  const int q = f.subnormals ? emin - p + 1 : emin;
  const double top = gn::max_finite(f);
  const double top_ulp = std::ldexp(1.0, f.emax - p + 1);
  for (double x : {std::ldexp(1.0, emin), std::ldexp(1.0, emin - 1),
                   std::ldexp(std::ldexp(1.0, p + 1) - 1, emin - p - 1),  // tininess midpoint (near modes)
                   std::ldexp(std::ldexp(1.0, p) - 1, emin - p),          // last p-bit value below 2^emin
                   std::ldexp(1.0, q), std::ldexp(1.0, q - 1), std::ldexp(3.0, q - 1), std::ldexp(1.0, q - 2),
                   top, top + top_ulp / 2, top + top_ulp, 2 * top, std::ldexp(1.0, f.emax + 1)}) {
    if (std::isfinite(x) && x < static_cast<double>(std::numeric_limits<T>::max())) add_with_neighbours(v, x, 3);
  }
  const T inf = std::numeric_limits<T>::infinity();
  for (const T s : {T{1}, T{-1}}) {
    v.push_back(s * T{0});
    v.push_back(s * inf);
    v.push_back(s * std::numeric_limits<T>::denorm_min());
    v.push_back(s * std::numeric_limits<T>::min());
    v.push_back(s * std::numeric_limits<T>::max());
    v.push_back(s * std::numeric_limits<T>::quiet_NaN());
    v.push_back(s * std::numeric_limits<T>::signaling_NaN());
  }
  return v;
}

// Random values of f's neighbourhood: format values, midpoints between
// consecutive values (ties) and their carrier neighbours, across binades
// from below the smallest quantum to beyond overflow.
template <class T>
void add_format_aware(std::vector<T>& v, const Format& f, std::mt19937_64& rng, std::size_t count) {
  const int lo = std::max(f.emin - f.p - 2, kCarrierMinExp<T> - kCarrierP<T> + 1);
  const int hi = std::min(f.emax + 2, kCarrierMaxExp<T>);
  std::uniform_int_distribution<int> exponent(lo, hi);
  const int p = std::min(f.p, 52);
  std::uniform_int_distribution<std::uint64_t> significand(0, (std::uint64_t{1} << (p - 1)) - 1);
  while (v.size() < count) {
    const int e = exponent(rng);
    // A value of f (at its precision for the binade) and the next one up.
    const int quantum = (e >= f.emin || f.subnormals) ? std::max(e, f.emin) - f.p + 1 : f.emin;
    const double step = std::ldexp(1.0, quantum);
    const double base = std::ldexp(1.0, e);
    const double value = base + static_cast<double>(significand(rng) % (std::uint64_t{1} << std::max(e - quantum, 0))) * step;
    const double mid = value + step / 2;
    const double sign = (rng() & 1) != 0 ? -1.0 : 1.0;
    for (double x : {value, mid}) {
      if (!std::isfinite(x) || std::fabs(x) > static_cast<double>(std::numeric_limits<T>::max())) continue;
      const T t = static_cast<T>(sign * x);
      v.push_back(t);
      v.push_back(std::nextafter(t, std::numeric_limits<T>::infinity()));
      v.push_back(std::nextafter(t, -std::numeric_limits<T>::infinity()));
    }
  }
}

// ~10^6 inputs: half uniformly random bit patterns (subnormals, huge values,
// NaN and infinities all appear), half format-aware, plus threshold probes.
template <class T>
std::vector<T> random_inputs(const Format& f, std::uint64_t seed, std::size_t count) {
  std::mt19937_64 rng(seed);
  std::vector<T> v = threshold_probes<T>(f);
  const std::size_t uniform = count / 2;
  for (std::size_t i = 0; i < uniform; ++i) v.push_back(from_bits<T>(static_cast<BitsOf<T>>(rng())));
  add_format_aware(v, f, rng, count);
  return v;
}

struct TestFormat {
  std::string name;
  Format format;
};

// Every named format plus the modifier variants and a few custom ranges
// (k = 0 above 2^emin, no subnormals at the carrier's emin, p = 2).
std::vector<TestFormat> test_formats() {
  std::vector<TestFormat> out;
  for (const auto& named : gn::kNamedFormats) out.push_back({std::string(named.name), named.format});
  for (const char* name : {"e4m3:nosat", "e5m2:sat", "fp16:nosub", "custom:p=24,emax=127,emin=-126,nosub",
                           "custom:p=5,emax=15,emin=-20,sat", "custom:p=2,emax=3", "custom:p=8,emax=127,emin=-126,nosub",
                           "custom:p=53,emax=1023,emin=-1022,nosub", "custom:p=30,emax=300,emin=-1000", "mpfr:11",
                           "mpfr:53"}) {
    out.push_back({name, gn::parse_format(name)});
  }
  return out;
}

template <class T>
bool carrier_serves(const Format& f) {
  if constexpr (sizeof(T) == 4) {
    return gn::fits_binary32(f);
  } else {
    return f.p <= 53;
  }
}

// Every kernel that serves each case (kernels_for), or only `only`.
template <class T>
void check_all_formats_and_modes(const char* carrier, std::optional<BulkKernel> only = std::nullopt) {
  std::uint64_t seed = 20240611;
  for (const auto& [name, f] : test_formats()) {
    if (!carrier_serves<T>(f)) continue;
    const std::vector<T> in = random_inputs<T>(f, seed++, std::size_t{1} << 18);
    for (const Rounding mode : kDeterministicModes) {
      std::vector<T> want;
      std::vector<std::uint8_t> want_flags;
      gn::RoundingContext ctx{mode};
      scalar_reference(f, ctx, in, want, want_flags);
      const std::string label = std::string(carrier) + " -> " + name + " " + std::string(gn::to_string(mode));
      const std::vector<BulkKernel> kernels = only ? std::vector{*only} : kernels_for(f, mode, sizeof(T) == 4);
      for (const BulkKernel kernel : kernels) {
        compare_kernel(kernel, f, mode, 0, in, want, want_flags, label);
      }
    }
  }
}

template <class T>
void check_stochastic(const char* carrier) {
  std::uint64_t seed = 77;
  for (const auto& [name, f] : test_formats()) {
    if (!carrier_serves<T>(f)) continue;
    const std::vector<T> in = random_inputs<T>(f, seed, std::size_t{1} << 17);
    const std::uint64_t stream_seed = 0x5EED0000 + seed++;
    std::vector<T> want;
    std::vector<std::uint8_t> want_flags;
    gn::RoundingContext scalar_ctx{Rounding::stochastic, {}, gn::SplitMix64{stream_seed}};
    scalar_reference(f, scalar_ctx, in, want, want_flags);
    const std::string label = std::string(carrier) + " -> " + name + " stochastic";
    for (const BulkKernel kernel : kernels_for(f, Rounding::stochastic, sizeof(T) == 4)) {
      compare_kernel(kernel, f, Rounding::stochastic, stream_seed, in, want, want_flags, label);
      // The random stream ends where the scalar loop leaves it, and a second
      // run with the same seed gives the same bits.
      std::vector<T> first(in.size()), second(in.size());
      gn::RoundingContext a{Rounding::stochastic, {}, gn::SplitMix64{stream_seed}};
      gn::RoundingContext b{Rounding::stochastic, {}, gn::SplitMix64{stream_seed}};
      gn::detail::round_array_with(kernel, f, std::span<const T>(in), std::span<T>(first), a);
      gn::detail::round_array_with(kernel, f, std::span<const T>(in), std::span<T>(second), b);
      BOOST_TEST(a.random.state == scalar_ctx.random.state, label << " " << kernel_name(kernel) << ": stream state");
      BOOST_TEST(std::equal(first.begin(), first.end(), second.begin(),
                            [](T x, T y) { return bits(x) == bits(y); }),
                 label << " " << kernel_name(kernel) << ": reproducible");
    }
  }
}

boost::test_tools::assertion_result avx512_kernel_available(boost::unit_test::test_unit_id) {
  return glasses::test::requirement(gn::detail::bulk_kernel_available(BulkKernel::avx512),
                                    "no AVX-512 kernel on this CPU or in this build");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bulk_round)

// The machine should run the vector path; say so when it cannot.
BOOST_AUTO_TEST_CASE(kernels_available_here) {
  const bool avx512 = gn::detail::bulk_kernel_available(BulkKernel::avx512);
  BOOST_TEST_MESSAGE("avx512 kernel available: " << avx512);
  BOOST_TEST(gn::detail::bulk_kernel_available(BulkKernel::portable));
  const BulkKernel chosen_bf16 = gn::detail::bulk_kernel_for(gn::formats::bf16, Rounding::near_even, true);
  BOOST_TEST((chosen_bf16 == BulkKernel::simd_bf16));
  const BulkKernel chosen_fp16 = gn::detail::bulk_kernel_for(gn::formats::fp16, Rounding::near_even, true);
  BOOST_TEST((chosen_fp16 == BulkKernel::simd_fp16));
#if GLASSES_TEST_X86
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    BOOST_TEST(avx512);
  }
#endif
}

// Hand-worked values (IEEE 754 binary16 and bfloat16 definitions).
BOOST_AUTO_TEST_CASE(hand_worked_fp16_and_bf16) {
  const std::vector<float> in{65519.0f, 65520.0f, -65520.0f, std::ldexp(1.0f, -25), std::ldexp(3.0f, -25),
                              std::ldexp(1.0f - std::ldexp(1.0f, -12), -14), 1.0f + std::ldexp(1.0f, -11), -0.0f};
  const std::vector<float> fp16_want{65504.0f, INFINITY, -INFINITY, 0.0f, std::ldexp(2.0f, -24),
                                     std::ldexp(1.0f, -14), 1.0f, -0.0f};
  for (const BulkKernel kernel : kernels_for(gn::formats::fp16, Rounding::near_even, true)) {
    std::vector<float> out(in.size());
    std::vector<std::uint8_t> flags(in.size());
    gn::RoundingContext ctx;
    gn::detail::round_array_with(kernel, gn::formats::fp16, std::span<const float>(in), std::span<float>(out), ctx,
                                 std::span<std::uint8_t>(flags));
    for (std::size_t i = 0; i < in.size(); ++i) {
      BOOST_TEST(bits(out[i]) == bits(fp16_want[i]), kernel_name(kernel) << " element " << i);
    }
    BOOST_TEST(flags[1] == (Flags::overflow | Flags::inexact));
    BOOST_TEST(flags[3] == (Flags::underflow | Flags::inexact));
    BOOST_TEST(flags[5] == Flags::inexact);  // rounds to 2^-14 with p bits too: not tiny
    BOOST_TEST(flags[7] == 0);
  }
  // bf16: 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even is 1. The smallest
  // binary32 subnormal is below half the bf16 quantum 2^-133: 0, tiny.
  const std::vector<float> b_in{1.0f + std::ldexp(1.0f, -8), 1.0f + 3 * std::ldexp(1.0f, -8),
                                std::numeric_limits<float>::denorm_min(), std::ldexp(1.0f, -133)};
  const std::vector<float> b_want{1.0f, 1.0f + std::ldexp(1.0f, -6), 0.0f, std::ldexp(1.0f, -133)};
  std::vector<float> b_out(b_in.size());
  const Flags flags = gn::round_array(gn::formats::bf16, Rounding::near_even, b_in, b_out);
  for (std::size_t i = 0; i < b_in.size(); ++i) BOOST_TEST(bits(b_out[i]) == bits(b_want[i]), "bf16 element " << i);
  BOOST_TEST(flags.bits == (Flags::inexact | Flags::underflow));
}

BOOST_AUTO_TEST_CASE(binary32_inputs_match_scalar_in_every_format_and_mode) {
  check_all_formats_and_modes<float>("binary32");
}

BOOST_AUTO_TEST_CASE(binary64_inputs_match_scalar_in_every_format_and_mode) {
  check_all_formats_and_modes<double>("binary64");
}

BOOST_AUTO_TEST_CASE(stochastic_equals_the_scalar_sequence_and_is_reproducible) {
  check_stochastic<float>("binary32");
  check_stochastic<double>("binary64");
  // A different seed gives different roundings (the stream is used at all).
  const std::vector<float> in(4096, 1.0f + std::ldexp(1.0f, -9));
  std::vector<float> a(in.size()), b(in.size());
  gn::RoundingContext ca{Rounding::stochastic, {}, gn::SplitMix64{1}};
  gn::RoundingContext cb{Rounding::stochastic, {}, gn::SplitMix64{2}};
  gn::round_array(gn::formats::bf16, std::span<const float>(in), std::span<float>(a), ca);
  gn::round_array(gn::formats::bf16, std::span<const float>(in), std::span<float>(b), cb);
  BOOST_TEST(!std::equal(a.begin(), a.end(), b.begin()));
  const auto ups = std::count(a.begin(), a.end(), 1.0f + std::ldexp(1.0f, -7));
  BOOST_TEST((ups > 880 && ups < 1168), "P(up) = 1/4: " << ups << " of 4096");
}

// Lengths around the vector widths (16 binary32, 8 binary64 lanes), with
// guard elements after the output that must stay untouched.
BOOST_AUTO_TEST_CASE(odd_lengths_exercise_vector_tails) {
  auto check = [](auto zero, const Format& f, const char* name) {
    using T = decltype(zero);
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{9}, std::size_t{15},
                                std::size_t{17}, std::size_t{1000003}}) {
      std::vector<T> in = random_inputs<T>(f, n + 5, n);
      in.resize(n);
      for (const Rounding mode : {Rounding::near_even, Rounding::max, Rounding::stochastic}) {
        std::vector<T> want;
        std::vector<std::uint8_t> want_flags;
        gn::RoundingContext ref{mode, {}, gn::SplitMix64{n}};
        scalar_reference(f, ref, in, want, want_flags);
        for (const BulkKernel kernel : kernels_for(f, mode, sizeof(T) == 4)) {
          std::vector<T> out(n + 16, T{7});
          gn::RoundingContext ctx{mode, {}, gn::SplitMix64{n}};
          const Flags flags = gn::detail::round_array_with(kernel, f, std::span<const T>(in),
                                                           std::span<T>(out.data(), n), ctx);
          Mismatches bad(std::string(name) + " length " + std::to_string(n) + " " +
                         std::string(gn::to_string(mode)) + " " + kernel_name(kernel));
          std::uint8_t want_or = 0;
          for (std::size_t i = 0; i < n; ++i) {
            want_or = static_cast<std::uint8_t>(want_or | want_flags[i]);
            if (!same_value(out[i], want[i])) bad.add("element " + std::to_string(i) + " " + describe(in[i]));
          }
          for (std::size_t i = n; i < n + 16; ++i) {
            if (bits(out[i]) != bits(T{7})) bad.add("wrote past the end at " + std::to_string(i));
          }
          if (flags.bits != want_or) bad.add("flags " + hex(flags.bits, 2) + " want " + hex(want_or, 2));
          if (ctx.random.state != ref.random.state) bad.add("random stream state differs");
        }
      }
    }
  };
  check(0.0f, gn::formats::fp16, "binary32 -> fp16");
  check(0.0f, gn::formats::e4m3, "binary32 -> e4m3");
  check(0.0, gn::formats::bf16, "binary64 -> bf16");
  check(0.0, gn::formats::fp32, "binary64 -> fp32");
}

BOOST_AUTO_TEST_CASE(in_place_equals_out_of_place) {
  auto check = [](auto zero, const Format& f) {
    using T = decltype(zero);
    const std::vector<T> in = random_inputs<T>(f, 99, 100003);
    for (const Rounding mode : {Rounding::near_even, Rounding::min_mag, Rounding::stochastic}) {
      for (const BulkKernel kernel : kernels_for(f, mode, sizeof(T) == 4)) {
        std::vector<T> separate(in.size());
        std::vector<T> in_place = in;
        gn::RoundingContext a{mode, {}, gn::SplitMix64{5}};
        gn::RoundingContext b{mode, {}, gn::SplitMix64{5}};
        const Flags fa = gn::detail::round_array_with(kernel, f, std::span<const T>(in), std::span<T>(separate), a);
        const Flags fb =
            gn::detail::round_array_with(kernel, f, std::span<const T>(in_place), std::span<T>(in_place), b);
        BOOST_TEST(std::equal(separate.begin(), separate.end(), in_place.begin(),
                              [](T x, T y) { return bits(x) == bits(y); }),
                   kernel_name(kernel) << " " << gn::to_string(mode));
        BOOST_TEST(fa.bits == fb.bits);
      }
    }
  };
  check(0.0f, gn::formats::fp16);
  check(0.0f, gn::formats::bf16);
  check(0.0, gn::formats::e5m2);
}

// NaN keeps its sign and payload with the quiet bit set, on every kernel.
BOOST_AUTO_TEST_CASE(nan_is_kept_and_quieted) {
  const std::vector<float> in{from_bits<float>(0x7F800001u), from_bits<float>(0xFFA00000u),
                              from_bits<float>(0x7FC12345u)};
  const std::vector<std::uint32_t> want{0x7FC00001u, 0xFFE00000u, 0x7FC12345u};
  for (const BulkKernel kernel : kernels_for(gn::formats::fp16, Rounding::near_even, true)) {
    std::vector<float> out(in.size());
    gn::RoundingContext ctx;
    const Flags flags = gn::detail::round_array_with(kernel, gn::formats::fp16, std::span<const float>(in),
                                                     std::span<float>(out), ctx);
    for (std::size_t i = 0; i < in.size(); ++i) BOOST_TEST(bits(out[i]) == want[i], kernel_name(kernel));
    BOOST_TEST(flags.bits == 0);
  }
}

#if GLASSES_TEST_X86
// Sets MXCSR's denormals-are-zero and flush-to-zero bits for its lifetime.
class DenormalsFlushed {
 public:
  DenormalsFlushed() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | (1u << 6) | (1u << 15)); }
  ~DenormalsFlushed() { _mm_setcsr(saved_); }
  DenormalsFlushed(const DenormalsFlushed&) = delete;
  DenormalsFlushed& operator=(const DenormalsFlushed&) = delete;

 private:
  unsigned saved_;
};

// The integer kernels do not read MXCSR; the F16C conversion (which would flush
// subnormals) is not chosen while DAZ or FTZ is set.
BOOST_AUTO_TEST_CASE(results_do_not_depend_on_daz_or_ftz) {
  std::vector<float> in = random_inputs<float>(gn::formats::fp16, 31, 1 << 16);
  for (int i = 0; i < 64; ++i) in.push_back(std::ldexp(static_cast<float>(i + 1), -24 - (i % 8)));
  in.push_back(std::numeric_limits<float>::denorm_min());
  for (const Format& f : {gn::formats::fp16, gn::formats::bf16}) {
    std::vector<float> want;
    std::vector<std::uint8_t> want_flags;
    gn::RoundingContext ref;
    scalar_reference(f, ref, in, want, want_flags);  // before flushing: the reference uses doubles
    std::vector<float> got(in.size());
    Flags flags;
    {
      const DenormalsFlushed flushed;
      flags = gn::round_array(f, Rounding::near_even, std::span<const float>(in), std::span<float>(got));
    }
    std::uint8_t want_or = 0;
    long bad = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      want_or = static_cast<std::uint8_t>(want_or | want_flags[i]);
      if (!same_value(got[i], want[i])) ++bad;
    }
    BOOST_TEST(bad == 0);
    BOOST_TEST(flags.bits == want_or);
  }
}
#endif

// A Highway kernel (bulk_round_hwy.cpp) on every target this binary holds
// and this CPU runs (simd.hpp), with and without flags, against the scalar
// reference on `in`, at lengths that leave every tail; `tiny_below` is the
// plan's tininess threshold, checked against the reference by the caller.
template <class Kernel>
void check_simd_kernel_on_every_target(const Format& f, Kernel kernel, std::uint32_t tiny_below,
                                       const std::vector<float>& in) {
  std::vector<float> want;
  std::vector<std::uint8_t> want_flags;
  gn::RoundingContext ctx;
  scalar_reference(f, ctx, in, want, want_flags);
  for (const gn::simd::Target t : gn::simd::available()) {
    for (const std::size_t n : {in.size(), std::size_t{1}, std::size_t{17}, std::size_t{63}}) {
      std::vector<float> got(n);
      const std::uint8_t flags = kernel(t, in.data(), got.data(), n, tiny_below, true);
      std::vector<float> silent_got(n);
      const std::uint8_t silent = kernel(t, in.data(), silent_got.data(), n, tiny_below, false);
      Mismatches bad(gn::to_string(f) + " on " + gn::simd::to_string(t) + ", n = " + std::to_string(n));
      std::uint8_t want_or = 0;
      for (std::size_t i = 0; i < n; ++i) {
        want_or = static_cast<std::uint8_t>(want_or | want_flags[i]);
        if (!same_value(got[i], want[i])) bad.add(describe(in[i]) + " -> " + describe(got[i]));
        if (bits(silent_got[i]) != bits(got[i])) bad.add("without flags: " + describe(in[i]));
      }
      if (flags != want_or || silent != 0) bad.add("flags " + hex(flags, 2) + ", scalar OR " + hex(want_or, 2));
    }
  }
  // round_array_values: the same values as round_array.
  std::vector<float> values(in.size()), with_flags(in.size());
  gn::round_array_values(f, Rounding::near_even, std::span<const float>(in), std::span<float>(values));
  gn::round_array(f, Rounding::near_even, std::span<const float>(in), std::span<float>(with_flags));
  Mismatches bad("round_array_values " + gn::to_string(f));
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!same_value(values[i], with_flags[i])) bad.add(describe(in[i]) + " -> " + describe(values[i]));
  }
}

// bf16: every sign and exponent with the low halves that decide ties, NaN
// and infinity payloads.
BOOST_AUTO_TEST_CASE(bf16_kernel_on_every_target_equals_scalar) {
  std::vector<float> in;
  const std::uint32_t lows[] = {0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x5A5A, 0x1234};
  for (std::uint32_t high = 0; high <= 0xFFFF; ++high) {
    for (const std::uint32_t low : lows) in.push_back(from_bits<float>((high << 16) | low));
  }
  gn::RoundingContext ctx;
  const auto plan_tiny = from_bits<float>(0x007F8000u);  // (2^9 - 1) 2^-135: tiny below this
  BOOST_TEST(gn::round(gn::formats::bf16, static_cast<double>(plan_tiny), ctx) == std::ldexp(1.0, -126));
  check_simd_kernel_on_every_target(gn::formats::bf16, &gn::detail::simd_round_bf16, 0x007F8000u, in);
}

// The bf16 kernel without flags rounds blocks of four vectors without NaN
// by a shorter sequence: one NaN (signalling, with a payload in the low
// half) at every position of such a block, and an infinity pair whose sum
// is NaN, on every target. NaN must come out as itself with the quiet bit
// set, the rest as the scalar reference rounds it.
BOOST_AUTO_TEST_CASE(bf16_kernel_nan_at_every_block_position) {
  constexpr std::size_t kBlock = 4 * 64 / sizeof(float);  // four 512-bit vectors, the widest
  std::vector<float> base;
  for (std::size_t i = 0; i < 2 * kBlock; ++i) {
    // Ties, halfway-above and -below and exact values, both signs.
    const std::uint32_t lows[] = {0x8000, 0x8001, 0x7FFF, 0x0000};
    base.push_back(from_bits<float>(static_cast<std::uint32_t>(((i % 2) << 31) | ((0x3F80 + i) << 16) | lows[i % 4])));
  }
  const float snan = from_bits<float>(0xFF80'1234u);
  std::vector<float> want;
  std::vector<std::uint8_t> want_flags;
  gn::RoundingContext ctx;
  scalar_reference(gn::formats::bf16, ctx, base, want, want_flags);
  for (const gn::simd::Target t : gn::simd::available()) {
    Mismatches bad("bf16 NaN positions on " + gn::simd::to_string(t));
    for (std::size_t p = 0; p <= base.size(); ++p) {
      std::vector<float> in = base;
      if (p < base.size()) {
        in[p] = snan;
      } else {  // inf + -inf = NaN in the block check, no NaN input
        in[0] = std::numeric_limits<float>::infinity();
        in[1] = -std::numeric_limits<float>::infinity();
      }
      std::vector<float> got(in.size());
      gn::detail::simd_round_bf16(t, in.data(), got.data(), in.size(), 0x007F8000u, false);
      for (std::size_t i = 0; i < in.size(); ++i) {
        const std::uint32_t expect = i == p ? 0xFFC0'1234u
                                     : p == base.size() && i < 2 ? bits(in[i])
                                                                  : bits(want[i]);
        if (bits(got[i]) != expect) bad.add("NaN at " + std::to_string(p) + ": " + describe(in[i]) + " -> " + describe(got[i]));
      }
    }
  }
}

// fp16: every sign and binary32 exponent field with the dropped bits that
// decide ties at every k from 13 (normal) to 23 (2^-24), and the carriers'
// patterns around every fp16 value's tie, near the subnormal, normal and
// overflow boundaries; NaN and infinity payloads.
BOOST_AUTO_TEST_CASE(fp16_kernel_on_every_target_equals_scalar) {
  std::vector<float> in;
  for (std::uint32_t sign_exponent = 0; sign_exponent < 512; ++sign_exponent) {
    const std::uint32_t high = sign_exponent << 23;
    for (int k = 12; k <= 24; ++k) {
      const std::uint32_t half = std::uint32_t{1} << (k - 1);
      for (const std::uint32_t low : {0u, 1u, half - 1, half, half + 1, 2 * half - 1, 2 * half, 3 * half,
                                      3 * half - 1, 3 * half + 1, 0x007FFFFFu, 0x00400000u, 0x0055AA33u}) {
        in.push_back(from_bits<float>(high | (low & 0x007FFFFFu)));
      }
    }
  }
  // Every fp16 magnitude pattern's binary32 value, the midpoints to its
  // neighbours and one carrier ulp either side of them (ties both ways).
  for (std::uint32_t h = 0; h < 0x7C00; ++h) {
    const double value = h < 0x400 ? std::ldexp(h, -24) : std::ldexp(1024 + (h & 0x3FF), (static_cast<int>(h >> 10)) - 25);
    const double next_ulp = h < 0x400 ? std::ldexp(1.0, -24) : std::ldexp(1.0, static_cast<int>(h >> 10) - 25);
    const auto mid = static_cast<float>(value + next_ulp / 2);
    for (const float x : {static_cast<float>(value), mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY)}) {
      in.push_back(x);
      in.push_back(-x);
    }
  }
  gn::RoundingContext ctx;
  // The plan's threshold: (2^12 - 1) 2^-26, the last value not reaching 2^-14
  // with 11 bits and unbounded exponent is tiny; it itself rounds to 2^-14.
  const auto plan_tiny = from_bits<float>(0x387FF000u);
  BOOST_TEST(static_cast<double>(plan_tiny) == std::ldexp(4095.0, -26));
  BOOST_TEST(gn::round(gn::formats::fp16, static_cast<double>(plan_tiny), ctx) == std::ldexp(1.0, -14));
  BOOST_TEST(ctx.flags.bits == Flags::inexact);
  ctx.flags = Flags{};
  BOOST_TEST(gn::round(gn::formats::fp16, static_cast<double>(std::nextafter(plan_tiny, 0.0f)), ctx) ==
             std::ldexp(1.0, -14));
  BOOST_TEST(ctx.flags.bits == (Flags::inexact | Flags::underflow));
  // Integer operations, and the F16C conversion where the target has it
  // (elsewhere `hardware` is ignored: the same integer kernel again).
  for (const bool hardware : {false, true}) {
    BOOST_TEST_CONTEXT("hardware " << hardware) {
      check_simd_kernel_on_every_target(
          gn::formats::fp16,
          [hardware](gn::simd::Target t, const float* x, float* y, std::size_t n, std::uint32_t tiny, bool flags) {
            return gn::detail::simd_round_fp16(t, x, y, n, tiny, flags, hardware);
          },
          0x387FF000u, in);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_what_it_cannot_do) {
  std::vector<float> f(4), g(4);
  std::vector<double> d(4), e(4);
  auto message_names = [](const std::string& needle) {
    return [needle](const glasses::InputError& error) {
      return std::string(error.what()).find(needle) != std::string::npos;
    };
  };
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::fp64, Rounding::near_even, f, g), glasses::InputError,
                        message_names("fp64"));
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::mpfr(24), Rounding::near_even, f, g), glasses::InputError,
                        message_names("mpfr:24"));
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::mpfr(64), Rounding::near_even, d, e), glasses::InputError,
                        message_names("mpfr:64"));
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::fp16, Rounding::stochastic, f, g), glasses::InputError,
                        message_names("seed"));
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::fp16, Rounding::near_even, std::span<const float>(f),
                                        std::span<float>(g.data(), 3)),
                        glasses::InputError, message_names("elements"));
  BOOST_CHECK_EXCEPTION(gn::round_array(gn::formats::fp16, Rounding::near_even, std::span<const float>(f.data(), 3),
                                        std::span<float>(f.data() + 1, 3)),
                        glasses::InputError, message_names("overlap"));
  gn::RoundingContext ctx;
  BOOST_CHECK_EXCEPTION(gn::detail::round_array_with(BulkKernel::simd_fp16, gn::formats::bf16,
                                                     std::span<const float>(f), std::span<float>(g), ctx),
                        glasses::InputError, message_names("simd_fp16"));
  // Exact aliasing is allowed.
  BOOST_CHECK_NO_THROW(gn::round_array(gn::formats::fp16, Rounding::near_even, std::span<const float>(f),
                                       std::span<float>(f)));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Exhaustive: every binary32 bit pattern.

namespace {

// The scalar reference with the format a compile-time constant, fully
// inlined so that max_finite(f) folds: the same code, about twice as fast.
template <const Format& F>
[[gnu::flatten]] void reference_block(const float* in, float* out, std::uint8_t* flags, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    gn::RoundingContext ctx;
    out[i] = static_cast<float>(gn::round(F, static_cast<double>(in[i]), ctx));
    flags[i] = ctx.flags.bits;
  }
}

#if GLASSES_TEST_X86
// The F16C conversion to binary16 and back, round to nearest even; n is a
// multiple of 8.
__attribute__((target("avx,f16c"))) void f16c_block(const float* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
  }
}
#endif

struct SweepTally {
  std::vector<long> mismatches;            // per compared kernel
  std::vector<std::string> examples;       // the first few, any kernel
  long hardware_mismatches = 0;
  long integer_mismatches = 0;             // fp16: the Highway kernel without F16C
  std::uint8_t integer_or = 0;
  std::uint8_t reference_or = 0;
  std::vector<std::uint8_t> returned_or;   // per kernel
};

// All 2^32 inputs in chunks, on two threads: every kernel against the scalar
// reference evaluated on every input (values bit for bit, NaN as NaN; each
// element's flags; the returned OR), and for fp16 the F16C hardware against
// the reference.
template <const Format& F>
void sweep_all_binary32(const char* name) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<BulkKernel> kernels = kernels_for(F, Rounding::near_even, true);
#if GLASSES_TEST_X86
  const bool hardware = &F == &gn::formats::fp16 && __builtin_cpu_supports("f16c");
#else
  const bool hardware = false;
#endif
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  constexpr std::uint64_t kChunks = (std::uint64_t{1} << 32) / kChunk;
  std::atomic<std::uint64_t> next{0};
  std::mutex merge;
  SweepTally total;
  total.mismatches.assign(kernels.size(), 0);
  total.returned_or.assign(kernels.size(), 0);

  auto worker = [&] {
    SweepTally tally;
    tally.mismatches.assign(kernels.size(), 0);
    tally.returned_or.assign(kernels.size(), 0);
    std::vector<float> in(kChunk), want(kChunk), got(kChunk), hw(kChunk);
    std::vector<std::uint8_t> want_flags(kChunk), got_flags(kChunk);
    auto note = [&](const std::string& example) {
      if (tally.examples.size() < 16) tally.examples.push_back(example);
    };
    for (std::uint64_t c = next++; c < kChunks; c = next++) {
      const auto first = static_cast<std::uint32_t>(c * kChunk);
      for (std::size_t i = 0; i < kChunk; ++i) in[i] = from_bits<float>(first + static_cast<std::uint32_t>(i));
      reference_block<F>(in.data(), want.data(), want_flags.data(), kChunk);
      for (std::size_t i = 0; i < kChunk; ++i) {
        tally.reference_or = static_cast<std::uint8_t>(tally.reference_or | want_flags[i]);
      }
      for (std::size_t k = 0; k < kernels.size(); ++k) {
        gn::RoundingContext ctx;
        const Flags returned = gn::detail::round_array_with(kernels[k], F, std::span<const float>(in),
                                                            std::span<float>(got), ctx,
                                                            std::span<std::uint8_t>(got_flags));
        tally.returned_or[k] = static_cast<std::uint8_t>(tally.returned_or[k] | returned.bits);
        // Identical bytes (NaN included) is the common case; look closer otherwise.
        if (std::memcmp(got.data(), want.data(), kChunk * sizeof(float)) == 0 &&
            std::memcmp(got_flags.data(), want_flags.data(), kChunk) == 0) {
          continue;
        }
        for (std::size_t i = 0; i < kChunk; ++i) {
          if ((!same_value(got[i], want[i]) || got_flags[i] != want_flags[i]) && tally.mismatches[k]++ < 4) {
            note(std::string(kernel_name(kernels[k])) + ": input " + describe(in[i]) + " got " + describe(got[i]) +
                 " flags " + hex(got_flags[i], 2) + ", scalar " + describe(want[i]) + " flags " +
                 hex(want_flags[i], 2));
          }
        }
      }
      if (&F == &gn::formats::fp16) {  // the integer variant, which non-x86 targets run
        const gn::simd::Target target = gn::simd::available().front();
        tally.integer_or = static_cast<std::uint8_t>(
            tally.integer_or | gn::detail::simd_round_fp16(target, in.data(), got.data(), kChunk, 0x387FF000u,
                                                           true, false));
        if (std::memcmp(got.data(), want.data(), kChunk * sizeof(float)) != 0) {
          for (std::size_t i = 0; i < kChunk; ++i) {
            if (!same_value(got[i], want[i]) && tally.integer_mismatches++ < 4) {
              note("simd_fp16 integer: input " + describe(in[i]) + " got " + describe(got[i]) + ", scalar " +
                   describe(want[i]));
            }
          }
        }
      }
#if GLASSES_TEST_X86
      if (hardware) {
        f16c_block(in.data(), hw.data(), kChunk);
        if (std::memcmp(hw.data(), want.data(), kChunk * sizeof(float)) != 0) {
          for (std::size_t i = 0; i < kChunk; ++i) {
            if (!same_value(hw[i], want[i]) && tally.hardware_mismatches++ < 4) {
              note("F16C hardware: input " + describe(in[i]) + " gives " + describe(hw[i]) + ", scalar " +
                   describe(want[i]));
            }
          }
        }
      }
#endif
    }
    const std::lock_guard<std::mutex> lock(merge);
    for (std::size_t k = 0; k < kernels.size(); ++k) {
      total.mismatches[k] += tally.mismatches[k];
      total.returned_or[k] = static_cast<std::uint8_t>(total.returned_or[k] | tally.returned_or[k]);
    }
    total.hardware_mismatches += tally.hardware_mismatches;
    total.integer_mismatches += tally.integer_mismatches;
    total.integer_or = static_cast<std::uint8_t>(total.integer_or | tally.integer_or);
    total.reference_or = static_cast<std::uint8_t>(total.reference_or | tally.reference_or);
    total.examples.insert(total.examples.end(), tally.examples.begin(), tally.examples.end());
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  for (const auto& example : total.examples) BOOST_TEST_MESSAGE(name << ": " << example);
  for (std::size_t k = 0; k < kernels.size(); ++k) {
    BOOST_TEST(total.mismatches[k] == 0, name << " kernel " << kernel_name(kernels[k]) << ": "
                                              << total.mismatches[k] << " of 2^32 inputs differ from the scalar reference");
    BOOST_TEST(total.returned_or[k] == total.reference_or, name << " kernel " << kernel_name(kernels[k])
                                                                << ": OR of returned flags");
  }
  if (&F == &gn::formats::fp16) {
    BOOST_TEST(total.integer_mismatches == 0, name << ": the integer simd_fp16 kernel differs on "
                                                   << total.integer_mismatches << " inputs");
    BOOST_TEST(total.integer_or == total.reference_or, name << ": integer simd_fp16 kernel: OR of flags");
  }
  if (hardware) {
    BOOST_TEST(total.hardware_mismatches == 0,
               name << ": F16C hardware differs from the scalar reference on " << total.hardware_mismatches << " inputs");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(name << ": 2^32 inputs, " << kernels.size() << " kernels" << (hardware ? " + F16C hardware" : "")
                          << ", " << threads << " threads, " << seconds << " s");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bulk_round_exhaustive, *boost::unit_test::label("exhaustive"))

BOOST_AUTO_TEST_CASE(fp16_near_even_all_binary32_inputs) { sweep_all_binary32<gn::formats::fp16>("fp16"); }

BOOST_AUTO_TEST_CASE(bf16_near_even_all_binary32_inputs) { sweep_all_binary32<gn::formats::bf16>("bf16"); }

BOOST_AUTO_TEST_SUITE_END()

// The AVX-512 kernel on its own, so that a machine without it reports this
// suite as skipped instead of passing the suites above with one kernel less.
BOOST_AUTO_TEST_SUITE(bulk_round_avx512, *boost::unit_test::precondition(avx512_kernel_available))

BOOST_AUTO_TEST_CASE(avx512_kernel_matches_scalar_in_every_format_and_mode) {
  check_all_formats_and_modes<float>("binary32", BulkKernel::avx512);
  check_all_formats_and_modes<double>("binary64", BulkKernel::avx512);
}

BOOST_AUTO_TEST_SUITE_END()
