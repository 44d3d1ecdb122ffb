// The bound evaluator's compiled parts: the Lipschitz constants of the
// activations (certified maxima of |act'|) and b5::profile in each carrier.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "b5_bound.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/b5_oversquashing.hpp"

namespace glasses::proofs::b5 {
namespace {

using detail::Evaluator;
using detail::Interval;
using detail::JacobianKind;
using detail::MpfrReal;
using detail::Traits;
using detail::Values;
using detail::equality_gap;
using detail::to_bounds;

// ---- Lipschitz constants of the activations -------------------------------------

constexpr long kSlopeBits = 128;

// |act'(X)| enclosure for GELU or GELU-tanh on a box X (naive interval evaluation).
Interval slope_on(model::Activation a, const Interval& x) {
  const long p = kSlopeBits;
  const Interval one = Interval::from_ratio(1, 1, p), half = Interval::from_ratio(1, 2, p);
  Interval pi(0.0, p);
  mpfi_const_pi(pi.data());
  if (a == model::Activation::gelu) {
    // Φ(x) + x φ(x) = (1 + erf(x/√2))/2 + x exp(−x²/2)/√(2π)
    const Interval root2 = sqrt(Interval::from_ratio(2, 1, p));
    const Interval cdf = (one + erf(x / root2)) * half;
    const Interval density = exp(-(x * x) * half) / sqrt(pi * Interval::from_ratio(2, 1, p));
    return abs(cdf + x * density);
  }
  // (1 + t)/2 + (x/2)(1 − t²) k (1 + 3c x²), t = tanh(k (x + c x³)), k = √(2/π), c = 0.044715
  const Interval k = sqrt(Interval::from_ratio(2, 1, p) / pi);
  const Interval c = Interval::from_ratio(44715, 1000000, p);
  const Interval t = tanh(k * (x + c * x * x * x));
  const Interval first = (one + t) * half;
  const Interval second = half * x * (one - t * t) * k * (one + Interval::from_ratio(3, 1, p) * c * x * x);
  return abs(first + second);
}

// Upper bound of |act'| for |x| >= 10 (the tails), see max_activation_slope.
double tail_slope_bound(model::Activation a) {
  const long p = kSlopeBits;
  const Interval ten = Interval::from_ratio(10, 1, p), one = Interval::from_ratio(1, 1, p);
  Interval pi(0.0, p);
  mpfi_const_pi(pi.data());
  Interval tail(0.0, p);
  if (a == model::Activation::gelu) {
    // Φ <= 1 and x φ(x) is decreasing for x >= 1: |f'| <= 1 + 10 φ(10).
    tail = one + ten * exp(-(ten * ten) / Interval::from_ratio(2, 1, p)) / sqrt(pi * Interval::from_ratio(2, 1, p));
  } else {
    // (1 + t)/2 <= 1; 1 − t² = sech²(u) <= 4 e^(−2|u|) with |u| >= k(10 + c·1000);
    // |x|(1 + 3cx²) e^(−2k(|x| + c|x|³)) decreases for |x| >= 10.
    const Interval k = sqrt(Interval::from_ratio(2, 1, p) / pi);
    const Interval c = Interval::from_ratio(44715, 1000000, p);
    const Interval u = k * (ten + c * ten * ten * ten);
    const Interval sech2 = Interval::from_ratio(4, 1, p) * exp(-(u + u));
    tail = one + Interval::from_ratio(1, 2, p) * ten * sech2 * k *
                     (one + Interval::from_ratio(3, 1, p) * c * ten * ten);
  }
  return to_bounds(tail).upper;
}

// Branch and bound on [−10, 10]: boxes whose upper bound of |f'| is below the
// best value seen at a box midpoint cannot hold the maximum; the others are
// halved until they are `width` wide.
Bounds search_slope(model::Activation a, double width) {
  std::vector<std::pair<double, double>> boxes;
  const double start = 1.0 / 64;
  for (int k = -640; k < 640; ++k) boxes.emplace_back(k * start, (k + 1) * start);
  double best = 0, upper = 0;
  while (!boxes.empty()) {
    std::vector<double> ub(boxes.size());
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      const auto [lo, hi] = boxes[b];
      ub[b] = to_bounds(slope_on(a, Interval(lo, hi, kSlopeBits))).upper;
      best = std::max(best, to_bounds(slope_on(a, Interval((lo + hi) / 2, kSlopeBits))).lower);
    }
    std::vector<std::pair<double, double>> next;
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      if (ub[b] < best) continue;
      const auto [lo, hi] = boxes[b];
      if (hi - lo <= width) {
        upper = std::max(upper, ub[b]);
      } else {
        next.emplace_back(lo, (lo + hi) / 2);
        next.emplace_back((lo + hi) / 2, hi);
      }
    }
    boxes = std::move(next);
  }
  upper = std::max(upper, tail_slope_bound(a));
  return {best, upper};
}

template <class T>
Profile profile_as(const model::ModelSource& source, const model::InputSequence& input, JacobianKind kind,
                   typename Traits<T>::Context ctx, const BoundOptions& options) {
  Evaluator<T> e(source, ctx, options);
  const Values<T> v = e.run(input, kind);
  Profile p;
  p.carrier = Traits<T>::name(ctx);
  p.lipschitz = e.lipschitz();
  p.output = v.jacobian.size() - 1;
  p.issue = v.issue;
  for (std::size_t i = 0; i < v.jacobian.size(); ++i) {
    p.jacobian.push_back(to_bounds(v.jacobian[i]));
    p.bound.push_back(to_bounds(v.bound[i]));
    p.proof_form.push_back(to_bounds(v.proof_form[i]));
    p.printed_sum.push_back(to_bounds(v.printed_sum[i]));
    p.printed_statement.push_back(to_bounds(v.printed_statement[i]));
    p.equality_gap.push_back(equality_gap(v.jacobian[i], v.bound[i]));
  }
  return p;
}

}  // namespace

Profile profile(const model::ModelSource& source, const model::InputSequence& input, JacobianKind kind,
                Carrier carrier, long bits, const BoundOptions& options) {
  switch (carrier) {
    case Carrier::fp64: return profile_as<double>(source, input, kind, {}, options);
    case Carrier::mpfr: return profile_as<MpfrReal>(source, input, kind, numerics::PrecisionContext(bits), options);
    case Carrier::interval:
      return profile_as<Interval>(source, input, kind, numerics::PrecisionContext(bits), options);
  }
  throw InputError("unknown carrier");
}

Bounds max_activation_slope(model::Activation a) {
  switch (a) {
    case model::Activation::relu: return {1, 1};
    case model::Activation::gelu: {
      // f'' = φ(x)(2 − x²): the maximum of f' = Φ + xφ is at √2, the minimum
      // (≈ −0.129) at −√2, and f' → 1, 0 at ±∞; so max|f'| = Φ(√2) + √2 φ(√2).
      static const Bounds value = [] {
        const long p = kSlopeBits;
        Interval pi(0.0, p);
        mpfi_const_pi(pi.data());
        const Interval one = Interval::from_ratio(1, 1, p);
        return to_bounds((one + erf(one)) / Interval::from_ratio(2, 1, p) + exp(-one) / sqrt(pi));
      }();
      return value;
    }
    case model::Activation::gelu_tanh: {
      static const Bounds value = search_slope(model::Activation::gelu_tanh, 1.0 / (1 << 20));
      return value;
    }
    case model::Activation::swiglu:
    case model::Activation::geglu_tanh:  // gated: no global slope (the local bound applies)
    case model::Activation::none: break;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return {nan, nan};
}

Bounds max_activation_slope_search(model::Activation a, double width) {
  if (a != model::Activation::gelu && a != model::Activation::gelu_tanh) {
    throw InputError("max_activation_slope_search: only GELU and GELU-tanh");
  }
  return search_slope(a, width);
}

}  // namespace glasses::proofs::b5
