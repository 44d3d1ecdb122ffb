// Exact fractions beside MPFI enclosures: where a statement has a closed
// form over the rationals (B.1's softmax gap, B.4's alternating sequences,
// B.8's uniform-attention powers), the checks also compute it in GMP
// rationals (Boost.Multiprecision's mpq_rational, no MPFR code) and require
// the exact value inside the interval enclosure of the same quantity.
#pragma once

#include <boost/multiprecision/gmp.hpp>
#include <string>

#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

using Rational = boost::multiprecision::mpq_rational;

// The exact value of an MPFR number (a binary float is a dyadic fraction).
Rational exact_rational(const numerics::MpfrReal& x);

// The narrowest interval at `precision` bits that contains q.
numerics::Interval enclose(const Rational& q, long precision);

// How far q lies outside the enclosure, exactly: max(lower − q, q − upper),
// ≤ 0 when q is inside.
Rational distance_outside(const Rational& q, const numerics::Interval& enclosure);

// "distance of the exact value outside its enclosure ≤ 0": proven when
// inside, refuted when outside. `outside` from distance_outside (or the
// largest of several); `what` names the quantity, e.g. "the gap".
Instance exact_inside_instance(const Rational& outside, long precision, const std::string& description,
                               const std::string& what, const std::string& witness);

// "|p − q| ≤ 0": two exact fractions that a closed form says are equal.
Instance exact_equal_instance(const Rational& p, const Rational& q, long precision, const std::string& description,
                              const std::string& lhs_label, const std::string& witness);

}  // namespace glasses::proofs::detail
