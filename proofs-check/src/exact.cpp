#include "glasses/proofs/exact.hpp"

#include <algorithm>

#include "check_support.hpp"

namespace glasses::proofs::detail {

Rational exact_rational(const numerics::MpfrReal& x) {
  mpq_t q;
  mpq_init(q);
  mpfr_get_q(q, x.data());
  Rational r(q);
  mpq_clear(q);
  return r;
}

Interval enclose(const Rational& q, long precision) {
  Interval x = integer(0, precision);
  mpfi_set_q(x.data(), q.backend().data());  // rounded outward
  return x;
}

Rational distance_outside(const Rational& q, const Interval& enclosure) {
  return std::max(exact_rational(enclosure.lower()) - q, q - exact_rational(enclosure.upper()));
}

Instance exact_inside_instance(const Rational& outside, long precision, const std::string& description,
                               const std::string& what, const std::string& witness) {
  // enclose() keeps the sign of a nonzero distance, so outside > 0 is refuted.
  return certified_instance(description, "distance of the exact " + what + " outside its MPFI enclosure",
                            enclose(outside, precision), Relation::less_equal, "0", integer(0, precision), witness);
}

Instance exact_equal_instance(const Rational& p, const Rational& q, long precision, const std::string& description,
                              const std::string& lhs_label, const std::string& witness) {
  return certified_instance(description, lhs_label, enclose(abs(p - q), precision), Relation::less_equal, "0",
                            integer(0, precision), witness);
}

}  // namespace glasses::proofs::detail
