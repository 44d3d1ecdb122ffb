// Definition of detail::merge_chain_as, included only by the per-type
// instantiation units (src/instantiate_scalar.cpp.in).
#pragma once

#include <map>
#include <utility>

#include "glasses/model/merge.hpp"
#include "glasses/model/sweep_impl.hpp"

namespace glasses::model::detail {

// The states of one position (`last`) as the forward computes them: the
// input and q through the usual hooks, the rest through state().
template <class T>
struct RecordedStates {
  std::size_t last = 0, d = 0, q_width = 0;
  std::map<std::pair<int, ForwardStep>, std::vector<std::vector<T>>> states;  // [(layer, step)][head or 0]
  std::vector<T> y;

  void keep(int layer, ForwardStep step, int head, const T* x, std::size_t n) {
    auto& parts = states[{layer, step}];
    const std::size_t h = head < 0 ? 0 : static_cast<std::size_t>(head);
    if (parts.size() <= h) parts.resize(h + 1);
    parts[h].assign(x, x + n);
  }
};

template <class T>
struct StateRecorder : NoStepObserver {
  RecordedStates<T>* r;
  void input(std::size_t t, const T* v) {
    if (t == r->last) r->keep(-1, ForwardStep::input, -1, v, r->d);
  }
  void projected(std::size_t l, std::size_t t, const T* q, const T*, const T*) {
    if (t == r->last) r->keep(static_cast<int>(l), ForwardStep::q, -1, q, r->q_width);
  }
  void state(std::size_t l, std::size_t t, ForwardStep step, int head, const T* x, std::size_t n) {
    if (t == r->last) r->keep(static_cast<int>(l), step, head, x, n);
  }
};

// Same length, and every component the same value and sign.
template <class T>
bool identical(const std::vector<T>& x, const std::vector<T>& y) {
  return x.size() == y.size() && difference(exact_vector(x), exact_vector(y)).identical == x.size();
}

template <class T>
std::vector<ChainState> merge_chain_as(const ModelSource& model, const RunSpec& run, const std::vector<int>& a,
                                       const std::vector<int>& b) {
  if constexpr (numerics::ScalarTraits<T>::is_interval) {
    throw InputError("intervals have no merge point: they enclose the exact model");
  } else {
    const auto ctx = make_context<T>(run);
    const ModelConfig& c = model.config;
    std::vector<ChainState> chain;
    const auto body = [&](auto& rounder) {
      using R = std::remove_reference_t<decltype(rounder)>;
      Env<T, R> env{ctx, rounder};
      env.orders = run.policy.orders();
      const PreparedModel<T> m = prepare(model, env);
      const auto record = [&](const std::vector<int>& tokens) {
        RecordedStates<T> r;
        r.last = tokens.size() - 1;
        r.d = static_cast<std::size_t>(c.d_model);
        r.q_width = static_cast<std::size_t>(c.q_width());
        ForwardOptions o;
        o.all_positions = false;
        o.logits = false;
        StateRecorder<T> recorder;
        recorder.r = &r;
        const Trace<T> trace = forward(m, env, make_input(model, tokens), o, recorder);
        r.y.assign(trace.y.row(0), trace.y.row(0) + trace.y.cols);
        return r;
      };
      const RecordedStates<T> ra = record(a), rb = record(b);
      const auto add = [&](int layer, ForwardStep step) {
        const auto ia = ra.states.find({layer, step}), ib = rb.states.find({layer, step});
        if (ia == ra.states.end() || ib == rb.states.end()) return;
        ChainState s{layer, step, {}};
        for (std::size_t h = 0; h < ia->second.size(); ++h) {
          s.differs.push_back(h >= ib->second.size() || !identical(ia->second[h], ib->second[h]));
        }
        chain.push_back(std::move(s));
      };
      add(-1, ForwardStep::input);
      for (int l = 0; l < c.n_layers; ++l) {
        for (ForwardStep step : {ForwardStep::q, ForwardStep::scores, ForwardStep::denominator, ForwardStep::softmax,
                                 ForwardStep::attention_output, ForwardStep::residual, ForwardStep::mlp}) {
          add(l, step);
        }
      }
      chain.push_back({-1, ForwardStep::output, {!identical(ra.y, rb.y)}});
    };
    with_site_rounder<T>(run, ctx, body);
    return chain;
  }
}

}  // namespace glasses::model::detail

#define GLASSES_INSTANTIATE_MERGE(T)                                                                 \
  template std::vector<glasses::model::ChainState> glasses::model::detail::merge_chain_as<T>(         \
      const glasses::model::ModelSource&, const glasses::model::RunSpec&, const std::vector<int>&, \
      const std::vector<int>&);
