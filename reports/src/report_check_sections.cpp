// The sections on checks: the verdict table, the loose statements, the check details (report_builder.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "glasses/model/policy.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/reports/latex.hpp"
#include "report_builder.hpp"
#include "report_text.hpp"

namespace glasses::reports::detail {

std::string ReportBuilder::verdict_outcome(const CheckOutcome& c) {
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

void ReportBuilder::statements_section() {
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
    t.rows.push_back({check_id_text(c.id()), escape(c.title()), integer(c.result.instances.size()),
                      integer(static_cast<std::size_t>(counts[0])) + "\\,/\\," + integer(static_cast<std::size_t>(counts[1])) +
                          "\\,/\\," + integer(static_cast<std::size_t>(counts[2])) + "\\,/\\," +
                          integer(static_cast<std::size_t>(counts[3])),
                      std::isnan(worst) ? "--" : num(worst, 3), verdict_outcome(c)});
  }
  std::vector<std::string> quick;
  for (const CheckOutcome& c : results_.checks) {
    if (c.quick) quick.push_back(check_id_text(c.id()));
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

std::string ReportBuilder::notes_list(const proofs::CheckResult& r) const {
  if (r.notes.empty()) return "";
  std::string out = "\\begin{itemize}\n";
  for (const std::string& note : r.notes) out += "\\item " + escape_with_powers(note) + "\n";
  return out + "\\end{itemize}";
}

std::string ReportBuilder::counts_text(const CheckOutcome& c) const {
  const auto counts = c.result.verdict_counts();
  std::vector<std::string> parts;
  for (std::size_t v = 0; v < 4; ++v) {
    if (counts[v] > 0) parts.push_back(integer(static_cast<std::size_t>(counts[v])) + " " + escape(proofs::kVerdictNames[v]));
  }
  std::string out = "Check " + check_id_text(c.id()) + " (expected: " + escape(proofs::to_string(c.expected())) + "): " +
                    integer(c.result.instances.size()) + " instances, " + and_list(parts);
  const double worst = c.result.worst_margin();
  if (!std::isnan(worst)) out += "; worst margin " + num(worst, 3);
  return out + "; outcome: " + verdict_outcome(c) + ".";
}

void ReportBuilder::loose_section() {
  Section section{"Where the paper's statements are loose or wrong as printed", {}};
  section.blocks.push_back(Paragraph{
      "\\label{sec:loose}Each item states what the paper prints and what is wrong or loose about it, then gives the verdicts and "
      "findings of the check that shows it (the findings are the check's own words and numbers)."});
  for (const LooseStatement& l : kLooseStatements) {
    const CheckOutcome* c = check(l.check);
    std::string text = "\\paragraph{" + std::string(l.heading) + ".} " + std::string(l.claim) + "\n\n";
    if (c == nullptr) {
      text += "\\emph{Check " + check_id_text(l.check) + " was not run by this suite.}";
    } else if (c->result.instances.empty()) {
      text += "\\emph{Check " + check_id_text(l.check) + " produced no instances in this build.}";
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

void ReportBuilder::details_section() {
  if (results_.checks.empty()) return;
  Section section{"Check details", {}};
  section.blocks.push_back(Paragraph{"The statement, the hypotheses as instantiated, the closest call and the "
                                     "findings of every check run, in the checks' own words."});
  for (const CheckOutcome& c : results_.checks) {
    std::string text = "\\subsection*{" + check_id_text(c.id()) + ": " + escape(c.title()) + "}\n";
    if (c.result.instances.empty() && c.result.statement.empty()) {
      section.blocks.push_back(Paragraph{text + "\\emph{No results: this check is not available in this build.}"});
      continue;
    }
    if (!c.result.statement.empty()) text += "\\textbf{Statement.} " + escape_with_powers(c.result.statement) + "\n\n";
    if (!c.result.hypotheses.empty()) text += "\\textbf{Hypotheses.} " + escape_with_powers(c.result.hypotheses) + "\n\n";
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
      text += "\\textbf{Closest call.} " + escape_with_powers(worst->description) + ": " + escape_with_powers(worst->lhs_label) + " $" + relation +
"$ " + escape_with_powers(worst->rhs_label) + " with lhs " + bounds(worst->lhs) + ", rhs " + bounds(worst->rhs) +
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

}  // namespace glasses::reports::detail
