#include "glasses/model/n_range.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "glasses/numerics/error.hpp"

namespace glasses::model {

std::size_t parse_count(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-' || text[0] == '+' || std::isspace(static_cast<unsigned char>(text[0]))) {
    throw InputError(what + ": '" + text + "' is not a non-negative integer");
  }
  return static_cast<std::size_t>(v);
}

std::size_t NRange::count() const {
  if (!list.empty()) return list.size();
  return geom_points > 0 ? static_cast<std::size_t>(geom_points) : (last - first) / step + 1;
}

std::vector<std::size_t> NRange::values() const {
  if (!list.empty()) return list;
  std::vector<std::size_t> ns;
  if (geom_points > 0) {
    for (int k = 0; k < geom_points; ++k) {
      const double x = std::exp(std::log(static_cast<double>(first)) +
                                (std::log(static_cast<double>(last)) - std::log(static_cast<double>(first))) * k /
                                    (geom_points - 1));
      // exp(log(B)) may round above B (B = 10^16 gives B + 2, found by
      // fuzz/options): the ends are exact and the rest kept inside [A, B].
      const std::size_t v = k == 0                 ? first
                            : k == geom_points - 1 ? last
                                                   : std::clamp(static_cast<std::size_t>(std::llround(x)), first, last);
      if (ns.empty() || v > ns.back()) ns.push_back(v);
    }
  } else {
    // Counted, not `v <= last; v += step`, which wraps around when last is near SIZE_MAX.
    for (std::size_t k = 0, n = count(); k < n; ++k) ns.push_back(first + k * step);
  }
  return ns;
}

NRange parse_n_range(const std::string& text, bool geom, int points) {
  NRange r;
  if (text.find(':') == std::string::npos) {
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) r.list.push_back(parse_count(item, "--n"));
    if (r.list.empty()) throw InputError("--n '" + text + "' gives no values");
    for (std::size_t i = 0; i < r.list.size(); ++i) {
      if (r.list[i] == 0) throw InputError("--n: n must be >= 1");
      if (i > 0 && r.list[i] <= r.list[i - 1]) throw InputError("--n: values must be increasing");
    }
    return r;
  }
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ':');) parts.push_back(item);
  if (parts.size() < 2 || parts.size() > 3) throw InputError("--n '" + text + "': expected A:B, A:B:STEP or a list");
  r.first = parse_count(parts[0], "--n");
  r.last = parse_count(parts[1], "--n");
  r.step = parts.size() == 3 ? parse_count(parts[2], "--n step") : 1;
  if (r.first < 1 || r.last < r.first || r.step < 1) throw InputError("--n '" + text + "': need 1 <= A <= B and STEP >= 1");
  if (geom) {
    if (points < 2) throw InputError("--points must be >= 2");
    r.geom_points = points;
  }
  return r;
}

}  // namespace glasses::model
