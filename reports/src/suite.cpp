#include "glasses/reports/suite.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "checks.hpp"
#include "glasses/model/checkpoint.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

namespace glasses::reports {
namespace {

using nlohmann::json;

// The largest n a suite may ask for: sweeps cost O(n²), and 2^20 is far
// beyond anything that finishes.
constexpr std::size_t kMaxN = std::size_t{1} << 20;

// The place of a value in the suite, for messages: "sweeps[2].formats[1]".
class Path {
 public:
  explicit Path(std::string text) : text_(std::move(text)) {}
  Path operator/(std::string_view key) const { return Path(text_.empty() ? std::string(key) : text_ + "." + std::string(key)); }
  Path operator[](std::size_t i) const { return Path(text_ + "[" + std::to_string(i) + "]"); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class Parser {
 public:
  explicit Parser(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const Path& where, const std::string& what) const {
    throw InputError("suite '" + origin_ + "': " + (where.text().empty() ? std::string("top level") : where.text()) +
                     ": " + what);
  }

  // Rejects keys outside `allowed` (with the list of allowed keys).
  void only_keys(const json& object, const Path& where, std::initializer_list<std::string_view> allowed) const {
    only_keys(object, where, std::vector<std::string_view>(allowed));
  }
  void only_keys(const json& object, const Path& where, const std::vector<std::string_view>& allowed) const {
    if (!object.is_object()) fail(where, "expected an object {...}, got " + type_name(object));
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(where, "unknown key " + in_quotes(key) + " (allowed: " + list + ")");
      }
    }
  }

  const json* find(const json& object, std::string_view key) const {
    const auto it = object.find(std::string(key));
    return it == object.end() ? nullptr : &*it;
  }

  const json& require(const json& object, const Path& where, std::string_view key) const {
    const json* v = find(object, key);
    if (v == nullptr) fail(where, "missing required key '" + std::string(key) + "'");
    return *v;
  }

  // A family parameter's value as the text model::family_options reads: a
  // string as it is, a number in decimal, an array of numbers joined by ':'
  // (the ratio [a, b]).
  std::string family_argument(const json& v, const model::FamilyParameterInfo& p, const Path& where) const {
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number_integer()) {
      text = v.dump();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_array() && !v.empty() &&
               std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number_integer(); })) {
      for (const json& e : v) text += (text.empty() ? "" : ":") + e.dump();
    } else {
      fail(where, "expected a string, an integer, true or false, or an array of integers, got " + type_name(v));
    }
    try {
      model::check_family_parameter(p.id, text);
    } catch (const InputError& e) {
      fail(where, e.what());
    }
    return text;
  }

  std::string string(const json& v, const Path& where, bool allow_empty = false) const {
    if (!v.is_string()) fail(where, "expected a string, got " + type_name(v));
    std::string s = v.get<std::string>();
    if (s.empty() && !allow_empty) fail(where, "must not be empty");
    return s;
  }

  bool boolean(const json& v, const Path& where) const {
    if (!v.is_boolean()) fail(where, "expected true or false, got " + type_name(v));
    return v.get<bool>();
  }

  std::int64_t integer(const json& v, const Path& where, std::int64_t min, std::int64_t max) const {
    if (!v.is_number_integer()) fail(where, "expected an integer, got " + type_name(v));
    std::int64_t x = 0;
    if (v.is_number_unsigned()) {
      const std::uint64_t u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(max)) fail(where, std::to_string(u) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      x = static_cast<std::int64_t>(u);
    } else {
      x = v.get<std::int64_t>();
    }
    if (x < min || x > max)
      fail(where, std::to_string(x) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return x;
  }

  std::uint64_t seed(const json& v, const Path& where) const {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
      fail(where, "expected a non-negative integer seed, got " + type_name(v));
    return v.get<std::uint64_t>();
  }

  static std::string type_name(const json& v) {
    if (v.is_string()) return "the string \"" + v.get<std::string>() + "\"";
    if (v.is_number()) return "the number " + v.dump();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_null()) return "null";
    if (v.is_array()) return "an array";
    return "an object";
  }

  static bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 32) return false;
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (!alnum(id.front())) return false;
    return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '-'; });
  }

  NRange n_range(const json& v, const Path& where) const {
    NRange r;
    if (v.is_array()) {
      if (v.empty()) fail(where, "the list of n is empty");
      for (std::size_t i = 0; i < v.size(); ++i) {
        r.values.push_back(static_cast<std::size_t>(integer(v[i], where[i], 1, static_cast<std::int64_t>(kMaxN))));
        if (i > 0 && r.values[i] <= r.values[i - 1]) fail(where[i], "values of n must be increasing");
      }
      r.description = std::to_string(r.values.size()) + (r.values.size() == 1 ? " value" : " values") +
                      " of $n$ from " + std::to_string(r.values.front()) + " to " + std::to_string(r.values.back());
      return r;
    }
    only_keys(v, where, {"from", "to", "points", "step"});
    const auto from = static_cast<std::size_t>(integer(require(v, where, "from"), where / "from", 1, static_cast<std::int64_t>(kMaxN)));
    const auto to = static_cast<std::size_t>(integer(require(v, where, "to"), where / "to", 1, static_cast<std::int64_t>(kMaxN)));
    if (to < from) fail(where, "'to' (" + std::to_string(to) + ") is below 'from' (" + std::to_string(from) + ")");
    const json* points = find(v, "points");
    const json* step = find(v, "step");
    if ((points == nullptr) == (step == nullptr)) fail(where, "give exactly one of 'points' (log-spaced) and 'step' (arithmetic)");
    if (points != nullptr) {
      const auto k = static_cast<int>(integer(*points, where / "points", 2, 10000));
      // As `glasses sweep --geom`: round the log-spaced values, drop repeats.
      for (int i = 0; i < k; ++i) {
        const double x = std::exp(std::log(static_cast<double>(from)) +
                                  (std::log(static_cast<double>(to)) - std::log(static_cast<double>(from))) * i / (k - 1));
        const auto value = static_cast<std::size_t>(std::llround(x));
        if (r.values.empty() || value > r.values.back()) r.values.push_back(value);
      }
      r.description = std::to_string(r.values.size()) + " log-spaced values of $n$ from " + std::to_string(from) +
                      " to " + std::to_string(to);
    } else {
      const auto s = static_cast<std::size_t>(integer(*step, where / "step", 1, static_cast<std::int64_t>(kMaxN)));
      for (std::size_t x = from; x <= to; x += s) r.values.push_back(x);
      r.description = "$n = " + std::to_string(from) + ", " + std::to_string(from + s) + ", \\ldots, " +
                      std::to_string(r.values.back()) + "$ (" + std::to_string(r.values.size()) + " values)";
    }
    return r;
  }

  ModelSpec model(const json& v, const Path& where, const std::filesystem::path& directory) const {
    ModelSpec m;
    if (v.is_string()) {
      m.text = string(v, where);
      return m;
    }
    only_keys(v, where, {"preset", "config", "checkpoint"});
    if (v.size() != 1) fail(where, "give exactly one of 'preset', 'config' and 'checkpoint'");
    // The one key (not a structured binding of *v.items().begin(): that
    // binds to a proxy which dies with the full-expression; ASan saw it).
    const std::string key = v.begin().key();
    const json& value = v.begin().value();
    m.text = string(value, where / key);
    if (key == "preset") return m;
    m.kind = key == "config" ? ModelKind::config : ModelKind::checkpoint;
    const std::filesystem::path p(m.text);
    m.resolved = p.is_absolute() ? p : directory / p;
    return m;
  }

  SweepSpec sweep(const json& v, const Path& where, const std::filesystem::path& directory, std::uint64_t suite_seed) const {
    std::vector<std::string_view> keys{"id", "label", "model", "family"};
    for (const model::FamilyParameterInfo& p : model::kFamilyParameters) {
      if (!p.key.empty()) keys.push_back(p.key);
    }
    keys.insert(keys.end(), {"n", "formats", "reference", "cross_check", "ablate", "certify", "seed", "order",
                             "onset_table", "mitigates", "sink", "adaptive_temperature"});
    only_keys(v, where, keys);
    SweepSpec s;
    s.id = string(require(v, where, "id"), where / "id");
    if (!valid_id(s.id))
      fail(where / "id", "'" + s.id + "' is not a valid id: use 1-32 letters, digits or '-', starting with a letter or digit");
    s.label = s.id;
    if (const json* x = find(v, "label")) s.label = string(*x, where / "label");
    s.model = model(require(v, where, "model"), where / "model", directory);
    s.family = string(require(v, where, "family"), where / "family");
    try {
      model::find_family(s.family);
    } catch (const InputError& e) {
      fail(where / "family", e.what());
    }
    if (s.family == "pair") fail(where / "family", "the pair family has a single n; use `glasses sweep` for it");
    for (const model::FamilyParameterInfo& p : model::kFamilyParameters) {
      if (p.key.empty()) continue;
      if (const json* x = find(v, p.key)) s.family_arguments[p.id] = family_argument(*x, p, where / p.key);
    }
    s.n = n_range(require(v, where, "n"), where / "n");
    if (s.family == "alternating") {
      for (std::size_t i = 0; i < s.n.values.size(); ++i) {
        if (s.n.values[i] % 2 != 0) fail((where / "n"), "the alternating family needs even n, got " + std::to_string(s.n.values[i]));
      }
    }
    const json& formats = require(v, where, "formats");
    if (!formats.is_array() || formats.empty()) fail(where / "formats", "expected a non-empty array of formats or policies");
    for (std::size_t i = 0; i < formats.size(); ++i) s.formats.push_back(string(formats[i], (where / "formats")[i]));
    if (const json* x = find(v, "reference")) s.reference = string(*x, where / "reference");
    if (const json* x = find(v, "cross_check")) {
      s.cross_check = boolean(*x, where / "cross_check");
      if (s.cross_check) {
        try {
          model::cross_check_format(s.reference);
        } catch (const InputError& e) {
          fail(where / "cross_check", e.what());
        }
      }
    }
    if (const json* x = find(v, "ablate")) s.ablate = string(*x, where / "ablate");
    if (const json* x = find(v, "certify")) {
      if (x->is_boolean()) {
        s.certify = x->get<bool>();
      } else {
        const Path c = where / "certify";
        only_keys(*x, c, {"max_n", "bits", "bits_limit"});
        if (const json* y = find(*x, "max_n")) s.certify_max_n = static_cast<std::size_t>(integer(*y, c / "max_n", 1, static_cast<std::int64_t>(kMaxN)));
        if (const json* y = find(*x, "bits")) s.interval_bits = static_cast<int>(integer(*y, c / "bits", 53, 1 << 16));
        if (const json* y = find(*x, "bits_limit")) s.interval_bits_limit = static_cast<int>(integer(*y, c / "bits_limit", 53, 1 << 16));
        if (s.interval_bits_limit < s.interval_bits) fail(c, "'bits_limit' is below 'bits'");
      }
    }
    s.seed = suite_seed;
    if (const json* x = find(v, "seed")) s.seed = seed(*x, where / "seed");
    if (const json* x = find(v, "order")) {
      try {
        s.order = model::parse_sum_order(string(*x, where / "order"));
      } catch (const InputError& e) {
        fail(where / "order", e.what());
      }
    }
    if (const json* x = find(v, "onset_table")) s.onset_table = boolean(*x, where / "onset_table");
    if (const json* x = find(v, "mitigates")) s.mitigates = string(*x, where / "mitigates");
    if (const json* x = find(v, "sink")) {
      if (!x->is_number()) fail(where / "sink", "expected the sink's score (a number), got " + type_name(*x));
      s.mitigations.sink_logit = x->get<double>();
    }
    if (const json* x = find(v, "adaptive_temperature")) {
      s.mitigations.adaptive_temperature = boolean(*x, where / "adaptive_temperature");
    }
    return s;
  }

  FigureSpec figure(const json& v, const Path& where) const {
    FigureSpec f;
    const std::string kind = string(require(v, where, "kind"), where / "kind");
    const std::map<std::string, FigureKind> kinds{{"collapse", FigureKind::collapse},
                                                  {"compare", FigureKind::compare},
                                                  {"heads", FigureKind::heads},
                                                  {"check", FigureKind::check},
                                                  {"check-series", FigureKind::check_series}};
    const auto it = kinds.find(kind);
    if (it == kinds.end()) fail(where / "kind", "unknown figure kind '" + kind + "' (kinds: collapse, compare, heads, check, check-series)");
    f.kind = it->second;
    switch (f.kind) {
      case FigureKind::collapse:
      case FigureKind::heads:
        only_keys(v, where, {"kind", "name", "title", "caption", "sweep"});
        f.sweep = string(require(v, where, "sweep"), where / "sweep");
        f.name = (f.kind == FigureKind::collapse ? "collapse-" : "heads-") + f.sweep;
        break;
      case FigureKind::compare: {
        only_keys(v, where, {"kind", "name", "title", "caption", "series", "metric", "log_y"});
        f.name = string(require(v, where, "name"), where / "name");
        const json& series = require(v, where, "series");
        if (!series.is_array() || series.empty()) fail(where / "series", "expected a non-empty array of {\"sweep\", \"track\", \"label\"}");
        for (std::size_t i = 0; i < series.size(); ++i) {
          const Path p = (where / "series")[i];
          only_keys(series[i], p, {"sweep", "track", "label"});
          CompareSeries c;
          c.sweep = string(require(series[i], p, "sweep"), p / "sweep");
          if (const json* x = find(series[i], "track")) c.track = string(*x, p / "track");
          if (const json* x = find(series[i], "label")) c.label = string(*x, p / "label");
          f.series.push_back(c);
        }
        if (const json* x = find(v, "metric")) f.metric = string(*x, where / "metric");
        if (const json* x = find(v, "log_y")) f.log_y = boolean(*x, where / "log_y");
        break;
      }
      case FigureKind::check: {
        only_keys(v, where, {"kind", "name", "title", "caption", "figure"});
        f.check_figure = string(require(v, where, "figure"), where / "figure");
        std::string known;
        bool found = false;
        for (const CheckFigureInfo& c : kCheckFigures) {
          found = found || c.name == f.check_figure;
          known += (known.empty() ? "" : ", ") + std::string(c.name);
        }
        if (!found) fail(where / "figure", "unknown check figure '" + f.check_figure + "' (figures: " + known + ")");
        f.name = f.check_figure;
        break;
      }
      case FigureKind::check_series: {
        only_keys(v, where, {"kind", "name", "title", "caption", "check", "data", "x", "y", "x_label", "y_label", "log_x", "log_y"});
        f.check = string(require(v, where, "check"), where / "check");
        f.data = string(require(v, where, "data"), where / "data");
        f.x = string(require(v, where, "x"), where / "x");
        const json& y = require(v, where, "y");
        if (!y.is_array() || y.empty()) fail(where / "y", "expected a non-empty array of column names");
        for (std::size_t i = 0; i < y.size(); ++i) f.y.push_back(string(y[i], (where / "y")[i]));
        if (const json* x = find(v, "x_label")) f.x_label = string(*x, where / "x_label");
        if (const json* x = find(v, "y_label")) f.y_label = string(*x, where / "y_label");
        f.log_x = false;
        f.log_y = false;
        if (const json* x = find(v, "log_x")) f.log_x = boolean(*x, where / "log_x");
        if (const json* x = find(v, "log_y")) f.log_y = boolean(*x, where / "log_y");
        f.name = "series-" + f.data;
        break;
      }
    }
    if (const json* x = find(v, "name")) f.name = string(*x, where / "name");
    try {
      detail::check_name(f.name, "figure name");
    } catch (const InputError& e) {
      fail(where / "name", e.what());
    }
    if (const json* x = find(v, "title")) f.title = string(*x, where / "title");
    if (const json* x = find(v, "caption")) f.caption = string(*x, where / "caption");
    return f;
  }

 private:
  std::string origin_;
};

bool ids_contain(const Suite& suite, const std::string& id) {
  return std::any_of(suite.sweeps.begin(), suite.sweeps.end(), [&](const SweepSpec& s) { return s.id == id; });
}

std::string fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

// JSON parsing that rejects duplicate keys (nlohmann keeps the last one silently).
json parse_strict(std::string_view text, const std::string& origin) {
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: open.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text.begin(), text.end(), callback);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large (found by fuzz/)
    // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string message = e.what();
    const std::size_t at = message.find("parse error");
    throw InputError("suite '" + origin + "' is not valid JSON: " + (at == std::string::npos ? message : message.substr(at)));
  }
  if (!duplicate.empty()) throw InputError("suite '" + origin + "': the key '" + duplicate + "' appears twice in one object");
  return j;
}

}  // namespace

Suite parse_suite(std::string_view json_text, std::string_view origin, const std::filesystem::path& directory) {
  const std::string where(origin);
  const json j = parse_strict(json_text, where);
  Parser p(where);
  const Path top("");
  p.only_keys(j, top, {"suite", "title", "description", "seed", "checks", "sweeps", "figures"});
  Suite s;
  s.origin = where;
  s.fingerprint = fnv1a(json_text);
  s.name = p.string(p.require(j, top, "suite"), top / "suite");
  s.title = "glasses report: " + s.name;
  if (const json* x = p.find(j, "title")) s.title = p.string(*x, top / "title");
  if (const json* x = p.find(j, "description")) s.description = p.string(*x, top / "description");
  if (const json* x = p.find(j, "seed")) s.seed = p.seed(*x, top / "seed");
  if (const json* c = p.find(j, "checks")) {
    const Path w = top / "checks";
    p.only_keys(*c, w, {"ids", "quick", "seed"});
    s.checks.enabled = true;
    s.checks.seed = s.seed;
    const json& ids = p.require(*c, w, "ids");
    if (!ids.is_array() || ids.empty()) p.fail(w / "ids", "expected a non-empty array of check ids or [\"all\"]");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string id = p.string(ids[i], (w / "ids")[i]);
      if (id == "all") {
        if (ids.size() != 1) p.fail((w / "ids")[i], "\"all\" cannot be combined with other ids");
        continue;
      }
      try {
        proofs::find_check(id);
      } catch (const InputError& e) {
        p.fail((w / "ids")[i], e.what());
      }
      if (std::find(s.checks.ids.begin(), s.checks.ids.end(), id) != s.checks.ids.end())
        p.fail((w / "ids")[i], "check '" + id + "' is listed twice");
      s.checks.ids.push_back(id);
    }
    if (const json* x = p.find(*c, "quick")) {
      if (x->is_array()) {
        for (std::size_t i = 0; i < x->size(); ++i) {
          const std::string id = p.string((*x)[i], (w / "quick")[i]);
          try {
            proofs::find_check(id);
          } catch (const InputError& e) {
            p.fail((w / "quick")[i], e.what());
          }
          s.checks.quick_ids.push_back(id);
        }
      } else if (x->is_boolean()) {
        s.checks.quick = x->get<bool>();
      } else {
        p.fail(w / "quick", "expected true, false or an array of check ids, got " + Parser::type_name(*x));
      }
    }
    if (const json* x = p.find(*c, "seed")) s.checks.seed = p.seed(*x, w / "seed");
  }
  if (const json* sweeps = p.find(j, "sweeps")) {
    if (!sweeps->is_array()) p.fail(top / "sweeps", "expected an array of sweeps");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < sweeps->size(); ++i) {
      s.sweeps.push_back(p.sweep((*sweeps)[i], (top / "sweeps")[i], directory, s.seed));
      if (!ids.insert(s.sweeps.back().id).second) p.fail((top / "sweeps")[i] / "id", "two sweeps have the id '" + s.sweeps.back().id + "'");
    }
  }
  if (const json* figures = p.find(j, "figures")) {
    if (!figures->is_array()) p.fail(top / "figures", "expected an array of figures");
    std::set<std::string> names;
    for (std::size_t i = 0; i < figures->size(); ++i) {
      const Path w = (top / "figures")[i];
      FigureSpec f = p.figure((*figures)[i], w);
      const auto known_sweep = [&](const std::string& id, const Path& at) {
        if (!ids_contain(s, id)) p.fail(at, "no sweep has the id '" + id + "'");
      };
      if (f.kind == FigureKind::collapse || f.kind == FigureKind::heads) known_sweep(f.sweep, w / "sweep");
      for (std::size_t k = 0; k < f.series.size(); ++k) known_sweep(f.series[k].sweep, (w / "series")[k] / "sweep");
      if (!names.insert(f.name).second) p.fail(w, "two figures are named '" + f.name + "' (set \"name\")");
      s.figures.push_back(std::move(f));
    }
  }
  return s;
}

}  // namespace glasses::reports

namespace glasses::reports {
namespace {

// The built-in suites, generated from reports/suites/*.json by CMake.
#include "builtin_suites.inc"

// Relative cost of one operation on a track's carrier (as the sweep's own
// progress estimate), for scheduling and the progress bar only.
double carrier_cost(const model::Execution& e) {
  switch (e.carrier) {
    case model::CarrierKind::native_float:
    case model::CarrierKind::native_double: return e.site_rounding ? 6.0 : 1.0;
    case model::CarrierKind::emulated: return 6.0;
    case model::CarrierKind::mpfr: return 8.0 + static_cast<double>(e.mpfr_bits) / 8.0;
    case model::CarrierKind::interval: return 20.0 + static_cast<double>(e.mpfr_bits) / 4.0;
  }
  return 1.0;
}

// Estimated seconds of a sweep on one core of the development machine: the
// KV-cached decoders push about N positions per sequence, each costing the
// projections and MLP (per layer ~ d (4d + 3 d_mlp)) plus attention over
// ~N/2 keys; without a causal mask every n is recomputed from scratch.
double estimate_seconds(const model::ModelSource& m, const model::SweepSettings& s,
                        const std::vector<model::TrackSpec>& tracks, const model::PairFamily& family) {
  const model::ModelConfig& c = m.config;
  const double d = c.d_model, L = c.n_layers, d_mlp = c.d_mlp;
  // The longest sequence: about n for token families, measured for text
  // families (a unit may cost several tokens).
  const double N = family.text() ? family.length(s.ns.back()) : static_cast<double>(s.ns.back());
  const double per_position = L * (d * (4 * d + 3 * d_mlp) + 2 * d * N / 2);
  double positions = 2 * N;
  if (!c.causal) {
    positions = 0;
    for (std::size_t n : s.ns) positions += 2 * static_cast<double>(n);
  }
  double units = 0;
  for (const model::TrackSpec& t : tracks) units += carrier_cost(t.run.execution);
  double seconds = units * positions * per_position * 2.5e-9;
  if (s.certify) {
    const double n_cert = std::min(N, static_cast<double>(s.certify_max_n));
    // One interval forward of both sequences per onset: about 3 onsets.
    seconds += 3 * 2 * n_cert * L * (d * (4 * d + 3 * d_mlp) + d * n_cert) * 60 * 2.5e-9;
  }
  return seconds + 0.05;
}

}  // namespace

std::span<const BuiltinSuite> builtin_suites() { return kBuiltinSuites; }

const BuiltinSuite* find_builtin_suite(std::string_view name) {
  for (const BuiltinSuite& s : kBuiltinSuites) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string baseline_format(std::string_view label) {
  if (label.rfind("sites:", 0) != 0) return std::string(label);
  constexpr std::string_view kDefault = "default=";
  for (std::size_t start = 6; start < label.size();) {
    std::size_t end = label.find(';', start);
    if (end == std::string_view::npos) end = label.size();
    const std::string_view item = label.substr(start, end - start);
    if (item.rfind(kDefault, 0) == 0) return std::string(item.substr(kDefault.size()));
    start = end + 1;
  }
  return std::string(label);
}

std::unique_ptr<PreparedSuite> prepare_suite(Suite suite) {
  auto prepared = std::make_unique<PreparedSuite>();
  prepared->suite = std::move(suite);
  const Suite& s = prepared->suite;
  const std::string origin = "suite '" + s.origin + "': ";
  std::map<std::string, std::shared_ptr<const model::ModelSource>> models;
  std::map<std::string, model::TextEncoder> encoders;  // checkpoints with a tokenizer.json: text families
  for (std::size_t i = 0; i < s.sweeps.size(); ++i) {
    const SweepSpec& spec = s.sweeps[i];
    const std::string where = origin + "sweeps[" + std::to_string(i) + "] ('" + spec.id + "'): ";
    try {
      PreparedSweep p;
      p.spec = &spec;
      model::SweepOptions options;
      options.ns = spec.n.values;
      options.formats = spec.formats;
      options.reference = spec.reference;
      options.cross_check = spec.cross_check;
      options.ablate = spec.ablate.value_or("");
      options.certify = spec.certify;
      options.certify_max_n = spec.certify_max_n;
      options.interval_bits = spec.interval_bits;
      options.interval_bits_limit = spec.interval_bits_limit;
      options.seed = spec.seed;
      options.order = model::to_string(spec.order);
      options.threads = 1;  // run_suite runs sweeps side by side
      options.mitigations = spec.mitigations;
      p.settings = model::sweep_settings(options);
      const std::string key = std::to_string(static_cast<int>(spec.model.kind)) + ":" + spec.model.resolved.string() + ":" + spec.model.text;
      auto& shared = models[key];
      if (!shared) {
        switch (spec.model.kind) {
          case ModelKind::preset: shared = std::make_shared<const model::ModelSource>(model::make_preset(spec.model.text)); break;
          case ModelKind::config: shared = std::make_shared<const model::ModelSource>(model::load_model_config(spec.model.resolved.string())); break;
          case ModelKind::checkpoint: {
            shared = std::make_shared<const model::ModelSource>(model::open_checkpoint(spec.model.resolved.string()));
            // As `glasses sweep --model DIR`: the folder's tokenizer.json, when it has one.
            const std::filesystem::path file = spec.model.resolved / "tokenizer.json";
            std::error_code ec;
            if (std::filesystem::is_regular_file(file, ec)) {
              encoders[key] = [t = tokenizer::Tokenizer::load(file)](std::string_view text, bool special) {
                return t.encode(text, special);
              };
            }
            break;
          }
        }
      }
      p.model = spec.mitigations.any()
                    ? std::make_shared<const model::ModelSource>(model::with_mitigations(*shared, spec.mitigations))
                    : shared;
      const model::FamilyOptions f =
          model::family_options(*p.model, spec.family, spec.family_arguments, spec.seed, encoders[key]);
      p.family = std::make_shared<const model::PairFamily>(*p.model, f);
      if (p.family->text()) p.tokens_per_unit = p.family->tokens_per_unit(spec.n.values);
      p.tracks = model::plan_tracks(p.settings);
      // The family must produce every n (and sequences the model accepts).
      const int max_positions = p.model->config.max_positions;
      const model::SequencePair last = p.family->at(spec.n.values.back());
      if (max_positions > 0 && static_cast<int>(std::max(last.a.size(), last.b.size())) > max_positions)
        throw InputError("n = " + std::to_string(spec.n.values.back()) + " gives sequences of " +
                         std::to_string(std::max(last.a.size(), last.b.size())) + " tokens, but the model supports " +
                         std::to_string(max_positions));
      p.estimated_cost = estimate_seconds(*p.model, p.settings, p.tracks, *p.family);
      prepared->sweeps.push_back(std::move(p));
    } catch (const InputError& e) {
      throw InputError(where + e.what());
    }
  }
  if (s.checks.enabled) {
    if (s.checks.ids.empty()) {
      for (const proofs::CheckInfo& c : proofs::registry()) prepared->check_ids.emplace_back(c.id);
    } else {
      prepared->check_ids = s.checks.ids;
    }
  }
  const auto find_sweep = [&](const std::string& id) -> const PreparedSweep& {
    for (const PreparedSweep& p : prepared->sweeps) {
      if (p.spec->id == id) return p;
    }
    throw InputError(origin + "no sweep has the id '" + id + "'");
  };
  for (const PreparedSweep& p : prepared->sweeps) {
    if (p.spec->mitigates.empty()) continue;
    const std::string where = origin + "sweep '" + p.spec->id + "' mitigates '" + p.spec->mitigates + "': ";
    if (p.spec->mitigates == p.spec->id) throw InputError(where + "a sweep cannot mitigate itself");
    const PreparedSweep& base = find_sweep(p.spec->mitigates);
    if (!base.spec->mitigates.empty())
      throw InputError(where + "that sweep is itself a mitigation (of '" + base.spec->mitigates + "'); name its baseline");
    for (const std::string& format : p.spec->formats) {
      const std::string wanted = baseline_format(format);
      if (std::find(base.spec->formats.begin(), base.spec->formats.end(), wanted) == base.spec->formats.end())
        throw InputError(where + "format '" + format + "' has no counterpart '" + wanted + "' among that sweep's formats");
    }
  }
  const auto check_run = [&](const std::string& id, const std::string& where) {
    if (std::find(prepared->check_ids.begin(), prepared->check_ids.end(), id) == prepared->check_ids.end())
      throw InputError(where + "reads the data of check " + id + ", which the suite does not run (add it to checks.ids)");
  };
  for (std::size_t i = 0; i < s.figures.size(); ++i) {
    const FigureSpec& f = s.figures[i];
    const std::string where = origin + "figures[" + std::to_string(i) + "] ('" + f.name + "'): ";
    switch (f.kind) {
      case FigureKind::collapse:
      case FigureKind::heads: find_sweep(f.sweep); break;
      case FigureKind::compare:
        for (const CompareSeries& c : f.series) {
          const PreparedSweep& p = find_sweep(c.sweep);
          const std::string track = c.track.empty() ? p.settings.reference : c.track;
          if (std::none_of(p.tracks.begin(), p.tracks.end(), [&](const model::TrackSpec& t) { return t.label == track; }))
            throw InputError(where + "sweep '" + c.sweep + "' has no track '" + track + "'");
        }
        {
          model::PointMetrics probe;
          probe.layer_d1.resize(64);
          const std::vector<std::pair<std::string, double>> metrics = model::metric_values(probe);
          const bool known = f.metric == "rel_Dinf" ||
                             std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) { return m.first == f.metric; });
          if (!known) throw InputError(where + "unknown metric '" + f.metric + "' (D1, D2, Dinf, rel_Dinf, identical_fraction, ulp_distance, error_inf, head_inf_mean, D_layer_0, ...)");
        }
        break;
      case FigureKind::check:
        for (const CheckFigureInfo& c : kCheckFigures) {
          if (c.name == f.check_figure) check_run(std::string(c.check), where);
        }
        break;
      case FigureKind::check_series: check_run(f.check, where); break;
    }
  }
  return prepared;
}

}  // namespace glasses::reports
