// Suites: what `glasses report` runs, described in a small JSON file.
//
// A suite lists precision sweeps (model, pair family, values of n, formats,
// reference, ablation, certification), the THEORY §3 checks to run, and the
// figures to draw from them. The report's sections, tables and captions are
// written by code (report.hpp) from whatever the suite ran; the suite only
// says *what* to run and which figures to draw.
//
// The format (version 1). Every key is checked: an unknown key, a value of
// the wrong type or range, a missing required key, a duplicate key, a
// duplicate id or a reference to an unknown sweep is an InputError whose
// message names the place, e.g. "sweeps[2].formats[1]: ...".
//
//   {
//     "suite": "quick",                    required; the suite's name (user text)
//     "title": "...",                      optional; default "glasses report: <suite>"
//     "description": "...",                optional; a sentence shown in the summary
//     "seed": 0,                           optional; default seed of sweeps and checks
//     "checks": {                          optional; no checks without it
//       "ids": ["all"] | ["B.1", ...],     required; "all" = every registered check
//       "quick": true | ["B.10", ...],     optional (false): the checks' small configuration,
//                                          for all checks or for those listed
//       "seed": 0                          optional (the suite's seed)
//     },
//     "sweeps": [ {                        optional
//       "id": "count-nope",                required; [A-Za-z0-9][A-Za-z0-9-]*, <= 32 characters
//       "label": "count-ones, NoPE",       optional (the id): legends and tables (user text)
//       "model": "paper-literal:positional=rope"     a preset spec, or
//              | {"preset": "..."} | {"config": "file.json"} | {"checkpoint": "dir"}
//                                          (paths relative to the suite file's directory; a
//                                          checkpoint folder with a tokenizer.json gets text
//                                          families, as `glasses sweep --model DIR`)
//       "family": "count-ones",            required; one of model::kFamilies but `pair`
//       "<key>": value,                    optional: the family parameters that have a suite key in
//                                          model::kFamilyParameters (prompt, one, zero, separator,
//                                          comma_every, ratio; for text families sequences,
//                                          template, unit, zero_unit, unit_separator, comma,
//                                          add_special_tokens), with the syntax and defaults of
//                                          `glasses sweep --<option>`; numbers may be JSON numbers,
//                                          add_special_tokens true or false, the ratio an array [a, b]
//       "n": {"from": 1, "to": 1024, "points": 24}   geometric: `points` log-spaced values,
//          | {"from": 1, "to": 64, "step": 1}          arithmetic,
//          | [1, 2, 4, 8]                              or a list (increasing)
//       "formats": ["bf16", "fp16", "fp32"],   required; formats and policies (run.hpp)
//       "reference": "fp64",               optional ("mpfr:256")
//       "cross_check": true,               optional (false): also run the independent 256-bit
//                                          reference (model::cross_check_format); the report
//                                          states the two references' largest disagreement
//       "ablate": "bf16",                  optional: one policy per rounding site, plus mixed:<F>/fp32
//       "certify": true | false | {"max_n": 1024, "bits": 128, "bits_limit": 2048},
//                                          optional (true, with those defaults)
//       "seed": 0,                         optional (the suite's): sampled digits, stochastic rounding
//       "order": "pairwise",               optional ("sequential"): summation order of every site whose
//                                          format names none (policy.hpp; "bf16@kahan" names one)
//       "onset_table": true                optional (true): a row of the collapse-onset table
//       "mitigates": "<id>"                optional: this sweep is a mitigation (commas, a window,
//                                          a hint, more precision at a site) of sweep <id>; the
//                                          mitigation table compares each of its formats with the
//                                          same format there (see baseline_format())
//       "sink": 0,                         optional: an attention sink of this score (model::Mitigations)
//       "adaptive_temperature": true       optional (false): the adaptive temperature of arXiv 2410.01104
//     } ],
//     "figures": [ {                       optional
//       "kind": "collapse" | "compare" | "heads" | "check" | "check-series",   required
//       "name": "...",                     optional file stem (default from the kind)
//       "title": "...", "caption": "...",  optional user text; the caption is appended to
//                                          the generated one, which says what was run
//       collapse, heads:  "sweep": "<id>"
//       compare:          "series": [{"sweep": "<id>", "track": "<format>", "label": "..."}],
//                         "metric": "D1" (any metric of model::metric_values, or rel_Dinf),
//                         "log_y": true
//       check:            "figure": one of kCheckFigures (a built-in figure of a check's data)
//       check-series:     "check": "B.8", "data": "<series name>", "x": "<column>",
//                         "y": ["<column>", ...], "x_label": "...", "y_label": "...",
//                         "log_x": false, "log_y": false
//     } ]
//   }
//
// Built-in suites (`paper`, `quick`) are JSON files in reports/suites/,
// compiled into the library (CMake turns each into a string literal), so
// the installed binary needs no data files; builtin_suites() returns them.
//
// Validation happens in two steps, both before anything runs or is
// written: parse_suite() checks the JSON, prepare_suite() opens every model
// and binds every family, format, check id and figure reference (it throws
// InputError for an unknown preset, format, token or check).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/proofs/figure.hpp"

namespace glasses::reports {

enum class ModelKind : std::uint8_t { preset, config, checkpoint };

struct ModelSpec {
  ModelKind kind = ModelKind::preset;
  std::string text;               // preset spec, or the path as written in the suite (user text)
  std::filesystem::path resolved; // config, checkpoint: the path resolved against the suite's directory
};

struct NRange {
  std::vector<std::size_t> values;  // increasing, >= 1
  std::string description;          // LaTeX, e.g. "24 log-spaced values of $n$ from 1 to 1024"
};

struct SweepSpec {
  std::string id;
  std::string label;  // user text
  ModelSpec model;
  std::string family;
  model::FamilyArguments family_arguments;  // checked for syntax; resolved against the model by prepare_suite
  NRange n;
  std::vector<std::string> formats;
  std::string reference = "mpfr:256";
  bool cross_check = false;
  std::optional<std::string> ablate;
  bool certify = true;
  std::size_t certify_max_n = 1024;
  int interval_bits = 128;
  int interval_bits_limit = 2048;
  std::uint64_t seed = 0;
  model::SumOrder order{};
  bool onset_table = true;
  std::string mitigates;  // id of the baseline sweep; empty: not a mitigation
  model::Mitigations mitigations;  // keys "sink" (the sink's score) and "adaptive_temperature"
};

// The format of a baseline sweep that a mitigating sweep's track `label` is
// compared with: the same format, or F for a policy "sites:...;default=F"
// (some sites raised above F: the "more precision at one site" mitigation).
std::string baseline_format(std::string_view label);

struct CheckSelection {
  bool enabled = false;
  std::vector<std::string> ids;  // empty with `enabled`: all
  bool quick = false;                    // every check in its quick configuration
  std::vector<std::string> quick_ids;    // these checks in their quick configuration
  bool is_quick(std::string_view id) const {
    return quick || std::find(quick_ids.begin(), quick_ids.end(), id) != quick_ids.end();
  }
  std::uint64_t seed = 0;
};

enum class FigureKind : std::uint8_t { collapse, compare, heads, check, check_series };

struct CompareSeries {
  std::string sweep;
  std::string track;  // empty: the sweep's reference
  std::string label;  // user text; empty: "<sweep label>, <track>"
};

// The built-in figures drawn from a check's data, as the checks publish
// them (proofs/figure.hpp).
using proofs::CheckFigureInfo;
using proofs::kCheckFigures;

struct FigureSpec {
  FigureKind kind = FigureKind::collapse;
  std::string name;     // file stem, unique in the suite
  std::string title;    // user text
  std::string caption;  // user text
  std::string sweep;    // collapse, heads
  std::vector<CompareSeries> series;  // compare
  std::string metric = "D1";          // compare
  bool log_x = true, log_y = true;    // compare, check-series
  std::string check_figure;           // check: a kCheckFigures name
  std::string check, data, x;         // check-series
  std::vector<std::string> y;         // check-series
  std::string x_label, y_label;       // check-series (user text)
};

struct Suite {
  std::string name;         // user text
  std::string title;        // user text
  std::string description;  // user text
  std::string origin;       // "built-in suite paper" or the file name as given (user text)
  std::string fingerprint;  // FNV-1a 64 of the suite text, 16 hex digits
  std::uint64_t seed = 0;
  CheckSelection checks;
  std::vector<SweepSpec> sweeps;
  std::vector<FigureSpec> figures;
};

// Parses the JSON text of a suite. `origin` names it in messages and in the
// report; relative model paths are resolved against `directory`. Throws
// InputError naming the place of the first problem.
Suite parse_suite(std::string_view json_text, std::string_view origin, const std::filesystem::path& directory);

struct BuiltinSuite {
  std::string_view name;
  std::string_view description;
  std::string_view text;  // the JSON of reports/suites/<name>.json
};

// The suites compiled into the library, `paper` first.
std::span<const BuiltinSuite> builtin_suites();

// The built-in suite `name`, or nullptr.
const BuiltinSuite* find_builtin_suite(std::string_view name);

// A sweep bound to its model and family, with its tracks planned.
struct PreparedSweep {
  const SweepSpec* spec = nullptr;
  std::shared_ptr<const model::ModelSource> model;
  std::shared_ptr<const model::PairFamily> family;
  std::optional<model::TokensPerUnit> tokens_per_unit;  // text families: the cost of a unit over the sweep's n
  model::SweepSettings settings;  // threads = 1 (run_suite runs sweeps side by side)
  std::vector<model::TrackSpec> tracks;
  double estimated_cost = 0;  // arbitrary units, for scheduling and progress
};

struct PreparedSuite {
  Suite suite;
  std::vector<PreparedSweep> sweeps;  // pointers into suite.sweeps
  std::vector<std::string> check_ids; // resolved, registry order for "all"
  PreparedSuite() = default;
  PreparedSuite(const PreparedSuite&) = delete;  // sweeps point into suite
  PreparedSuite& operator=(const PreparedSuite&) = delete;
};

// Opens every model (models with the same spec are opened once), binds the
// families, plans the tracks, resolves the check ids and checks every
// figure's references. Throws InputError naming the sweep or figure.
std::unique_ptr<PreparedSuite> prepare_suite(Suite suite);

}  // namespace glasses::reports
