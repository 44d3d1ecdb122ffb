// Definition of detail::probe_as, included only by the per-type
// instantiation units (src/instantiate_scalar.cpp.in).
#pragma once

#include "glasses/model/predict.hpp"
#include "glasses/model/sweep_impl.hpp"

namespace glasses::model::detail {

// s and s* each by a full forward (the sweep's recorder watching it).
template <class T>
ReferenceProbe probe_as(const ModelSource& model, const RunSpec& reference, std::size_t n, const std::vector<int>& a,
                        const std::vector<int>& b) {
  if constexpr (numerics::ScalarTraits<T>::is_interval) {
    throw InputError("an interval run is not a reference for onset predictions");
  } else {
    const auto ctx = make_context<T>(reference);
    ReferenceProbe probe;
    const auto body = [&](auto& rounder) {
      using R = std::remove_reference_t<decltype(rounder)>;
      Env<T, R> env{ctx, rounder};
      env.orders = reference.policy.orders();
      const PreparedModel<T> m = prepare(model, env);
      ProbeRecord ra(model.config), rb(model.config);
      const LastPosition<T> ya = last_position_from_scratch(m, env, model, a, false, nullptr, &ra);
      const LastPosition<T> yb = last_position_from_scratch(m, env, model, b, false, nullptr, &rb);
      probe = make_probe(n, ya.y, yb.y, ra.last_layer0(), rb.last_layer0(), output_projection(model));
    };
    with_site_rounder<T>(reference, ctx, body);
    return probe;
  }
}

}  // namespace glasses::model::detail

#define GLASSES_INSTANTIATE_PROBE(T)                                                                     \
  template glasses::model::ReferenceProbe glasses::model::detail::probe_as<T>(                          \
      const glasses::model::ModelSource&, const glasses::model::RunSpec&, std::size_t,                 \
      const std::vector<int>&, const std::vector<int>&);
