// Helpers shared by the checkers of THEORY §3 (private to proofs-check).
//
// What is guaranteed
// ------------------
// `certified_instance` turns two interval enclosures into an Instance whose
// verdict is `decide` on their outward-rounded double bounds: a `proven` or
// `refuted` verdict is therefore a statement about the exact real numbers the
// intervals enclose (THEORY §5). Because doubles carry the certificate, every
// caller states its sides on a scale a double can hold (relative errors,
// ratios to ρ^L, ...): a difference below 2^-1074 cannot be shown by Bounds.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/scalar_traits.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

using numerics::Interval;
using numerics::MpfrReal;

// The outward-rounded double bounds of an enclosure.
inline Bounds to_bounds(const Interval& x) {
  const auto [lo, hi] = numerics::ScalarTraits<Interval>::bounds(x);
  return Bounds{lo, hi};
}

// An exact integer as a point interval (prec bits must hold it).
inline Interval integer(long v, long prec) { return Interval::from_ratio(v, 1, prec); }

// 2^e as a point interval.
inline Interval power_of_two(long e, long prec) { return ldexp(integer(1, prec), e); }

// e = exp(1) enclosed.
inline Interval euler(long prec) { return exp(integer(1, prec)); }

// The intersection of two enclosures of the same real number (both valid,
// so the intersection is valid and never empty for exact inputs). Falls back
// to `a` when they are disjoint, which can only mean that one of them is not
// an enclosure of the same number; callers that rely on it check overlaps.
inline Interval intersect(const Interval& a, const Interval& b) {
  if (!overlaps(a, b)) return a;
  MpfrReal lo = max(a.lower(), b.lower());
  MpfrReal hi = min(a.upper(), b.upper());
  return Interval::hull(lo, hi);
}

// %.17g (exact round trip of the double).
inline std::string fmt(double x) {
  if (std::isnan(x)) return "\"nan\"";
  if (std::isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// A short human number (%.6g).
inline std::string short_fmt(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// A JSON array of doubles.
inline std::string json_array(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + fmt(v[i]);
  return s + "]";
}

// A JSON string literal (the texts here hold no control characters).
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// The midpoint of an enclosure as a double.
inline double mid(const Interval& x) { return x.to_double(); }

// Instance of `lhs R rhs` from enclosures: bounds rounded outward, margin the
// midpoint of the enclosure of rhs - lhs (positive: holds with room), verdict
// by `decide`. The witness (JSON replaying the instance) is kept only when
// the verdict is refuted or inconclusive.
inline Instance certified_instance(std::string description, std::string lhs_label, const Interval& lhs,
                                   Relation relation, std::string rhs_label, const Interval& rhs,
                                   const std::string& witness) {
  Instance inst;
  inst.description = std::move(description);
  inst.lhs_label = std::move(lhs_label);
  inst.rhs_label = std::move(rhs_label);
  inst.lhs = to_bounds(lhs);
  inst.rhs = to_bounds(rhs);
  inst.relation = relation;
  const Interval diff = rhs - lhs;
  inst.margin = isnan(diff) ? std::nan("") : diff.to_double();
  inst.verdict = decide(inst.lhs, relation, inst.rhs);
  // Two sides that differ below double resolution (relative 2^-53, or both
  // below 2^-1074) overlap as Bounds although the intervals are separated.
  // Then the instance is restated as 0 R 2^-k (rhs − lhs), an equivalent
  // relation (2^-k > 0) whose double bounds do show the certified sign.
  if (inst.verdict == Verdict::inconclusive && relation != Relation::equal && !isnan(diff)) {
    const bool decided = certainly_positive(diff) || certainly_positive(-diff) ||
                         (relation == Relation::less_equal && mpfr_sgn(diff.lower().data()) >= 0);
    const MpfrReal m = diff.midpoint();
    if (decided && mpfr_regular_p(m.data()) != 0) {
      const long k = static_cast<long>(mpfr_get_exp(m.data())) - 1;  // 2^k ≤ |m| < 2^(k+1)
      const Interval scaled = ldexp(diff, -k);
      const Interval zero = Interval::from_ratio(0, 1, diff.precision());
      inst.description += " (sides equal to double precision: stated as their scaled difference)";
      inst.rhs_label = "2^(" + std::to_string(-k) + ")·((" + inst.rhs_label + ") − (" + inst.lhs_label + "))";
      inst.lhs_label = "0";
      inst.lhs = to_bounds(zero);
      inst.rhs = to_bounds(scaled);
      inst.verdict = decide(inst.lhs, relation, inst.rhs);
    }
  }
  if (inst.verdict == Verdict::refuted || inst.verdict == Verdict::inconclusive) inst.witness = witness;
  return inst;
}

// Log-spaced integers from `from` to `to` inclusive with the mantissas
// 1, 2, 5 (a 1-2-5 series) scaled to start at `from`; deduplicated, sorted.
inline std::vector<std::size_t> one_two_five(std::size_t from, std::size_t to) {
  std::vector<std::size_t> out;
  for (std::size_t decade = 1; decade <= to; decade *= 10) {
    for (std::size_t m : {1u, 2u, 5u}) {
      const std::size_t v = m * decade;
      if (v >= from && v <= to) out.push_back(v);
    }
    if (decade > to / 10) break;
  }
  if (out.empty() || out.front() != from) out.insert(out.begin(), from);
  if (out.back() != to) out.push_back(to);
  return out;
}

// log10 of a positive enclosure's midpoint (for data columns of numbers far
// outside the double range); NaN when not certainly positive.
inline double log10_mid(const Interval& x) {
  if (!certainly_positive(x)) return std::nan("");
  const Interval l = log(x) / log(integer(10, x.precision()));
  return l.to_double();
}

}  // namespace glasses::proofs::detail
