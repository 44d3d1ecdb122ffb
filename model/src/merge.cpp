#include "glasses/model/merge.hpp"

#include <algorithm>

namespace glasses::model {

std::string_view to_string(ForwardStep step) {
  switch (step) {
    case ForwardStep::input: return "input";
    case ForwardStep::q: return "q";
    case ForwardStep::scores: return "scores";
    case ForwardStep::denominator: return "softmax denominator";
    case ForwardStep::softmax: return "softmax";
    case ForwardStep::attention_output: return "attention output";
    case ForwardStep::residual: return "residual";
    case ForwardStep::mlp: return "mlp";
    case ForwardStep::output: return "output";
  }
  return "?";
}

bool per_head(ForwardStep step) { return step >= ForwardStep::scores && step <= ForwardStep::attention_output; }

namespace {

bool any(const ChainState& s) { return std::find(s.differs.begin(), s.differs.end(), true) != s.differs.end(); }

// Whether the input of part h of `s` differed: the same head of the step
// before when both are head steps, else anything of the step before.
bool input_differs(const ChainState& before, const ChainState& s, std::size_t h) {
  return before.differs.size() == s.differs.size() ? before.differs[h] : any(before);
}

}  // namespace

MergePoint locate_merge(std::vector<ChainState> chain) {
  MergePoint p;
  p.chain = std::move(chain);
  const std::vector<ChainState>& c = p.chain;
  if (c.empty()) return p;
  p.collapsed = !any(c.back());
  for (std::size_t i = 1; i < c.size() && !p.first_rounding; ++i) {
    for (std::size_t h = 0; h < c[i].differs.size(); ++h) {
      if (input_differs(c[i - 1], c[i], h) && !c[i].differs[h]) {
        p.first_rounding = MergeLocation{c[i].layer, c[i].step, per_head(c[i].step) ? static_cast<int>(h) : -1};
        break;
      }
    }
  }
  if (!p.collapsed) return p;
  std::size_t merged = 0;  // the state after the last one that differs
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (any(c[i])) merged = i + 1;
  }
  const ChainState& m = c[merged];
  p.merge = MergeLocation{m.layer, m.step, -1};
  if (merged > 0 && per_head(m.step) && c[merged - 1].differs.size() == m.differs.size()) {
    const auto& before = c[merged - 1].differs;
    p.merge.head = static_cast<int>(std::find(before.begin(), before.end(), true) - before.begin());
  }
  return p;
}

MergePoint merge_point(const ModelSource& model, const PairFamily& family, const RunSpec& run, std::size_t n) {
  const SequencePair pair = family.at(n);
  MergePoint p = locate_merge(with_carrier(run.execution, [&]<class T>() {
    return detail::merge_chain_as<T>(model, run, pair.a, pair.b);
  }));
  p.n = n;
  return p;
}

}  // namespace glasses::model
