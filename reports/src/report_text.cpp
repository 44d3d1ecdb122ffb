// Text helpers of the report (report_text.hpp).
#include "report_text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "glasses/model/policy.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/reports/latex.hpp"

namespace glasses::reports::detail {

std::string num(double x, int significant) { return math(format_number(x, significant)); }

std::string integer(std::size_t n) { return format_integer(n); }

std::string check_id_text(std::string_view id) { return escape(id); }

std::string breakable_code(std::string_view text, std::string_view breaks) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (breaks.find(c) != std::string_view::npos && i + 1 < text.size()) {
      out += code(text.substr(start, i + 1 - start)) + "\\allowbreak{}";
      start = i + 1;
    }
  }
  return out + code(text.substr(start));
}

std::string without_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string escape_with_powers(std::string_view text) {
  const auto base_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.'; };
  // A Greek letter (U+0391 to U+03C9: two bytes, the first 0xCE or 0xCF) ends at text[i - 1].
  const auto greek_before = [&](std::size_t i) {
    return i >= 2 && (text[i - 2] == '\xCE' || text[i - 2] == '\xCF') && (static_cast<unsigned char>(text[i - 1]) & 0xC0) == 0x80;
  };
  std::string out;
  std::size_t done = 0;  // text[0, done) is in out
  for (std::size_t caret = text.find('^'); caret != std::string_view::npos; caret = text.find('^', caret + 1)) {
    std::size_t base = caret;
    while (base > done) {
      if (base_char(text[base - 1])) --base;
      else if (base >= done + 2 && greek_before(base)) base -= 2;  // ρ^L
      else break;
    }
    std::size_t end = caret + 1;
    std::string_view exponent;
    if (end < text.size() && text[end] == '(') {  // a parenthesised exponent, brackets balanced
      int depth = 0;
      for (; end < text.size(); ++end) {
        depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
        if (depth == 0) break;
      }
      if (end == text.size()) continue;
      exponent = text.substr(caret + 2, end - caret - 2);
      ++end;
    } else {
      if (text.substr(end, 1) == "-") ++end;
      else if (text.substr(end, 3) == "\u2212") end += 3;
      const std::size_t digits = end;
      while (end < text.size() && base_char(text[end])) ++end;
      while (end > digits && text[end - 1] == '.') --end;  // a sentence's period, not a decimal point
      if (end == digits) continue;
      exponent = text.substr(caret + 1, end - caret - 1);
    }
    if (base == caret) continue;
    out += escape(text.substr(done, base - done));
    out += "$" + escape(text.substr(base, caret - base)) + "^{" + escape(exponent) + "}$";
    done = end;
    caret = end - 1;
  }
  return out + escape(text.substr(done));
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? std::string(separator) : std::string()) + items[i];
  return out;
}

std::string and_list(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return join(head, ", ") + " and " + items.back();
}

std::string file_stem(std::string text) {
  for (char& c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) c = '-';
  }
  if (text.size() > 64) text.resize(64);
  return text;
}

std::string positional_name(const model::ModelConfig& c) {
  switch (c.positional) {
    case model::PositionalKind::none: return "NoPE";
    case model::PositionalKind::sinusoidal:
      return c.absolute_into == model::AbsolutePositionsInto::residual ? "sinusoidal APE" : "sinusoidal in $q, k$";
    case model::PositionalKind::learned: return "learned APE";
    case model::PositionalKind::rope: return "RoPE";
    case model::PositionalKind::alibi:
      return c.alibi_slope_scale == 1.0 ? "ALiBi" : "ALiBi (slopes $\\times" + format_number(c.alibi_slope_scale, 3) + "$)";
  }
  return "?";
}

std::string alibi_note(const model::ModelConfig& c) {
  if (c.positional != model::PositionalKind::alibi) return "";
  const double m1 = c.alibi_slope_scale * std::exp2(-8.0 / c.n_heads);
  return ", ALiBi slope $m_1 = " + format_number(m1, 3) + "$";
}

std::string positional_short_name(const model::ModelConfig& c) {
  switch (c.positional) {
    case model::PositionalKind::none: return "NoPE";
    case model::PositionalKind::sinusoidal:
      return c.absolute_into == model::AbsolutePositionsInto::residual ? "APE" : "APE ($q,k$)";
    case model::PositionalKind::learned: return "learned";
    case model::PositionalKind::rope: return "RoPE";
    case model::PositionalKind::alibi: return "ALiBi";
  }
  return "?";
}

std::string model_base_name(const ModelSpec& m) {
  if (m.kind == ModelKind::preset) return m.text.substr(0, m.text.find(':'));
  const std::string name = std::filesystem::path(m.text).filename().string();
  return name.empty() ? m.text : name;
}

std::string model_text(const PreparedSweep& p) {
  switch (p.spec->model.kind) {
    case ModelKind::preset: return "preset " + breakable_code(p.spec->model.text);
    case ModelKind::config: return "config " + breakable_code(p.spec->model.text);
    case ModelKind::checkpoint: return "checkpoint " + breakable_code(p.spec->model.text);
  }
  return "";
}

const model::TrackResult* find_track(const model::SweepResult& r, std::string_view label) {
  for (const model::TrackResult& t : r.tracks) {
    if (t.spec.label == label) return &t;
  }
  return nullptr;
}

bool is_reference(const PreparedSweep& p, const model::TrackResult& t) { return t.spec.label == p.settings.reference; }

std::vector<const model::TrackResult*> low_tracks(const PreparedSweep& p, const model::SweepResult& r) {
  std::vector<const model::TrackResult*> out;
  for (const model::TrackResult& t : r.tracks) {
    if (t.spec.group == "formats" && !is_reference(p, t)) out.push_back(&t);
  }
  return out;
}

const model::TrackResult& reference_track(const model::SweepResult& r) { return r.tracks.at(r.reference_track); }

double storage_roundoff(const model::TrackSpec& t) {
  return numerics::unit_roundoff(t.run.policy.at(model::Site::activations).format);
}

std::string reference_text(const std::string& reference) {
  const numerics::Format f = numerics::parse_format(reference);
  if (numerics::is_mpfr(f)) return "MPFR with " + std::to_string(f.p) + "-bit significands (" + code(reference) + ")";
  if (numerics::is_cpp_bin_float(f)) return "Boost.Multiprecision's cpp_bin_float with 256-bit significands (" + code(reference) + ")";
  return code(reference) + " (not MPFR: its relative rounding error, " + math("2^{-" + std::to_string(f.p) + "}") +
         ", is far below every distance shown)";
}

std::string certify_text(const SweepSpec& s) {
  if (!s.certify) return "onsets not certified";
  return "onsets up to $n = " + integer(s.certify_max_n) + "$ certified with MPFI from " + integer(static_cast<std::size_t>(s.interval_bits)) +
         " bits (doubling up to " + integer(static_cast<std::size_t>(s.interval_bits_limit)) + ")";
}

// The family as instantiated; for text families, what a unit costs.
std::string family_text(const PreparedSweep& p) {
  std::string out = escape(p.family->describe());
  if (p.tokens_per_unit && !p.tokens_per_unit->note.empty()) out += "; " + escape(p.tokens_per_unit->note);
  return out;
}

std::string describe_sweep(const PreparedSweep& p) {
  const SweepSpec& s = *p.spec;
  std::vector<std::string> formats;
  for (const std::string& f : s.formats) formats.push_back(code(f));
  std::string out = "Sweep " + code(s.id) + ": " + model_text(p) + " (" + escape(model::describe(p.model->config)) +
                    alibi_note(p.model->config) + "); family " + code(s.family) + " (" + family_text(p) + "); " + s.n.description +
                    "; formats " + join(formats, ", ");
  if (s.ablate) out += "; rounding sites ablated in " + code(*s.ablate);
  out += "; reference " + reference_text(s.reference) + "; seed " + integer(s.seed) + "; " + certify_text(s) + ".";
  return out;
}

std::string describe_sweeps(const std::vector<const PreparedSweep*>& sweeps) {
  if (sweeps.size() == 1) return describe_sweep(*sweeps.front());
  const auto shared = [](const PreparedSweep& p) {
    const SweepSpec& s = *p.spec;
    std::string key = s.family + "|" + family_text(p) + "|" + s.n.description + "|" + s.reference + "|" +
                      std::to_string(s.seed) + "|" + certify_text(s) + "|" + (s.ablate ? *s.ablate : "");
    for (const std::string& f : s.formats) key += "|" + f;
    return key;
  };
  const bool same = std::all_of(sweeps.begin(), sweeps.end(), [&](const PreparedSweep* p) { return shared(*p) == shared(*sweeps.front()); });
  if (!same) {
    std::string out;
    for (const PreparedSweep* p : sweeps) out += (out.empty() ? "" : " ") + describe_sweep(*p);
    return out;
  }
  std::vector<std::string> models;
  for (const PreparedSweep* p : sweeps)
    models.push_back(code(p->spec->id) + ": " + model_text(*p) + " (" + escape(model::describe(p->model->config)) +
                     alibi_note(p->model->config) + ")");
  const PreparedSweep& p = *sweeps.front();
  const SweepSpec& s = *p.spec;
  std::vector<std::string> formats;
  for (const std::string& f : s.formats) formats.push_back(code(f));
  std::string out = "Sweeps " + join(models, "; ") + ". Each: family " + code(s.family) + " (" + family_text(p) +
                    "); " + s.n.description + "; formats " + join(formats, ", ");
  if (s.ablate) out += "; rounding sites ablated in " + code(*s.ablate);
  return out + "; reference " + reference_text(s.reference) + "; seed " + integer(s.seed) + "; " + certify_text(s) + ".";
}

std::optional<double> reference_slope(const model::SweepResult& r) {
  const model::TrackResult& t = reference_track(r);
  std::vector<double> x, y;
  for (const model::PointMetrics& p : t.points) {
    x.push_back(static_cast<double>(p.n));
    y.push_back(p.dinf);
  }
  if (x.empty()) return std::nullopt;
  return numerics::loglog_slope(x, y, std::max(4.0, x.back() / 32));
}

}  // namespace glasses::reports::detail
