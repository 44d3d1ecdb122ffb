// Tests of mpfr.hpp: Mpfr<Bits> and MpfrReal.
//
// References are independent of the code under test: native binary64 and
// binary32 arithmetic (bit for bit), raw MPFR calls on mpfr_t values set up
// by hand, and hand-derived constants. Random inputs come from
// std::mt19937_64 with fixed seeds; doubles are built from random bits.
#include <gmp.h>
#include <mpfr.h>

#include <array>
#include <bit>
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace {

using glasses::InputError;
using glasses::numerics::Mpfr;
using glasses::numerics::MpfrReal;

// ---- the bad constructions do not compile ---------------------------------
static_assert(!std::is_constructible_v<MpfrReal, double>, "MpfrReal(1.0) must not compile");
static_assert(!std::is_constructible_v<MpfrReal, int>, "MpfrReal(1) must not compile");
static_assert(!std::is_constructible_v<MpfrReal, long>, "MpfrReal(1L) must not compile");
static_assert(!std::is_convertible_v<double, MpfrReal>, "MpfrReal x = 1.0 must not compile");
static_assert(!std::is_convertible_v<int, MpfrReal>, "MpfrReal x = 1 must not compile");
static_assert(std::is_constructible_v<MpfrReal, double, long>);
static_assert(std::is_constructible_v<MpfrReal, int, int>);  // MpfrReal(1, 53) is not ambiguous
static_assert(!std::is_convertible_v<double, Mpfr<53>>, "Mpfr<53> x = 1.0 must not compile");
static_assert(!std::is_convertible_v<Mpfr<53>, double>, "no implicit conversion to double");
static_assert(!std::is_convertible_v<MpfrReal, double>, "no implicit conversion to double");
static_assert(std::is_nothrow_move_constructible_v<MpfrReal>);
static_assert(std::is_nothrow_move_assignable_v<MpfrReal>);
static_assert(std::is_nothrow_move_constructible_v<Mpfr<256>>);
static_assert(std::is_nothrow_default_constructible_v<MpfrReal>);
// Mixed precisions do not mix: Mpfr<53> + Mpfr<113> is not an operation.
static_assert(!std::is_invocable_v<std::plus<>, Mpfr<53>, Mpfr<113>>);
static_assert(!std::is_invocable_v<std::plus<>, Mpfr<53>, double>);
static_assert(!std::is_invocable_v<std::plus<>, MpfrReal, double>);

// RAII for a raw mpfr_t: the independent reference.
struct RawMpfr {
  mpfr_t v;
  explicit RawMpfr(mpfr_prec_t prec) { mpfr_init2(v, prec); }
  ~RawMpfr() { mpfr_clear(v); }
  RawMpfr(const RawMpfr&) = delete;
  RawMpfr& operator=(const RawMpfr&) = delete;
};

// Same value (NaN matches NaN) and same sign (so -0 differs from +0).
bool same_value(mpfr_srcptr a, mpfr_srcptr b) {
  if (mpfr_nan_p(a) || mpfr_nan_p(b)) return mpfr_nan_p(a) && mpfr_nan_p(b);
  return mpfr_equal_p(a, b) != 0 && mpfr_signbit(a) == mpfr_signbit(b);
}

std::uint64_t bits_of(double x) { return std::bit_cast<std::uint64_t>(x); }

// A double exactly, in C99 hex notation, for failure messages.
std::string hex(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%a", x);
  return buffer;
}
std::uint32_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }

// A normal double with a random sign, 52 random trailing bits and an
// exponent in [emin, emax]: exact by construction (ldexp of an integer).
double random_double(std::mt19937_64& rng, int emin, int emax) {
  const std::uint64_t bits = rng();
  const double significand =
      static_cast<double>((bits & 0x000F'FFFF'FFFF'FFFFull) | 0x0010'0000'0000'0000ull);
  const int e = emin + static_cast<int>(rng() % static_cast<std::uint64_t>(emax - emin + 1));
  const double x = std::ldexp(significand, e - 52);
  return (bits >> 63) != 0 ? -x : x;
}

float random_float(std::mt19937_64& rng, int emin, int emax) {
  const std::uint64_t bits = rng();
  const float significand = static_cast<float>((bits & 0x7F'FFFFu) | 0x80'0000u);
  const int e = emin + static_cast<int>(rng() % static_cast<std::uint64_t>(emax - emin + 1));
  const float x = std::ldexp(significand, e - 23);
  return (bits >> 63) != 0 ? -x : x;
}

// A random value of exactly `prec` random bits in [2^lo_exp, 2^hi_exp)
// magnitude, random sign, built with raw MPFR (independent of the wrappers).
void random_mpfr(mpfr_ptr x, std::mt19937_64& rng, int lo_exp, int hi_exp, bool positive = false) {
  const mpfr_prec_t prec = mpfr_get_prec(x);
  mpz_t m;
  mpz_init(m);
  mpz_set_ui(m, 1);
  for (mpfr_prec_t i = 1; i < prec; ++i) {
    mpz_mul_2exp(m, m, 1);
    if ((rng() & 1) != 0) mpz_add_ui(m, m, 1);
  }
  mpfr_set_z(x, m, MPFR_RNDN);  // exact: m has prec bits
  mpz_clear(m);
  const long e = lo_exp + static_cast<long>(rng() % static_cast<std::uint64_t>(hi_exp - lo_exp));
  mpfr_mul_2si(x, x, e - prec + 1, MPFR_RNDN);
  if (!positive && (rng() & 1) != 0) mpfr_neg(x, x, MPFR_RNDN);
}

// ---- counting GMP allocations (MPFR allocates through GMP's functions) ----
std::size_t g_allocations = 0;
void* (*g_alloc)(std::size_t) = nullptr;
void* (*g_realloc)(void*, std::size_t, std::size_t) = nullptr;
void (*g_free)(void*, std::size_t) = nullptr;
void* counting_alloc(std::size_t n) {
  ++g_allocations;
  return g_alloc(n);
}
void* counting_realloc(void* p, std::size_t old_size, std::size_t new_size) {
  ++g_allocations;
  return g_realloc(p, old_size, new_size);
}

// Counts allocations and reallocations for its lifetime.
class AllocationCounter {
 public:
  AllocationCounter() {
    mp_get_memory_functions(&g_alloc, &g_realloc, &g_free);
    mp_set_memory_functions(counting_alloc, counting_realloc, g_free);
    g_allocations = 0;
  }
  ~AllocationCounter() { mp_set_memory_functions(g_alloc, g_realloc, g_free); }
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;
  std::size_t count() const { return g_allocations; }
};

template <class T>
bool points_inside(const T& object) {
  const auto* begin = reinterpret_cast<const unsigned char*>(&object);
  const auto* d = static_cast<const unsigned char*>(mpfr_custom_get_significand(object.data()));
  return d >= begin && d < begin + sizeof(T);
}

using FixedPrecisions = boost::mpl::list<Mpfr<24>, Mpfr<53>, Mpfr<113>, Mpfr<256>, Mpfr<1000>>;

}  // namespace

BOOST_AUTO_TEST_SUITE(mpfr)

BOOST_AUTO_TEST_CASE_TEMPLATE(fixed_precision_is_exactly_bits_for_every_result, T,
                              FixedPrecisions) {
  const long bits = T::bits;
  const T a = T::from_ratio(1, 3);
  const T b(2.5);
  const T c(-7L);
  const std::vector<std::pair<const char*, T>> results = {
      {"T()", T()},
      {"T(float)", T(0.1f)},
      {"T(int)", T(3)},
      {"from_string", T::from_string("0.1")},
      {"a+b", a + b},
      {"a-b", a - b},
      {"a*b", a * b},
      {"a/b", a / b},
      {"-a", -a},
      {"+a", +a},
      {"sqrt", sqrt(b)},
      {"rsqrt", rsqrt(b)},
      {"exp", exp(a)},
      {"log", log(b)},
      {"tanh", tanh(a)},
      {"erf", erf(a)},
      {"sin", sin(a)},
      {"cos", cos(a)},
      {"pow", pow(b, a)},
      {"fma", fma(a, b, c)},
      {"abs", abs(c)},
      {"fabs", fabs(c)},
      {"max", max(a, b)},
      {"min", min(a, b)},
      {"ldexp", ldexp(a, 5)},
  };
  for (const auto& [name, value] : results) {
    BOOST_TEST(mpfr_get_prec(value.data()) == bits, name);
    BOOST_TEST(value.precision() == bits, name);
  }
  T x = a;
  x += b;
  x -= c;
  x *= a;
  x /= b;
  BOOST_TEST(mpfr_get_prec(x.data()) == bits);
  T copied(x);
  T moved(std::move(copied));
  T assigned;
  assigned = moved;
  T move_assigned;
  move_assigned = std::move(assigned);
  for (const T* v : {&copied, &moved, &assigned, &move_assigned}) {
    BOOST_TEST(mpfr_get_prec(v->data()) == bits);
    BOOST_TEST(points_inside(*v));
  }
  BOOST_TEST(mpfr_equal_p(move_assigned.data(), x.data()) != 0);
}

BOOST_AUTO_TEST_CASE(fixed_precision_keeps_its_limbs_inside_the_object) {
  // 256 bits = 4 limbs of 64 bits, stored in the object after the mpfr struct.
  static_assert(sizeof(Mpfr<256>) >= sizeof(mpfr_t) + 4 * sizeof(mp_limb_t));
  static_assert(sizeof(Mpfr<256>) == sizeof(mpfr_t) + 4 * sizeof(mp_limb_t));
  static_assert(sizeof(Mpfr<1000>) == sizeof(mpfr_t) + 16 * sizeof(mp_limb_t));
  const Mpfr<256> a = Mpfr<256>::from_ratio(2, 3);
  const Mpfr<256> copy(a);
  BOOST_TEST(points_inside(a));
  BOOST_TEST(points_inside(copy));
  BOOST_TEST(mpfr_custom_get_significand(copy.data()) != mpfr_custom_get_significand(a.data()));
  BOOST_TEST(mpfr_equal_p(copy.data(), a.data()) != 0);
  std::vector<Mpfr<256>> grown;
  for (int i = 0; i < 100; ++i) grown.emplace_back(i);  // reallocations move the elements
  for (int i = 0; i < 100; ++i) {
    BOOST_TEST(points_inside(grown[static_cast<std::size_t>(i)]));
    BOOST_TEST(mpfr_cmp_si(grown[static_cast<std::size_t>(i)].data(), i) == 0);
  }
}

BOOST_AUTO_TEST_CASE(fixed_precision_never_allocates) {
  std::mt19937_64 rng(11);
  std::vector<Mpfr<256>> a(64);
  std::vector<Mpfr<256>> b(64);
  for (std::size_t i = 0; i < a.size(); ++i) {
    random_mpfr(a[i].data(), rng, -3, 3);
    random_mpfr(b[i].data(), rng, -3, 3);
  }
  std::size_t allocations = 0;
  {
    AllocationCounter counter;
    Mpfr<256> acc;
    for (std::size_t i = 0; i < a.size(); ++i) {
      acc += a[i] * b[i];
      acc = acc - a[i] / b[i];
      acc = fma(a[i], b[i], acc);
      Mpfr<256> copy(acc);
      acc = std::move(copy);
    }
    allocations = counter.count();
  }
  BOOST_TEST(allocations == 0u);
}

BOOST_AUTO_TEST_CASE(mpfr_real_in_place_ops_do_not_allocate_at_equal_precision) {
  std::mt19937_64 rng(12);
  const long prec = 256;
  std::vector<MpfrReal> a;
  std::vector<MpfrReal> b;
  for (int i = 0; i < 64; ++i) {
    a.emplace_back(0L, prec);
    b.emplace_back(0L, prec);
    random_mpfr(a.back().data(), rng, -3, 3);
    random_mpfr(b.back().data(), rng, -3, 3);
  }
  MpfrReal acc(0L, prec);
  MpfrReal tmp(0L, prec);
  std::size_t in_place = 0;
  std::size_t operators = 0;
  {
    AllocationCounter counter;
    for (std::size_t i = 0; i < a.size(); ++i) {
      tmp = a[i];  // the kernels' style: assign, then compound operations
      tmp *= b[i];
      acc += tmp;
      tmp = b[i];
      tmp /= a[i];
      acc -= tmp;
    }
    in_place = counter.count();
  }
  {
    AllocationCounter counter;
    for (std::size_t i = 0; i < a.size(); ++i) acc = acc + a[i] * b[i];
    operators = counter.count();
  }
  BOOST_TEST(in_place == 0u);
  // Each binary operator result of 256 bits is one allocation (two per
  // iteration); the move assignment steals the storage.
  BOOST_TEST(operators == 2 * a.size());

  // Up to 64 bits the significand lives in the object: no allocation at all.
  const MpfrReal x(0.75, 53);
  const MpfrReal y(1.5, 53);
  std::size_t narrow = 0;
  {
    AllocationCounter counter;
    MpfrReal z = x * y + x / y;
    z = sqrt(z);
    MpfrReal nothing;
    narrow = counter.count();
  }
  BOOST_TEST(narrow == 0u);
}

// MPFR at 53 bits, rounding to nearest, is binary64 in the normal range.
BOOST_AUTO_TEST_CASE(mpfr53_is_binary64_bit_for_bit) {
  std::mt19937_64 rng(20240611);
  constexpr int kPairs = 100'000;
  int failures = 0;
  std::string first_failure;
  auto check = [&](const char* op, double a, double b, const Mpfr<53>& got, double expected) {
    if (bits_of(got.to_double()) != bits_of(expected)) {
      if (failures++ == 0) {
        first_failure = std::string(op) + " a=" + hex(a) + " b=" + hex(b);
      }
    }
  };
  for (int i = 0; i < kPairs; ++i) {
    // Exponents within +-500: products, quotients and fma stay normal.
    const double a = random_double(rng, -500, 500);
    const double b = random_double(rng, -500, 500);
    const double c = random_double(rng, -500, 500);
    const Mpfr<53> ma(a);
    const Mpfr<53> mb(b);
    const Mpfr<53> mc(c);
    check("+", a, b, ma + mb, a + b);
    check("-", a, b, ma - mb, a - b);
    check("*", a, b, ma * mb, a * b);
    check("/", a, b, ma / mb, a / b);
    check("sqrt", a, b, sqrt(abs(ma)), std::sqrt(std::fabs(a)));
    check("fma", a, b, fma(ma, mb, mc), std::fma(a, b, c));
    // Close operands: cancellation (exact differences, exact zeros).
    const double near_a = std::nextafter(a, 0.0);
    check("- near", a, near_a, ma - Mpfr<53>(near_a), a - near_a);
    check("+ opposite", a, -a, ma + Mpfr<53>(-a), a + -a);
  }
  BOOST_TEST(failures == 0, "first failure: " << first_failure);
}

// Mpfr<Bits>'s binary operators defer their MPFR call to the destination
// (MpfrDeferred): three-address code, results assigned to an operand, nested
// expressions and results kept in containers give binary64's bits, the
// rounding of each operation unchanged; a deferred result cannot be kept
// and used later.
static_assert(!std::is_convertible_v<decltype(std::declval<const Mpfr<53>&>() * std::declval<const Mpfr<53>&>())&,
                                     Mpfr<53>>,
              "a named deferred result (auto p = a * b) must not be usable");
static_assert(std::is_convertible_v<decltype(std::declval<const Mpfr<53>&>() * std::declval<const Mpfr<53>&>()),
                                    Mpfr<53>>);
BOOST_AUTO_TEST_CASE(mpfr53_deferred_results_are_binary64_bit_for_bit) {
  std::mt19937_64 rng(20261207);
  int failures = 0;
  std::string first_failure;
  auto check = [&](const char* what, const Mpfr<53>& got, double expected) {
    if (bits_of(got.to_double()) != bits_of(expected) && failures++ == 0) first_failure = what;
  };
  for (int i = 0; i < 20'000; ++i) {
    const double a = random_double(rng, -200, 200), b = random_double(rng, -200, 200);
    const double c = random_double(rng, -200, 200);
    const Mpfr<53> ma(a), mb(b), mc(c);
    Mpfr<53> t, r;
    t = ma * mb;  // assigned
    r = t + mc;
    check("t = a*b; r = t + c", r, a * b + c);  // -ffp-contract=off: two roundings
    const Mpfr<53> constructed = ma / mb - mc;  // nested, constructed
    check("a / b - c", constructed, a / b - c);
    Mpfr<53> x = ma, y = mb;
    x = x * y;  // the destination is an operand
    y = x - y;
    x = y / x;
    const double xd = (a * b - b) / (a * b);
    check("x = x*y; y = x - y; x = y/x", x, xd);
    std::vector<Mpfr<53>> kept;
    kept.push_back(ma * mb + mc * ma);
    check("(a*b) + (c*a) kept", kept.back(), a * b + c * a);
    check("a + b == b + a", (ma + mb == mb + ma) ? Mpfr<53>(1) : Mpfr<53>(0), 1.0);
  }
  BOOST_TEST(failures == 0, "first failure: " << first_failure);
}

// MPFR at 24 bits, rounding to nearest, is binary32 in the normal range.
BOOST_AUTO_TEST_CASE(mpfr24_is_binary32_bit_for_bit) {
  std::mt19937_64 rng(20240612);
  constexpr int kPairs = 100'000;
  int failures = 0;
  std::string first_failure;
  auto check = [&](const char* op, float a, float b, const Mpfr<24>& got, float expected) {
    const float value = mpfr_get_flt(got.data(), MPFR_RNDN);  // exact: 24-bit, in range
    if (bits_of(value) != bits_of(expected)) {
      if (failures++ == 0) {
        first_failure = std::string(op) + " a=" + hex(a) + " b=" + hex(b);
      }
    }
  };
  for (int i = 0; i < kPairs; ++i) {
    // Exponents within +-60: every result stays in binary32's normal range.
    const float a = random_float(rng, -60, 60);
    const float b = random_float(rng, -60, 60);
    const float c = random_float(rng, -60, 60);
    const Mpfr<24> ma(a);
    const Mpfr<24> mb(b);
    const Mpfr<24> mc(c);
    check("+", a, b, ma + mb, a + b);
    check("-", a, b, ma - mb, a - b);
    check("*", a, b, ma * mb, a * b);
    check("/", a, b, ma / mb, a / b);
    check("sqrt", a, b, sqrt(abs(ma)), std::sqrt(std::fabs(a)));
    check("fma", a, b, fma(ma, mb, mc), std::fma(a, b, c));
  }
  BOOST_TEST(failures == 0, "first failure: " << first_failure);
}

BOOST_AUTO_TEST_CASE(mpfr_real_results_take_the_largest_operand_precision) {
  const std::array<long, 8> precisions = {2, 24, 53, 64, 65, 113, 200, 1000};
  for (const long pa : precisions) {
    for (const long pb : precisions) {
      const MpfrReal a = MpfrReal::from_ratio(1, 3, pa);
      const MpfrReal b = MpfrReal::from_ratio(7, 5, pb);
      const MpfrReal c = MpfrReal::from_ratio(-2, 9, 24);
      const long both = std::max(pa, pb);
      const long all_three = std::max(both, 24L);
      const std::vector<std::pair<const char*, long>> expected = {
          {"a+b", (a + b).precision()},     {"a-b", (a - b).precision()},
          {"a*b", (a * b).precision()},     {"a/b", (a / b).precision()},
          {"pow", pow(b, a).precision()},   {"max", max(a, b).precision()},
          {"min", min(a, b).precision()},
      };
      for (const auto& [name, got] : expected) {
        BOOST_TEST(got == both, name << " pa=" << pa << " pb=" << pb);
      }
      BOOST_TEST(fma(a, b, c).precision() == all_three);
      BOOST_TEST(fma(c, b, a).precision() == all_three);
      // Unary functions keep their operand's precision (a = 1/3 > 0 is in
      // every domain).
      const std::vector<std::pair<const char*, MpfrReal>> unary = {
          {"-a", -a},      {"+a", +a},       {"sqrt", sqrt(a)}, {"rsqrt", rsqrt(a)},
          {"exp", exp(a)}, {"log", log(a)},  {"tanh", tanh(a)}, {"erf", erf(a)},
          {"sin", sin(a)}, {"cos", cos(a)},  {"abs", abs(a)},   {"fabs", fabs(a)},
          {"ldexp", ldexp(a, -3)},
      };
      for (const auto& [name, value] : unary) {
        BOOST_TEST(mpfr_get_prec(value.data()) == pa, name << " pa=" << pa);
      }

      // Compound operations raise a's precision to b's when b is wider,
      // exactly: the result equals the operator's, computed by raw MPFR.
      for (int op = 0; op < 4; ++op) {
        MpfrReal x = a;
        RawMpfr expected_value(both);
        switch (op) {
          case 0:
            x += b;
            mpfr_add(expected_value.v, a.data(), b.data(), MPFR_RNDN);
            break;
          case 1:
            x -= b;
            mpfr_sub(expected_value.v, a.data(), b.data(), MPFR_RNDN);
            break;
          case 2:
            x *= b;
            mpfr_mul(expected_value.v, a.data(), b.data(), MPFR_RNDN);
            break;
          default:
            x /= b;
            mpfr_div(expected_value.v, a.data(), b.data(), MPFR_RNDN);
            break;
        }
        BOOST_TEST(x.precision() == both, "op " << op << " pa=" << pa << " pb=" << pb);
        BOOST_TEST(same_value(x.data(), expected_value.v), "op " << op << " pa=" << pa
                                                                 << " pb=" << pb);
      }

      // Copies copy the precision exactly, also when narrowing.
      MpfrReal target = b;
      target = a;
      BOOST_TEST(target.precision() == pa);
      BOOST_TEST(same_value(target.data(), a.data()));
      const MpfrReal copied(b);
      BOOST_TEST(copied.precision() == pb);
      MpfrReal source = b;
      const MpfrReal moved(std::move(source));
      BOOST_TEST(moved.precision() == pb);
      BOOST_TEST(same_value(moved.data(), b.data()));
      BOOST_TEST(isnan(source));  // moved-from: "no value"
      BOOST_TEST(source.precision() == MPFR_PREC_MIN);
      MpfrReal move_target = a;
      move_target = MpfrReal(b);
      BOOST_TEST(move_target.precision() == pb);
      BOOST_TEST(same_value(move_target.data(), b.data()));
    }
  }
}

BOOST_AUTO_TEST_CASE(mpfr_real_widening_keeps_the_value_exactly) {
  // a at 53 bits (inline storage) += b at 200 bits: a is first widened to
  // 200 bits exactly, then the sum is rounded once at 200 bits.
  const MpfrReal a(0.1, 53);
  const MpfrReal b = MpfrReal::from_ratio(1, 3, 200);
  MpfrReal x = a;
  x += b;
  RawMpfr ref_a(53);
  mpfr_set_d(ref_a.v, 0.1, MPFR_RNDN);
  RawMpfr ref_b(200);
  mpfr_set_ui(ref_b.v, 1, MPFR_RNDN);
  mpfr_div_ui(ref_b.v, ref_b.v, 3, MPFR_RNDN);
  RawMpfr ref(200);
  mpfr_add(ref.v, ref_a.v, ref_b.v, MPFR_RNDN);
  BOOST_TEST(x.precision() == 200);
  BOOST_TEST(same_value(x.data(), ref.v));

  // Heap to wider heap, and aliasing: y *= y.
  MpfrReal y = MpfrReal::from_ratio(2, 3, 100);
  y *= y;
  RawMpfr ref_y(100);
  mpfr_set_ui(ref_y.v, 2, MPFR_RNDN);
  mpfr_div_ui(ref_y.v, ref_y.v, 3, MPFR_RNDN);
  mpfr_mul(ref_y.v, ref_y.v, ref_y.v, MPFR_RNDN);
  BOOST_TEST(same_value(y.data(), ref_y.v));
  y += MpfrReal::from_ratio(1, 7, 300);
  RawMpfr seventh(300);
  mpfr_set_ui(seventh.v, 1, MPFR_RNDN);
  mpfr_div_ui(seventh.v, seventh.v, 7, MPFR_RNDN);
  mpfr_prec_round(ref_y.v, 300, MPFR_RNDN);
  mpfr_add(ref_y.v, ref_y.v, seventh.v, MPFR_RNDN);
  BOOST_TEST(y.precision() == 300);
  BOOST_TEST(same_value(y.data(), ref_y.v));
}

BOOST_AUTO_TEST_CASE(conversions_match_raw_mpfr) {
  const MpfrReal third = MpfrReal::from_ratio(1, 3, 200);
  RawMpfr ref_third(200);
  RawMpfr one(200);
  RawMpfr three(200);
  mpfr_set_ui(one.v, 1, MPFR_RNDN);
  mpfr_set_ui(three.v, 3, MPFR_RNDN);
  mpfr_div(ref_third.v, one.v, three.v, MPFR_RNDN);
  BOOST_TEST(third.precision() == 200);
  BOOST_TEST(same_value(third.data(), ref_third.v));

  const MpfrReal tenth = MpfrReal::from_string("0.1", 100);
  RawMpfr ref_tenth(100);
  mpfr_set_str(ref_tenth.v, "0.1", 10, MPFR_RNDN);
  BOOST_TEST(tenth.precision() == 100);
  BOOST_TEST(same_value(tenth.data(), ref_tenth.v));

  const MpfrReal negative = MpfrReal::from_string("-2.5e-30", 64);
  RawMpfr ref_negative(64);
  mpfr_set_str(ref_negative.v, "-2.5e-30", 10, MPFR_RNDN);
  BOOST_TEST(same_value(negative.data(), ref_negative.v));

  // Extreme ratios: LONG_MIN / -1 = 2^63 exactly, fits with 2 bits.
  const MpfrReal big = MpfrReal::from_ratio(LONG_MIN, -1, 2);
  RawMpfr two63(2);
  mpfr_set_ui_2exp(two63.v, 1, 63, MPFR_RNDN);
  BOOST_TEST(same_value(big.data(), two63.v));

  // Mpfr<Bits>: 1/3 at 113 bits and "0.1" at 256 bits.
  const auto q = Mpfr<113>::from_ratio(1, 3);
  RawMpfr ref_q(113);
  mpfr_set_ui(ref_q.v, 1, MPFR_RNDN);
  mpfr_div_ui(ref_q.v, ref_q.v, 3, MPFR_RNDN);
  BOOST_TEST(same_value(q.data(), ref_q.v));
  const auto t = Mpfr<256>::from_string("0.1");
  RawMpfr ref_t(256);
  mpfr_set_str(ref_t.v, "0.1", 10, MPFR_RNDN);
  BOOST_TEST(same_value(t.data(), ref_t.v));

  // Construction from double rounds once: 0.1 (double) at 8 bits is
  // 0.10009765625 = 205/2048 (0.1 * 2048 = 204.8).
  const Mpfr<8> d(0.1);
  BOOST_TEST(d.to_double() == 205.0 / 2048.0);
  BOOST_TEST(MpfrReal(0.1, 8).to_double() == 205.0 / 2048.0);
  BOOST_TEST(Mpfr<53>(0.1).to_double() == 0.1);
  BOOST_TEST(static_cast<double>(Mpfr<53>(0.1)) == 0.1);
  // 2^53 + 1 as long rounds to even at 53 bits: 2^53.
  BOOST_TEST(Mpfr<53>((1L << 53) + 1).to_double() == 9007199254740992.0);
  // At 54 bits 2^53 + 1 is exact; to_double() then rounds it to even.
  BOOST_TEST(MpfrReal((1L << 53) + 1, 54).to_double() == 9007199254740992.0);
  BOOST_TEST(mpfr_cmp_si(MpfrReal((1L << 53) + 1, 54).data(), (1L << 53) + 1) == 0);
}

BOOST_AUTO_TEST_CASE(to_string_prints_significant_digits) {
  BOOST_TEST(Mpfr<53>(0.1).to_string(5) == "0.1");
  BOOST_TEST(Mpfr<53>(0.1).to_string(20) == "0.10000000000000000555");
  BOOST_TEST(MpfrReal::from_ratio(1, 3, 200).to_string(10) == "0.3333333333");
  BOOST_TEST(MpfrReal::from_ratio(-2, 3, 200).to_string(4) == "-0.6667");
  BOOST_TEST(Mpfr<113>(1.0e-30).to_string(3) == "1e-30");
  BOOST_TEST(MpfrReal().to_string(5) == "nan");
  BOOST_CHECK_THROW(static_cast<void>(Mpfr<53>(1.0).to_string(0)), InputError);
}

BOOST_AUTO_TEST_CASE(invalid_input_throws_input_error) {
  BOOST_CHECK_THROW(MpfrReal(1.0, 1), InputError);
  BOOST_CHECK_THROW(MpfrReal(1.0, 0), InputError);
  BOOST_CHECK_THROW(MpfrReal(1.0, -53), InputError);
  BOOST_CHECK_THROW(MpfrReal(1L, (1L << 16) + 1), InputError);
  BOOST_CHECK_NO_THROW(MpfrReal(1.0, 2));
  BOOST_CHECK_NO_THROW(MpfrReal(1.0, 1L << 16));
  BOOST_CHECK_THROW(MpfrReal::from_string("0.1", 1), InputError);
  BOOST_CHECK_THROW(MpfrReal::from_ratio(1, 3, 70000), InputError);
  // Messages name the offending input.
  const auto names = [](const char* text) {
    return [text](const InputError& e) {
      return std::string(e.what()).find(text) != std::string::npos;
    };
  };
  BOOST_CHECK_EXCEPTION(MpfrReal(1.0, 70000), InputError, names("70000"));
  for (const char* bad : {"", "abc", " 1", "1 ", "1.5x", "0x10", "1,5", "--1"}) {
    BOOST_CHECK_THROW(MpfrReal::from_string(bad, 53), InputError);
    BOOST_CHECK_THROW(Mpfr<53>::from_string(bad), InputError);
  }
  BOOST_CHECK_THROW(MpfrReal::from_string(std::string("1\0" "2", 3), 53), InputError);
  BOOST_CHECK_THROW(MpfrReal::from_ratio(1, 0, 53), InputError);
  BOOST_CHECK_THROW(Mpfr<53>::from_ratio(0, 0), InputError);
  BOOST_CHECK_EXCEPTION(MpfrReal::from_string("1.5x", 53), InputError, names("'1.5x'"));
  BOOST_CHECK_EXCEPTION(MpfrReal::from_ratio(7, 0, 53), InputError, names("7/0"));
}

BOOST_AUTO_TEST_CASE(no_value_is_nan_at_minimum_precision_and_propagates) {
  const MpfrReal nothing;
  BOOST_TEST(isnan(nothing));
  BOOST_TEST(nothing.precision() == MPFR_PREC_MIN);
  const MpfrReal one(1.0, 113);
  const MpfrReal sum = nothing + one;
  BOOST_TEST(isnan(sum));
  BOOST_TEST(sum.precision() == 113);  // the other operand's precision, not 1 bit
  MpfrReal acc;
  acc += one;
  BOOST_TEST(isnan(acc));
  BOOST_TEST(acc.precision() == 113);
  BOOST_TEST(isnan(max(nothing, one)));
  BOOST_TEST(isnan(min(one, nothing)));
  BOOST_TEST(isnan(fma(one, one, nothing)));
  BOOST_TEST(isnan(exp(nothing)));
  // Assigning a value gives it a value and a precision.
  acc = one;
  BOOST_TEST(!isnan(acc));
  BOOST_TEST(acc.precision() == 113);
}

BOOST_AUTO_TEST_CASE(comparisons_follow_ieee) {
  const Mpfr<53> one(1.0);
  const Mpfr<53> two(2.0);
  const Mpfr<53> nan(std::nan(""));
  const Mpfr<53> plus_zero(0.0);
  const Mpfr<53> minus_zero(-0.0);
  BOOST_TEST((one < two));
  BOOST_TEST((two > one));
  BOOST_TEST((one <= one));
  BOOST_TEST((one == one));
  BOOST_TEST((one != two));
  BOOST_TEST((plus_zero == minus_zero));
  BOOST_TEST(signbit(minus_zero));
  BOOST_TEST(!signbit(plus_zero));
  BOOST_TEST(!(nan == nan));
  BOOST_TEST((nan != nan));
  BOOST_TEST(!(nan < one));
  BOOST_TEST(!(nan >= one));
  BOOST_TEST(((nan <=> one) == std::partial_ordering::unordered));
  BOOST_TEST(((one <=> two) == std::partial_ordering::less));
  BOOST_TEST(((plus_zero <=> minus_zero) == std::partial_ordering::equivalent));
  // Different precisions compare by value.
  BOOST_TEST((MpfrReal(0.5, 24) == MpfrReal(0.5, 300)));
  BOOST_TEST((MpfrReal::from_ratio(1, 3, 24) != MpfrReal::from_ratio(1, 3, 300)));
  // Classification.
  const Mpfr<53> inf = one / plus_zero;
  BOOST_TEST(isinf(inf));
  BOOST_TEST(!isfinite(inf));
  BOOST_TEST(isfinite(one));
  BOOST_TEST(isnan(nan));
  BOOST_TEST(!isnan(inf));
  // max/min propagate NaN (fmax would drop it).
  BOOST_TEST(isnan(max(nan, one)));
  BOOST_TEST(isnan(max(one, nan)));
  BOOST_TEST(isnan(min(nan, one)));
  BOOST_TEST(isnan(min(one, nan)));
  BOOST_TEST(max(one, two).to_double() == 2.0);
  BOOST_TEST(min(one, two).to_double() == 1.0);
  BOOST_TEST(ldexp(Mpfr<53>(3.0), -2).to_double() == 0.75);
  BOOST_TEST(abs(Mpfr<53>(-3.0)).to_double() == 3.0);
  BOOST_TEST(rsqrt(Mpfr<53>(4.0)).to_double() == 0.5);
  BOOST_TEST(isinf(rsqrt(plus_zero)));
}

// Each function is the MPFR function at the same precision, rounding to
// nearest: compare with raw calls on random inputs in the domain.
namespace {

enum class Fn { sqrt, rsqrt, exp, log, tanh, erf, sin, cos, pow, fma, abs, max, min, ldexp };
constexpr std::array kAllFns = {Fn::sqrt, Fn::rsqrt, Fn::exp, Fn::log,  Fn::tanh,
                                Fn::erf,  Fn::sin,   Fn::cos, Fn::pow,  Fn::fma,
                                Fn::abs,  Fn::max,   Fn::min, Fn::ldexp};

// Raw reference: r := f(a, b, c) rounded to nearest at r's precision.
void raw_fn(Fn f, mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c) {
  switch (f) {
    case Fn::sqrt: mpfr_sqrt(r, a, MPFR_RNDN); break;
    case Fn::rsqrt: mpfr_rec_sqrt(r, a, MPFR_RNDN); break;
    case Fn::exp: mpfr_exp(r, a, MPFR_RNDN); break;
    case Fn::log: mpfr_log(r, a, MPFR_RNDN); break;
    case Fn::tanh: mpfr_tanh(r, a, MPFR_RNDN); break;
    case Fn::erf: mpfr_erf(r, a, MPFR_RNDN); break;
    case Fn::sin: mpfr_sin(r, a, MPFR_RNDN); break;
    case Fn::cos: mpfr_cos(r, a, MPFR_RNDN); break;
    case Fn::pow: mpfr_pow(r, a, b, MPFR_RNDN); break;
    case Fn::fma: mpfr_fma(r, a, b, c, MPFR_RNDN); break;
    case Fn::abs: mpfr_abs(r, a, MPFR_RNDN); break;
    case Fn::max: mpfr_max(r, a, b, MPFR_RNDN); break;
    case Fn::min: mpfr_min(r, a, b, MPFR_RNDN); break;
    case Fn::ldexp: mpfr_mul_2si(r, a, mpfr_get_si(c, MPFR_RNDN), MPFR_RNDN); break;
  }
}

template <class T>
T wrapped_fn(Fn f, const T& a, const T& b, const T& c) {
  switch (f) {
    case Fn::sqrt: return sqrt(a);
    case Fn::rsqrt: return rsqrt(a);
    case Fn::exp: return exp(a);
    case Fn::log: return log(a);
    case Fn::tanh: return tanh(a);
    case Fn::erf: return erf(a);
    case Fn::sin: return sin(a);
    case Fn::cos: return cos(a);
    case Fn::pow: return pow(a, b);
    case Fn::fma: return fma(a, b, c);
    case Fn::abs: return abs(a);
    case Fn::max: return max(a, b);
    case Fn::min: return min(a, b);
    case Fn::ldexp: return ldexp(a, mpfr_get_si(c.data(), MPFR_RNDN));
  }
  return a;
}

// Fills a, b, c with random inputs in f's domain.
void random_inputs(Fn f, std::mt19937_64& rng, mpfr_ptr a, mpfr_ptr b, mpfr_ptr c) {
  const bool positive = f == Fn::sqrt || f == Fn::rsqrt || f == Fn::log || f == Fn::pow;
  const int hi = f == Fn::exp ? 6 : f == Fn::pow ? 4 : 12;
  random_mpfr(a, rng, -12, hi, positive);
  random_mpfr(b, rng, -6, 3);
  random_mpfr(c, rng, -12, 12);
  if (f == Fn::ldexp) mpfr_set_si(c, static_cast<long>(rng() % 200) - 100, MPFR_RNDN);
}

}  // namespace

using FunctionPrecisions = boost::mpl::list<Mpfr<24>, Mpfr<113>, Mpfr<256>>;

BOOST_AUTO_TEST_CASE_TEMPLATE(fixed_precision_functions_match_raw_mpfr, T, FunctionPrecisions) {
  std::mt19937_64 rng(31 + T::bits);
  for (const Fn f : kAllFns) {
    int failures = 0;
    for (int i = 0; i < 300; ++i) {
      T a;
      T b;
      T c;
      random_inputs(f, rng, a.data(), b.data(), c.data());
      const T got = wrapped_fn(f, a, b, c);
      RawMpfr expected(T::bits);
      raw_fn(f, expected.v, a.data(), b.data(), c.data());
      if (!same_value(got.data(), expected.v)) ++failures;
    }
    BOOST_TEST(failures == 0, "function " << static_cast<int>(f) << " at " << T::bits << " bits");
  }
}

BOOST_AUTO_TEST_CASE(mpfr_real_functions_match_raw_mpfr) {
  std::mt19937_64 rng(37);
  const std::array<long, 5> precisions = {11, 53, 64, 65, 200};
  for (const Fn f : kAllFns) {
    int failures = 0;
    for (int i = 0; i < 300; ++i) {
      const long pa = precisions[rng() % precisions.size()];
      const long pb = precisions[rng() % precisions.size()];
      const long pc = precisions[rng() % precisions.size()];
      MpfrReal a(0L, pa);
      MpfrReal b(0L, pb);
      MpfrReal c(0L, pc);
      random_inputs(f, rng, a.data(), b.data(), c.data());
      const MpfrReal got = wrapped_fn(f, a, b, c);
      const bool binary = f == Fn::pow || f == Fn::max || f == Fn::min;
      const long expected_prec = f == Fn::fma ? std::max({pa, pb, pc})
                                 : binary     ? std::max(pa, pb)
                                              : pa;
      RawMpfr expected(expected_prec);
      raw_fn(f, expected.v, a.data(), b.data(), c.data());
      if (!same_value(got.data(), expected.v) || got.precision() != expected_prec) ++failures;
    }
    BOOST_TEST(failures == 0, "function " << static_cast<int>(f));
  }
}

BOOST_AUTO_TEST_CASE(arithmetic_matches_raw_mpfr_at_mixed_precisions) {
  std::mt19937_64 rng(41);
  const std::array<long, 6> precisions = {2, 24, 53, 65, 128, 300};
  int failures = 0;
  for (int i = 0; i < 4000; ++i) {
    const long pa = precisions[rng() % precisions.size()];
    const long pb = precisions[rng() % precisions.size()];
    MpfrReal a(0L, pa);
    MpfrReal b(0L, pb);
    random_mpfr(a.data(), rng, -20, 20);
    random_mpfr(b.data(), rng, -20, 20);
    RawMpfr expected(std::max(pa, pb));
    const int op = static_cast<int>(rng() % 5);
    MpfrReal got;
    switch (op) {
      case 0:
        got = a + b;
        mpfr_add(expected.v, a.data(), b.data(), MPFR_RNDN);
        break;
      case 1:
        got = a - b;
        mpfr_sub(expected.v, a.data(), b.data(), MPFR_RNDN);
        break;
      case 2:
        got = a * b;
        mpfr_mul(expected.v, a.data(), b.data(), MPFR_RNDN);
        break;
      case 3:
        got = a / b;
        mpfr_div(expected.v, a.data(), b.data(), MPFR_RNDN);
        break;
      default:
        got = -a;
        mpfr_set_prec(expected.v, pa);
        mpfr_neg(expected.v, a.data(), MPFR_RNDN);
        break;
    }
    if (!same_value(got.data(), expected.v) ||
        got.precision() != mpfr_get_prec(expected.v)) {
      ++failures;
    }
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_SUITE_END()
