// MPFR configured to a format: the independent reference for rounding.
//
// An operation on values of a format f is computed by MPFR at precision p,
// with MPFR's exponent range set to f's (emin/emax under an RAII guard, and
// mpfr_subnormalize for subnormals), following the recipe of the MPFR manual
// for emulating IEEE formats. The IEEE flags are derived from MPFR's ternary
// values and flags: tininess after rounding is tested on a second evaluation
// with an unbounded exponent range; overflow into a saturating format or one
// without infinities is mapped as in format.hpp.
//
// This is the reference the tests compare the double-carrier arithmetic
// with, and the slow path for formats the double carrier cannot serve (p >
// 51, fma with p > 26). Stochastic rounding is not available here.
#pragma once

#include <mpfr.h>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {

// Sets MPFR's exponent range (thread-local state) for the guard's lifetime
// and restores it afterwards.
class MpfrExponentRangeGuard {
 public:
  MpfrExponentRangeGuard(mpfr_exp_t emin, mpfr_exp_t emax);
  ~MpfrExponentRangeGuard();
  MpfrExponentRangeGuard(const MpfrExponentRangeGuard&) = delete;
  MpfrExponentRangeGuard& operator=(const MpfrExponentRangeGuard&) = delete;

 private:
  mpfr_exp_t saved_emin_;
  mpfr_exp_t saved_emax_;
};

// The MPFR rounding mode of a glasses mode; throws Error for stochastic.
mpfr_rnd_t to_mpfr_rounding(Rounding mode);

// op(a, b, c) correctly rounded into f by MPFR, flags raised into `flags`.
// Unused operands are ignored. The operands must be values of f.
double mpfr_reference(detail::Op op, const Format& f, Rounding mode, double a, double b, double c,
                      Flags& flags);

// x (any double) rounded into f by MPFR.
double mpfr_reference_round(const Format& f, Rounding mode, double x, Flags& flags);

}  // namespace glasses::numerics
