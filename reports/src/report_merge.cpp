// Why a collapse happens: onsets by summation order and where the two
// inputs merge (report_builder.hpp).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "glasses/model/merge.hpp"
#include "glasses/model/policy.hpp"
#include "glasses/reports/latex.hpp"
#include "report_builder.hpp"
#include "report_text.hpp"

namespace glasses::reports::detail {
namespace {

// "layer 1, softmax denominator, head 3" (layers and heads counted from 0).
std::string location_text(const model::MergeLocation& m) {
  std::string s = m.layer >= 0 ? "layer " + integer(static_cast<std::size_t>(m.layer)) + ", " : std::string();
  s += std::string(model::to_string(m.step));
  if (m.head >= 0) s += ", head " + integer(static_cast<std::size_t>(m.head));
  return s;
}

// A track's format without its @<order>, and the order of its sums.
std::string base_format(const std::string& label) { return label.substr(0, label.find('@')); }

}  // namespace

void ReportBuilder::order_table(Section& section) {
  // Rows: (sweep, format without @order); columns: the orders met.
  std::vector<std::string> orders{"sequential"};
  std::map<std::pair<std::string, std::string>, std::map<std::string, const model::TrackResult*>> cells;
  std::vector<std::pair<std::string, std::string>> rows;
  bool any = false;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult* t : low_tracks(p, result(p))) {
      const std::string order = model::orders_text(t->spec.run.policy);
      any = any || order != "sequential";
      if (std::find(orders.begin(), orders.end(), order) == orders.end()) orders.push_back(order);
      const std::pair<std::string, std::string> row{p.spec->label, base_format(t->spec.label)};
      if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
      cells[row][order] = t;
    }
  }
  if (!any) return;
  Table t;
  t.header = {"Sweep", "Format"};
  t.alignment = {Align::left, Align::left};
  // Fixed widths that fit the line with five or more orders (the quick
  // and paper suites have five): natural widths ran off the page.
  t.widths = {0.15, 0.09};
  for (const std::string& o : orders) {
    t.header.push_back(breakable_code(o, ":;@"));
    t.alignment.push_back(Align::center);
    t.widths.push_back(std::min(0.12, 0.45 / static_cast<double>(orders.size())));
  }
  t.size = FontSize::footnotesize;
  for (const auto& row : rows) {
    std::vector<std::string> line{escape(row.first), breakable_code(row.second, ":;/=@")};
    for (const std::string& o : orders) {
      const auto it = cells[row].find(o);
      line.push_back(it == cells[row].end() ? "" : observed_onset(it->second->summary));
    }
    t.rows.push_back(std::move(line));
  }
  t.caption = "Collapse onsets by summation order (\\texttt{--order}, or \\texttt{<format>@<order>} in a policy): "
              "the observed (permanent) onset, the first in parentheses when earlier; -- none. Every order sums the "
              "same terms (dot products, softmax denominator, $\\sum_j \\alpha_j v_j$, the norms' sums); only the "
              "order of the roundings differs.";
  t.label = "tab:orders";
  section.blocks.push_back(std::move(t));
}

void ReportBuilder::merge_table(Section& section) {
  Table t;
  t.header = {"Sweep", "Format", "$n$", "Where the two inputs merge", "First rounding that absorbs a difference"};
  t.alignment = {Align::left, Align::left, Align::right, Align::left, Align::left};
  t.widths = {0.17, 0.13, 0, 0.22, 0.22};  // fixed: long sweep labels ran the table off the page
  t.size = FontSize::footnotesize;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult& tr : result(p).tracks) {
      const auto& m = tr.summary.merge;
      if (!m || !m->collapsed) continue;
      t.rows.push_back({escape(p.spec->label), breakable_code(tr.spec.label, ":;/=@"), integer(m->n), location_text(m->merge),
                        m->first_rounding ? location_text(*m->first_rounding) : std::string("--")});
    }
  }
  if (t.rows.empty()) return;
  t.caption = "Where the two inputs merge, at each track's first collapse onset $n$: the step of the last "
              "position's computation from which the states of $s$ and $s^*$ are bit-identical up to $y$ "
              "(layers and heads from 0), and the first step, in the order of the forward pass, whose input "
              "differs but whose result agrees (differences can re-enter later through the keys of other "
              "positions). Steps: input, q, scores, softmax denominator, softmax, attention output "
              "($\\sum_j \\alpha_j v_j$ of a head), residual ($z = v + a$), mlp ($z + \\psi(z)$), output.";
  t.label = "tab:merge";
  section.blocks.push_back(std::move(t));
}

}  // namespace glasses::reports::detail
