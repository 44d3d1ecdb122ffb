// Definition of detail::probe_as, included only by the per-type
// instantiation units (src/instantiate_scalar.cpp.in).
#pragma once

#include "glasses/model/predict.hpp"
#include "glasses/model/sweep_impl.hpp"

namespace glasses::model::detail {

// Layer 0 at the last position: every position's values (the projected
// hook), N(t) (the attention hook), each head's scores and Z (state hook).
template <class T>
struct ProbeRecorder : NoStepObserver {
  static constexpr bool active = true;  // attention() tells N(t)
  struct Record {
    std::size_t last = 0, kv_width = 0, first = 0;
    std::vector<double> values;  // [t · kv_width + i]
    std::vector<ReferenceHead> heads;
  };
  Record* r;
  void projected(std::size_t l, std::size_t, const T*, const T*, const T* v) {
    if (l != 0) return;
    for (std::size_t i = 0; i < r->kv_width; ++i) r->values.push_back(numerics::ScalarTraits<T>::to_double(v[i]));
  }
  void attention(std::size_t l, std::size_t t, std::size_t first, std::size_t, const std::vector<std::vector<T>>&) {
    if (l == 0 && t == r->last) r->first = first;
  }
  void state(std::size_t l, std::size_t t, ForwardStep step, int head, const T* x, std::size_t n) {
    if (l != 0 || t != r->last || head < 0) return;
    const std::size_t h = static_cast<std::size_t>(head);
    if (r->heads.size() <= h) r->heads.resize(h + 1);
    if (step == ForwardStep::scores) {
      r->heads[h].scores.clear();
      for (std::size_t j = 0; j < n; ++j) r->heads[h].scores.push_back(numerics::ScalarTraits<T>::to_double(x[j]));
    } else if (step == ForwardStep::denominator) {
      r->heads[h].denominator = numerics::ScalarTraits<T>::to_double(x[0]);
    }
  }
};

template <class T>
ReferenceProbe probe_as(const ModelSource& model, const RunSpec& reference, const std::vector<int>& a,
                        const std::vector<int>& b) {
  if constexpr (numerics::ScalarTraits<T>::is_interval) {
    throw InputError("an interval run is not a reference for onset predictions");
  } else {
    const auto ctx = make_context<T>(reference);
    const ModelConfig& c = model.config;
    ReferenceProbe probe;
    const auto body = [&](auto& rounder) {
      using R = std::remove_reference_t<decltype(rounder)>;
      Env<T, R> env{ctx, rounder};
      env.orders = reference.policy.orders();
      const PreparedModel<T> m = prepare(model, env);
      const auto record = [&](const std::vector<int>& tokens, std::vector<ReferenceHead>& heads) {
        typename ProbeRecorder<T>::Record r;
        r.last = tokens.size() - 1;
        r.kv_width = static_cast<std::size_t>(c.kv_width());
        ForwardOptions o;
        o.all_positions = false;
        o.logits = false;
        ProbeRecorder<T> recorder;
        recorder.r = &r;
        const Trace<T> trace = forward(m, env, make_input(model, tokens), o, recorder);
        // Each head's values over N(t), from its kv head.
        const std::size_t dh = static_cast<std::size_t>(c.d_head);
        const std::size_t group = static_cast<std::size_t>(c.n_heads / c.n_kv_heads);
        for (std::size_t h = 0; h < r.heads.size(); ++h) {
          const std::size_t offset = (h / group) * dh;
          for (std::size_t j = 0; j < r.heads[h].scores.size(); ++j) {
            const double* row = r.values.data() + (r.first + j) * r.kv_width + offset;
            r.heads[h].values.insert(r.heads[h].values.end(), row, row + dh);
          }
        }
        heads = std::move(r.heads);
        return std::vector<T>(trace.y.row(0), trace.y.row(0) + trace.y.cols);
      };
      const std::vector<T> ya = record(a, probe.heads_a), yb = record(b, probe.heads_b);
      const std::vector<numerics::MpfrReal> ea = exact_vector(ya), eb = exact_vector(yb);
      const Difference d = difference(ea, eb);
      probe.dinf = d.dinf;
      for (std::size_t i = 0; i < ea.size(); ++i) {
        const mpfr_prec_t prec = std::max(mpfr_get_prec(ea[i].data()), mpfr_get_prec(eb[i].data())) + 64;
        numerics::MpfrReal diff(0L, prec);
        mpfr_sub(diff.data(), eb[i].data(), ea[i].data(), MPFR_RNDN);
        probe.delta.push_back(diff.to_double());
        probe.y_a.push_back(ea[i].to_double());
        probe.y_norm_inf = std::max(probe.y_norm_inf, std::fabs(probe.y_a.back()));
      }
    };
    with_site_rounder<T>(reference, ctx, body);
    return probe;
  }
}

}  // namespace glasses::model::detail

#define GLASSES_INSTANTIATE_PROBE(T)                                                                     \
  template glasses::model::ReferenceProbe glasses::model::detail::probe_as<T>(                          \
      const glasses::model::ModelSource&, const glasses::model::RunSpec&, const std::vector<int>&,     \
      const std::vector<int>&);
