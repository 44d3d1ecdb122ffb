// The targets of the vector kernels and GLASSES_SIMD (simd.hpp).
#include "glasses/numerics/simd.hpp"

#include <hwy/targets.h>

#include <atomic>
#include <cstdlib>

#include "glasses/numerics/error.hpp"

namespace glasses::numerics::simd {
namespace {

struct Named {
  const char* name;
  std::int64_t bits;  // the targets that go by this name
};

// Best first, as `available` lists them.
constexpr Named kNames[] = {
    {"avx512", HWY_AVX3}, {"avx2", HWY_AVX2}, {"sse4", HWY_SSE4}, {"neon", HWY_NEON},
    {"portable", HWY_EMU128 | HWY_SCALAR},
};

// The target a ScopedTarget sets (0: none set).
std::atomic<std::int64_t> scoped_target{0};

std::string known_names() {
  std::string s = "best";
  for (const Named& n : kNames) s += std::string(", ") + n.name;
  return s + ", none";
}

}  // namespace

std::string to_string(Target t) {
  for (const Named& n : kNames) {
    if ((n.bits & t.bit) != 0) return n.name;
  }
  return hwy::TargetName(t.bit);
}

const std::vector<Target>& available() {
  static const std::vector<Target> targets = [] {
    // The fallback (EMU128 or SCALAR) runs whatever the CPU reports.
    const std::int64_t runs = (hwy::SupportedTargets() | HWY_EMU128 | HWY_SCALAR) & HWY_TARGETS;
    std::vector<Target> out;
    for (const Named& n : kNames) {
      const std::int64_t bits = runs & n.bits;
      if (bits != 0) out.push_back({bits & -bits});
    }
    return out;
  }();
  return targets;
}

std::optional<Target> parse(std::string_view value) {
  if (value.empty() || value == "best") return available().front();
  if (value == "none") return std::nullopt;
  bool known = false;
  for (const Named& n : kNames) known = known || value == n.name;
  if (!known) {
    throw InputError("GLASSES_SIMD='" + std::string(value) + "' is not a vector target; use one of " +
                     known_names());
  }
  for (const Target t : available()) {
    if (to_string(t) == value) return t;
  }
  std::string have;
  for (const Target t : available()) have += (have.empty() ? "" : ", ") + to_string(t);
  throw InputError("GLASSES_SIMD='" + std::string(value) + "': this CPU or build does not run that target (it runs " +
                   have + ")");
}

ScopedTarget::ScopedTarget(Target target) : previous_(scoped_target.exchange(target.bit)) {}
ScopedTarget::~ScopedTarget() { scoped_target.store(previous_); }

std::optional<Target> chosen() {
  if (const std::int64_t scoped = scoped_target.load(std::memory_order_relaxed); scoped != 0) return Target{scoped};
  static const std::optional<Target> target = [] {
    const char* value = std::getenv("GLASSES_SIMD");
    return parse(value == nullptr ? "" : value);
  }();
  return target;
}

}  // namespace glasses::numerics::simd
