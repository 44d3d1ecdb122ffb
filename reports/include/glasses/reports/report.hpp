// The report of a suite: run its sweeps and checks, then turn the results
// into a Document (document.hpp) that `glasses report` writes and builds.
//
//   run_suite()     runs every sweep and check of a PreparedSuite on a pool of
//                   worker threads (largest estimated job first). Every job is
//                   deterministic and its result is stored by index, so the
//                   results, and the report, do not depend on the number of
//                   threads or on scheduling.
//   build_report()  a pure function of (suite, results, context): the same
//                   inputs give a byte-identical report.tex, figures and CSV.
//                   Every number in the text comes from the results (STYLE
//                   B.6.15); every user string (suite name, labels, model
//                   paths, prompts, formats) goes through escape() or code().
//
// Sections of the report, in order:
//   1. Summary of findings (numbers from the results).
//   2. The statements of THEORY §3: verdict counts and worst margins per check.
//   3. Collapse onsets: the onset table (rows: tasks × positional encodings,
//      columns: formats; observed, predicted, certified), the rounding-site
//      ablation table, the settings of every sweep, and the figures of kind
//      `collapse`.
//   4. Reproductions of the paper's figures (kinds compare, heads, and the
//      check figures fig9, b3-decay, b4, b10-fractions, check-series).
//   5. Sensitivity bounds (check figures b5-profiles, b5-full, b8-rate,
//      b8-profile).
//   6. Where the paper's statements are loose or wrong as printed, each item
//      backed by the check that shows it (kLooseStatements).
//   7. Check details: statement, hypotheses and notes of every check run.
//
// Data files (DIR/data/*.csv):
//   sweep-<id>.csv    one row per n; for each track t (its label made a column
//                     key, see track_key(); ablation tracks prefixed ablate-) the columns
//                     t.D1, t.D2, t.Dinf, t.rel_Dinf (= Dinf / ‖y‖∞), t.bitwise_equal,
//                     t.identical_fraction, t.ulp_distance, t.error_inf,
//                     t.head_inf_mean/min/max, t.D_layer_<l>, ...
//   onsets.csv        one row per sweep and track: onsets and certifications
//   checks.csv        one row per check: verdict counts and worst margin
//   check-<series>.csv  every data series of every check, as the check gave it
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/sweep.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/reports/document.hpp"
#include "glasses/reports/suite.hpp"

namespace glasses::reports {

struct SweepOutcome {
  model::SweepResult result;
  double seconds = 0;  // wall time (not written into the report: not deterministic)
};

// A check as run by the suite. Its id, title and expectation are the
// registry's (proofs::registry()), never copies kept here.
struct CheckOutcome {
  const proofs::CheckInfo* check = nullptr;  // the registry entry
  bool quick = false;                        // run in its quick configuration
  proofs::CheckResult result;                // from proofs::run_check()
  double seconds = 0;
  std::string id() const { return std::string(check->id); }
  std::string title() const { return std::string(check->title); }
  proofs::Expectation expected() const { return check->expected; }
};

struct SuiteResults {
  std::vector<SweepOutcome> sweeps;  // one per PreparedSuite::sweeps, same order
  std::vector<CheckOutcome> checks;  // one per PreparedSuite::check_ids, same order
};

struct RunCallbacks {
  // Overall progress in estimated seconds (called from worker threads).
  std::function<void(double done, double total)> on_progress;
  // A job finished: "sweep count-nope" or "check B.2", and its wall time.
  std::function<void(const std::string& job, double seconds)> on_done;
  // With a distributor (MPI ranks), the sweeps run one after another, each
  // with its tracks and certifications spread over the distributor's
  // processes, then the checks, spread over them too; every process ends
  // with every result.
  const numerics::Distributor* distributor = nullptr;
};

// Runs the suite on `threads` worker threads. Exceptions of a job are
// rethrown after every worker stopped (the first in job order).
SuiteResults run_suite(const PreparedSuite& suite, int threads, const RunCallbacks& callbacks = {});

// What the report says about where it came from, beyond the suite.
struct ReportContext {
  std::vector<ProvenanceEntry> build;  // commit, compiler, flags, libraries (user text)
  std::string date;                    // user text; shown in the title block and provenance
};

// A paper statement that the checks show to be loose or wrong as printed.
struct LooseStatement {
  std::string_view check;    // the check that shows it
  std::string_view heading;  // LaTeX
  std::string_view claim;    // LaTeX: what the paper prints and what is wrong with it (no numbers)
};

inline constexpr std::array kLooseStatements{
    LooseStatement{"B.2-literal", "Lemma 4.1 (B.2) read literally",
                   "The lemma's hypothesis ``$|x_n - x^*_n| \\to 0$'' constrains only the last entries. Read that "
                   "way it is false: sequences whose last entries agree can keep a total variation bounded away "
                   "from zero. What the proof uses is tail convergence of one pair of infinite sequences."},
    LooseStatement{"B.3", "Theorem 4.2 (B.3): ``positional information decays with distance''",
                   "The hypothesis is never defined. The check measures, per positional encoding, whether the "
                   "last-layer distance $D_L(n)$ actually decays, and flags the encodings for which it does not."},
    LooseStatement{"B.5", "Theorem 5.1 (B.5): the printed bound against its proof",
                   "The printed statement carries $\\sigma_\\psi^L$ and one summation index too many, while the "
                   "proof derives $\\prod_\\ell(\\sigma_\\psi/\\beta_2 + 1)$; the check evaluates the printed "
                   "variants beside the matrix-product form the proof gives."},
    LooseStatement{"B.5-full", "Theorem 5.1 (B.5) without its simplifying assumptions",
                   "The bound treats attention weights and normalisation statistics as constants. With the true "
                   "Jacobian the ratio $\\lVert J_i\\rVert / \\text{bound}$ can exceed 1; the check searches for "
                   "the worst ratio."},
    LooseStatement{"B.8", "The limit of depth (B.8)",
                   "The paper claims the sensitivity to the first token tends to 1; only the upper bound is shown "
                   "to converge (to the matrix with first column all ones), at the rate $\\rho^L$. Equality holds "
                   "in the scalar linear model, which the check verifies; diagonalisability is not needed."},
    LooseStatement{"B.10", "Counting in finite precision (B.10)",
                   "The paper argues from closeness of representations; closeness is not indistinguishability, "
                   "since a rounding or decision boundary can still separate close values. The rigorous version "
                   "checked here uses bit-identical representations, which force every readout to answer two "
                   "different counts the same."},
};

// The report document. Throws InputError if the results do not match the
// suite (they come from run_suite on it).
Document build_report(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context);

// A track label as a CSV column key: characters outside [A-Za-z0-9-]
// become '-' ("mixed:bf16/fp32" -> "mixed-bf16-fp32").
std::string track_key(std::string_view label);

}  // namespace glasses::reports
