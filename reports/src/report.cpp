// build_report(): the Document of a suite's results (report.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "glasses/model/policy.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/reports/latex.hpp"
#include "glasses/reports/report.hpp"

namespace glasses::reports {
namespace {

// ---------------------------------------------------------------- formatting

std::string num(double x, int significant = 3) { return math(format_number(x, significant)); }
std::string integer(std::size_t n) { return format_integer(n); }

// "B.5-full" -> "B.5-full" in text; ids are ASCII but escape anyway.
std::string check_name(std::string_view id) { return escape(id); }

// code() of user text with permitted line breaks after ':' ',' '=' and ';'
// (model specs such as paper-literal:positional=rope in narrow columns).
std::string breakable_code(std::string_view text, std::string_view breaks = ":,=;") {
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

// A sentence without its final period (to be followed by one).
std::string without_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? std::string(separator) : std::string()) + items[i];
  return out;
}

// "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return join(head, ", ") + " and " + items.back();
}

// A data or figure name derived from user ids: [A-Za-z0-9_-], at most 64.
std::string file_stem(std::string text) {
  for (char& c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) c = '-';
  }
  if (text.size() > 64) text.resize(64);
  return text;
}

// ---------------------------------------------------------------- models and tracks

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

// The ALiBi slope of the first head, m_1 = scale * 2^(-8/H) (config.hpp), when the model uses ALiBi.
std::string alibi_note(const model::ModelConfig& c) {
  if (c.positional != model::PositionalKind::alibi) return "";
  const double m1 = c.alibi_slope_scale * std::exp2(-8.0 / c.n_heads);
  return ", ALiBi slope $m_1 = " + format_number(m1, 3) + "$";
}

// A model's short name: the preset without its options, or the file name.
// Short names for narrow table columns.
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

// The tracks of the formats group that are not the reference.
std::vector<const model::TrackResult*> low_tracks(const PreparedSweep& p, const model::SweepResult& r) {
  std::vector<const model::TrackResult*> out;
  for (const model::TrackResult& t : r.tracks) {
    if (t.spec.group == "formats" && !is_reference(p, t)) out.push_back(&t);
  }
  return out;
}

const model::TrackResult& reference_track(const model::SweepResult& r) { return r.tracks.at(r.reference_track); }

// The unit roundoff of the format y is stored in (the activations site).
double storage_roundoff(const model::TrackSpec& t) {
  return numerics::unit_roundoff(t.run.policy.at(model::Site::activations).format);
}

std::string reference_text(const std::string& reference) {
  const numerics::Format f = numerics::parse_format(reference);
  if (numerics::is_mpfr(f)) return "MPFR with " + std::to_string(f.p) + "-bit significands (" + code(reference) + ")";
  return code(reference) + " (not MPFR: its relative rounding error, " + math("2^{-" + std::to_string(f.p) + "}") +
         ", is far below every distance shown)";
}

std::string certify_text(const SweepSpec& s) {
  if (!s.certify) return "onsets not certified";
  return "onsets up to $n = " + integer(s.certify_max_n) + "$ certified with MPFI from " + integer(static_cast<std::size_t>(s.interval_bits)) +
         " bits (doubling up to " + integer(static_cast<std::size_t>(s.interval_bits_limit)) + ")";
}

// Exactly what a sweep ran, as a sentence (LaTeX).
std::string describe_sweep(const PreparedSweep& p) {
  const SweepSpec& s = *p.spec;
  std::vector<std::string> formats;
  for (const std::string& f : s.formats) formats.push_back(code(f));
  std::string out = "Sweep " + code(s.id) + ": " + model_text(p) + " (" + escape(model::describe(p.model->config)) +
                    alibi_note(p.model->config) + "); family " + code(s.family) + " (" + escape(p.family->describe()) + "); " + s.n.description +
                    "; formats " + join(formats, ", ");
  if (s.ablate) out += "; rounding sites ablated in " + code(*s.ablate);
  out += "; reference " + reference_text(s.reference) + "; seed " + integer(s.seed) + "; " + certify_text(s) + ".";
  return out;
}

// What several sweeps ran: the model of each, then what they share (or one
// description each when they differ in more than the model).
std::string describe_sweeps(const std::vector<const PreparedSweep*>& sweeps) {
  if (sweeps.size() == 1) return describe_sweep(*sweeps.front());
  const auto shared = [](const PreparedSweep& p) {
    const SweepSpec& s = *p.spec;
    std::string key = s.family + "|" + p.family->describe() + "|" + s.n.description + "|" + s.reference + "|" +
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
  std::string out = "Sweeps " + join(models, "; ") + ". Each: family " + code(s.family) + " (" + escape(p.family->describe()) +
                    "); " + s.n.description + "; formats " + join(formats, ", ");
  if (s.ablate) out += "; rounding sites ablated in " + code(*s.ablate);
  return out + "; reference " + reference_text(s.reference) + "; seed " + integer(s.seed) + "; " + certify_text(s) + ".";
}


// ---------------------------------------------------------------- fits

// Slope of the reference's Dinf over the upper part of n (n >= n_max / 32).
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

// ---------------------------------------------------------------- the builder

class Builder {
 public:
  Builder(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context)
      : suite_(suite), results_(results), context_(context) {
    if (results.sweeps.size() != suite.sweeps.size() || results.checks.size() != suite.check_ids.size())
      throw InputError("build_report: the results do not belong to this suite");
  }

  Document build() {
    doc_.title = escape(suite_.suite.title);
    doc_.date = escape(context_.date);
    doc_.title_page = true;
    doc_.extra_preamble =
        "% Room for the report's many figures and tables.\n"
        "\\extrafloats{100}\n"
        "\\setcounter{topnumber}{3}\\setcounter{totalnumber}{4}\n"
        "\\renewcommand{\\topfraction}{0.9}\\renewcommand{\\bottomfraction}{0.6}\n"
        "\\renewcommand{\\textfraction}{0.07}\n"
        "\\setlength{\\emergencystretch}{2em}\n"
        "\\renewcommand{\\floatpagefraction}{0.4}\n"
        "\\setlength{\\tabcolsep}{4pt}\n"
        "\\frenchspacing";
    provenance();
    sweep_data();
    check_data();
    tables_and_figures();
    summary_section();
    statements_section();
    onsets_section();
    figures_section();
    bounds_section();
    loose_section();
    if (!suite_.sweeps.empty()) {
      Section sweeps{"The sweeps", {}};
      sweeps_table(sweeps);
      doc_.sections.push_back(std::move(sweeps));
    }
    details_section();
    return std::move(doc_);
  }

 private:
  const PreparedSuite& suite_;
  const SuiteResults& results_;
  const ReportContext& context_;
  Document doc_;
  // Rendered blocks waiting for their section.
  std::vector<Block> onset_blocks_, figure_blocks_, bound_blocks_;
  std::map<std::string, std::vector<std::string>> figures_of_check_;  // check id -> figure names
  std::map<std::string, std::vector<std::string>> track_keys_;  // sweep id -> column key of each track
  std::set<std::string> data_names_;
  std::map<std::pair<std::string, std::string>, std::string> check_files_;  // (check, series) -> data name

  const PreparedSweep& sweep(const std::string& id) const {
    for (const PreparedSweep& p : suite_.sweeps) {
      if (p.spec->id == id) return p;
    }
    throw InputError("build_report: no sweep '" + id + "'");
  }
  const model::SweepResult& result(const PreparedSweep& p) const {
    return results_.sweeps[static_cast<std::size_t>(&p - suite_.sweeps.data())].result;
  }
  const CheckOutcome* check(std::string_view id) const {
    for (const CheckOutcome& c : results_.checks) {
      if (c.id() == id) return &c;
    }
    return nullptr;
  }

  std::string sweep_data_name(const PreparedSweep& p) const { return "sweep-" + p.spec->id; }
  // The column of `metric` of the first track labelled `track` (a format
  // before an ablation policy of the same name).
  std::string column(const PreparedSweep& p, const std::string& track, const std::string& metric) const {
    const model::SweepResult& r = result(p);
    for (std::size_t t = 0; t < r.tracks.size(); ++t) {
      if (r.tracks[t].spec.label == track) return track_keys_.at(p.spec->id).at(t) + "." + metric;
    }
    throw Error("build_report: sweep '" + p.spec->id + "' has no track '" + track + "'");
  }

  // ------------------------------------------------------------ provenance

  void provenance() {
    const Suite& s = suite_.suite;
    auto& out = doc_.provenance;
    out.push_back({"suite", s.name + " (" + s.origin + ", FNV-1a " + s.fingerprint + ")"});
    for (const ProvenanceEntry& e : context_.build) out.push_back(e);
    out.push_back({"date", context_.date});
    std::set<std::uint64_t> seeds;
    for (const PreparedSweep& p : suite_.sweeps) seeds.insert(p.spec->seed);
    std::string seed_text;
    for (std::uint64_t x : seeds) seed_text += (seed_text.empty() ? "" : ", ") + std::to_string(x);
    std::string seeds_line = "sweeps: " + (seed_text.empty() ? std::string("none") : seed_text);
    if (s.checks.enabled) seeds_line += "; checks: " + std::to_string(s.checks.seed);
    seeds_line += "; model weights: the seed in each preset spec (default 0)";
    out.push_back({"seeds", seeds_line});
    std::vector<std::string> formats, references;
    std::set<int> bits;
    for (const PreparedSweep& p : suite_.sweeps) {
      for (const model::TrackSpec& t : p.tracks) {
        if (t.group == "ablation") continue;
        if (t.label == p.settings.reference) {
          if (std::find(references.begin(), references.end(), t.label) == references.end()) references.push_back(t.label);
        } else if (std::find(formats.begin(), formats.end(), t.label) == formats.end()) {
          formats.push_back(t.label);
        }
      }
      if (p.spec->ablate) {
        const std::string a = "ablation of " + *p.spec->ablate;
        if (std::find(formats.begin(), formats.end(), a) == formats.end()) formats.push_back(a);
      }
      if (p.spec->certify) bits.insert(p.spec->interval_bits);
    }
    std::string precisions = "formats: " + (formats.empty() ? std::string("none") : join(formats, ", ")) +
                             "; references: " + (references.empty() ? std::string("none") : join(references, ", "));
    if (!bits.empty()) {
      std::string b;
      for (int x : bits) b += (b.empty() ? "" : ", ") + std::to_string(x);
      precisions += "; certification: MPFI intervals from " + b + " bits";
    }
    if (s.checks.enabled) {
      precisions += std::string("; checks: ") + (s.checks.quick ? "quick" : "full") + " configuration";
      if (!s.checks.quick && !s.checks.quick_ids.empty()) {
        std::string ids;
        for (const std::string& id : s.checks.quick_ids) ids += (ids.empty() ? "" : ", ") + id;
        precisions += " (quick: " + ids + ")";
      }
    }
    out.push_back({"precisions", precisions});
  }

  // ------------------------------------------------------------ data files

  void add_data(DataFile file) {
    if (!data_names_.insert(file.name).second) throw Error("build_report: two data files are named '" + file.name + "'");
    doc_.data.push_back(std::move(file));
  }

  void sweep_data() {
    CsvTable onsets;
    onsets.header = {"sweep", "track", "group", "first", "permanent", "predicted", "certified", "exact_Dinf_lower",
                     "exact_Dinf_upper", "interval_bits", "nonfinite"};
    for (const PreparedSweep& p : suite_.sweeps) {
      const model::SweepResult& r = result(p);
      auto& keys = track_keys_[p.spec->id];
      std::set<std::string> used;
      // Ablation tracks are prefixed: their labels (sites, the mixed policy)
      // may repeat a format's.
      for (const model::TrackResult& t : r.tracks) {
        std::string key = (t.spec.group == "ablation" ? "ablate-" : "") + track_key(t.spec.label);
        std::string unique = key;
        for (int k = 2; !used.insert(unique).second; ++k) unique = key + "-" + std::to_string(k);
        keys.push_back(unique);
      }
      DataFile file;
      file.name = sweep_data_name(p);
      file.table.header.push_back("n");
        for (std::size_t t = 0; t < r.tracks.size(); ++t) {
        for (const auto& [name, value] : model::metric_values(r.tracks[t].points.front())) {
          (void)value;
          file.table.header.push_back(keys[t] + "." + name);
        }
        file.table.header.push_back(keys[t] + ".rel_Dinf");
      }
      for (std::size_t i = 0; i < p.settings.ns.size(); ++i) {
        std::vector<CsvCell> row{static_cast<std::int64_t>(p.settings.ns[i])};
        for (const model::TrackResult& t : r.tracks) {
          const model::PointMetrics& point = t.points.at(i);
          for (const auto& [name, value] : model::metric_values(point)) {
            (void)name;
            row.emplace_back(value);
          }
          row.emplace_back(point.y_norm_inf > 0 ? point.dinf / point.y_norm_inf : std::nan(""));
        }
        file.table.rows.push_back(std::move(row));
      }
      add_data(std::move(file));
      for (const model::TrackResult& t : r.tracks) {
        const model::TrackSummary& s = t.summary;
        const auto opt = [](const std::optional<std::size_t>& n) -> CsvCell {
          return n ? CsvCell(static_cast<std::int64_t>(*n)) : CsvCell(std::string());
        };
        const std::optional<model::Certification>& c = s.certification;
        onsets.rows.push_back({p.spec->id, t.spec.label, t.spec.group, opt(s.onset_first), opt(s.onset_permanent),
                               opt(s.onset_predicted),
                               c ? CsvCell(std::string(c->bits > 0 ? (c->certified ? "yes" : "no") : "skipped")) : CsvCell(std::string()),
                               c && c->bits > 0 ? CsvCell(c->exact_distance_lower) : CsvCell(std::string()),
                               c && c->bits > 0 ? CsvCell(c->exact_distance_upper) : CsvCell(std::string()),
                               c && c->bits > 0 ? CsvCell(static_cast<std::int64_t>(c->bits)) : CsvCell(std::string()),
                               static_cast<std::int64_t>(s.nonfinite ? 1 : 0)});
      }
    }
    if (!suite_.sweeps.empty()) add_data({"onsets", std::move(onsets)});
  }

  void check_data() {
    if (results_.checks.empty()) return;
    CsvTable table;
    table.header = {"check", "expected", "instances", "proven", "refuted", "holds_numerically", "inconclusive",
                    "worst_margin", "failed"};
    for (const CheckOutcome& c : results_.checks) {
      const auto counts = c.result.verdict_counts();
      table.rows.push_back({c.id(), std::string(proofs::to_string(c.expected())),
                            static_cast<std::int64_t>(c.result.instances.size()), static_cast<std::int64_t>(counts[0]),
                            static_cast<std::int64_t>(counts[1]), static_cast<std::int64_t>(counts[2]),
                            static_cast<std::int64_t>(counts[3]), c.result.worst_margin(),
                            static_cast<std::int64_t>(c.result.failed() ? 1 : 0)});
      for (const proofs::Series& s : c.result.data) {
        DataFile file;
        file.name = file_stem("check-" + s.name);
        if (data_names_.count(file.name) != 0) file.name = file_stem("check-" + c.id() + "-" + s.name);
        check_files_[{c.id(), s.name}] = file.name;
        file.table.header = s.columns;
        for (const std::vector<double>& row : s.rows) {
          std::vector<CsvCell> cells(row.begin(), row.end());
          cells.resize(s.columns.size(), std::nan(""));
          file.table.rows.push_back(std::move(cells));
        }
        add_data(std::move(file));
      }
    }
    add_data({"checks", std::move(table)});
  }

  // The data file of a check's series, or nullptr when the check did not produce it.
  const DataFile* check_series(std::string_view check_id, std::string_view series) const {
    const auto it = check_files_.find({std::string(check_id), std::string(series)});
    if (it == check_files_.end()) return nullptr;
    for (const DataFile& f : doc_.data) {
      if (f.name == it->second) return &f;
    }
    return nullptr;
  }

  // ------------------------------------------------------------ figures

  std::string user_caption(const FigureSpec& f) const { return f.caption.empty() ? "" : " " + escape(f.caption); }

  std::string check_caption(std::string_view id) const {
    const CheckOutcome* c = check(id);
    const Suite& s = suite_.suite;
    std::string out = "Data of check " + check_name(id) + " (" + (c != nullptr && c->quick ? "quick" : "full") +
                      " configuration, seed " + integer(s.checks.seed) + ")";
    if (c != nullptr && !c->result.hypotheses.empty()) out += ": " + escape(without_period(c->result.hypotheses));
    return out;
  }

  // A figure that could not be drawn: a paragraph saying why.
  void missing(std::vector<Block>& into, const FigureSpec& f, const std::string& why) {
    into.push_back(Paragraph{"\\noindent\\textbf{Figure " + code(f.name) + " not drawn:} " + why});
  }

  void place(const FigureSpec& spec, Figure figure, std::vector<Block>& into, std::string_view check_id = {}) {
    if (!spec.title.empty()) figure.title = escape(spec.title);
    // Lower than the writer's default, so that two figures share a page.
    // An outer legend needs room beside the axis.
    const std::string size = figure.legend == LegendPosition::outer_north_east ? "width=0.55\\linewidth, height=0.44\\linewidth"
                                                                                : "height=0.44\\linewidth";
    figure.axis_options = size + (figure.axis_options.empty() ? "" : ", " + figure.axis_options);
    figure.caption += user_caption(spec);
    if (!check_id.empty()) figures_of_check_[std::string(check_id)].push_back(figure.name);
    into.push_back(std::move(figure));
  }

  void collapse_figure(const FigureSpec& f) {
    const PreparedSweep& p = sweep(f.sweep);
    const model::SweepResult& r = result(p);
    Figure fig;
    fig.name = f.name;
    fig.x_label = "sequence length $n$";
    fig.y_label = "$D_\\infty(n) / \\lVert y(s)\\rVert_\\infty$";
    fig.log_x = fig.log_y = true;
    fig.legend = LegendPosition::outer_north_east;
    std::vector<const model::TrackResult*> tracks = low_tracks(p, r);
    tracks.push_back(&reference_track(r));
    std::set<double> lines;
    for (const model::TrackResult* t : tracks) {
      fig.series.push_back({escape(t->spec.label) + (is_reference(p, *t) ? " (reference)" : ""), sweep_data_name(p), "n",
                            column(p, t->spec.label, "rel_Dinf"), is_reference(p, *t) ? "black, mark=none, thick" : ""});
    }
    for (const model::TrackResult* t : tracks) {
      if (is_reference(p, *t)) continue;
      const double u = storage_roundoff(t->spec);
      if (u < 1e-30 || !lines.insert(u).second) continue;
      const int e = static_cast<int>(std::lround(std::log2(u)));
      fig.lines.push_back({u, "$u = " + format_power_of_two(e) + "$ (" + escape(t->spec.label) + ")"});
    }
    fig.caption = "Collapse distance against $n$, relative to $\\lVert y(s)\\rVert_\\infty$, for " + escape(p.spec->label) +
                  ". A curve ends where its format collapses bitwise (a distance of 0 has no place on a log axis); "
                  "the horizontal lines are the unit roundoffs $u_F$ of the formats $y$ is stored in: the onset "
                  "predicted from the reference is where the reference curve crosses $u_F$. " +
                  describe_sweep(p);
    place(f, std::move(fig), onset_blocks_);
  }

  void heads_figure(const FigureSpec& f) {
    const PreparedSweep& p = sweep(f.sweep);
    const model::SweepResult& r = result(p);
    Figure fig;
    fig.name = f.name;
    fig.x_label = "sequence length $n$";
    fig.y_label = "$\\lVert o^h(s) - o^h(s^*)\\rVert_\\infty$ per head";
    fig.log_x = fig.log_y = true;
    fig.legend = LegendPosition::outer_north_east;
    std::vector<const model::TrackResult*> tracks = low_tracks(p, r);
    tracks.insert(tracks.begin(), &reference_track(r));
    for (const model::TrackResult& t : r.tracks) {
      const bool listed = std::any_of(tracks.begin(), tracks.end(),
                                      [&](const model::TrackResult* x) { return x->spec.label == t.spec.label; });
      if (t.spec.group == "ablation" && t.spec.label.rfind("mixed:", 0) == 0 && !listed) tracks.push_back(&t);
    }
    for (const model::TrackResult* t : tracks) {
      fig.series.push_back({escape(t->spec.label) + (is_reference(p, *t) ? " (reference)" : "") + ", mean",
                            sweep_data_name(p), "n", column(p, t->spec.label, "head_inf_mean"), ""});
    }
    // Minimum and maximum over heads for the reference and the coarsest
    // format only (for every track the plot becomes unreadable).
    std::size_t coarsest = 0;
    for (std::size_t i = 1; i < tracks.size(); ++i) {
      if (storage_roundoff(tracks[i]->spec) > storage_roundoff(tracks[coarsest]->spec)) coarsest = i;
    }
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      if (i != 0 && i != coarsest) continue;
      const std::string color = "color={" + std::string(kPalette[i % kPalette.size()].color) + "}";
      for (const char* m : {"head_inf_min", "head_inf_max"}) {
        fig.series.push_back({"", sweep_data_name(p), "n", column(p, tracks[i]->spec.label, m),
                              color + ", mark=none, thin, densely dashed"});
      }
    }
    fig.caption = "Synthetic Fig.~5 panel, " + escape(p.spec->label) +
                  ": the $\\infty$-norm distance between the last-layer attention outputs of $s$ and $s^*$, per head: "
                  "mean over heads (marked lines) and, for the reference and the coarsest format, minimum and maximum over "
                  "heads (thin dashed lines of the same colour). " +
                  describe_sweep(p);
    place(f, std::move(fig), figure_blocks_);
  }

  std::string metric_label(const std::string& metric) const {
    static const std::map<std::string, std::string> labels{
        {"D1", "$D_1(n) = \\lVert y(s) - y(s^*)\\rVert_1$"},
        {"D2", "$D_2(n) = \\lVert y(s) - y(s^*)\\rVert_2$"},
        {"Dinf", "$D_\\infty(n) = \\lVert y(s) - y(s^*)\\rVert_\\infty$"},
        {"rel_Dinf", "$D_\\infty(n) / \\lVert y(s)\\rVert_\\infty$"},
        {"identical_fraction", "fraction of bit-identical components of $y$"},
        {"ulp_distance", "$D_\\infty / \\mathrm{ulp}_F(\\lVert y\\rVert_\\infty)$"},
        {"error_inf", "$\\lVert y_F(s) - y_{\\mathrm{ref}}(s)\\rVert_\\infty$"},
        {"head_inf_mean", "mean over heads of $\\lVert o^h(s) - o^h(s^*)\\rVert_\\infty$"},
    };
    const auto it = labels.find(metric);
    if (it != labels.end()) return it->second;
    if (metric.rfind("D_layer_", 0) == 0)
      return "$D_{" + metric.substr(8) + "}(n) = \\lVert v^{(" + metric.substr(8) + ")}_n - v^{*(" + metric.substr(8) + ")}_{n+1}\\rVert_1$";
    return escape(metric);
  }

  void compare_figure(const FigureSpec& f) {
    Figure fig;
    fig.name = f.name;
    fig.x_label = "sequence length $n$";
    fig.y_label = metric_label(f.metric);
    fig.log_x = true;
    fig.log_y = f.log_y;
    fig.legend = LegendPosition::outer_north_east;
    // One colour per sweep; its second and further tracks dashed.
    std::vector<std::string> seen;
    std::vector<const PreparedSweep*> described;
    std::map<std::string, int> tracks_drawn;
    for (const CompareSeries& c : f.series) {
      const PreparedSweep& p = sweep(c.sweep);
      const std::string track = c.track.empty() ? p.settings.reference : c.track;
      const std::string label = c.label.empty() ? p.spec->label + ", " + track : c.label;
      auto it = std::find(seen.begin(), seen.end(), c.sweep);
      if (it == seen.end()) {
        seen.push_back(c.sweep);
        described.push_back(&p);
        it = seen.end() - 1;
      }
      const std::size_t colour = static_cast<std::size_t>(it - seen.begin());
      const std::string style = palette_color(colour) + ", mark=" + std::string(kPalette[colour % kPalette.size()].mark) +
                                (tracks_drawn[c.sweep]++ > 0 ? ", densely dashed" : "");
      fig.series.push_back({escape(label), sweep_data_name(p), "n", column(p, track, f.metric), style});
    }
    fig.caption = fig.y_label + " against $n$. " + describe_sweeps(described);
    place(f, std::move(fig), figure_blocks_);
  }

  // A series of a check's data file.
  static Series check_line(const DataFile& file, const std::string& x, const std::string& y, const std::string& label,
                           const std::string& style = "") {
    return Series{label, file.name, x, y, style};
  }

  static std::string palette_color(std::size_t i) {
    return "color={" + std::string(kPalette[i % kPalette.size()].color) + "}";
  }

  bool has_column(const DataFile& file, const std::string& column) const { return column_index(file.table, column) >= 0; }

  std::vector<Block>& blocks_of(proofs::ReportSection section) {
    switch (section) {
      case proofs::ReportSection::paper_figures: return figure_blocks_;
      case proofs::ReportSection::sensitivity_bounds: return bound_blocks_;
    }
    return figure_blocks_;
  }

  // A built-in check figure, drawn from the FigureData its check published
  // (proofs/figure.hpp): the curves, their subjects and the section come
  // from the check; the axes, legend wording, styles and caption from here.
  void check_figure(const FigureSpec& f) {
    const proofs::CheckFigureInfo& info = proofs::find_check_figure(f.check_figure);
    const std::string check_id(info.check);
    const CheckOutcome* c = check(check_id);
    if (c == nullptr || c->result.instances.empty()) {
      missing(blocks_of(info.section), f, "check " + check_name(check_id) + " produced no results in this build.");
      return;
    }
    const auto published = std::find_if(c->result.figures.begin(), c->result.figures.end(),
                                        [&](const proofs::FigureData& d) { return d.name == info.name; });
    if (published == c->result.figures.end() || published->curves.empty()) {
      missing(blocks_of(info.section), f,
              "check " + check_name(check_id) + " published no data for figure " + code(info.name) + ".");
      return;
    }
    const proofs::FigureData& data = *published;
    std::vector<Block>& into = blocks_of(data.section);
    // The data file of every curve, with the columns it names.
    std::vector<const DataFile*> files;
    for (const proofs::Curve& curve : data.curves) {
      const DataFile* d = check_series(check_id, curve.series);
      if (d == nullptr) {
        missing(into, f, "check " + check_name(check_id) + " produced no data series " + code(curve.series) + ".");
        return;
      }
      for (const std::string* column : {&curve.x, &curve.y}) {
        if (!has_column(*d, *column)) {
          missing(into, f, "data series " + code(curve.series) + " has no column " + code(*column) + ".");
          return;
        }
      }
      if (curve.rows && !has_column(*d, curve.rows->column)) {
        missing(into, f, "data series " + code(curve.series) + " has no column " + code(curve.rows->column) + ".");
        return;
      }
      files.push_back(d);
    }
    const auto line = [&](std::size_t i, std::string label, std::string style) {
      return Series{std::move(label), files[i]->name, data.curves[i].x, data.curves[i].y, std::move(style)};
    };
    const auto solid = [](const proofs::Curve& curve) { return palette_color(curve.colour); };
    const auto dashed = [](const proofs::Curve& curve) { return palette_color(curve.colour) + ", mark=none, densely dashed"; };

    Figure fig;
    fig.name = f.name;
    fig.log_x = fig.log_y = true;
    fig.legend = LegendPosition::outer_north_east;
    const std::string caption_tail = " " + check_caption(check_id) + ".";
    const std::string_view name = info.name;
    if (name == "fig9") {
      fig.x_label = "sequence length $n$";
      fig.y_label = "$\\delta(n) = \\sum_i |\\mathrm{softmax}(x)_i - \\mathrm{softmax}(x^*)_i|$";
      for (std::size_t i = 0; i < data.curves.size(); ++i) {
        const proofs::Curve& curve = data.curves[i];
        fig.series.push_back(curve.companion ? line(i, "", dashed(curve))
                                             : line(i, escape(curve.subject) + ", max over seeds", solid(curve)));
      }
      fig.caption = "Fig.~9: total variation $\\delta$ between the softmax of $x_i \\sim U[0,1]$ and of $x^*$, which "
                    "adds $U[0, 0.1]$ noise to the first entries, against $n$; maximum (marked) and minimum (dashed) "
                    "over the seeds, exact and computed by the model's softmax kernel in each format." + caption_tail;
    } else if (name == "b2-literal") {
      fig.log_y = false;
      fig.x_label = "sequence length $n$";
      fig.y_label = "$\\delta(n)$";
      for (std::size_t i = 0; i < data.curves.size(); ++i) {
        const proofs::Curve& curve = data.curves[i];
        fig.series.push_back(curve.companion ? line(i, escape(curve.subject), "mark=none, densely dashed")
                                             : line(i, "$\\delta(n)$, $" + escape(curve.subject) + "$", ""));
      }
      for (double limit : data.levels) fig.lines.push_back({limit, "limit $\\tanh(1/2) = " + format_number(limit, 6) + "$"});
      fig.axis_options = "y tick label style={/pgf/number format/.cd, fixed, precision=3}";
      fig.caption = "Lemma 4.1 read literally: $x = (1,0,1,0,\\ldots,1,0,c)$ and $x^* = (0,\\ldots,0,c)$ share "
                    "their last entry, yet $\\delta(n)$ does not tend to 0." + caption_tail;
    } else if (name == "b3-decay") {
      fig.x_label = "sequence length $n$";
      fig.y_label = "$D_L(n) = \\lVert v^{(L)}_n - v^{*(L)}_{n+1}\\rVert_1$";
      for (std::size_t i = 0; i < data.curves.size(); ++i) fig.series.push_back(line(i, escape(data.curves[i].subject), ""));
      fig.caption = "B.3: the distance of the last rows after the last layer, per positional encoding, for the "
                    "repeat-last pair (binary64)." + caption_tail;
    } else if (name == "b4") {
      fig.x_label = "sequence length $n$ (even)";
      fig.y_label = "computed $\\delta(n)$";
      for (std::size_t i = 0; i < data.curves.size(); ++i)
        fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i])));
      fig.caption = "B.4: alternating sequences $x = (1,0,1,0,\\ldots)$ and $x^* = (0,1,0,1,\\ldots)$ have "
                    "$\\delta = 2\\tanh(1/2)$ at every even $n$; what the softmax kernel computes in each format (a value of "
                    "0, where the partition function overflows, leaves a gap)." +
                    caption_tail;
    } else if (name == "b5-profiles") {
      fig.x_label = "input position $i$";
      fig.y_label = "$\\lVert J_i\\rVert_\\infty = \\lVert \\partial y_n / \\partial v^{(0)}_i\\rVert_\\infty$";
      for (std::size_t i = 0; i < data.curves.size(); ++i) {
        const proofs::Curve& curve = data.curves[i];
        fig.series.push_back(curve.companion ? line(i, escape(curve.subject) + ": bound", dashed(curve))
                                             : line(i, escape(curve.subject) + ": $\\lVert J_i\\rVert$ (frozen)", solid(curve)));
      }
      fig.log_x = false;
      fig.axis_options = "xmin=0";
      fig.caption = "B.5 position profiles: the Jacobian of $y_n$ with respect to each input row, with attention "
                    "and normalisation statistics frozen (the theorem's assumptions), and the matrix-product bound "
                    "$\\lVert N_3\\rVert (B^{(L-1)}\\cdots B^{(0)})_{n,i}$, in binary64." + caption_tail;
    } else if (name == "b5-full") {
      // One curve per case: the rows of the trace the curve selects, as a data file of its own
      // (added after the loop: adding moves the data files `files` points into).
      std::vector<std::string> legend;
      std::vector<DataFile> selections;
      for (std::size_t i = 0; i < data.curves.size(); ++i) {
        const proofs::Curve& curve = data.curves[i];
        const DataFile& d = *files[i];
        DataFile file;
        if (curve.rows) {
          file.name = file_stem(d.name + "-" + curve.rows->column + std::to_string(static_cast<std::int64_t>(curve.rows->value)));
        } else {
          file.name = d.name;
        }
        file.table.header = {curve.x, curve.y};
        const auto kx = static_cast<std::size_t>(column_index(d.table, curve.x));
        const auto ky = static_cast<std::size_t>(column_index(d.table, curve.y));
        for (const std::vector<CsvCell>& row : d.table.rows) {
          if (curve.rows) {
            const CsvCell& cell = row[static_cast<std::size_t>(column_index(d.table, curve.rows->column))];
            if (!std::holds_alternative<double>(cell) || std::get<double>(cell) != curve.rows->value) continue;
          }
          file.table.rows.push_back({row[kx], row[ky]});
        }
        const std::string label = "case " + std::to_string(i + 1);
        legend.push_back(label + ": " + escape(curve.subject));
        fig.series.push_back({label, file.name, curve.x, curve.y, "mark=none, thick"});
        selections.push_back(std::move(file));
      }
      for (DataFile& file : selections) {
        if (data_names_.count(file.name) == 0) add_data(std::move(file));
      }
      fig.log_x = fig.log_y = false;
      fig.lines.push_back({1.0, "ratio 1"});
      fig.x_label = "evaluation (random search, then $(1+1)$-ES)";
      fig.y_label = "largest $\\lVert J_i\\rVert / \\text{bound}$ so far";
      fig.caption = "B.5 with the assumptions dropped: the full Jacobian (attention weights and normalisation "
                    "statistics differentiated) against the same bound; the worst ratio found so far along a "
                    "random search followed by an adversarial $(1+1)$ evolution strategy. Above 1 is what the "
                    "frozen-$\\alpha$ and frozen-statistics assumptions hide. " +
                    (legend.empty() ? std::string() : "Cases: " + join(legend, "; ") + ".") + caption_tail;
    } else if (name == "b8-rate") {
      fig.log_x = fig.log_y = false;
      fig.x_label = "depth $L$";
      fig.y_label = "$\\log_{10}$ of the distance";
      for (std::size_t i = 0; i < data.curves.size(); ++i) {
        const proofs::Curve& curve = data.curves[i];
        fig.series.push_back(curve.companion ? line(i, escape(curve.subject) + ": $\\rho^L$", dashed(curve))
                                             : line(i, escape(curve.subject) + ": $\\lVert M^L - E\\rVert_\\infty$", solid(curve)));
      }
      fig.legend = LegendPosition::south_west;
      fig.caption = "B.8: distance of the depth-$L$ bound $M^L$, $M = (\\Lambda + I)/2$, to its limit $E$ (first "
                    "column ones, other entries 0), against $\\rho^L$ with $\\rho = \\max_{i \\ge 2}(1 + "
                    "\\Lambda_{ii})/2$; both on a $\\log_{10}$ scale." + caption_tail;
    } else if (name == "b8-profile") {
      fig.log_x = false;
      fig.x_label = "input position $i$";
      fig.y_label = "$(M^L)_{n,i}$";
      for (std::size_t i = 0; i < data.curves.size(); ++i) fig.series.push_back(line(i, "$" + escape(data.curves[i].subject) + "$", ""));
      fig.caption = "B.8: the last row of the bound $M^L$ for uniform causal attention and growing depth $L$: "
                    "U-shaped at small $L$, concentrating on token 1 as $L$ grows." + caption_tail;
    } else if (name == "b10-fractions") {
      fig.log_y = false;
      fig.x_label = "number of ones $n$";
      fig.y_label = "fraction of bit-identical components of $y_n$";
      fig.legend = LegendPosition::north_west;
      for (std::size_t i = 0; i < data.curves.size(); ++i)
        fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i])));
      fig.y_range = AxisRange{-0.05, 1.05};
      fig.caption = "B.10: the fraction of components of $y$ that are bit-identical between $1^n$ and $1^{n+1}$; "
                    "at 1 the two counts are indistinguishable by any readout." + caption_tail;
    }
    place(f, std::move(fig), into, check_id);
  }

  void check_series_figure(const FigureSpec& f) {
    const CheckOutcome* c = check(f.check);
    const DataFile* d = check_series(f.check, f.data);
    if (c == nullptr || d == nullptr) {
      missing(figure_blocks_, f, "check " + check_name(f.check) + " produced no data series " + code(f.data) + ".");
      return;
    }
    Figure fig;
    fig.name = f.name;
    fig.log_x = f.log_x;
    fig.log_y = f.log_y;
    fig.x_label = f.x_label.empty() ? code(f.x) : escape(f.x_label);
    fig.y_label = escape(f.y_label);
    fig.legend = LegendPosition::outer_north_east;
    for (const std::string& y : f.y) {
      if (!has_column(*d, y)) {
        missing(figure_blocks_, f, "data series " + code(f.data) + " has no column " + code(y) + ".");
        return;
      }
      fig.series.push_back(check_line(*d, f.x, y, code(y)));
    }
    if (!has_column(*d, f.x)) {
      missing(figure_blocks_, f, "data series " + code(f.data) + " has no column " + code(f.x) + ".");
      return;
    }
    fig.caption = "Data series " + code(f.data) + "." + " " + check_caption(f.check) + ".";
    place(f, std::move(fig), figure_blocks_, f.check);
  }

  void tables_and_figures() {
    for (const FigureSpec& f : suite_.suite.figures) {
      switch (f.kind) {
        case FigureKind::collapse: collapse_figure(f); break;
        case FigureKind::heads: heads_figure(f); break;
        case FigureKind::compare: compare_figure(f); break;
        case FigureKind::check: check_figure(f); break;
        case FigureKind::check_series: check_series_figure(f); break;
      }
    }
  }

  // ------------------------------------------------------------ sections

  std::vector<const PreparedSweep*> onset_sweeps() const {
    std::vector<const PreparedSweep*> out;
    for (const PreparedSweep& p : suite_.sweeps) {
      if (p.spec->onset_table) out.push_back(&p);
    }
    return out;
  }

  // The low formats of the onset table, in order of first appearance.
  std::vector<std::string> onset_formats() const {
    std::vector<std::string> out;
    for (const PreparedSweep* p : onset_sweeps()) {
      for (const model::TrackResult* t : low_tracks(*p, result(*p))) {
        if (std::find(out.begin(), out.end(), t->spec.label) == out.end()) out.push_back(t->spec.label);
      }
    }
    return out;
  }

  static std::string verdict_outcome(const CheckOutcome& c) {
    const auto counts = c.result.verdict_counts();
    if (c.result.instances.empty()) return "not available";
    switch (c.expected()) {
      case proofs::Expectation::holds:
        if (c.result.failed()) return "\\textbf{refuted!}";
        if (counts[3] > 0) return "holds (some inconclusive)";
        return "holds";
      case proofs::Expectation::refuted: return counts[1] > 0 ? "refuted as printed" : "\\textbf{not refuted!}";
      case proofs::Expectation::measurement: return "measured";
    }
    return "";
  }

  void summary_section() {
    Section section{"Summary of findings", {}};
    std::vector<std::string> items;
    const Suite& s = suite_.suite;
    if (!s.description.empty()) section.blocks.push_back(Paragraph{escape(s.description)});
    section.blocks.push_back(Paragraph{
        "This report was generated by \\texttt{glasses report} from the suite " + code(s.name) + ": " +
        integer(suite_.sweeps.size()) + (suite_.sweeps.size() == 1 ? " precision sweep" : " precision sweeps") +
        " and " + integer(results_.checks.size()) + (results_.checks.size() == 1 ? " check" : " checks") +
        " of the statements of Barbero et al., \\emph{Transformers need glasses!} (NeurIPS 2024), as THEORY $\\S$3 "
        "restates them. Every number below is computed from those runs."});

    // Checks.
    if (!results_.checks.empty()) {
      std::array<int, 4> total{};
      std::size_t instances = 0;
      std::vector<std::string> failed, confirmed, missing_checks, measured;
      for (const CheckOutcome& c : results_.checks) {
        const auto counts = c.result.verdict_counts();
        for (std::size_t v = 0; v < 4; ++v) total[v] += counts[v];
        instances += c.result.instances.size();
        if (c.result.instances.empty()) missing_checks.push_back(check_name(c.id()));
        else if (c.result.failed()) failed.push_back(check_name(c.id()));
        else if (c.expected() == proofs::Expectation::refuted && counts[1] > 0) confirmed.push_back(check_name(c.id()));
        else if (c.expected() == proofs::Expectation::refuted) failed.push_back(check_name(c.id()));
      }
      std::string text = "\\textbf{Statements.} " + integer(results_.checks.size()) + " checks over " + integer(instances) +
                         " instances: " + integer(static_cast<std::size_t>(total[0])) + " proven (certified with intervals), " +
                         integer(static_cast<std::size_t>(total[1])) + " refuted, " +
                         integer(static_cast<std::size_t>(total[2])) + " holding numerically and " +
                         integer(static_cast<std::size_t>(total[3])) + " inconclusive. ";
      text += failed.empty() ? "Every outcome is as expected (no statement expected to hold was refuted). "
                             : "\\textbf{Against expectation: " + and_list(failed) + ".} ";
      if (!confirmed.empty())
        text += "Refuted as printed, as expected: " + and_list(confirmed) + " (Section~\\ref{sec:loose}). ";
      if (!missing_checks.empty()) text += "Not available in this build (no instances): " + and_list(missing_checks) + ".";
      items.push_back(text);
    }

    // Onsets per format.
    const std::vector<const PreparedSweep*> sweeps = onset_sweeps();
    if (!sweeps.empty() && !onset_formats().empty()) {
      std::string text = "\\textbf{Collapse onsets} (Table~\\ref{tab:onsets}), over " + integer(sweeps.size()) +
                         (sweeps.size() == 1 ? " sweep" : " sweeps") + ": ";
      std::vector<std::string> parts;
      std::size_t certified = 0, certifiable = 0, within2 = 0, predicted_pairs = 0;
      for (const std::string& format : onset_formats()) {
        std::vector<std::size_t> onsets;
        std::size_t runs = 0, max_n = 0;
        for (const PreparedSweep* p : sweeps) {
          const model::TrackResult* t = find_track(result(*p), format);
          if (t == nullptr) continue;
          ++runs;
          max_n = std::max(max_n, p->settings.ns.back());
          const model::TrackSummary& su = t->summary;
          if (su.onset_permanent) onsets.push_back(*su.onset_permanent);
          if (su.certification && su.certification->bits > 0) {
            ++certifiable;
            certified += su.certification->certified ? 1 : 0;
          }
          if (su.onset_permanent && su.onset_predicted) {
            ++predicted_pairs;
            const double ratio = static_cast<double>(*su.onset_permanent) / static_cast<double>(*su.onset_predicted);
            within2 += (ratio <= 2 && ratio >= 0.5) ? 1 : 0;
          }
        }
        std::sort(onsets.begin(), onsets.end());
        std::string part = code(format) + " collapses for good in " + integer(onsets.size()) + " of " + integer(runs);
        if (!onsets.empty()) {
          part += onsets.size() == 1 ? " (at $n = " + integer(onsets.front()) + "$)"
                                     : " (from $n = " + integer(onsets.front()) + "$ to $" + integer(onsets.back()) +
                                           "$, median $" + integer(onsets[(onsets.size() - 1) / 2]) + "$)";
        } else {
          part += " (none up to $n = " + integer(max_n) + "$)";
        }
        parts.push_back(part);
      }
      text += join(parts, "; ") + ". ";
      if (predicted_pairs > 0)
        text += "Where both exist, the observed permanent onset is within a factor 2 of the onset predicted from the "
                "reference curve ($D_{\\mathrm{ref}}(n) < u_F \\lVert y_{\\mathrm{ref}}\\rVert_\\infty$) in " +
                integer(within2) + " of " + integer(predicted_pairs) + " cases. ";
      if (certifiable > 0)
        text += "At " + integer(certified) + " of " + integer(certifiable) +
                " first onsets checked with intervals, the exact distance is certified positive: the collapse there is "
                "caused by rounding, not by the model.";
      items.push_back(text);

      // Decay exponents per positional encoding.
      std::map<std::string, std::vector<double>> slopes;
      for (const PreparedSweep* p : sweeps) {
        if (const std::optional<double> g = reference_slope(result(*p))) slopes[positional_name(p->model->config)].push_back(*g);
      }
      if (!slopes.empty()) {
        std::vector<std::string> parts2;
        for (auto& [pe, v] : slopes) {
          std::sort(v.begin(), v.end());
          parts2.push_back(pe + " " + (v.size() == 1 ? num(v.front(), 2)
                                                     : "from " + num(v.front(), 2) + " to " + num(v.back(), 2)));
        }
        items.push_back("\\textbf{Decay of the exact distance.} Fitted log-log slopes of the reference $D_\\infty(n)$ "
                        "over the upper part of each sweep ($n \\ge n_{\\max}/32$), by positional encoding: " +
                        join(parts2, "; ") + ". A slope of $-1$ means $D \\propto 1/n$; then the collapse length scales like "
                        "$u_F^{-1}$ (THEORY B.10).");
      }
    }

    // Ablation.
    for (const PreparedSweep& p : suite_.sweeps) {
      if (!p.spec->ablate) continue;
      const model::SweepResult& r = result(p);
      std::optional<std::size_t> best;
      std::vector<std::string> best_sites, never;
      std::string mixed_text;
      for (const model::TrackResult& t : r.tracks) {
        if (t.spec.group != "ablation") continue;
        if (t.spec.label.rfind("mixed:", 0) == 0) {
          mixed_text = "the mixed policy " + code(t.spec.label) + " " +
                       (t.summary.onset_permanent ? "collapses for good from $n = " + integer(*t.summary.onset_permanent) + "$"
                                                  : "does not collapse up to $n = " + integer(p.settings.ns.back()) + "$");
          continue;
        }
        const std::optional<std::size_t>& o = t.summary.onset_permanent;
        if (!o) {
          never.push_back(code(t.spec.label));
          continue;
        }
        if (!best || *o < *best) {
          best = o;
          best_sites.clear();
        }
        if (*o == *best) best_sites.push_back(code(t.spec.label));
      }
      std::string text = "\\textbf{Which rounding causes the collapse} (" + escape(p.spec->label) + ", Table~\\ref{tab:ablation}): ";
      text += best ? "rounding only " + and_list(best_sites) + " to " + code(*p.spec->ablate) +
                         " (everything else in the reference) collapses earliest, from $n = " + integer(*best) + "$"
                   : "no single site rounded to " + code(*p.spec->ablate) + " collapses up to $n = " + integer(p.settings.ns.back()) + "$";
      if (!never.empty()) text += "; " + and_list(never) + " alone never " + (never.size() == 1 ? "does" : "do");
      if (!mixed_text.empty()) text += "; " + mixed_text;
      items.push_back(text + ".");
    }

    // Mitigations: the onset of the suite's first mitigated format, with and without.
    {
      const auto text = [](const model::TrackSummary& summary) {
        return summary.onset_permanent ? "$" + integer(*summary.onset_permanent) + "$" : std::string("none");
      };
      const std::vector<Mitigation> all = mitigations();
      std::vector<std::string> parts;
      for (const PreparedSweep& p : suite_.sweeps) {
        // One format per mitigation (its first) keeps the summary short.
        const auto m = std::find_if(all.begin(), all.end(), [&](const Mitigation& x) { return x.sweep == &p; });
        if (m == all.end()) continue;
        parts.push_back(escape(p.spec->label) + " (" + code(m->with->spec.label) + "): " + text(m->without->summary) +
                        " $\\to$ " + text(m->with->summary));
      }
      if (!parts.empty())
        items.push_back("\\textbf{Mitigations} (permanent onset without $\\to$ with, Table~\\ref{tab:mitigations}): " +
                        join(parts, "; ") + ".");
    }

    // Loose statements, one line each.
    std::vector<std::string> loose;
    for (const LooseStatement& l : kLooseStatements) {
      const CheckOutcome* c = check(l.check);
      if (c == nullptr || c->result.instances.empty()) continue;
      loose.push_back(check_name(l.check) + " " + verdict_outcome(*c));
    }
    if (!loose.empty())
      items.push_back("\\textbf{Where the paper is loose or wrong as printed} (Section~\\ref{sec:loose}): " + join(loose, "; ") + ".");

    std::string list = "\\begin{itemize}\n";
    for (const std::string& item : items) list += "\\item " + item + "\n";
    list += "\\end{itemize}";
    if (!items.empty()) section.blocks.push_back(Paragraph{list});
    section.blocks.push_back(Paragraph{"\\clearpage"});
    doc_.sections.push_back(std::move(section));
  }

  void statements_section() {
    if (results_.checks.empty()) return;
    Section section{"The statements of THEORY $\\S$3", {}};
    section.blocks.push_back(Paragraph{
        "\\label{sec:statements}Each check instantiates one statement on random and adversarial inputs and decides each instance: "
        "\\emph{proven} (certified with interval enclosures), \\emph{refuted} (a certified violation), "
        "\\emph{holds numerically} (in high-precision floating point, not certified) or \\emph{inconclusive}. "
        "The margin is $\\text{rhs} - \\text{lhs}$ for inequalities and $|\\text{lhs} - \\text{rhs}|$ for identities; "
        "the worst margin is the closest call (negative where an instance is refuted). The outcome compares the "
        "verdicts with what the check expects: that the statement holds under its hypotheses (``holds''), that the "
        "statement as printed is refuted (``refuted as printed''), or nothing (``measured'': what happens when "
        "hypotheses are dropped); an outcome in bold with an exclamation mark contradicts the expectation."});
    Table t;
    t.header = {"Check", "Statement", "Inst.", "P / R / N / I", "Worst margin", "Outcome"};
    t.alignment = {Align::left, Align::left, Align::right, Align::center, Align::right, Align::left};
    t.widths = {0, 0.27, 0, 0, 0, 0.13};
    t.size = FontSize::small;
    for (const CheckOutcome& c : results_.checks) {
      const auto counts = c.result.verdict_counts();
      const double worst = c.result.worst_margin();
      t.rows.push_back({check_name(c.id()), escape(c.title()), integer(c.result.instances.size()),
                        integer(static_cast<std::size_t>(counts[0])) + "\\,/\\," + integer(static_cast<std::size_t>(counts[1])) +
                            "\\,/\\," + integer(static_cast<std::size_t>(counts[2])) + "\\,/\\," +
                            integer(static_cast<std::size_t>(counts[3])),
                        std::isnan(worst) ? "--" : num(worst, 3), verdict_outcome(c)});
    }
    std::vector<std::string> quick;
    for (const CheckOutcome& c : results_.checks) {
      if (c.quick) quick.push_back(check_name(c.id()));
    }
    const std::string configuration = quick.empty() ? "full configuration"
                                      : quick.size() == results_.checks.size() ? "quick configuration"
                                                                               : "full configuration; quick: " + join(quick, ", ");
    t.caption = "Verdicts per check (" + configuration + ", seed " + integer(suite_.suite.checks.seed) +
                "): instances, and how many are P proven, R refuted, N holding numerically, I inconclusive. "
                "Data: \\texttt{data/checks.csv}.";
    t.label = "tab:verdicts";
    section.blocks.push_back(std::move(t));
    doc_.sections.push_back(std::move(section));
  }

  void onsets_section() {
    if (suite_.sweeps.empty()) return;
    Section section{"Collapse onsets", {}};
    section.blocks.push_back(Paragraph{
        "For a pair family indexed by $n$ and a format $F$, the collapse onset $n^*_F$ is the smallest $n$ from "
        "which $y_F(s)$ and $y_F(s^*)$ are equal bit for bit (permanent onset); the first $n$ at which they are "
        "equal at all is shown in parentheses when it is earlier. The predicted onset is the smallest $n$ with "
        "$D_{\\mathrm{ref}}(n) < u_F \\lVert y_{\\mathrm{ref}}\\rVert_\\infty$. \\emph{Certified} means that at "
        "the first onset the interval enclosure of the exact distance has a positive lower bound: the model tells "
        "the two inputs apart, rounding does not. Data: \\texttt{data/onsets.csv} and \\texttt{data/sweep-*.csv}."});
    const std::vector<const PreparedSweep*> sweeps = onset_sweeps();
    const std::vector<std::string> formats = onset_formats();
    if (!sweeps.empty() && !formats.empty()) {
      Table t;
      // n_max gets a column only when the rows differ in it (else the caption says it).
      const std::size_t n_max = sweeps.front()->settings.ns.back();
      const bool same_n_max = std::all_of(sweeps.begin(), sweeps.end(),
                                          [&](const PreparedSweep* p) { return p->settings.ns.back() == n_max; });
      t.header = {"Task", "Model", "Positions"};
      t.alignment = {Align::left, Align::left, Align::left};
      t.widths = {0, 0, 0};
      if (!same_n_max) {
        t.header.push_back("$n_{\\max}$");
        t.alignment.push_back(Align::right);
        t.widths.push_back(0);
      }
      // Wide enough for "-- (1234) / 1234 x" on one line.
      const double format_width = formats.size() <= 3 ? 0.15 : 0.145;
      for (const std::string& f : formats) {
        t.header.push_back(breakable_code(f, ":/"));
        t.alignment.push_back(Align::center);
        t.widths.push_back(format_width);
      }
      t.size = FontSize::footnotesize;
      for (const PreparedSweep* p : sweeps) {
        std::vector<std::string> row{code(p->spec->family), code(model_base_name(p->spec->model)),
                                     positional_short_name(p->model->config)};
        if (!same_n_max) row.push_back(integer(p->settings.ns.back()));
        for (const std::string& f : formats) {
          const model::TrackResult* tr = find_track(result(*p), f);
          if (tr == nullptr || tr->spec.group != "formats") {
            row.push_back("");
            continue;
          }
          const model::TrackSummary& su = tr->summary;
          row.push_back(observed_onset(su) + "\\,/\\," + onset_or_dash(su.onset_predicted) + certified_mark(su));
        }
        t.rows.push_back(std::move(row));
      }
      t.caption = "Collapse onsets: rows are tasks $\\times$ positional encodings, columns formats. Each cell: the "
                  "observed (permanent) onset $n^*_F$, with the first onset in parentheses when it is earlier, / the "
                  "onset predicted from the reference curve; -- means none up to $n_{\\max}$" +
                  (same_n_max ? std::string(" (") + integer(n_max) + " for every row)" : std::string()) +
                  ". $\\checkmark$: the "
                  "exact distance at the first onset is certified positive, so the collapse is caused by rounding; "
                  "$\\times$: not certified; no mark: no onset, or above the certification limit. The model specs "
                  "and settings of each row are in Table~\\ref{tab:sweeps}.";
      t.label = "tab:onsets";
      section.blocks.push_back(std::move(t));
    }
    ablation_table(section);
    mitigations_table(section);
    for (Block& b : onset_blocks_) section.blocks.push_back(std::move(b));
    section.blocks.push_back(Paragraph{"\\clearpage"});
    doc_.sections.push_back(std::move(section));
  }

  void ablation_table(Section& section) {
    std::vector<const PreparedSweep*> sweeps;
    for (const PreparedSweep& p : suite_.sweeps) {
      if (p.spec->ablate) sweeps.push_back(&p);
    }
    if (sweeps.empty()) return;
    Table t;
    t.header = {"Rounded in the low format"};
    t.alignment = {Align::left};
    t.widths = {0};
    for (const PreparedSweep* p : sweeps) {
      t.header.push_back(escape(p->spec->label) + ", " + code(*p->spec->ablate) + ", $n \\le " + integer(p->settings.ns.back()) + "$");
      t.alignment.push_back(Align::center);
      t.widths.push_back(std::min(0.3, 0.6 / static_cast<double>(sweeps.size())));
    }
    t.size = FontSize::small;
    // Rows: every site, the mixed policy, and the uniform low format when it ran.
    std::vector<std::string> labels;
    for (const model::NamedSite& site : model::kSites) labels.emplace_back(site.name);
    for (const PreparedSweep* p : sweeps) {
      for (const model::TrackResult& tr : result(*p).tracks) {
        if (tr.spec.group == "ablation" && tr.spec.label.rfind("mixed:", 0) == 0 &&
            std::find(labels.begin(), labels.end(), tr.spec.label) == labels.end())
          labels.push_back(tr.spec.label);
      }
    }
    const auto cell = [](const model::TrackResult* tr) -> std::string {
      if (tr == nullptr) return "n/a";
      return onset_or_dash(tr->summary.onset_first) + " / " + onset_or_dash(tr->summary.onset_permanent);
    };
    for (const std::string& label : labels) {
      std::vector<std::string> row{label.rfind("mixed:", 0) == 0 ? "policy " + code(label) : "only the " + code(label) + " site"};
      for (const PreparedSweep* p : sweeps) {
        const model::TrackResult* tr = nullptr;
        for (const model::TrackResult& x : result(*p).tracks) {
          if (x.spec.group == "ablation" && x.spec.label == label) tr = &x;
        }
        row.push_back(cell(tr));
      }
      t.rows.push_back(std::move(row));
    }
    {
      std::vector<std::string> row{"every site (uniform)"};
      bool any = false;
      for (const PreparedSweep* p : sweeps) {
        const model::TrackResult* tr = find_track(result(*p), *p->spec->ablate);
        any = any || tr != nullptr;
        row.push_back(cell(tr != nullptr && tr->spec.group == "formats" ? tr : nullptr));
      }
      if (any) t.rows.push_back(std::move(row));
    }
    t.caption = "Rounding-site ablation: the reference format everywhere except one site, rounded in the low "
                "format (policy \\texttt{ablate:<site>=<F>}); each cell gives the first / permanent collapse onset (--: none). "
                "The site whose rounding alone collapses earliest is the cause of the collapse.";
    t.label = "tab:ablation";
    section.blocks.push_back(std::move(t));
  }

  // A dash: no collapse (or no prediction) up to n_max.
  static std::string onset_or_dash(const std::optional<std::size_t>& n) { return n ? integer(*n) : std::string("--"); }
  // The permanent onset, with the first one in parentheses when earlier.
  static std::string observed_onset(const model::TrackSummary& s) {
    std::string out = onset_or_dash(s.onset_permanent);
    if (s.onset_first && (!s.onset_permanent || *s.onset_first < *s.onset_permanent))
      out += "\\,(" + integer(*s.onset_first) + ")";
    return out;
  }
  static std::string certified_mark(const model::TrackSummary& s) {
    if (!s.certification || s.certification->bits <= 0) return "";
    return s.certification->certified ? "\\,$\\checkmark$" : "\\,$\\times$";
  }

  // A format of a mitigating sweep and the same format of its baseline.
  struct Mitigation {
    const PreparedSweep* base;
    const PreparedSweep* sweep;
    const model::TrackResult* with;
    const model::TrackResult* without;
  };
  // Every mitigated format, grouped by baseline sweep, all in suite order.
  std::vector<Mitigation> mitigations() const {
    std::vector<Mitigation> out;
    for (const PreparedSweep& base : suite_.sweeps) {
      for (const PreparedSweep& p : suite_.sweeps) {
        if (p.spec->mitigates != base.spec->id) continue;
        for (const model::TrackResult& tr : result(p).tracks) {
          if (tr.spec.group != "formats" || tr.spec.label == p.settings.reference) continue;
          const model::TrackResult* without = find_track(result(base), baseline_format(tr.spec.label));
          if (without != nullptr) out.push_back({&base, &p, &tr, without});  // prepare_suite() checked that it exists
        }
      }
    }
    return out;
  }

  // The paper's mitigations (commas, a sliding window, a hint, more
  // precision at one site): each mitigating sweep's formats against the same
  // format of its baseline sweep.
  void mitigations_table(Section& section) {
    Table t;
    t.header = {"Baseline", "Mitigation", "Format", "without", "with"};
    t.alignment = {Align::left, Align::left, Align::left, Align::center, Align::center};
    t.widths = {0.21, 0.22, 0.19, 0, 0};
    t.size = FontSize::footnotesize;
    const PreparedSweep* previous_base = nullptr;
    for (const Mitigation& m : mitigations()) {
      const PreparedSweep& base = *m.base;
      t.rows.push_back({&base != previous_base ? escape(base.spec->label) + ", $n \\le " + integer(base.settings.ns.back()) + "$" : "",
                        escape(m.sweep->spec->label), breakable_code(m.with->spec.label, ":/;"),
                        observed_onset(m.without->summary) + certified_mark(m.without->summary),
                        observed_onset(m.with->summary) + certified_mark(m.with->summary)});
      previous_base = &base;
    }
    if (t.rows.empty()) return;
    t.caption = "Mitigations: the collapse onset (permanent, with the first in parentheses when earlier) without and "
                "with each mitigation, in the same format (a \\texttt{sites:} policy is compared with its "
                "\\texttt{default} format); a dash means no collapse up to $n_{\\max}$. $\\checkmark$ / $\\times$: the exact "
                "distance at the first onset is / is not certified positive --- a $\\times$ means the exact model "
                "itself cannot tell the inputs apart there (e.g.\\ once a sliding window no longer sees the difference), "
                "so that collapse is not caused by rounding. Settings of each sweep in Table~\\ref{tab:sweeps}.";
    t.label = "tab:mitigations";
    section.blocks.push_back(std::move(t));
  }

  void sweeps_table(Section& section) {
    Table t;
    t.header = {"Sweep", "Model", "Family", "$n$", "Formats", "Reference", "Seed"};
    t.alignment = {Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::right};
    t.widths = {0.15, 0.18, 0, 0.11, 0.15, 0, 0};
    
    for (const PreparedSweep& p : suite_.sweeps) {
      std::vector<std::string> formats;
      for (const std::string& f : p.spec->formats) formats.push_back(code(f));
      if (p.spec->ablate) formats.push_back("ablation of " + code(*p.spec->ablate));
      const std::vector<std::size_t>& ns = p.settings.ns;
      t.rows.push_back({breakable_code(p.spec->id, "-"), breakable_code(p.spec->model.text), code(p.spec->family),
                        integer(ns.size()) + " in $[" + integer(ns.front()) + ", " + integer(ns.back()) + "]$",
                        join(formats, ", "), code(p.spec->reference), integer(p.spec->seed)});
    }
    t.caption = "The sweeps of this suite. Model specs are presets with options (\\texttt{NAME:key=value}) or files; "
                "the family's prompt and token ids are described in each figure caption.";
    t.label = "tab:sweeps";
    t.size = FontSize::footnotesize;
    t.long_table = true;
    section.blocks.push_back(std::move(t));
  }

  void figures_section() {
    if (figure_blocks_.empty()) return;
    Section section{"Reproductions of the paper's figures", {}};
    for (Block& b : figure_blocks_) section.blocks.push_back(std::move(b));
    section.blocks.push_back(Paragraph{"\\clearpage"});
    doc_.sections.push_back(std::move(section));
  }

  void bounds_section() {
    if (bound_blocks_.empty()) return;
    Section section{"Sensitivity bounds and the limit of depth", {}};
    for (Block& b : bound_blocks_) section.blocks.push_back(std::move(b));
    section.blocks.push_back(Paragraph{"\\clearpage"});
    doc_.sections.push_back(std::move(section));
  }

  std::string notes_list(const proofs::CheckResult& r) const {
    if (r.notes.empty()) return "";
    std::string out = "\\begin{itemize}\n";
    for (const std::string& note : r.notes) out += "\\item " + escape(note) + "\n";
    return out + "\\end{itemize}";
  }

  std::string counts_text(const CheckOutcome& c) const {
    const auto counts = c.result.verdict_counts();
    std::vector<std::string> parts;
    for (std::size_t v = 0; v < 4; ++v) {
      if (counts[v] > 0) parts.push_back(integer(static_cast<std::size_t>(counts[v])) + " " + escape(proofs::kVerdictNames[v]));
    }
    std::string out = "Check " + check_name(c.id()) + " (expected: " + escape(proofs::to_string(c.expected())) + "): " +
                      integer(c.result.instances.size()) + " instances, " + and_list(parts);
    const double worst = c.result.worst_margin();
    if (!std::isnan(worst)) out += "; worst margin " + num(worst, 3);
    return out + "; outcome: " + verdict_outcome(c) + ".";
  }

  void loose_section() {
    Section section{"Where the paper's statements are loose or wrong as printed", {}};
    section.blocks.push_back(Paragraph{
        "\\label{sec:loose}Each item states what the paper prints and what is wrong or loose about it, then gives the verdicts and "
        "findings of the check that shows it (the findings are the check's own words and numbers)."});
    for (const LooseStatement& l : kLooseStatements) {
      const CheckOutcome* c = check(l.check);
      std::string text = "\\paragraph{" + std::string(l.heading) + ".} " + std::string(l.claim) + "\n\n";
      if (c == nullptr) {
        text += "\\emph{Check " + check_name(l.check) + " was not run by this suite.}";
      } else if (c->result.instances.empty()) {
        text += "\\emph{Check " + check_name(l.check) + " produced no instances in this build.}";
      } else {
        text += counts_text(*c);
        const auto it = figures_of_check_.find(std::string(l.check));
        if (it != figures_of_check_.end()) {
          std::vector<std::string> refs;
          for (const std::string& name : it->second) refs.push_back("Figure~\\ref{fig:" + name + "}");
          text += " See " + and_list(refs) + ".";
        }
        text += "\n" + notes_list(c->result);
      }
      section.blocks.push_back(Paragraph{text});
    }
    doc_.sections.push_back(std::move(section));
  }

  void details_section() {
    if (results_.checks.empty()) return;
    Section section{"Check details", {}};
    section.blocks.push_back(Paragraph{"The statement, the hypotheses as instantiated, the closest call and the "
                                       "findings of every check run, in the checks' own words."});
    for (const CheckOutcome& c : results_.checks) {
      std::string text = "\\subsection*{" + check_name(c.id()) + ": " + escape(c.title()) + "}\n";
      if (c.result.instances.empty() && c.result.statement.empty()) {
        section.blocks.push_back(Paragraph{text + "\\emph{No results: this check is not available in this build.}"});
        continue;
      }
      if (!c.result.statement.empty()) text += "\\textbf{Statement.} " + escape(c.result.statement) + "\n\n";
      if (!c.result.hypotheses.empty()) text += "\\textbf{Hypotheses.} " + escape(c.result.hypotheses) + "\n\n";
      text += counts_text(c) + "\n\n";
      const proofs::Instance* worst = nullptr;
      for (const proofs::Instance& i : c.result.instances) {
        if (worst == nullptr || i.margin < worst->margin) worst = &i;
      }
      if (worst != nullptr) {
        const auto bounds = [](const proofs::Bounds& b) {
          return b.lower == b.upper ? num(b.lower, 6) : "$[" + format_number(b.lower, 6) + ", " + format_number(b.upper, 6) + "]$";
        };
        const char* relation = worst->relation == proofs::Relation::less ? "<" : worst->relation == proofs::Relation::equal ? "=" : "\\le";
        text += "\\textbf{Closest call.} " + escape(worst->description) + ": " + escape(worst->lhs_label) + " $" + relation +
                "$ " + escape(worst->rhs_label) + " with lhs " + bounds(worst->lhs) + ", rhs " + bounds(worst->rhs) +
                ", margin " + num(worst->margin, 3) + ", " + escape(proofs::to_string(worst->verdict)) + ".\n\n";
      }
      const bool in_loose = std::any_of(kLooseStatements.begin(), kLooseStatements.end(),
                                        [&](const LooseStatement& l) { return l.check == c.id(); });
      if (in_loose) {
        text += "\\textbf{Findings:} see Section~\\ref{sec:loose}.";
      } else if (!c.result.notes.empty()) {
        text += "\\textbf{Findings.}\n" + notes_list(c.result);
      }
      section.blocks.push_back(Paragraph{text});
    }
    doc_.sections.push_back(std::move(section));
  }
};

}  // namespace

std::string track_key(std::string_view label) {
  std::string key(label);
  for (char& c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) c = '-';
  }
  return key.empty() ? "track" : key;
}

Document build_report(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context) {
  return Builder(suite, results, context).build();
}

}  // namespace glasses::reports
