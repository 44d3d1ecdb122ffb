// Definition of detail::run_forward_as, included only by the per-type
// instantiation units (src/instantiate_scalar.cpp.in).
#pragma once

#include <type_traits>

#include "glasses/model/run.hpp"

namespace glasses::model::detail {

// The scalar context of a run: the precision for multiprecision types.
template <class T>
typename numerics::ScalarTraits<T>::Context make_context(const RunSpec& spec) {
  using Context = typename numerics::ScalarTraits<T>::Context;
  if constexpr (std::is_constructible_v<Context, long>) {
    return Context(spec.execution.mpfr_bits);
  } else {
    return Context{};
  }
}

// Whether T can carry site policies (ScalarTraits<T>::round_to exists).
template <class T>
concept SiteRoundable = requires(const numerics::Format& f, numerics::RoundingContext& rc, T& x) {
  numerics::ScalarTraits<T>::round_to(f, rc, x);
};

// Calls body(rounder) with the rounder a run needs: SiteRounding into the
// policy's formats when the run rounds sites on its carrier, NoSiteRounding
// otherwise. `ctx` is make_context<T>(run).
template <class T, class Context, class Body>
void with_site_rounder(const RunSpec& run, const Context& ctx, Body&& body) {
  if (run.execution.site_rounding) {
    if constexpr (SiteRoundable<T>) {
      SiteRounding<T> rounder(run.policy, ctx, run.seed);
      body(rounder);
    } else {
      throw Error("site rounding requested on a carrier that cannot round into other formats");
    }
  } else {
    NoSiteRounding rounder;
    body(rounder);
  }
}

template <class T>
Values to_values(const T* x, std::size_t n, int digits) {
  Values v;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [lo, hi] = numerics::ScalarTraits<T>::bounds(x[i]);
    v.nearest.push_back(numerics::ScalarTraits<T>::to_double(x[i]));
    v.lower.push_back(lo);
    v.upper.push_back(hi);
    v.decimal.push_back(numerics::ScalarTraits<T>::decimal(x[i], digits));
  }
  return v;
}

template <class T>
ForwardResult run_forward_as(const ModelSource& model, const RunSpec& spec, const InputSequence& input,
                             bool all_positions, bool want_logits, int digits, bool keep_trace) {
  const auto ctx = make_context<T>(spec);
  ForwardOptions options;
  options.two_threads = true;
  options.all_positions = all_positions;
  options.logits = want_logits && model.config.has_unembedding;
  options.keep_residual = keep_trace;
  options.keep_attention = keep_trace;
  ForwardResult result;
  const auto body = [&](auto& rounder) {
    using R = std::remove_reference_t<decltype(rounder)>;
    Env<T, R> env{ctx, rounder};
    env.orders = spec.policy.orders();
    const PreparedModel<T> prepared = prepare(model, env);
    const Trace<T> trace = forward(prepared, env, input, options);
    result.scalar = numerics::ScalarTraits<T>::name(ctx);
    result.digits = digits > 0 ? digits : numerics::round_trip_digits(numerics::ScalarTraits<T>::format(ctx));
    result.positions = trace.positions;
    result.issue = trace.issue;
    for (std::size_t r = 0; r < trace.positions.size(); ++r) {
      result.y.push_back(to_values(trace.y.row(r), trace.y.cols, result.digits));
      if (options.logits) result.logits.push_back(to_values(trace.logits.row(r), trace.logits.cols, result.digits));
    }
    const auto nearest = [](const Matrix<T>& m) {
      std::vector<double> v;
      for (std::size_t r = 0; r < m.rows; ++r) {
        for (std::size_t c = 0; c < m.cols; ++c) v.push_back(numerics::ScalarTraits<T>::to_double(m.row(r)[c]));
      }
      return v;
    };
    for (const Matrix<T>& v : trace.residual) result.residual.push_back(nearest(v));
    for (const std::vector<Matrix<T>>& layer : trace.attention) {
      result.attention.emplace_back();
      for (const Matrix<T>& head : layer) result.attention.back().push_back(nearest(head));
    }
  };
  with_site_rounder<T>(spec, ctx, body);
  if (spec.execution.site_rounding) result.scalar = spec.policy.text + " (on " + result.scalar + ")";
  return result;
}

}  // namespace glasses::model::detail

// Explicit instantiation of everything a scalar type needs, in one unit.
#define GLASSES_INSTANTIATE_MODEL(T)                                                                        \
  template glasses::model::ForwardResult glasses::model::detail::run_forward_as<T>(                         \
      const glasses::model::ModelSource&, const glasses::model::RunSpec&, const glasses::model::InputSequence&, \
      bool, bool, int, bool);
