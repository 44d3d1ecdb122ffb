// Exact conversions between BinFloat256 and MPFR (cpp_bin_float.hpp): the
// significand as an integer through Boost's export_bits/import_bits and
// GMP's mpz_import/mpz_export, the exponent alongside.
#include "glasses/numerics/cpp_bin_float.hpp"

#include <cstdint>
#include <iterator>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace glasses::numerics {
namespace {

namespace bmp = boost::multiprecision;

// An mpz_t that clears itself.
struct Mpz {
  mpz_t z;
  Mpz() { mpz_init(z); }
  ~Mpz() { mpz_clear(z); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
};

}  // namespace

MpfrReal to_mpfr(const BinFloat256& x) {
  MpfrReal r(0L, 256);
  if (bmp::isnan(x)) {
    mpfr_set_nan(r.data());
  } else if (bmp::isinf(x)) {
    mpfr_set_inf(r.data(), x < 0 ? -1 : 1);
  } else if (x != 0) {
    // |x| = m 2^(e - 256) with m = |frexp(x)| 2^256 an integer below 2^256.
    int e = 0;
    const BinFloat256 fraction = bmp::frexp(bmp::abs(x), &e);
    const bmp::uint256_t m = static_cast<bmp::uint256_t>(bmp::ldexp(fraction, 256));
    std::vector<std::uint64_t> words;
    bmp::export_bits(m, std::back_inserter(words), 64);  // most significant first
    Mpz z;
    mpz_import(z.z, words.size(), 1, sizeof(std::uint64_t), 0, 0, words.data());
    mpfr_set_z_2exp(r.data(), z.z, e - 256, MPFR_RNDN);  // exact: m has at most 256 bits
    if (x < 0) mpfr_neg(r.data(), r.data(), MPFR_RNDN);
  }
  return r;
}

BinFloat256 from_mpfr(const MpfrReal& x) {
  mpfr_srcptr v = x.data();
  if (mpfr_nan_p(v)) return std::numeric_limits<BinFloat256>::quiet_NaN();
  if (mpfr_inf_p(v)) {
    const BinFloat256 inf = std::numeric_limits<BinFloat256>::infinity();
    return mpfr_signbit(v) ? -inf : inf;
  }
  if (mpfr_zero_p(v)) return BinFloat256(0);
  // Rounded to 256 bits first (once, to nearest), so the integer fits 256 bits.
  MpfrReal narrow(0L, 256);
  mpfr_set(narrow.data(), v, MPFR_RNDN);
  Mpz z;
  const mpfr_exp_t e = mpfr_get_z_2exp(z.z, narrow.data());  // = z 2^e exactly
  const bool negative = mpz_sgn(z.z) < 0;
  mpz_abs(z.z, z.z);
  std::vector<std::uint64_t> words((mpz_sizeinbase(z.z, 2) + 63) / 64);
  std::size_t count = 0;
  mpz_export(words.data(), &count, 1, sizeof(std::uint64_t), 0, 0, z.z);
  words.resize(count);
  bmp::uint256_t m;
  bmp::import_bits(m, words.begin(), words.end(), 64);
  BinFloat256 r(m);  // exact: m < 2^256
  r = bmp::ldexp(r, static_cast<int>(e));
  return negative ? BinFloat256(-r) : r;
}

}  // namespace glasses::numerics
