#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/parallel.hpp"

namespace glasses::model {
namespace {

using numerics::MpfrReal;

// Nominal nanoseconds per multiply-add on each carrier (this machine's
// order of magnitude): progress weights and the estimate of a sweep's cost.
double carrier_cost(const Execution& e) {
  switch (e.carrier) {
    case CarrierKind::native_float:
    case CarrierKind::native_double: return e.site_rounding ? 6.0 : 1.0;
    case CarrierKind::emulated: return 6.0;
    case CarrierKind::mpfr: return 12.0 + static_cast<double>(e.mpfr_bits) / 8.0;
    case CarrierKind::interval: return 30.0 + static_cast<double>(e.mpfr_bits) / 4.0;
  }
  return 1.0;
}

// Bytes of one value of the carrier: the object, and the limbs of a
// multiprecision number wider than one limb on the heap.
double value_bytes(const Execution& e) {
  switch (e.carrier) {
    case CarrierKind::native_float: return 8.0;  // the value and its packed copy
    case CarrierKind::native_double:
    case CarrierKind::emulated: return 16.0;
    case CarrierKind::mpfr:
    case CarrierKind::interval: {
      const double limbs = std::ceil(static_cast<double>(e.mpfr_bits) / 64.0);
      return (e.carrier == CarrierKind::interval ? 2.0 : 1.0) * (40.0 + (limbs > 1 ? 8.0 * limbs + 16.0 : 0.0));
    }
  }
  return 8.0;
}

// Multiply-adds of a track from index `first` on, walked as run_track_as
// walks it. Causal models: decoder a follows s, then s* too when s is a
// prefix of s*, else decoder b follows s*; each pushes what differs from
// the sequence it holds (FollowingDecoder::follow). Others recompute both
// sequences from scratch at every n.
double estimated_work(const ModelConfig& config, const PairFamily& family, const std::vector<std::size_t>& ns,
                      std::size_t first) {
  const auto follow = [&](std::vector<int>& held, const std::vector<int>& now) {
    std::size_t k = 0;
    while (k < held.size() && k < now.size() && held[k] == now[k]) ++k;
    const bool same = k == now.size() && k == held.size() && k > 0;
    if (k == now.size() && k > 0) --k;  // the last position is recomputed
    held = now;
    return same ? 0.0 : detail::push_work(config, k + 1, now.size());
  };
  double work = 0;
  std::vector<int> held_a, held_b;
  for (std::size_t i = first; i < ns.size(); ++i) {
    const SequencePair p = family.at(ns[i]);
    if (!config.causal) {
      work += detail::push_work(config, 1, p.a.size()) + detail::push_work(config, 1, p.b.size());
      continue;
    }
    const bool nested = p.a.size() < p.b.size() && std::equal(p.a.begin(), p.a.end(), p.b.begin());
    work += follow(held_a, p.a);
    work += follow(nested ? held_a : held_b, p.b);
  }
  return work;
}

// Entries of one layer's matrices: W_Q, W_K, W_V, W_O and the MLP's two or
// three (gated) matrices.
double layer_matrix_entries(const ModelConfig& c) {
  const double d = c.d_model, q = c.q_width(), kv = c.kv_width(), mlp = c.d_mlp;
  return d * (q + 2 * kv) + q * d + (gated(c.activation) ? 3.0 : 2.0) * d * mlp;
}

double parameter_count(const ModelConfig& c) {
  const double d = c.d_model, vocab = c.vocab_size;
  return c.n_layers * layer_matrix_entries(c) + vocab * d * (c.tied_unembedding ? 1.0 : 2.0) +
         (c.positional == PositionalKind::learned ? static_cast<double>(c.max_positions) * d : 0.0);
}

// Bytes per parameter a prepared model of this run adds to the source's
// master copy (forward.hpp's prepare): a copy when the weights site changes
// the binary32 master's values or the master is binary64 (binary32 when
// the site's format is at most 24 bits wide), and the vector kernels'
// packed copy for the types they serve.
double weight_bytes(const ModelSource& model, const RunSpec& run) {
  const numerics::Format& f = run.policy.at(Site::weights).format;
  double bytes = model.float_weights && numerics::holds_binary32(f) ? 0.0 : (f.p <= 24 ? 4.0 : 8.0);
  const Execution& e = run.execution;
  const bool served = e.carrier == CarrierKind::native_float ||
                      (e.carrier == CarrierKind::emulated &&
                       (e.emulated_format == numerics::formats::bf16 || e.emulated_format == numerics::formats::fp16));
  if (served) bytes += 4.0;
  return bytes;
}

// Every predictor's onsets (predict.hpp) for every track, fed with the
// reference track's probes at every point: [track][predictor], in
// kPredictors order; `permanent` starts the current run of predicted
// collapses (the permanent onset once the last point is seen), `first` the
// first one.
struct Predictions {
  using Onsets = std::vector<std::vector<std::optional<std::size_t>>>;
  std::vector<RunSpec> runs;
  Onsets permanent, first;

  explicit Predictions(const std::vector<TrackSpec>& tracks)
      : permanent(tracks.size(), std::vector<std::optional<std::size_t>>(kPredictors.size())), first(permanent) {
    for (const TrackSpec& t : tracks) runs.push_back(t.run);
  }

  void see(const ReferenceProbe& probe) {
    for (std::size_t t = 0; t < runs.size(); ++t) {
      for (std::size_t k = 0; k < kPredictors.size(); ++k) {
        if (predicts_collapse(kPredictors[k].predictor, probe, runs[t])) {
          if (!permanent[t][k]) permanent[t][k] = probe.n;
          if (!first[t][k]) first[t][k] = probe.n;
        } else {
          permanent[t][k] = std::nullopt;
        }
      }
    }
  }

  // One line between processes (JobSet::pack), and back.
  std::string to_line() const { return nlohmann::json::array({to_json(permanent), to_json(first)}).dump(); }
  void from_line(std::string_view line) {
    const nlohmann::json j = nlohmann::json::parse(line);
    from_json(j.at(0), permanent);
    from_json(j.at(1), first);
  }

 private:
  static nlohmann::json to_json(const Onsets& onsets) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& track : onsets) {
      nlohmann::json row = nlohmann::json::array();
      for (const std::optional<std::size_t>& n : track) row.push_back(n ? nlohmann::json(*n) : nlohmann::json(nullptr));
      j.push_back(row);
    }
    return j;
  }
  static void from_json(const nlohmann::json& j, Onsets& onsets) {
    for (std::size_t t = 0; t < onsets.size(); ++t) {
      for (std::size_t k = 0; k < onsets[t].size(); ++k) {
        const nlohmann::json& n = j.at(t).at(k);
        onsets[t][k] = n.is_null() ? std::nullopt : std::optional<std::size_t>(n.get<std::size_t>());
      }
    }
  }
};

}  // namespace

std::optional<std::size_t> predicted_onset(const TrackSummary& s, Predictor p) {
  for (const PredictedOnset& o : s.predictions) {
    if (o.predictor == p) return o.n;
  }
  return std::nullopt;
}

namespace detail {
double position_work(const ModelConfig& c, double length) {
  const double unembedding = c.has_unembedding ? static_cast<double>(c.vocab_size) * c.d_model : 0.0;
  return c.n_layers * (layer_matrix_entries(c) + 2.0 * c.q_width() * length) + unembedding;
}

double push_work(const ModelConfig& c, std::size_t first_length, std::size_t last_length) {
  if (last_length < first_length) return 0;
  // position_work is affine in the length: the count times its value at the mean length.
  const double count = static_cast<double>(last_length - first_length + 1);
  return count * position_work(c, (static_cast<double>(first_length) + static_cast<double>(last_length)) / 2);
}

Difference difference(const std::vector<MpfrReal>& a, const std::vector<MpfrReal>& b) {
  Difference r;
  mpfr_prec_t prec = 53;
  for (std::size_t i = 0; i < a.size(); ++i) {
    prec = std::max({prec, mpfr_get_prec(a[i].data()), mpfr_get_prec(b[i].data())});
  }
  prec += 64;
  MpfrReal diff(0L, prec), s1(0L, prec), s2(0L, prec), mx(0L, prec);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool same = mpfr_equal_p(a[i].data(), b[i].data()) != 0 &&
                      mpfr_signbit(a[i].data()) == mpfr_signbit(b[i].data());
    r.identical += same ? 1 : 0;
    mpfr_sub(diff.data(), a[i].data(), b[i].data(), MPFR_RNDN);
    mpfr_abs(diff.data(), diff.data(), MPFR_RNDN);
    mpfr_add(s1.data(), s1.data(), diff.data(), MPFR_RNDN);
    if (mpfr_cmp(diff.data(), mx.data()) > 0) mpfr_set(mx.data(), diff.data(), MPFR_RNDN);
    mpfr_sqr(diff.data(), diff.data(), MPFR_RNDN);
    mpfr_add(s2.data(), s2.data(), diff.data(), MPFR_RNDN);
  }
  mpfr_sqrt(s2.data(), s2.data(), MPFR_RNDN);
  r.d1 = s1.to_double();
  r.d2 = s2.to_double();
  r.dinf = mx.to_double();
  return r;
}

// The first n at which the pair is bitwise collapsed, walked n included.
std::optional<std::size_t> first_collapse(const std::vector<PointMetrics>& points) {
  for (const PointMetrics& p : points) {
    if (!p.walked_collapsed.empty()) return p.walked_collapsed.front();
    if (p.bitwise_equal) return p.n;
  }
  return std::nullopt;
}

// The smallest n from which every n seen (points and walked n) is bitwise
// collapsed.
std::optional<std::size_t> permanent_collapse(const std::vector<PointMetrics>& points) {
  std::optional<std::size_t> onset;
  for (auto it = points.rbegin(); it != points.rend() && it->bitwise_equal; ++it) {
    onset = it->n;
    if (it->walked_from == 0) continue;
    // Walked n collapsed from the top down: a run of consecutive values ending at n - 1.
    const std::vector<std::size_t>& c = it->walked_collapsed;
    std::size_t k = c.size();
    while (k > 0 && c[k - 1] == *onset - 1) onset = c[--k];
    if (*onset != it->walked_from) break;  // some walked n below this run is not collapsed
  }
  return onset;
}

bool onset_confirmed(const std::vector<PointMetrics>& points, std::optional<std::size_t> onset) {
  return onset && points.size() >= 2 && *onset <= points[points.size() - 2].n;
}

// error_inf and decision_collapse of each point against the reference
// track's point at the same index.
void compare_with_reference(std::vector<PointMetrics>& points, const std::vector<PointMetrics>& reference) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    PointMetrics& p = points[i];
    const PointMetrics& r = reference[i];
    p.error_inf = difference(p.y_a, r.y_a).dinf;
    p.decision_collapse = p.argmax_a >= 0 && p.argmax_a == p.argmax_b && r.argmax_a != r.argmax_b;
  }
}
}  // namespace detail

std::vector<std::pair<std::string, double>> metric_values(const PointMetrics& p) {
  std::vector<std::pair<std::string, double>> m{
      {"D1", p.d1},
      {"D2", p.d2},
      {"Dinf", p.dinf},
      {"bitwise_equal", p.bitwise_equal ? 1.0 : 0.0},
      {"identical_fraction", p.identical_fraction},
      {"y_norm_inf", p.y_norm_inf},
      {"ulp_distance", p.ulp_distance},
      {"error_inf", p.error_inf},
      {"argmax_a", static_cast<double>(p.argmax_a)},
      {"argmax_b", static_cast<double>(p.argmax_b)},
      {"decision_collapse", p.decision_collapse ? 1.0 : 0.0},
      {"head_inf_mean", p.head_inf_mean},
      {"head_inf_min", p.head_inf_min},
      {"head_inf_max", p.head_inf_max},
      {"nonfinite", p.nonfinite ? 1.0 : 0.0},
  };
  for (std::size_t l = 0; l < p.layer_d1.size(); ++l) m.emplace_back("D_layer_" + std::to_string(l), p.layer_d1[l]);
  return m;
}

namespace {
// Doubles travel as hexadecimal text so they come back bit for bit.
std::string hex_double(double x) {
  char b[64];
  std::snprintf(b, sizeof b, "%a", x);
  return std::string(b);
}

double double_from_hex(const std::string& s) {
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end == nullptr || *end != '\0') throw InputError("damaged number '" + s + "'");
  return x;
}

std::string exact_text(const MpfrReal& x) {
  char* text = nullptr;
  mpfr_asprintf(&text, "%Ra", x.data());
  std::string s = std::to_string(mpfr_get_prec(x.data())) + ":" + text;
  mpfr_free_str(text);
  return s;
}

MpfrReal exact_from_text(const std::string& s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string::npos) throw InputError("damaged exact value '" + s + "'");
  // A damaged precision must not reach MPFR, which aborts below MPFR_PREC_MIN
  // and allocates whatever it is asked for above (found by fuzz/resume_point).
  long prec = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + colon, prec);
  if (ec != std::errc() || ptr != s.data() + colon || prec < 2 || prec > numerics::kMaxMpfrBits) {
    throw InputError("damaged exact value '" + s + "'");
  }
  MpfrReal x(0L, prec);
  char* end = nullptr;
  const std::string digits = s.substr(colon + 1);
  mpfr_strtofr(x.data(), digits.c_str(), &end, 0, MPFR_RNDN);
  if (end == nullptr || *end != '\0') throw InputError("damaged exact value '" + s + "'");
  return x;
}
}  // namespace

std::string point_to_json(const PointMetrics& p) {
  nlohmann::json j;
  j["n"] = p.n;
  const auto hex = hex_double;
  j["d1"] = hex(p.d1);
  j["d2"] = hex(p.d2);
  j["dinf"] = hex(p.dinf);
  j["bitwise_equal"] = p.bitwise_equal;
  j["identical_fraction"] = hex(p.identical_fraction);
  j["y_norm_inf"] = hex(p.y_norm_inf);
  j["ulp_distance"] = hex(p.ulp_distance);
  j["argmax_a"] = p.argmax_a;
  j["argmax_b"] = p.argmax_b;
  std::vector<std::string> layers;
  for (double d : p.layer_d1) layers.push_back(hex(d));
  j["layer_d1"] = layers;
  j["head_inf"] = {hex(p.head_inf_mean), hex(p.head_inf_min), hex(p.head_inf_max)};
  j["nonfinite"] = p.nonfinite;
  j["issue"] = p.issue;
  if (p.walked_from > 0) {
    j["walked_from"] = p.walked_from;
    j["walked_collapsed"] = p.walked_collapsed;
  }
  std::vector<std::string> y;
  for (const MpfrReal& x : p.y_a) y.push_back(exact_text(x));
  j["y_a"] = y;
  return j.dump();
}

namespace {
// An integer field of a progress line; json's get<int> of 1e60 is undefined
// behaviour (found by fuzz/resume_point), so the type and range come first.
template <class T>
T integer_of(const nlohmann::json& v) {
  const bool fits = v.is_number_unsigned()  ? std::in_range<T>(v.get<std::uint64_t>())
                    : v.is_number_integer() ? std::in_range<T>(v.get<std::int64_t>())
                                            : false;
  if (!fits) throw InputError("damaged progress record: not an integer in range: " + v.dump());
  return v.get<T>();
}
}  // namespace

PointMetrics point_from_json(const std::string& line) {
  try {
    const nlohmann::json j = nlohmann::json::parse(line);
    const auto num = [](const nlohmann::json& v) { return double_from_hex(v.get<std::string>()); };
    PointMetrics p;
    p.n = integer_of<std::size_t>(j.at("n"));
    p.d1 = num(j.at("d1"));
    p.d2 = num(j.at("d2"));
    p.dinf = num(j.at("dinf"));
    p.bitwise_equal = j.at("bitwise_equal").get<bool>();
    p.identical_fraction = num(j.at("identical_fraction"));
    p.y_norm_inf = num(j.at("y_norm_inf"));
    p.ulp_distance = num(j.at("ulp_distance"));
    p.argmax_a = integer_of<int>(j.at("argmax_a"));
    p.argmax_b = integer_of<int>(j.at("argmax_b"));
    for (const auto& d : j.at("layer_d1")) p.layer_d1.push_back(num(d));
    p.head_inf_mean = num(j.at("head_inf").at(0));
    p.head_inf_min = num(j.at("head_inf").at(1));
    p.head_inf_max = num(j.at("head_inf").at(2));
    p.nonfinite = j.at("nonfinite").get<bool>();
    p.issue = j.at("issue").get<std::string>();
    p.walked_from = j.contains("walked_from") ? integer_of<std::size_t>(j.at("walked_from")) : 0;
    if (p.walked_from > 0) {
      for (const auto& n : j.at("walked_collapsed")) p.walked_collapsed.push_back(integer_of<std::size_t>(n));
    }
    for (const auto& y : j.at("y_a")) p.y_a.push_back(exact_from_text(y.get<std::string>()));
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("damaged progress record: ") + e.what());
  }
}

std::string cross_check_format(const std::string& reference) {
  const numerics::Format f = numerics::parse_format(reference);
  if (numerics::is_mpfr(f)) return "cpp_bin_float:256";
  if (numerics::is_cpp_bin_float(f)) return "mpfr:256";
  throw InputError("a cross-check needs an arbitrary-precision reference (mpfr:<bits> or cpp_bin_float:256), not " +
                   reference);
}

namespace detail {
std::string certification_to_json(const Certification& c) {
  const nlohmann::json j{{"n", c.n},
                         {"certified", c.certified},
                         {"lower", hex_double(c.exact_distance_lower)},
                         {"upper", hex_double(c.exact_distance_upper)},
                         {"bits", c.bits},
                         {"note", c.note}};
  return j.dump();
}

Certification certification_from_json(std::string_view text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    Certification c;
    c.n = j.at("n").get<std::size_t>();
    c.certified = j.at("certified").get<bool>();
    c.exact_distance_lower = double_from_hex(j.at("lower").get<std::string>());
    c.exact_distance_upper = double_from_hex(j.at("upper").get<std::string>());
    c.bits = j.at("bits").get<int>();
    c.note = j.at("note").get<std::string>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("damaged certification record: ") + e.what());
  }
}
}  // namespace detail

std::vector<TrackSpec> plan_tracks(const SweepSettings& settings) {
  const numerics::Format reference = numerics::parse_format(settings.reference);
  std::vector<TrackSpec> tracks;
  bool have_reference = false;
  for (const std::string& f : settings.formats) {
    if (std::any_of(tracks.begin(), tracks.end(), [&](const TrackSpec& t) { return t.label == f; })) {
      throw InputError("format '" + f + "' is listed twice");
    }
    tracks.push_back({f, "formats", parse_run_spec(f, reference, settings.seed, settings.order)});
    if (tracks.back().run.execution.carrier == CarrierKind::interval) {
      throw InputError("sweep formats are number formats or policies; intervals certify onsets automatically");
    }
    have_reference = have_reference || f == settings.reference;
  }
  if (!have_reference) tracks.push_back({settings.reference, "reference", parse_run_spec(settings.reference, reference, settings.seed, settings.order)});
  if (settings.cross_check) {
    const std::string cross = cross_check_format(settings.reference);
    // A cross-check reference also listed as a format is that format's track.
    if (std::none_of(tracks.begin(), tracks.end(), [&](const TrackSpec& t) { return t.label == cross; })) {
      tracks.push_back({cross, "cross-check", parse_run_spec(cross, reference, settings.seed, settings.order)});
    }
  }
  if (settings.ablate) {
    for (const NamedSite& site : kSites) {
      const std::string policy = "ablate:" + std::string(site.name) + "=" + *settings.ablate;
      tracks.push_back({std::string(site.name), "ablation", parse_run_spec(policy, reference, settings.seed, settings.order)});
    }
    const std::string mixed = "mixed:" + *settings.ablate + "/fp32";
    tracks.push_back({mixed, "ablation", parse_run_spec(mixed, reference, settings.seed, settings.order)});
  }
  return tracks;
}

SweepEstimate estimate_sweep(const ModelSource& model, const PairFamily& family, const SweepSettings& settings,
                             std::size_t points, std::size_t largest_n) {
  const ModelConfig& c = model.config;
  const double longest = family.length(largest_n), count = static_cast<double>(points);
  // Causal: every position up to the longest pushed about once (s and s*
  // share one walk in most families), plus a few per point; otherwise both
  // sequences from scratch at every point.
  const double work = c.causal ? longest * detail::position_work(c, longest / 2) +
                                     4.0 * count * detail::position_work(c, longest)
                               : 2.0 * count * longest * detail::position_work(c, longest / 2);
  SweepEstimate e;
  std::vector<double> caches;
  // The source's master copy of the weights, once (presets.hpp).
  const double parameters = parameter_count(c);
  e.peak_bytes += parameters * (model.float_weights ? 4.0 : 8.0);
  for (const TrackSpec& t : plan_tracks(settings)) {
    e.cpu_seconds += work * carrier_cost(t.run.execution) * 1e-9;
    // While the track runs: keys and values of every layer for two
    // sequences, and its prepared weights; its points (y as exact MPFR
    // values, per-layer distances) until the end.
    caches.push_back(2.0 * 2.0 * c.n_layers * c.kv_width() * longest * value_bytes(t.run.execution) +
                     parameters * weight_bytes(model, t.run));
    e.peak_bytes += count * (c.d_model * 48.0 + 8.0 * (c.n_layers + 1) + 256.0);
  }
  // The `threads` largest at once.
  std::sort(caches.begin(), caches.end(), std::greater<>());
  const std::size_t running = std::min(caches.size(), static_cast<std::size_t>(std::max(1, settings.threads)));
  for (std::size_t k = 0; k < running; ++k) e.peak_bytes += caches[k];
  return e;
}

Certification certify_distance(const ModelSource& model, const PairFamily& family, std::size_t n, int bits,
                               int bits_limit, const numerics::RowGroup* group) {
  const SequencePair pair = family.at(n);
  Certification c;
  c.n = n;
  for (int b = bits;; b *= 2) {
    const DistanceEnclosure e = interval_distance(model, b, pair.a, pair.b, group);
    c.bits = b;
    c.exact_distance_lower = e.lower;
    c.exact_distance_upper = e.upper;
    c.certified = e.lower > 0 && !e.issue.found;
    if (c.certified && e.upper - e.lower < e.lower) return c;  // narrower than the distance
    if (2 * b > bits_limit) {
      c.note = c.certified ? "certified; enclosure wider than the distance at the precision limit"
                           : "not certified: the enclosure contains 0 at the precision limit of " +
                                 std::to_string(b) + " bits";
      return c;
    }
  }
}

SweepResult run_sweep(const ModelSource& model, const PairFamily& family, const SweepSettings& settings,
                      const SweepCallbacks& callbacks, std::vector<std::vector<PointMetrics>> completed) {
  if (settings.ns.empty()) throw InputError("no values of n to run");
  if (!std::is_sorted(settings.ns.begin(), settings.ns.end()) ||
      std::adjacent_find(settings.ns.begin(), settings.ns.end()) != settings.ns.end()) {
    throw InputError("the values of n must be increasing");
  }
  SweepResult result;
  const std::vector<TrackSpec> tracks = plan_tracks(settings);
  completed.resize(tracks.size());
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    result.tracks.push_back({tracks[t], std::move(completed[t]), {}});
    result.tracks.back().summary.label = tracks[t].label;
    if (tracks[t].label == settings.reference) result.reference_track = t;
  }
  // Progress in units of estimated operations. The work from each first
  // index is walked once (it builds every pair: text families tokenise).
  std::map<std::size_t, double> work_from;
  const auto work = [&](std::size_t first) {
    auto it = work_from.find(first);
    if (it == work_from.end()) it = work_from.emplace(first, estimated_work(model.config, family, settings.ns, first)).first;
    return it->second;
  };
  std::vector<double> weight(tracks.size());
  double total = 0;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    weight[t] = carrier_cost(tracks[t].run.execution);
    total += weight[t] * work(0);
  }
  std::mutex progress_mutex;
  double done = 0;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    if (!result.tracks[t].points.empty()) done += weight[t] * (work(0) - work(result.tracks[t].points.size()));
  }
  // The costliest tracks (MPFR, long remaining work) start first.
  std::vector<double> costs(tracks.size());
  for (std::size_t t = 0; t < tracks.size(); ++t) costs[t] = weight[t] * work(result.tracks[t].points.size());
  // Each track's new points are a job; they travel between processes as
  // the exact lines of the progress log (point_to_json).
  std::vector<std::vector<PointMetrics>> fresh(tracks.size());
  const numerics::RowGroup* group = callbacks.distributor != nullptr ? callbacks.distributor->row_group() : nullptr;
  numerics::JobSet jobs;
  jobs.costs = costs;
  Predictions predictions(tracks);
  jobs.run = [&](std::size_t t) {
    TrackResult& track = result.tracks[t];
    const std::size_t first = track.points.size();
    if (first >= settings.ns.size() && t != result.reference_track) return;  // the reference still probes
    const auto on_point = [&](const PointMetrics& p) {
      if (callbacks.on_point) callbacks.on_point(t, p);
    };
    const auto on_work = [&](double w) {
      if (!callbacks.on_progress) return;
      std::lock_guard<std::mutex> lock(progress_mutex);
      done += w * weight[t];
      callbacks.on_progress(done, total);
    };
    std::function<void(const ReferenceProbe&)> on_probe;
    if (t == result.reference_track) on_probe = [&](const ReferenceProbe& p) { predictions.see(p); };
    fresh[t] = with_carrier(track.spec.run.execution, [&]<class T>() {
      return detail::run_track_as<T>(model, family, track.spec, settings, first, on_point, on_work, group, on_probe);
    });
  };
  // The reference's job carries the predictions as its first line.
  jobs.pack = [&](std::size_t t) {
    std::string lines = t == result.reference_track ? predictions.to_line() + "\n" : "";
    for (const PointMetrics& p : fresh[t]) lines += point_to_json(p) + "\n";
    return lines;
  };
  jobs.unpack = [&](std::size_t t, std::string_view lines) {
    fresh[t].clear();
    for (std::size_t at = 0; at < lines.size();) {
      const std::size_t end = lines.find('\n', at);
      const std::string_view line = lines.substr(at, end - at);
      if (at == 0 && t == result.reference_track) {
        predictions.from_line(line);
      } else {
        fresh[t].push_back(point_from_json(std::string(line)));
      }
      at = end + 1;
    }
  };
  jobs.arrived = [&](std::size_t t) {  // a track run elsewhere: all its remaining work done
    if (!callbacks.on_progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    done += weight[t] * work(result.tracks[t].points.size());
    callbacks.on_progress(done, total);
  };
  numerics::run_jobs(callbacks.distributor, jobs, std::max(1, settings.threads));
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    for (PointMetrics& p : fresh[t]) result.tracks[t].points.push_back(std::move(p));
  }

  // Cross-track quantities against the reference.
  const std::vector<PointMetrics>& reference = result.tracks[result.reference_track].points;
  for (TrackResult& track : result.tracks) detail::compare_with_reference(track.points, reference);
  if (settings.cross_check) {
    ReferenceDisagreement d;
    d.cross_check = cross_check_format(settings.reference);
    for (const TrackResult& t : result.tracks) {
      if (t.spec.label != d.cross_check) continue;
      for (const PointMetrics& p : t.points) {
        if (!std::isnan(d.max_error) && !(p.error_inf <= d.max_error)) {  // NaN is the largest disagreement
          d.max_error = p.error_inf;
          d.n_at_max = p.n;
        }
        if (p.y_norm_inf > 0) d.max_relative = std::max(d.max_relative, p.error_inf / p.y_norm_inf);
      }
    }
    result.cross_check = d;
  }
  // Onsets, then the certifications they need: each n once, as jobs
  // (interval forwards are the costliest part of a short sweep).
  for (TrackResult& track : result.tracks) {
    TrackSummary& s = track.summary;
    s.onset_first = detail::first_collapse(track.points);
    s.onset_permanent = detail::permanent_collapse(track.points);
    s.onset_confirmed = detail::onset_confirmed(track.points, s.onset_permanent);
    s.nonfinite = std::any_of(track.points.begin(), track.points.end(), [](const PointMetrics& p) { return p.nonfinite; });
  }
  // A reference with non-finite values predicts nothing.
  const bool predicts = !result.tracks[result.reference_track].summary.nonfinite;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    TrackSummary& s = result.tracks[t].summary;
    for (std::size_t k = 0; k < kPredictors.size(); ++k) {
      if (predicts) {
        s.predictions.push_back({kPredictors[k].predictor, predictions.permanent[t][k], predictions.first[t][k]});
      } else {
        s.predictions.push_back({kPredictors[k].predictor, std::nullopt, std::nullopt});
      }
    }
    s.onset_predicted = predicted_onset(s, kChosenPredictor);
  }
  std::map<std::size_t, Certification> certified;
  for (const TrackResult& track : result.tracks) {
    for (const std::optional<std::size_t>& n : {track.summary.onset_first, track.summary.onset_permanent}) {
      if (settings.certify && n && *n <= settings.certify_max_n) certified.emplace(*n, Certification{});
    }
  }
  std::vector<Certification*> slots;
  numerics::JobSet certifications;
  for (auto& [n, c] : certified) {
    slots.push_back(&c);
    certifications.costs.push_back(static_cast<double>(n) * static_cast<double>(n));  // O(n²) interval work
  }
  certifications.run = [&](std::size_t k) {
    const std::size_t n = std::next(certified.begin(), static_cast<std::ptrdiff_t>(k))->first;
    *slots[k] = certify_distance(model, family, n, settings.interval_bits, settings.interval_bits_limit, group);
  };
  certifications.pack = [&](std::size_t k) { return detail::certification_to_json(*slots[k]); };
  certifications.unpack = [&](std::size_t k, std::string_view text) { *slots[k] = detail::certification_from_json(text); };
  numerics::run_jobs(callbacks.distributor, certifications, std::max(1, settings.threads));
  const auto certify = [&](std::size_t n) -> std::optional<Certification> {
    if (!settings.certify) return std::nullopt;
    if (n <= settings.certify_max_n) return certified.at(n);
    Certification c;
    c.n = n;
    c.note = "not certified: n = " + std::to_string(n) + " is above the certification limit " +
             std::to_string(settings.certify_max_n);
    return c;
  };
  for (TrackResult& track : result.tracks) {
    TrackSummary& s = track.summary;
    if (s.onset_first) s.certification = certify(*s.onset_first);
    if (s.onset_permanent && s.onset_permanent != s.onset_first) s.certification_permanent = certify(*s.onset_permanent);
    if (s.onset_first && !s.nonfinite) s.merge = merge_point(model, family, track.spec.run, *s.onset_first);
  }
  return result;
}

}  // namespace glasses::model
