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

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/model/n_range.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_output.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/reports/files.hpp"
#include "model_options.hpp"
#include "output_lock.hpp"
#include "progress.hpp"
#include "provenance.hpp"
#include "ranks.hpp"

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
  std::string order = "sequential";  // summation order of every site that names none
  std::string out;
  bool resume = false, force = false;
  int threads = 2;
  int ranks_per_track = 1;  // MPI: ranks sharing each track's rows
  model::Mitigations mitigations;  // --sink, --adaptive-temperature
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
  std::printf("%-26s %-11s %9s %9s %9s  %-9s %s\n", "format", "group", "first", "permanent", "predicted", "certified",
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
    std::printf("%-26s %-11s %9s %9s %9s  %-9s %s%s\n", t.spec.label.c_str(), t.spec.group.c_str(),
                onset_text(s.onset_first).c_str(),
                (onset_text(s.onset_permanent) + (s.onset_permanent && !s.onset_confirmed ? "?" : "")).c_str(),
                onset_text(s.onset_predicted).c_str(), cert.c_str(), dist.c_str(), s.nonfinite ? "  (non-finite values!)" : "");
  }
  if (std::any_of(r.tracks.begin(), r.tracks.end(), [](const model::TrackResult& t) {
        return t.summary.onset_permanent && !t.summary.onset_confirmed;
      })) {
    std::printf("?: a permanent onset no later point confirms (seen only on the n walked to the last point)\n");
  }
}

// Checks --out against --resume/--force, and returns the points each
// track kept from an interrupted run (none unless --resume).
std::vector<std::vector<model::PointMetrics>> restore_progress(const SweepOptions& o, const json& identity,
                                                               std::size_t track_count,
                                                               const std::vector<std::size_t>& ns) {
  const fs::path dir(o.out), progress_dir = dir / ".progress";
  std::error_code ec;
  const bool has_results = fs::exists(dir / "sweep.csv") || fs::exists(progress_dir);
  if (has_results && !o.resume && !o.force) {
    throw InputError("'" + o.out + "' already holds a sweep; use --resume to continue it or --force to overwrite");
  }
  if (o.force) fs::remove_all(progress_dir, ec);
  std::vector<std::vector<model::PointMetrics>> completed(track_count);
  if (o.resume && fs::exists(progress_dir / "settings.json")) {
    std::ifstream in(progress_dir / "settings.json");
    json previous;
    try {
      previous = json::parse(in);
    } catch (const json::exception&) {
      throw InputError("'" + o.out + "/.progress/settings.json' is damaged; rerun with --force");
    }
    if (previous != identity) throw InputError("--resume: the settings differ from the interrupted run's; rerun with --force");
    for (std::size_t t = 0; t < track_count; ++t) {
      std::ifstream lines(progress_dir / ("track-" + std::to_string(t) + ".jsonl"));
      for (std::string line; std::getline(lines, line);) {
        if (lines.eof()) break;  // a line without its newline was cut by the interruption
        model::PointMetrics p;
        try {
          p = model::point_from_json(line);
        } catch (const InputError&) {
          break;
        }
        if (completed[t].size() >= ns.size() || p.n != ns[completed[t].size()]) break;
        completed[t].push_back(std::move(p));
      }
    }
  } else {
    fs::create_directories(progress_dir, ec);
    if (ec) throw InputError("cannot create '" + progress_dir.string() + "': " + ec.message());
    reports::write_file_atomically(progress_dir / "settings.json", identity.dump(2) + "\n");
  }
  return completed;
}

int run(const SweepOptions& o) {
  if (o.out.empty()) throw InputError("--out DIR is required");
  if (o.resume && o.force) throw InputError("--resume and --force exclude each other");
  const model::NRange ns = o.family == "pair" ? model::NRange{{1}} : model::parse_n_range(o.n, o.geom, o.points);
  model::SweepOptions options;  // n below, once the estimate allows it (values() allocates every n)
  options.formats = split_formats(o.formats);
  for (const std::string& p : split_formats(o.policies)) options.formats.push_back(p);
  options.reference = o.reference;
  options.cross_check = o.cross_check;
  options.ablate = o.ablate;
  options.certify = !o.no_certify;
  options.certify_max_n = o.certify_max_n;
  options.interval_bits = o.interval_bits;
  options.interval_bits_limit = o.interval_bits_limit;
  options.seed = o.seed;
  options.order = o.order;
  options.threads = o.threads;
  options.mitigations = o.mitigations;
  model::SweepSettings settings = model::sweep_settings(options);
  const model::ModelSource source = model::with_mitigations(o.model.open(), settings.mitigations);
  const model::FamilyOptions f = model::family_options(source, o.family, o.family_arguments, o.seed, o.model.encoder());
  const model::PairFamily family(source, f);
  numerics::set_single_threaded(o.threads == 1);
  const Ranks& mpi = ranks();
  const numerics::Distributor* distributor = mpi.distributor(o.ranks_per_track);  // validates it
  const std::vector<model::TrackSpec> tracks = model::plan_tracks(settings);
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
    if (!tokens_per_unit->note.empty() && mpi.writer()) std::cerr << "glasses: note: " << tokens_per_unit->note << "\n";
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
  if (!settings.order.sequential()) identity["order"] = o.order;  // absent before orders existed

  // Rank 0 prepares the output directory and tells every rank the points
  // kept from an interrupted run; each rank appends to the logs of the
  // tracks it runs (a shared --out keeps them for --resume).
  const fs::path dir(o.out), progress_dir = dir / ".progress";
  std::optional<OutputLock> out_lock;  // one writer per --out (rank 0 under MPI)
  if (mpi.writer()) out_lock.emplace(dir);
  std::error_code ec;
  std::vector<std::vector<model::PointMetrics>> completed(tracks.size());
  std::string kept_lines;  // per track: its kept points' lines, then an empty line
  if (mpi.writer()) {
    completed = restore_progress(o, identity, tracks.size(), settings.ns);
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      std::string kept;
      for (const model::PointMetrics& p : completed[t]) kept += model::point_to_json(p) + "\n";
      reports::write_file_atomically(progress_dir / ("track-" + std::to_string(t) + ".jsonl"), kept);
      kept_lines += kept + "\n";
    }
  }
  mpi.broadcast(kept_lines);
  if (!mpi.writer()) {
    std::size_t t = 0;
    for (std::size_t at = 0; at < kept_lines.size() && t < tracks.size();) {
      const std::size_t end = kept_lines.find('\n', at);
      if (end == at) {
        ++t;
      } else {
        completed[t].push_back(model::point_from_json(kept_lines.substr(at, end - at)));
      }
      at = end + 1;
    }
  }
  std::vector<std::ofstream> logs;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    logs.emplace_back(progress_dir / ("track-" + std::to_string(t) + ".jsonl"), std::ios::app);
  }
  std::mutex log_mutex;
  Progress progress("sweep " + o.family);
  model::SweepCallbacks callbacks;
  const bool logs_points = mpi.leads(o.ranks_per_track);  // one rank per group logs its track
  callbacks.on_point = [&](std::size_t t, const model::PointMetrics& p) {
    if (!logs_points) return;
    const std::string line = model::point_to_json(p) + "\n";
    std::lock_guard<std::mutex> lock(log_mutex);
    logs[t] << line << std::flush;
  };
  callbacks.on_progress = [&](double done, double total) { progress.update(done, total); };
  callbacks.distributor = distributor;
  const model::SweepResult result = model::run_sweep(source, family, settings, callbacks, std::move(completed));
  progress.finish();
  if (!mpi.writer()) return kExitSuccess;  // rank 0 writes the outputs

  model::SweepDescription description{&source, &family, o.family, tokens_per_unit, ""};
  json prov = build_provenance();
  description.build_provenance_json = prov.dump();
  const std::string csv = model::tidy_csv(o.family, model::tidy_table(settings.ns, result));
  const std::string summary = model::summary_json(description, settings, result);
  reports::write_file_atomically(dir / "sweep.csv", csv);
  reports::write_file_atomically(dir / "summary.json", summary);
  if (result.cross_check) {
    const model::ReferenceDisagreement& d = *result.cross_check;
    std::cerr << std::setprecision(17) << "glasses: references " << settings.reference << " and " << d.cross_check
              << " differ by at most " << d.max_error << " in ||y||_inf (relative " << d.max_relative << ", at n = "
              << d.n_at_max << ")\n";
  }
  logs.clear();
  fs::remove_all(progress_dir, ec);
  for (const std::string& w : source.warnings) std::cerr << "glasses: warning: " << w << "\n";
  print_table(result);
  if (o.ranks_per_track > 1) {
    const Ranks::ExchangeStats x = mpi.exchange_stats();
    std::fprintf(stderr,
                 "glasses: %d ranks, %d per track: rank 0 spent %.3g s of %.3g s (%.1f%%) in %ld row exchanges "
                 "(%.3g MB, waits for slower ranks included); rows split by measured speed",
                 mpi.size(), o.ranks_per_track, x.seconds, x.wall_seconds, 100 * x.seconds / x.wall_seconds,
                 x.exchanges, x.bytes / 1e6);
    for (std::size_t r = 0; r < x.speeds.size(); ++r) std::fprintf(stderr, "%s%.3f", r == 0 ? " " : " : ", x.speeds[r]);
    std::fprintf(stderr, "\n");
  }
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
  cmd->add_option("--order", o.order,
                  "Summation order of every reduction whose site names none (a policy's <format>@<order> "
                  "does): sequential, pairwise, blocked:<k>, splitk:<s>, kahan")
      ->capture_default_str();
  cmd->add_option_function<double>(
      "--sink", [](double logit) { o.mitigations.sink_logit = logit; },
      "Mitigation: an attention sink, a virtual first key of this score and value 0 in every head (e.g. 0)");
  cmd->add_flag("--adaptive-temperature", o.mitigations.adaptive_temperature,
                "Mitigation: the adaptive temperature of arXiv 2410.01104 (scores times beta(entropy), per head)");
  cmd->add_option("--out", o.out, "Output directory")->required();
  cmd->add_flag("--resume", o.resume, "Continue an interrupted sweep in --out");
  cmd->add_flag("--force", o.force, "Overwrite a previous sweep in --out");
  cmd->add_option("--threads", o.threads, "Worker threads per process (tracks side by side); 1: no threads at all (one MPI rank per core)")->capture_default_str();
  cmd->add_option("--ranks-per-track", o.ranks_per_track,
                  "Under mpirun: ranks that share each track's (and certification's) multiprecision rows; must "
                  "divide the rank count")
      ->capture_default_str();
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
