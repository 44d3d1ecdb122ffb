// Verdicts (THEORY §5) and the structured result of a check.
//
//   proven             the inequality or identity holds for the exact real
//                      numbers, certified by interval enclosures (MPFI)
//   refuted            a certified violation, with the witness saved
//   holds-numerically  holds in high-precision floating point, not certified
//   inconclusive       the enclosures overlap the boundary
//
// A run never reports `proven` from floating-point values alone: `decide`
// takes enclosures, `decide_numerically` cannot return `proven`.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/proofs/figure.hpp"

namespace glasses::proofs {

enum class Verdict : std::uint8_t { proven, refuted, holds_numerically, inconclusive };
inline constexpr std::array kVerdictNames{"proven", "refuted", "holds-numerically", "inconclusive"};
std::string_view to_string(Verdict v);

// What a check expects: the statement holds under its hypotheses; the
// statement (as printed) is expected to be refuted; or the check measures
// what happens when hypotheses are dropped (never a failure).
enum class Expectation : std::uint8_t { holds, refuted, measurement };
std::string_view to_string(Expectation e);

// A closed enclosure [lower, upper] of a real number, as doubles rounded
// outward; a point value has lower == upper.
struct Bounds {
  double lower = 0, upper = 0;
  double mid() const { return lower / 2 + upper / 2; }
};

// The relation a check asserts between its two sides.
enum class Relation : std::uint8_t { less, less_equal, equal };

// Certified decision of `lhs R rhs` from enclosures:
//   less/less_equal: proven if lhs.upper < (<=) rhs.lower; refuted if
//   lhs.lower >= (>) rhs.upper; inconclusive otherwise.
//   equal: proven only when both are the same point; refuted when the
//   enclosures are disjoint; inconclusive otherwise.
Verdict decide(Bounds lhs, Relation r, Bounds rhs);

// Decision from floating-point values alone: holds-numerically when the
// relation holds within `tolerance` (derived by the caller from the bound
// being checked), inconclusive otherwise: a violation seen in floating
// point is not certified, so it is never `refuted` (nor `proven`).
Verdict decide_numerically(double lhs, Relation r, double rhs, double tolerance = 0);

// One instance of a statement: its hypotheses as instantiated, both sides,
// the margin (rhs - lhs for inequalities, |lhs - rhs| for identities,
// positive meaning the relation holds with room) and the verdict.
struct Instance {
  std::string description;  // "n = 1000", "seed 3, L = 4"
  std::string lhs_label, rhs_label;
  Bounds lhs, rhs;
  Relation relation = Relation::less_equal;
  double margin = 0;
  Verdict verdict = Verdict::inconclusive;
  std::string witness;  // JSON that replays the instance when refuted or inconclusive
};

// A data series produced by a check, for tables and figures.
struct Series {
  std::string name;                  // file stem, e.g. "b8_distance"
  std::vector<std::string> columns;  // column names
  std::vector<std::vector<double>> rows;
};

struct CheckResult {
  std::string id;         // "B.1" (from the registry: run_check)
  std::string statement;  // one sentence
  Expectation expected = Expectation::holds;  // from the registry (run_check)
  std::string hypotheses; // how the hypotheses were instantiated
  std::vector<Instance> instances;
  std::vector<Series> data;
  std::vector<FigureData> figures;  // the built-in figures drawn from `data` (figure.hpp)
  std::vector<std::string> notes;   // findings in words, for people (never parsed)

  std::array<int, 4> verdict_counts() const;
  // The smallest margin over instances (the closest call); NaN without instances.
  double worst_margin() const;
  // Whether this result should fail the run: a statement expected to hold
  // has a refuted instance.
  bool failed() const;
};

}  // namespace glasses::proofs
