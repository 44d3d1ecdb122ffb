#include "glasses/proofs/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace glasses::proofs {

std::string_view to_string(Verdict v) { return kVerdictNames[static_cast<std::size_t>(v)]; }

std::string_view to_string(Expectation e) {
  switch (e) {
    case Expectation::holds: return "holds";
    case Expectation::refuted: return "refuted";
    case Expectation::measurement: return "measurement";
  }
  return "?";
}

Verdict decide(Bounds lhs, Relation r, Bounds rhs) {
  if (std::isnan(lhs.lower) || std::isnan(lhs.upper) || std::isnan(rhs.lower) || std::isnan(rhs.upper)) {
    return Verdict::inconclusive;
  }
  switch (r) {
    case Relation::less:
      if (lhs.upper < rhs.lower) return Verdict::proven;
      if (lhs.lower >= rhs.upper) return Verdict::refuted;
      return Verdict::inconclusive;
    case Relation::less_equal:
      if (lhs.upper <= rhs.lower) return Verdict::proven;
      if (lhs.lower > rhs.upper) return Verdict::refuted;
      return Verdict::inconclusive;
    case Relation::equal:
      if (lhs.lower == lhs.upper && rhs.lower == rhs.upper && lhs.lower == rhs.lower) return Verdict::proven;
      if (lhs.upper < rhs.lower || rhs.upper < lhs.lower) return Verdict::refuted;
      return Verdict::inconclusive;
  }
  return Verdict::inconclusive;
}

Verdict decide_numerically(double lhs, Relation r, double rhs, double tolerance) {
  if (std::isnan(lhs) || std::isnan(rhs)) return Verdict::inconclusive;
  bool holds = false;
  switch (r) {
    case Relation::less: holds = lhs < rhs + tolerance; break;
    case Relation::less_equal: holds = lhs <= rhs + tolerance; break;
    case Relation::equal: holds = std::fabs(lhs - rhs) <= tolerance; break;
  }
  return holds ? Verdict::holds_numerically : Verdict::inconclusive;
}

std::array<int, 4> CheckResult::verdict_counts() const {
  std::array<int, 4> counts{};
  for (const Instance& i : instances) ++counts[static_cast<std::size_t>(i.verdict)];
  return counts;
}

double CheckResult::worst_margin() const {
  double worst = std::numeric_limits<double>::quiet_NaN();
  for (const Instance& i : instances) {
    if (std::isnan(worst) || i.margin < worst) worst = i.margin;
  }
  return worst;
}

bool CheckResult::failed() const {
  if (expected != Expectation::holds) return false;
  return std::any_of(instances.begin(), instances.end(), [](const Instance& i) { return i.verdict == Verdict::refuted; });
}

}  // namespace glasses::proofs
