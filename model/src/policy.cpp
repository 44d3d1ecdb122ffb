#include "glasses/model/policy.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <string>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/scalar_list.hpp"

namespace glasses::model {
namespace {

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw InputError("policy '" + std::string(text) + "': " + why);
}

std::string site_names() {
  std::string s;
  for (const NamedSite& n : kSites) s += (s.empty() ? "" : ", ") + std::string(n.name);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// <format>[~<mode>][@<order>]; `order` when no @ names one.
SiteArithmetic parse_arithmetic(std::string_view policy, std::string_view text, const SumOrder& order) {
  const std::size_t at = text.find('@');
  const std::string_view arithmetic = text.substr(0, at);
  const std::size_t tilde = arithmetic.find('~');
  SiteArithmetic a;
  a.order = order;
  try {
    a.format = numerics::parse_format(arithmetic.substr(0, tilde));
    if (tilde != std::string_view::npos) a.rounding = numerics::parse_rounding(arithmetic.substr(tilde + 1));
    if (at != std::string_view::npos) a.order = parse_sum_order(text.substr(at + 1));
  } catch (const InputError& e) {
    fail(policy, e.what());
  }
  using numerics::Rounding;
  if (a.rounding != Rounding::near_even && a.rounding != Rounding::near_max_mag && a.rounding != Rounding::stochastic) {
    fail(policy, "model runs support the modes near_even, near_maxMag and stochastic; directed modes are "
                 "available in `glasses arith`");
  }
  return a;
}

}  // namespace

SumOrder parse_sum_order(std::string_view text) {
  using Kind = SumOrder::Kind;
  const auto fail_order = [&](const std::string& why) -> SumOrder {
    throw InputError("summation order '" + std::string(text) + "': " + why +
                     "; orders are sequential, pairwise, blocked:<k>, splitk:<s>, kahan");
  };
  if (text == "sequential") return {Kind::sequential};
  if (text == "pairwise") return {Kind::pairwise};
  if (text == "kahan") return {Kind::kahan};
  for (const auto& [prefix, kind] : {std::pair{std::string_view("blocked:"), Kind::blocked},
                                     std::pair{std::string_view("splitk:"), Kind::splitk}}) {
    if (!text.starts_with(prefix)) continue;
    const std::string_view digits = text.substr(prefix.size());
    std::size_t k = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || k < 1 || k > (1u << 30)) {
      return fail_order("expected a whole number from 1 to 2^30 after '" + std::string(prefix) + "'");
    }
    return {kind, k};
  }
  return fail_order("unknown");
}

std::string to_string(const SumOrder& order) {
  using Kind = SumOrder::Kind;
  switch (order.kind) {
    case Kind::sequential: return "sequential";
    case Kind::pairwise: return "pairwise";
    case Kind::blocked: return "blocked:" + std::to_string(order.k);
    case Kind::splitk: return "splitk:" + std::to_string(order.k);
    case Kind::kahan: return "kahan";
  }
  return "sequential";
}

std::string orders_text(const Policy& policy) {
  const auto orders = policy.orders();
  if (std::all_of(orders.begin(), orders.end(), [&](const SumOrder& o) { return o == orders[0]; })) {
    return to_string(orders[0]);
  }
  std::string text;
  for (std::size_t i = 0; i < kSiteCount; ++i) {
    text += (i ? ";" : "") + std::string(kSites[i].name) + "@" + to_string(orders[i]);
  }
  return text;
}

std::string_view to_string(Site site) { return kSites[static_cast<std::size_t>(site)].name; }

Site parse_site(std::string_view name) {
  for (const NamedSite& n : kSites) {
    if (n.name == name) return n.site;
  }
  throw InputError("rounding site '" + std::string(name) + "': unknown; sites are " + site_names());
}

bool Policy::uniform() const {
  return std::all_of(sites.begin(), sites.end(), [&](const SiteArithmetic& a) {
    return a.format == sites[0].format && a.rounding == sites[0].rounding;
  });
}

std::array<SumOrder, kSiteCount> Policy::orders() const {
  std::array<SumOrder, kSiteCount> o{};
  for (std::size_t i = 0; i < kSiteCount; ++i) o[i] = sites[i].order;
  return o;
}

Policy uniform_policy(const numerics::Format& f) {
  Policy p;
  p.text = numerics::to_string(f);
  p.sites.fill(SiteArithmetic{f, numerics::Rounding::near_even});
  return p;
}

Policy parse_policy(std::string_view text, const numerics::Format& reference, const SumOrder& order) {
  Policy p;
  p.text = std::string(text);
  if (text.empty()) fail(text, "empty policy");
  if (text.starts_with("mixed:")) {
    const std::vector<std::string_view> parts = split(text.substr(6), '/');
    if (parts.size() != 2) fail(text, "expected mixed:<storage format>/<compute format>, e.g. mixed:bf16/fp32");
    const SiteArithmetic storage = parse_arithmetic(text, parts[0], order);
    const SiteArithmetic compute = parse_arithmetic(text, parts[1], order);
    p.sites.fill(compute);
    p.at(Site::weights) = storage;
    p.at(Site::activations) = storage;
    p.at(Site::kv_cache) = storage;
    return p;
  }
  if (text.starts_with("ablate:")) {
    const std::string_view spec = text.substr(7);
    const std::size_t eq = spec.find('=');
    if (eq == std::string_view::npos) fail(text, "expected ablate:<site>=<format>, e.g. ablate:softmax=bf16");
    p.sites.fill(SiteArithmetic{reference, numerics::Rounding::near_even, order});
    Site site;
    try {
      site = parse_site(spec.substr(0, eq));
    } catch (const InputError& e) {
      fail(text, e.what());
    }
    p.at(site) = parse_arithmetic(text, spec.substr(eq + 1), order);
    return p;
  }
  if (text.starts_with("sites:")) {
    std::array<bool, kSiteCount> set{};
    bool have_default = false;
    SiteArithmetic fallback{};
    for (std::string_view item : split(text.substr(6), ';')) {
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) fail(text, "expected <site>=<format> items separated by ';'");
      const std::string_view name = item.substr(0, eq);
      const SiteArithmetic a = parse_arithmetic(text, item.substr(eq + 1), order);
      if (name == "default") {
        fallback = a;
        have_default = true;
        continue;
      }
      Site site;
      try {
        site = parse_site(name);
      } catch (const InputError& e) {
        fail(text, e.what());
      }
      p.at(site) = a;
      set[static_cast<std::size_t>(site)] = true;
    }
    for (std::size_t i = 0; i < kSiteCount; ++i) {
      if (set[i]) continue;
      if (!have_default) fail(text, "site " + std::string(kSites[i].name) + " has no format and there is no default=");
      p.sites[i] = fallback;
    }
    return p;
  }
  p.sites.fill(parse_arithmetic(text, text, order));
  return p;
}

Execution plan_execution(const Policy& policy) {
  using numerics::Format;
  namespace fmt = numerics::formats;
  const bool all_nearest_even = std::all_of(policy.sites.begin(), policy.sites.end(), [](const SiteArithmetic& a) {
    return a.rounding == numerics::Rounding::near_even;
  });
  const Format first = policy.sites[0].format;
  if (policy.uniform() && all_nearest_even) {
    if (first == fmt::fp32) return {CarrierKind::native_float};
    if (first == fmt::fp64) return {CarrierKind::native_double};
    // Any other format that a listed type holds exactly (Emulated<F>).
    if (numerics::fixed_scalar_index(first) < numerics::kScalarCount) return {CarrierKind::emulated, first};
    if (numerics::is_mpfr(first)) return {CarrierKind::mpfr, {}, first.p};
  }
  // Site rounding emulates formats on a float, double or MPFR carrier;
  // Boost's cpp_bin_float is a carrier of its own, never a site's format.
  for (const SiteArithmetic& a : policy.sites) {
    if (numerics::is_cpp_bin_float(a.format)) {
      throw InputError("policy '" + policy.text + "': " + numerics::to_string(a.format) +
                       " runs only as a uniform, round-to-nearest-even policy, not at single sites "
                       "(use mpfr:256 as the reference of ablations and mixed policies)");
    }
  }
  int widest = 0;
  bool within_float = true, within_double = true;
  for (const SiteArithmetic& a : policy.sites) {
    const Format& f = a.format;
    widest = std::max(widest, f.p);
    const bool is_fp32 = f == fmt::fp32;
    const bool narrow_nearest = f.p <= 11 && f.emax <= 127 && f.emin >= -126 &&
                                a.rounding != numerics::Rounding::stochastic;
    if (!is_fp32 && !(narrow_nearest)) within_float = false;
    if (!(f.p <= 25 && f.emax <= 1000 && f.emin - f.p >= -1000) && !(f == fmt::fp64 && a.rounding == numerics::Rounding::near_even)) {
      within_double = false;
    }
  }
  for (Site s : {Site::softmax, Site::norm, Site::mlp}) {
    if (!(policy.at(s).format == fmt::fp32 && policy.at(s).rounding == numerics::Rounding::near_even)) {
      within_float = false;
    }
  }
  if (within_float) return {CarrierKind::native_float, {}, 0, true};
  if (within_double) return {CarrierKind::native_double, {}, 0, true};
  // MPFR carrier: the widest site's precision, and 2p+2 bits for every
  // narrower site so that rounding into it is exact emulation.
  int bits = widest;
  for (const SiteArithmetic& a : policy.sites) {
    if (a.format.p < widest) bits = std::max(bits, 2 * a.format.p + 2);
  }
  return {CarrierKind::mpfr, {}, bits, true};
}

}  // namespace glasses::model
