// A raw MPFR number owned by RAII: the independent reference the numerics
// and proof tests compare against (it shares no code with Mpfr<Bits>).
#pragma once

#include <mpfr.h>

#include "glasses/numerics/interval.hpp"

namespace glasses::test {

struct RawMpfr {
  mpfr_t v;
  explicit RawMpfr(mpfr_prec_t prec = 256) { mpfr_init2(v, prec); }
  ~RawMpfr() { mpfr_clear(v); }
  RawMpfr(const RawMpfr&) = delete;
  RawMpfr& operator=(const RawMpfr&) = delete;
};

// Same value (NaN matches NaN) and same sign (so -0 differs from +0).
inline bool same_value(mpfr_srcptr a, mpfr_srcptr b) {
  if (mpfr_nan_p(a) || mpfr_nan_p(b)) return mpfr_nan_p(a) && mpfr_nan_p(b);
  return mpfr_equal_p(a, b) != 0 && mpfr_signbit(a) == mpfr_signbit(b);
}

// Whether the exact value r lies in x.
inline bool encloses(const numerics::Interval& x, mpfr_srcptr r) {
  return mpfr_cmp(x.lower().data(), r) <= 0 && mpfr_cmp(r, x.upper().data()) <= 0;
}

}  // namespace glasses::test
