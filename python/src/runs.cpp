// glasses.sweep, glasses.check, glasses.report: the long runs, each on a
// helper thread under a Watch (watch.hpp: GIL released, progress, Ctrl-C).
#include <mpfr.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_output.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/check_json.hpp"
#include "glasses/reports/pdf.hpp"
#include "glasses/reports/report.hpp"
#include "glasses/reports/suite.hpp"
#include "glasses/reports/suite_file.hpp"
#include "model.hpp"
#include "watch.hpp"

namespace glasses::python {
namespace {

namespace py = pybind11;

void check_threads(int threads) {
  if (threads < 1 || threads > 64) throw InputError("threads must be between 1 and 64");
}

// Family options by their `glasses sweep` option name ("sep" or "separator"
// spelled with _ or -), as model::kFamilyParameters lists them.
model::FamilyArguments family_arguments(const std::map<std::string, std::string>& options) {
  model::FamilyArguments out;
  for (const auto& [key, value] : options) {
    std::string name = key;
    for (char& c : name) c = c == '_' ? '-' : c;
    bool found = false;
    std::string known;
    for (const model::FamilyParameterInfo& p : model::kFamilyParameters) {
      known += (known.empty() ? "" : ", ") + std::string(p.option);
      if (name == p.option || (!p.key.empty() && name == p.key)) {
        out[p.id] = value;
        found = true;
      }
    }
    if (!found) throw InputError("unknown family option '" + key + "'; known: " + known);
  }
  return out;
}

py::dict sweep(const Model& m, const std::string& family_name, const std::vector<std::size_t>& ns,
               const std::vector<std::string>& formats, const std::string& reference,
               const std::optional<std::string>& ablate, bool certify, std::size_t certify_max_n, int interval_bits,
               int interval_bits_limit, std::uint64_t seed, const std::string& order, int threads, bool cross_check,
               const std::optional<double>& sink, bool adaptive_temperature,
               const std::map<std::string, std::string>& options, const py::object& progress) {
  if (ns.empty()) throw InputError("n gives no values");
  model::SweepOptions o;
  o.ns = family_name == "pair" ? std::vector<std::size_t>{1} : ns;
  o.formats = formats;
  o.reference = reference;
  o.ablate = ablate.value_or("");
  o.certify = certify;
  o.certify_max_n = certify_max_n;
  o.interval_bits = interval_bits;
  o.interval_bits_limit = interval_bits_limit;
  o.seed = seed;
  o.order = order;
  o.threads = threads;
  o.cross_check = cross_check;
  o.mitigations.sink_logit = sink;
  o.mitigations.adaptive_temperature = adaptive_temperature;
  const model::SweepSettings settings = model::sweep_settings(o);
  const std::shared_ptr<const model::ModelSource> source =
      settings.mitigations.any()
          ? std::make_shared<const model::ModelSource>(model::with_mitigations(*m.source, settings.mitigations))
          : m.source;
  model::TextEncoder encoder;
  if (m.tokenizer) {
    encoder = [t = m.tokenizer](std::string_view text, bool special) { return t->encode(text, special); };
  }
  const model::FamilyOptions f = model::family_options(*source, family_name, family_arguments(options), seed, encoder);
  const model::PairFamily family(*source, f);
  model::check_sequences_fit(*source, family, settings.ns.back());
  std::optional<model::TokensPerUnit> tokens_per_unit;
  if (family.text()) tokens_per_unit = family.tokens_per_unit(settings.ns);

  Watch watch;
  const model::SweepResult result = watch.run(progress, [&](Watch& w) {
    model::SweepCallbacks callbacks;
    callbacks.on_progress = [&w](double done, double total) { w.report(done, total); };
    return model::run_sweep(*source, family, settings, callbacks);
  });
  const model::TidyTable table = model::tidy_table(settings.ns, result);
  model::SweepDescription description{source.get(), &family, family_name, tokens_per_unit,
                                      R"({"client": "glasses Python package"})"};
  py::dict out;
  out["n"] = table.n;
  out["format"] = table.format;
  out["group"] = table.group;
  out["metric"] = table.metric;
  out["value"] = table.value;
  out["csv"] = model::tidy_csv(family_name, table);
  out["summary_json"] = model::summary_json(description, settings, result);
  return out;
}

std::vector<std::string> check_results(const std::vector<std::string>& ids, bool quick, std::uint64_t seed, int threads,
                                       const py::object& progress) {
  check_threads(threads);
  std::vector<const proofs::CheckInfo*> selected;
  if (ids.empty() || (ids.size() == 1 && ids[0] == "all")) {
    for (const proofs::CheckInfo& c : proofs::registry()) selected.push_back(&c);
  } else {
    for (const std::string& id : ids) selected.push_back(&proofs::find_check(id));
  }
  proofs::CheckOptions options;
  options.quick = quick;
  options.seed = seed;
  double total = 0;
  for (const proofs::CheckInfo* c : selected) total += c->seconds(quick);
  Watch watch;
  const std::vector<proofs::CheckResult> results = watch.run(progress, [&](Watch& w) {
    double done = 0;
    w.report(0, total);
    return proofs::run_checks(selected, options, threads, [&](std::size_t i, double) {
      done += selected[i]->seconds(quick);
      w.report(done, total);
    });
  });
  std::vector<std::string> out;
  for (const proofs::CheckResult& r : results) out.push_back(proofs::check_json(r));
  return out;
}

py::dict report(const std::string& suite_spec, const std::string& out_dir, const std::string& date, int threads,
                bool pdf, int latex_timeout, const py::object& progress) {
  check_threads(threads);
  if (latex_timeout < 1) throw InputError("latex_timeout must be at least 1 second");
  const reports::SuiteText source = reports::load_suite_text(suite_spec);
  reports::Suite parsed = reports::parse_suite(source.text, source.origin, source.directory);
  if (reports::find_builtin_suite(suite_spec) == nullptr) {
    parsed.origin = "file " + std::filesystem::path(suite_spec).filename().string();
  }
  std::unique_ptr<reports::PreparedSuite> suite = reports::prepare_suite(std::move(parsed));
  const std::filesystem::path dir(out_dir);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw InputError("out '" + out_dir + "' exists and is not a directory");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError("cannot create the output directory '" + out_dir + "': " + ec.message());
  Watch watch;
  const reports::SuiteResults results = watch.run(progress, [&](Watch& w) {
    reports::RunCallbacks callbacks;
    callbacks.on_progress = [&w](double done, double total) { w.report(done, total); };
    return reports::run_suite(*suite, threads, callbacks);
  });
  reports::ReportContext context;
  context.build = {{"client", "glasses Python package"},
                   {"compiler", std::string("g++ ") + __VERSION__},
                   {"libraries", std::string("MPFR ") + mpfr_get_version()}};
  context.date = date;
  const reports::Document document = reports::build_report(*suite, results, context);
  const std::vector<std::filesystem::path> written = reports::write_document(document, dir);
  reports::remove_stale_outputs(dir, written);
  py::dict out;
  out["tex"] = (dir / "report.tex").string();
  out["pdf"] = py::none();
  out["refuted"] = py::list();
  for (const reports::CheckOutcome& c : results.checks) {
    if (c.result.failed()) out["refuted"].cast<py::list>().append(c.id());
  }
  if (pdf && reports::latex_available()) {
    reports::BuildOptions options;
    options.timeout = std::chrono::seconds(latex_timeout);
    const reports::BuildResult built = watch.run(py::none(), [&](Watch&) { return reports::build_pdf(dir, options); });
    if (!built.ok) {
      throw Error("LaTeX failed to build " + out_dir + "/report.pdf" + (built.timed_out ? " (timed out)" : "") +
                  "; the relevant lines of " + built.log.string() + ":\n" + built.log_excerpt);
    }
    out["pdf"] = built.pdf.string();
  }
  return out;
}

}  // namespace

void bind_runs(py::module_& m) {
  m.def("sweep", &sweep, py::arg("model"), py::arg("family"), py::arg("n"), py::arg("formats"), py::arg("reference"),
        py::arg("ablate"), py::arg("certify"), py::arg("certify_max_n"), py::arg("interval_bits"),
        py::arg("interval_bits_limit"), py::arg("seed"), py::arg("order"), py::arg("threads"), py::arg("cross_check"),
        py::arg("sink"), py::arg("adaptive_temperature"), py::arg("family_options"),
        py::arg("progress"));
  m.def("check", &check_results, py::arg("ids"), py::arg("quick"), py::arg("seed"), py::arg("threads"),
        py::arg("progress"));
  m.def("check_ids", [] {
    std::vector<std::string> ids;
    for (const proofs::CheckInfo& c : proofs::registry()) ids.emplace_back(c.id);
    return ids;
  });
  m.def("report", &report, py::arg("suite"), py::arg("out"), py::arg("date"), py::arg("threads"), py::arg("pdf"),
        py::arg("latex_timeout"), py::arg("progress"));
  m.def("builtin_suites", [] {
    std::vector<std::string> names;
    for (const reports::BuiltinSuite& s : reports::builtin_suites()) names.emplace_back(s.name);
    return names;
  });
  m.def("family_names", [] {
    std::vector<std::string> names;
    for (const model::FamilyInfo& f : model::kFamilies) names.emplace_back(f.name);
    return names;
  });
}

}  // namespace glasses::python
