// glasses sweep: precision comparison over a pair family (THEORY §2).
//
// Writes DIR/sweep.csv (tidy: one row per n × format × metric) and
// DIR/summary.json (onsets, certifications, provenance), and prints a
// summary table. While running, every measured point is appended to
// DIR/.progress/track-<k>.jsonl so that `--resume` continues an interrupted
// run; the final files are written atomically and are byte-identical to an
// uninterrupted run's.
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "atomic_file.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/model/n_range.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_output.hpp"
#include "glasses/numerics/error.hpp"
#include "model_options.hpp"
#include "output_lock.hpp"
#include "progress.hpp"
#include "provenance.hpp"

namespace glasses::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct SweepOptions {
  ModelOptions model;
  std::string family = "count-ones";
  std::string n = "1:64";
  bool geom = false;
  int points = 48;
  std::string formats = "fp16,bf16,fp32";
  std::string policies;
  std::string reference = "mpfr:256";
  bool cross_check = false;  // run the other 256-bit reference too and state the disagreement
  std::string ablate;
  model::FamilyArguments family_arguments;  // the --<option>s of model::kFamilyParameters given
  std::uint64_t seed = 0;
  std::string out;
  bool resume = false, force = false;
  int threads = 2;
  bool no_certify = false;
  std::size_t certify_max_n = 1024;
  int interval_bits = 128, interval_bits_limit = 2048;
  double max_hours = 168;
};

// Refuses a sweep whose estimated cost is out of reach (above --max-hours,
// or above the memory limit), with the estimate, before anything runs.
void check_within_reach(const model::SweepEstimate& e, int threads, double max_hours, double max_memory) {
  const double hours = e.cpu_seconds / 3600.0 / threads;
  char estimate[160];
  std::snprintf(estimate, sizeof estimate, "estimated %.3g hours on %d thread%s and ", hours, threads,
                threads == 1 ? "" : "s");
  const std::string what = std::string("this sweep is out of reach: ") + estimate + model::byte_text(e.peak_bytes) + " of memory";
  if (!(e.peak_bytes <= max_memory)) {
    throw InputError(what + ", above the memory limit of " + model::byte_text(max_memory) +
                     " (--max-memory); use fewer or smaller n (--n, --geom)");
  }
  if (!(hours <= max_hours)) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", max_hours);
    throw InputError(what + ", above --max-hours " + limit + "; use fewer or smaller n (--n, --geom), or raise --max-hours");
  }
}

// Splits a comma-separated list of formats/policies, keeping the commas
// inside custom:p=..,emax=.. specs.
std::vector<std::string> split_formats(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const bool continuation = item.find(':') == std::string::npos &&
                              (item.find('=') != std::string::npos || item == "nosub" || item == "sat");
    if (continuation && !items.empty() && items.back().starts_with("custom:")) {
      items.back() += "," + item;
    } else if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

std::string onset_text(const std::optional<std::size_t>& n) { return n ? std::to_string(*n) : "-"; }

void print_table(const model::SweepResult& r) {
  std::printf("%-26s %-10s %9s %9s %9s  %-9s %s\n", "format", "group", "first", "permanent", "predicted", "certified",
              "exact Dinf at first onset");
  for (const model::TrackResult& t : r.tracks) {
    const model::TrackSummary& s = t.summary;
    std::string cert = "-", dist = "-";
    if (s.certification) {
      cert = s.certification->bits > 0 ? (s.certification->certified ? "yes" : "no") : "skipped";
      if (s.certification->bits > 0) {
        char b[80];
        std::snprintf(b, sizeof b, "[%.3g, %.3g] (%d bits)", s.certification->exact_distance_lower,
                      s.certification->exact_distance_upper, s.certification->bits);
        dist = b;
      } else {
        dist = s.certification->note;
      }
    }
    std::printf("%-26s %-10s %9s %9s %9s  %-9s %s%s\n", t.spec.label.c_str(), t.spec.group.c_str(),
                onset_text(s.onset_first).c_str(), onset_text(s.onset_permanent).c_str(),
                onset_text(s.onset_predicted).c_str(), cert.c_str(), dist.c_str(), s.nonfinite ? "  (non-finite values!)" : "");
  }
}

// The independent 256-bit reference that cross-checks `reference`: Boost's
// cpp_bin_float for an MPFR reference and MPFR for a cpp_bin_float one.
std::string cross_check_of(const std::string& reference) {
  const numerics::Format f = numerics::parse_format(reference);
  if (numerics::is_mpfr(f)) return "cpp_bin_float:256";
  if (numerics::is_cpp_bin_float(f)) return "mpfr:256";
  throw InputError("--cross-check needs an arbitrary-precision --reference (mpfr:<bits> or cpp_bin_float:256), not " +
                   reference);
}

int run(const SweepOptions& o) {
  if (o.out.empty()) throw InputError("--out DIR is required");
  if (o.resume && o.force) throw InputError("--resume and --force exclude each other");
  const model::ModelSource source = o.model.open();
  const model::FamilyOptions f = model::family_options(source, o.family, o.family_arguments, o.seed, o.model.encoder());
  const model::PairFamily family(source, f);

  model::SweepSettings settings;
  const model::NRange ns = o.family == "pair" ? model::NRange{{1}} : model::parse_n_range(o.n, o.geom, o.points);
  settings.formats = split_formats(o.formats);
  for (const std::string& p : split_formats(o.policies)) settings.formats.push_back(p);
  if (settings.formats.empty()) throw InputError("give at least one format or policy");
  settings.reference = o.reference;
  const std::string cross_check = o.cross_check ? cross_check_of(o.reference) : std::string();
  if (!cross_check.empty() &&
      std::find(settings.formats.begin(), settings.formats.end(), cross_check) == settings.formats.end()) {
    settings.formats.push_back(cross_check);
  }
  if (!o.ablate.empty()) settings.ablate = o.ablate;
  settings.certify = !o.no_certify;
  settings.certify_max_n = o.certify_max_n;
  settings.interval_bits = o.interval_bits;
  settings.interval_bits_limit = o.interval_bits_limit;
  settings.seed = o.seed;
  settings.threads = o.threads;
  if (o.threads < 1 || o.threads > 64) throw InputError("--threads must be between 1 and 64");
  const std::vector<model::TrackSpec> tracks = model::plan_tracks(settings);  // validates the formats
  if (!(o.max_hours > 0)) throw InputError("--max-hours must be positive");
  check_within_reach(model::estimate_sweep(source, family, settings, ns.count(), ns.largest()), settings.threads,
                     o.max_hours, o.model.memory_limit());
  settings.ns = ns.values();
  // Sequences the model cannot hold are refused before anything is written
  // (text families: a unit may cost several tokens).
  model::check_sequences_fit(source, family, settings.ns.back());
  // Text families: n counts units; say when a unit is not one token.
  std::optional<model::TokensPerUnit> tokens_per_unit;
  if (family.text()) {
    tokens_per_unit = family.tokens_per_unit(settings.ns);
    if (!tokens_per_unit->note.empty()) std::cerr << "glasses: note: " << tokens_per_unit->note << "\n";
  }

  // The settings that must match for --resume.
  json identity;
  identity["model"] = source.origin;
  identity["family"] = family.describe();
  identity["n"] = settings.ns;
  identity["tracks"] = json::array();
  for (const model::TrackSpec& t : tracks) identity["tracks"].push_back(t.label);
  identity["reference"] = settings.reference;
  identity["seed"] = settings.seed;
  identity["prompt"] = family.prompt();

  const fs::path dir(o.out), progress_dir = dir / ".progress";
  const OutputLock out_lock(dir);  // one writer per --out
  std::error_code ec;
  const bool has_results = fs::exists(dir / "sweep.csv") || fs::exists(progress_dir);
  if (has_results && !o.resume && !o.force) {
    throw InputError("'" + o.out + "' already holds a sweep; use --resume to continue it or --force to overwrite");
  }
  if (o.force) fs::remove_all(progress_dir, ec);
  std::vector<std::vector<model::PointMetrics>> completed(tracks.size());
  if (o.resume && fs::exists(progress_dir / "settings.json")) {
    std::ifstream in(progress_dir / "settings.json");
    json previous;
    try {
      previous = json::parse(in);
    } catch (const json::exception&) {
      throw InputError("'" + o.out + "/.progress/settings.json' is damaged; rerun with --force");
    }
    if (previous != identity) throw InputError("--resume: the settings differ from the interrupted run's; rerun with --force");
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      std::ifstream lines(progress_dir / ("track-" + std::to_string(t) + ".jsonl"));
      for (std::string line; std::getline(lines, line);) {
        if (lines.eof()) break;  // a line without its newline was cut by the interruption
        model::PointMetrics p;
        try {
          p = model::point_from_json(line);
        } catch (const InputError&) {
          break;
        }
        if (completed[t].size() >= settings.ns.size() || p.n != settings.ns[completed[t].size()]) break;
        completed[t].push_back(std::move(p));
      }
    }
  } else {
    fs::create_directories(progress_dir, ec);
    if (ec) throw InputError("cannot create '" + progress_dir.string() + "': " + ec.message());
    write_file_atomically(progress_dir / "settings.json", identity.dump(2) + "\n");
  }
  // Truncate each track's log to the points kept, then append.
  std::vector<std::ofstream> logs;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    std::string kept;
    for (const model::PointMetrics& p : completed[t]) kept += model::point_to_json(p) + "\n";
    write_file_atomically(progress_dir / ("track-" + std::to_string(t) + ".jsonl"), kept);
    logs.emplace_back(progress_dir / ("track-" + std::to_string(t) + ".jsonl"), std::ios::app);
  }
  std::mutex log_mutex;
  Progress progress("sweep " + o.family);
  model::SweepCallbacks callbacks;
  callbacks.on_point = [&](std::size_t t, const model::PointMetrics& p) {
    const std::string line = model::point_to_json(p) + "\n";
    std::lock_guard<std::mutex> lock(log_mutex);
    logs[t] << line << std::flush;
  };
  callbacks.on_progress = [&](double done, double total) { progress.update(done, total); };
  const model::SweepResult result = model::run_sweep(source, family, settings, callbacks, std::move(completed));
  progress.finish();

  model::SweepDescription description{&source, &family, o.family, tokens_per_unit, "", cross_check};
  json prov = build_provenance();
  description.build_provenance_json = prov.dump();
  const std::string csv = model::tidy_csv(o.family, model::tidy_table(settings.ns, result));
  const std::string summary = model::summary_json(description, settings, result);
  write_file_atomically(dir / "sweep.csv", csv);
  write_file_atomically(dir / "summary.json", summary);
  if (!cross_check.empty()) {
    const model::ReferenceDisagreement d = model::reference_disagreement(result, cross_check, settings.ns);
    std::cerr << std::setprecision(17) << "glasses: references " << settings.reference << " and " << cross_check
              << " differ by at most " << d.max_error << " in ||y||_inf (relative " << d.max_relative << ", at n = "
              << d.n_at_max << ")\n";
  }
  logs.clear();
  fs::remove_all(progress_dir, ec);
  for (const std::string& w : source.warnings) std::cerr << "glasses: warning: " << w << "\n";
  print_table(result);
  for (const model::TrackResult& t : result.tracks) {
    if (t.summary.nonfinite) {
      std::cerr << "glasses: warning: " << t.spec.label << " produced non-finite values (see the nonfinite column)\n";
    }
  }
  return kExitSuccess;
}

}  // namespace

void add_sweep_command(CLI::App& root, Action& action) {
  static SweepOptions o;
  CLI::App* cmd = root.add_subcommand("sweep", "Find where each format makes a pair of inputs indistinguishable");
  o.model.add_to(*cmd, true);
  std::string families;
  for (const model::FamilyInfo& f : model::kFamilies) families += (families.empty() ? "" : ", ") + std::string(f.name);
  cmd->add_option("--family", o.family, "Pair family: " + families)->capture_default_str();
  cmd->add_option("--n", o.n, "Values of n: A:B, A:B:STEP or a,b,c")->capture_default_str();
  cmd->add_flag("--geom", o.geom, "Log-spaced values between A and B (see --points)");
  cmd->add_option("--points", o.points, "Number of log-spaced values with --geom")->capture_default_str();
  cmd->add_option("--formats", o.formats, "Formats, comma separated: fp16,bf16,fp32,mpfr:256,...")->capture_default_str();
  cmd->add_option("--policies", o.policies, "Precision policies, comma separated: mixed:bf16/fp32,ablate:softmax=bf16");
  cmd->add_option("--reference", o.reference, "Reference format (errors, predicted onsets)")->capture_default_str();
  cmd->add_flag("--cross-check", o.cross_check,
                "Also run the other 256-bit reference (cpp_bin_float:256 for mpfr:<bits>, mpfr:256 for "
                "cpp_bin_float:256) and state their largest disagreement (summary.json reference_cross_check)");
  cmd->add_option("--ablate", o.ablate, "Low format whose rounding sites are tried one at a time");
  CLI::Option* special = nullptr;
  for (const model::FamilyParameterInfo& p : model::kFamilyParameters) {
    CLI::Option* option = cmd->add_option_function<std::string>(
        "--" + std::string(p.option), [id = p.id](const std::string& value) { o.family_arguments[id] = value; },
        std::string(p.help));
    if (const std::string d = model::family_parameter_default(p.id); !d.empty()) {
      option->default_str(d.find(' ') == std::string::npos ? d : "'" + d + "'");
    }
    if (p.id == model::FamilyParameter::add_special_tokens) special = option;
  }
  // As `glasses forward --text`.
  cmd->add_flag_callback(
         "--no-add-special-tokens",
         [] { o.family_arguments[model::FamilyParameter::add_special_tokens] = "false"; },
         "Text families: the same as --add-special-tokens false")
      ->excludes(special);
  cmd->add_option("--seed", o.seed, "Seed of sampled digits and stochastic rounding")->capture_default_str();
  cmd->add_option("--out", o.out, "Output directory")->required();
  cmd->add_flag("--resume", o.resume, "Continue an interrupted sweep in --out");
  cmd->add_flag("--force", o.force, "Overwrite a previous sweep in --out");
  cmd->add_option("--threads", o.threads, "Worker threads (tracks run in parallel)")->capture_default_str();
  cmd->add_flag("--no-certify", o.no_certify, "Skip the interval certification of onsets");
  cmd->add_option("--certify-max-n", o.certify_max_n, "Largest n certified with intervals")->capture_default_str();
  cmd->add_option("--interval-bits", o.interval_bits, "First interval precision")->capture_default_str();
  cmd->add_option("--interval-bits-limit", o.interval_bits_limit, "Largest interval precision")->capture_default_str();
  cmd->add_option("--max-hours", o.max_hours,
                  "Refuse a sweep estimated to take longer than this (wall hours on --threads)")
      ->capture_default_str();
  cmd->callback([&action] { action = [] { return run(o); }; });
}

}  // namespace glasses::app
