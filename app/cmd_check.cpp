// glasses check: the statements of THEORY §3 checked with verdicts.
//
// Prints one row per check and optionally writes the JSON
//   {"checks": [{"id", "statement", "expected", "instances", "verdicts": {...},
//                "worst_margin", "hypotheses", "notes", "refuted_witnesses"}, ...],
//    "provenance": {...}}
// Exit code 1 when a statement that must hold under its hypotheses is
// refuted; measurements (B.5-full) and expected refutations never fail.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/check_json.hpp"
#include "glasses/reports/files.hpp"
#include "progress.hpp"
#include "provenance.hpp"
#include "ranks.hpp"

namespace glasses::app {
namespace {

using nlohmann::json;

struct CheckCommandOptions {
  std::vector<std::string> ids;
  bool quick = false;
  std::string json_path;
  std::uint64_t seed = 0;
  int threads = 2;
};

int run(const CheckCommandOptions& o) {
  std::vector<const proofs::CheckInfo*> selected;
  if (o.ids.empty() || (o.ids.size() == 1 && o.ids[0] == "all")) {
    for (const proofs::CheckInfo& c : proofs::registry()) selected.push_back(&c);
  } else {
    for (const std::string& id : o.ids) selected.push_back(&proofs::find_check(id));
  }
  proofs::CheckOptions options;
  options.quick = o.quick;
  options.seed = o.seed;
  if (o.threads < 1 || o.threads > 64) throw InputError("--threads must be between 1 and 64");
  numerics::set_single_threaded(o.threads == 1);
  const Ranks& mpi = ranks();
  // What the command shows of a check: its table row, its JSON object and
  // whether it failed; each check is a job (on the MPI ranks, if any).
  struct Shown {
    std::string row, json;
    bool failed = false;
  };
  std::vector<Shown> shown(selected.size());
  Progress progress("check");
  double total = 0, done = 0;
  for (const proofs::CheckInfo* c : selected) total += c->seconds(o.quick);
  std::mutex progress_mutex;
  numerics::JobSet jobs;
  for (const proofs::CheckInfo* c : selected) jobs.costs.push_back(c->seconds(o.quick));
  jobs.run = [&](std::size_t k) {
    const proofs::CheckResult r = proofs::run_check(*selected[k], options);
    const auto counts = r.verdict_counts();
    char row[512];
    std::snprintf(row, sizeof row, "%-20s %-12s %9zu %7d %7d %9d %7d  %.3g%s\n", r.id.c_str(),
                  std::string(proofs::to_string(r.expected)).c_str(), r.instances.size(), counts[0], counts[1],
                  counts[2], counts[3], r.worst_margin(), r.failed() ? "  REFUTED" : "");
    shown[k] = {row, proofs::check_json(r), r.failed()};
    const std::lock_guard lock(progress_mutex);
    done += selected[k]->seconds(o.quick);
    progress.update(done, total);
  };
  jobs.pack = [&](std::size_t k) {
    return json{{"row", shown[k].row}, {"json", shown[k].json}, {"failed", shown[k].failed}}.dump();
  };
  jobs.unpack = [&](std::size_t k, std::string_view bytes) {
    const json j = json::parse(bytes);
    shown[k] = {j.at("row").get<std::string>(), j.at("json").get<std::string>(), j.at("failed").get<bool>()};
  };
  numerics::run_jobs(mpi.distributor(), jobs, o.threads);
  progress.finish();
  if (!mpi.writer()) return kExitSuccess;  // rank 0 prints and writes
  json out;
  out["checks"] = json::array();
  out["quick"] = o.quick;
  bool failed = false;
  std::printf("%-20s %-12s %9s %7s %7s %9s %7s  %s\n", "check", "expected", "instances", "proven", "refuted",
              "numerical", "inconcl", "worst margin");
  for (const Shown& c : shown) {
    std::fputs(c.row.c_str(), stdout);
    std::fflush(stdout);
    failed = failed || c.failed;
    out["checks"].push_back(json::parse(c.json));
  }
  json prov = build_provenance();
  prov["seed"] = o.seed;
  out["provenance"] = prov;
  if (!o.json_path.empty()) reports::write_file_atomically(o.json_path, out.dump(2) + "\n");
  if (failed) {
    std::cerr << "glasses: a statement expected to hold was refuted (see the witnesses in the JSON)\n";
    return kExitRefuted;
  }
  return kExitSuccess;
}

}  // namespace

void add_check_command(CLI::App& root, Action& action) {
  static CheckCommandOptions o;
  std::string ids;
  for (const proofs::CheckInfo& c : proofs::registry()) ids += (ids.empty() ? "" : " ") + std::string(c.id);
  CLI::App* cmd = root.add_subcommand("check", "Check the statements of the paper (THEORY §3) with verdicts");
  cmd->add_option("ids", o.ids, "Checks to run (default all): " + ids);
  cmd->add_flag("--quick", o.quick, "The small configuration the test suite runs");
  cmd->add_option("--json", o.json_path, "Write the results as JSON to this file");
  cmd->add_option("--seed", o.seed, "Seed of the random instances")->capture_default_str();
  cmd->add_option("--threads", o.threads, "Checks run side by side (results do not depend on it); 1: no threads at all (one MPI rank per core)")->capture_default_str();
  cmd->callback([&action] { action = [] { return run(o); }; });
}

}  // namespace glasses::app
