// The model instantiated for glasses::numerics::Interval (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::Interval)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::Interval)

namespace glasses::model {

DistanceEnclosure interval_distance(const ModelSource& model, int bits, const InputSequence& a, const InputSequence& b) {
  using numerics::Interval;
  const RunSpec spec = parse_run_spec("interval:" + std::to_string(bits), numerics::formats::fp64);
  const auto ctx = detail::make_context<Interval>(spec);
  NoSiteRounding rounder;
  Env<Interval, NoSiteRounding> env{ctx, rounder};
  const PreparedModel<Interval> prepared = prepare(model.config, model.weights, env);
  ForwardOptions options;
  options.parallel_heads = true;
  const Trace<Interval> ta = forward(prepared, env, a, options);
  const Trace<Interval> tb = forward(prepared, env, b, options);
  DistanceEnclosure out;
  out.issue = ta.issue.found ? ta.issue : tb.issue;
  const Interval* ya = ta.y.row(ta.positions.size() - 1);
  const Interval* yb = tb.y.row(tb.positions.size() - 1);
  for (std::size_t i = 0; i < ta.y.cols; ++i) {
    const auto [lo, hi] = numerics::ScalarTraits<Interval>::bounds(abs(ya[i] - yb[i]));
    out.lower = std::max(out.lower, lo);
    out.upper = std::max(out.upper, hi);
  }
  return out;
}

}  // namespace glasses::model
