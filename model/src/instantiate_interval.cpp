// The model instantiated for glasses::numerics::Interval (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::Interval)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::Interval)

namespace glasses::model {

DistanceEnclosure interval_distance(const ModelSource& model, int bits, const std::vector<int>& a, const std::vector<int>& b) {
  using numerics::Interval;
  const RunSpec spec = parse_run_spec("interval:" + std::to_string(bits), numerics::formats::fp64);
  const auto ctx = detail::make_context<Interval>(spec);
  NoSiteRounding rounder;
  Env<Interval, NoSiteRounding> env{ctx, rounder};
  const PreparedModel<Interval> prepared = prepare(model.config, model.weights, env);
  detail::LastPosition<Interval> ya, yb;
  if (model.config.causal) {
    detail::FollowingDecoder<Interval, NoSiteRounding> decoder(prepared, env, model);
    decoder.follow(a);
    ya = decoder.last(false);
    decoder.follow(b);
    yb = decoder.last(false);
  } else {
    ya = detail::last_position_from_scratch(prepared, env, model, a, false);
    yb = detail::last_position_from_scratch(prepared, env, model, b, false);
  }
  DistanceEnclosure out;
  out.issue = ya.issue.found ? ya.issue : yb.issue;
  for (std::size_t i = 0; i < ya.y.size(); ++i) {
    const auto [lo, hi] = numerics::ScalarTraits<Interval>::bounds(abs(ya.y[i] - yb.y[i]));
    out.lower = std::max(out.lower, lo);
    out.upper = std::max(out.upper, hi);
  }
  return out;
}

}  // namespace glasses::model
