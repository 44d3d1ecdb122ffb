// Parsing and printing of formats and rounding modes.
#include "glasses/numerics/format.hpp"

#include <bit>
#include <charconv>
#include <string>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {
namespace {

std::string known_formats() {
  std::string s;
  for (const NamedFormat& n : kNamedFormats) s += std::string(n.name) + ", ";
  return s + "mpfr:<bits>, cpp_bin_float:256, custom:p=<p>,emax=<e>[,emin=<e>][,nosub][,sat]";
}

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw InputError("format '" + std::string(text) + "': " + why);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? s.size() - start : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Parses a whole decimal integer, or fails naming the field.
long parse_integer(std::string_view text, std::string_view field, std::string_view whole) {
  long value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec != std::errc() || ptr != last) {
    fail(whole, std::string(field) + " must be an integer, got '" + std::string(text) + "'");
  }
  return value;
}

Format parse_mpfr(std::string_view text, std::string_view bits_text) {
  const long bits = parse_integer(bits_text, "the MPFR precision", text);
  if (bits < 2 || bits > kMaxMpfrBits) {
    fail(text, "MPFR precision must be between 2 and " + std::to_string(kMaxMpfrBits) +
                   " bits, got " + std::to_string(bits));
  }
  return formats::mpfr(static_cast<int>(bits));
}

Format parse_custom(std::string_view text, std::string_view spec) {
  Format f{};
  long p = -1, emax = -1;
  bool have_emin = false;
  long emin = 0;
  bool nosub = false, sat = false;
  for (std::string_view item : split(spec, ',')) {
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (key == "p" && eq != std::string_view::npos) {
      p = parse_integer(value, "p", text);
    } else if (key == "emax" && eq != std::string_view::npos) {
      emax = parse_integer(value, "emax", text);
    } else if (key == "emin" && eq != std::string_view::npos) {
      emin = parse_integer(value, "emin", text);
      have_emin = true;
    } else if (item == "nosub") {
      nosub = true;
    } else if (item == "sat") {
      sat = true;
    } else {
      fail(text, "unknown field '" + std::string(item) +
                     "'; expected p=<p>, emax=<e>, emin=<e>, nosub or sat");
    }
  }
  if (p < 0) fail(text, "missing p=<precision in bits, counting the hidden bit>");
  if (emax < 0) fail(text, "missing emax=<largest exponent>");
  if (p < 2 || p > 53) fail(text, "p must be between 2 and 53 (values live in a double), got " + std::to_string(p));
  if (emax < 1 || emax > 1023) fail(text, "emax must be between 1 and 1023, got " + std::to_string(emax));
  if (!have_emin) emin = 1 - emax;
  if (emin > 0 || emin < -1022) fail(text, "emin must be between -1022 and 0, got " + std::to_string(emin));
  if (emin - p + 1 < -1074) fail(text, "the smallest subnormal 2^(emin-p+1) is below the double range");
  f.p = static_cast<int>(p);
  f.emax = static_cast<int>(emax);
  f.emin = static_cast<int>(emin);
  f.subnormals = !nosub;
  f.overflow = sat ? Overflow::saturate : Overflow::infinity;
  f.specials = Specials::ieee;
  return f;
}

Format parse_named(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ':');
  const NamedFormat* named = nullptr;
  for (const NamedFormat& n : kNamedFormats) {
    if (n.name == parts[0]) named = &n;
  }
  if (named == nullptr) fail(text, "unknown format; known formats: " + known_formats());
  Format f = named->format;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "sat") {
      f.overflow = Overflow::saturate;
    } else if (parts[i] == "nosat") {
      f.overflow = Overflow::infinity;
    } else if (parts[i] == "nosub") {
      f.subnormals = false;
    } else {
      fail(text, "unknown modifier '" + std::string(parts[i]) + "'; expected sat, nosat or nosub");
    }
  }
  return f;
}

}  // namespace

Format parse_format(std::string_view text) {
  if (text.empty()) fail(text, "empty format name; known formats: " + known_formats());
  if (text.starts_with("mpfr:")) return parse_mpfr(text, text.substr(5));
  if (text.starts_with("custom:")) return parse_custom(text, text.substr(7));
  if (text.starts_with("cpp_bin_float:")) {
    // One width is instantiated (cpp_bin_float.hpp note 1).
    if (text != "cpp_bin_float:256") fail(text, "Boost's cpp_bin_float is offered at 256 bits only (cpp_bin_float:256)");
    return formats::cpp_bin_float256;
  }
  return parse_named(text);
}

std::string to_string(const Format& f) {
  if (is_mpfr(f) && f == formats::mpfr(f.p)) return "mpfr:" + std::to_string(f.p);
  if (is_cpp_bin_float(f)) return "cpp_bin_float:256";
  for (const NamedFormat& n : kNamedFormats) {
    const Format& g = n.format;
    if (g.p != f.p || g.emin != f.emin || g.emax != f.emax || g.specials != f.specials) continue;
    std::string s(n.name);
    if (f.overflow != g.overflow) s += f.overflow == Overflow::saturate ? ":sat" : ":nosat";
    if (f.subnormals != g.subnormals) s += ":nosub";
    return s;
  }
  std::string s = "custom:p=" + std::to_string(f.p) + ",emax=" + std::to_string(f.emax);
  if (f.emin != 1 - f.emax) s += ",emin=" + std::to_string(f.emin);
  if (!f.subnormals) s += ",nosub";
  if (f.overflow == Overflow::saturate) s += ",sat";
  return s;
}

std::optional<Encoding> encoding(const Format& f) {
  if (is_mpfr(f) || f.p < 2) return std::nullopt;
  const auto is_power_of_two = [](long v) { return v > 0 && (v & (v - 1)) == 0; };
  int exponent_bits = 0;
  int bias = 0;
  if (f.specials == Specials::ieee) {
    // bias = emax = 2^(k-1) - 1, emin = 1 - bias
    if (f.emin != 1 - f.emax || !is_power_of_two(long{f.emax} + 1)) return std::nullopt;
    bias = f.emax;
    exponent_bits = std::bit_width(static_cast<unsigned>(f.emax)) + 1;
  } else {
    // OCP E4M3 style: the all-ones exponent holds finite values, so
    // emax = 2^(k-1), bias = emax - 1, emin = 1 - bias.
    if (!is_power_of_two(f.emax) || f.emin != 2 - f.emax) return std::nullopt;
    bias = f.emax - 1;
    exponent_bits = std::bit_width(static_cast<unsigned>(f.emax));
  }
  const Encoding e{exponent_bits, bias, f.p - 1};
  if (e.total_bits() > 64) return std::nullopt;
  return e;
}

Rounding parse_rounding(std::string_view text) {
  for (const NamedRounding& r : kNamedRoundings) {
    if (r.name == text) return r.mode;
  }
  std::string known;
  for (const NamedRounding& r : kNamedRoundings) known += (known.empty() ? "" : ", ") + std::string(r.name);
  throw InputError("rounding mode '" + std::string(text) + "': unknown; known modes: " + known);
}

std::string_view to_string(Rounding mode) {
  for (const NamedRounding& r : kNamedRoundings) {
    if (r.mode == mode) return r.name;
  }
  return "?";
}

}  // namespace glasses::numerics
