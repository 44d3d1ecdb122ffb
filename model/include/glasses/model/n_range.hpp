// The values of n a sweep runs, as `glasses sweep --n` spells them:
// "A:B" (every n), "A:B:S" (step S), "a,b,c" (an increasing list); with
// --geom, `points` log-spaced values in [A, B]. Parsed before any value is
// built, so that a range out of reach (n up to 10^14) is refused with an
// estimate instead of being enumerated.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace glasses::model {

struct NRange {
  std::vector<std::size_t> list;  // a list, or
  std::size_t first = 0, last = 0, step = 1;
  int geom_points = 0;  // > 0 with --geom

  std::size_t count() const;
  std::size_t largest() const { return list.empty() ? last : list.back(); }
  // Every value, increasing. Allocates count() entries: check the estimate first.
  std::vector<std::size_t> values() const;
};

// Throws InputError naming the problem.
NRange parse_n_range(const std::string& text, bool geom, int points);

// A non-negative decimal integer; throws InputError naming `what`.
std::size_t parse_count(const std::string& text, const std::string& what);

}  // namespace glasses::model
