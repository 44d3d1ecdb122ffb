// The path-count bound of B.5 evaluated in any carrier (private to
// proofs-check; the public entry point is b5::profile in b5_oversquashing.hpp,
// where the bound and the paper's constant-β forms are stated).
//
// What is guaranteed
// ------------------
// Evaluator<T> computes, for one model and one input, ‖J_i‖ (the frozen or
// the full Jacobian, model/jacobian.hpp) and the bound
//   ‖N3_n‖ · (B^(L-1) ⋯ B^(0))_(n,i),
// with the paper's forms beside it, every operation in T. With T = Interval
// each value is an enclosure of the exact real number (inclusion property of
// numerics/interval.hpp), so decide() on them certifies; with double or
// MpfrReal they are approximations. The norm is options.norm: ∞ in every
// carrier, spectral in intervals only (spectral_norm). The input-independent
// parts (‖W_O^h W_V^h‖, the gain maxima, the global Lipschitz constants) are computed
// once per model, so a search over inputs (B.5-full) re-runs only run().
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/model/run.hpp"
#include "glasses/proofs/b5_oversquashing.hpp"

namespace glasses::proofs::b5::detail {

using model::JacobianKind;
using numerics::Interval;
using numerics::MpfrReal;
template <class T>
using Traits = numerics::ScalarTraits<T>;

template <class T>
Bounds to_bounds(const T& x) {
  const auto [lo, hi] = Traits<T>::bounds(x);
  return {lo, hi};
}

// max(a, b); for intervals an enclosure of the larger of the two numbers.
template <class T>
T larger(const T& a, const T& b) {
  using numerics::max;
  return max(a, b);
}

template <class T>
T magnitude(const T& x) {
  using numerics::abs;
  return abs(x);
}

// ‖A‖∞ = max_r Σ_c |A_rc|.
template <class T>
T inf_norm(const model::Matrix<T>& A, const T& zero) {
  T best = zero;
  for (std::size_t r = 0; r < A.rows; ++r) {
    T s = zero;
    for (std::size_t c = 0; c < A.cols; ++c) s += magnitude(A(r, c));
    best = larger(best, s);
  }
  return best;
}

// An enclosure of ‖A‖₂ for an interval matrix (b5_spectral.cpp). Eigen's
// JacobiSVD over BinFloat256 on the midpoints gives V̂ (the right singular
// vectors); then, in interval arithmetic, G = (AV̂)ᵀ(AV̂) and H = V̂ᵀV̂, and
// with Gershgorin's discs (G, H symmetric):
//   max_i G_ii / λ_max(H)  ≤  λ_max(AᵀA)  ≤  max_i (G_ii + Σ_(j≠i) |G_ij|) / λ_min(H).
// Every step is certified (V̂ is any fixed matrix: inaccurate vectors only
// widen the enclosure); their accuracy makes it tight (off-diagonals of
// G near 2^-250 relative). Fallback when λ_min(H) is not certainly positive,
// and a cap always: ‖A‖₂ ≤ sqrt(‖A‖₁ ‖A‖∞).
Interval spectral_norm(const model::Matrix<Interval>& a);

// ‖A‖ in the chosen norm (see Norm in b5_oversquashing.hpp).
template <class T>
T operator_norm(const model::Matrix<T>& A, const T& zero, Norm norm) {
  if (norm == Norm::infinity) return inf_norm(A, zero);
  if constexpr (Traits<T>::is_interval) {
    return spectral_norm(A);
  } else {
    throw InputError("B.5: the spectral norm is enclosed in the interval carrier only");
  }
}

// See Profile::equality_gap.
template <class T>
double equality_gap(const T& a, const T& b) {
  const double inf = std::numeric_limits<double>::infinity();
  if constexpr (Traits<T>::is_interval) {
    if (!overlaps(a, b)) return inf;
    const MpfrReal lo = min(a.lower(), b.lower()), hi = max(a.upper(), b.upper());
    if (mpfr_zero_p(hi.data()) != 0 && mpfr_zero_p(lo.data()) != 0) return 0;
    MpfrReal w = hi - lo;
    w /= abs(lo);
    return mpfr_get_d(w.data(), MPFR_RNDU);
  } else {
    const double bb = to_bounds(magnitude(b)).upper;
    if (bb == 0) return to_bounds(magnitude(a)).upper == 0 ? 0 : inf;
    return to_bounds(magnitude(a - b)).upper / bb;
  }
}

template <class T>
struct Values {
  std::vector<T> jacobian, bound, proof_form, printed_sum, printed_statement;
  model::NumericalIssue issue;
};

// The prepared model and the input-independent parts of the bound.
template <class T>
class Evaluator {
 public:
  Evaluator(const model::ModelSource& source, typename Traits<T>::Context ctx, const BoundOptions& options)
      : c_(source.config),
        options_(options),
        env_{ctx, rounder_},
        m_(model::prepare(source, env_)) {
    const std::size_t d = static_cast<std::size_t>(c_.d_model), dh = static_cast<std::size_t>(c_.d_head);
    const std::size_t L = static_cast<std::size_t>(c_.n_layers);
    const int group = c_.n_heads / c_.n_kv_heads;
    const T& zero = m_.zero;
    // ‖W_O^h W_V^h‖∞: W_O^h = W_O[:, h d_h : (h+1) d_h], W_V^h = W_V[kv(h) d_h : (kv(h)+1) d_h, :].
    wov_.assign(L, {});
    for (std::size_t l = 0; l < L; ++l) {
      const model::Matrix<T> w_o = model::as_matrix_of<T>(m_.w.layers[l].w_o, m_.ctx);
      const model::Matrix<T> w_v = model::as_matrix_of<T>(m_.w.layers[l].w_v, m_.ctx);
      for (int h = 0; h < c_.n_heads; ++h) {
        const std::size_t q0 = static_cast<std::size_t>(h) * dh, v0 = static_cast<std::size_t>(h / group) * dh;
        model::Matrix<T> P(d, d, zero);
        T p = zero;
        for (std::size_t r = 0; r < d; ++r) {
          for (std::size_t col = 0; col < d; ++col) {
            T& s = P(r, col);
            for (std::size_t e = 0; e < dh; ++e) {
              p = w_o(r, q0 + e);
              p *= w_v(v0 + e, col);
              s += p;
            }
          }
        }
        wov_[l].push_back(norm(P));
      }
    }
    // max_r |g_r| of each norm (1 without a gain).
    const auto gain_max = [&](const model::Vector<T>& g) {
      if (g.empty()) return m_.one;
      T best = zero;
      for (const T& x : g) best = larger(best, magnitude(x));
      return best;
    };
    for (std::size_t l = 0; l < L; ++l) {
      gain1_.push_back(gain_max(m_.w.layers[l].norm1_gain));
      gain2_.push_back(gain_max(m_.w.layers[l].norm2_gain));
    }
    gain3_ = gain_max(m_.w.final_gain);
    centring_ = c_.norm == model::NormKind::layernorm && options_.norm == Norm::infinity ? Traits<T>::from_ratio(m_.ctx, 2 * (c_.d_model - 1), c_.d_model)
                                                      : m_.one;
    // Lip(ψ_l) = ‖W_down‖ · max|act'| · ‖W_up‖ where a global constant exists.
    if (c_.activation == model::Activation::none) {
      lipschitz_ = "none (no MLP)";
    } else if (model::gated(c_.activation) || options_.local_lipschitz) {
      lipschitz_ = "local";
    } else {
      lipschitz_ = "global";
      const T slope = Traits<T>::from_double(m_.ctx, max_activation_slope(c_.activation).upper);
      for (std::size_t l = 0; l < L; ++l) {
        T lip = norm(model::as_matrix_of<T>(m_.w.layers[l].w_down, m_.ctx));
        lip *= slope;
        lip *= norm(model::as_matrix_of<T>(m_.w.layers[l].w_up, m_.ctx));
        global_lip_.push_back(lip);
      }
    }
  }

  const std::string& lipschitz() const { return lipschitz_; }
  const model::PreparedModel<T>& model() const { return m_; }

  Values<T> run(const model::InputSequence& input, JacobianKind kind) {
    const model::Tape<T> tape = model::record(m_, env_, input);
    model::JacobianOptions jo;
    jo.kind = kind;
    const model::Jacobians<T> J = model::backward(m_, tape, jo);
    const std::size_t n = tape.n, out = J.output, L = static_cast<std::size_t>(c_.n_layers);
    const T& zero = m_.zero;
    const T& one = m_.one;
    Values<T> v;
    v.issue = tape.issue;
    for (std::size_t i = 0; i < n; ++i) v.jacobian.push_back(norm(J.blocks[i]));
    // Per layer: ‖N1_i‖, ‖N2_j‖, Lip(ψ) at j, and the paper's constants.
    std::vector<std::vector<T>> n1(L), n2(L), lip(L);
    std::vector<T> inv_beta1(L, zero), inv_beta2(L, zero), sigma(L, zero);
    for (std::size_t l = 0; l < L; ++l) {
      const model::TapeLayer<T>& rec = tape.layers[l];
      for (std::size_t t = 0; t < n; ++t) {
        n1[l].push_back(norm_factor(gain1_[l], rec.norm1[t]));
        n2[l].push_back(c_.activation == model::Activation::none ? zero : norm_factor(gain2_[l], rec.norm2[t]));
        lip[l].push_back(mlp_lipschitz(l, rec, t));
        inv_beta1[l] = larger(inv_beta1[l], n1[l][t]);
        inv_beta2[l] = larger(inv_beta2[l], n2[l][t]);
        sigma[l] = larger(sigma[l], lip[l][t]);
      }
    }
    const T n3 = c_.final_norm ? norm_factor(gain3_, tape.norm3[out]) : one;
    // A^(l)_(j,i) = Σ_h α^h_(j,i) ‖W_O^h W_V^h‖ over i ∈ N(j) (zero elsewhere).
    const auto attention_weight = [&](std::size_t l, std::size_t j, std::size_t i) {
      const model::TapeLayer<T>& rec = tape.layers[l];
      T a = zero;
      for (std::size_t h = 0; h < wov_[l].size(); ++h) {
        T p = rec.alpha[j][h][i - rec.keys[j].first];
        p *= wov_[l][h];
        a += p;
      }
      return a;
    };
    // Row n of B^(L-1) ⋯ B^(0): r ← r B^(l), from the top layer down.
    std::vector<T> r(n, zero), next(n, zero);
    r[out] = one;
    for (std::size_t l = L; l-- > 0;) {
      std::fill(next.begin(), next.end(), zero);
      const model::TapeLayer<T>& rec = tape.layers[l];
      for (std::size_t j = 0; j < n; ++j) {
        T w = r[j];
        if (!options_.drop_lipschitz) {
          T c = lip[l][j];
          c *= n2[l][j];
          c += one;
          w *= c;
        }
        for (std::size_t i = rec.keys[j].first; i <= rec.keys[j].second; ++i) {
          T p = attention_weight(l, j, i);
          p *= n1[l][i];
          p *= w;
          next[i] += p;
        }
        if (!options_.drop_residual) next[j] += w;
      }
      std::swap(r, next);
    }
    for (std::size_t i = 0; i < n; ++i) v.bound.push_back(n3 * r[i]);
    // The paper's forms: p ← p Λ̄^(l), Λ̄ = Λ/β₁ + I; the printed sum weights
    // the index after the top layer by its count n − k + 1.
    std::vector<T> plain(n, zero), extra(n, zero);
    plain[out] = one;
    extra[out] = one;
    for (std::size_t l = L; l-- > 0;) {
      const model::TapeLayer<T>& rec = tape.layers[l];
      for (std::vector<T>* vec : {&plain, &extra}) {
        std::fill(next.begin(), next.end(), zero);
        for (std::size_t j = 0; j < n; ++j) {
          for (std::size_t i = rec.keys[j].first; i <= rec.keys[j].second; ++i) {
            T p = attention_weight(l, j, i);
            p *= inv_beta1[l];
            p *= (*vec)[j];
            next[i] += p;
          }
          next[j] += (*vec)[j];
        }
        *vec = next;
      }
      if (l + 1 == L) {
        for (std::size_t k = 0; k <= out; ++k) {
          extra[k] *= Traits<T>::from_ratio(m_.ctx, static_cast<long>(out - k + 1), 1);
        }
      }
    }
    T c_proof = n3, c_statement = n3;
    for (std::size_t l = 0; l < L; ++l) {
      T f = sigma[l];
      f *= inv_beta2[l];
      f += one;
      c_proof *= f;
      c_statement *= sigma[l];
    }
    for (std::size_t i = 0; i < n; ++i) {
      v.proof_form.push_back(c_proof * plain[i]);
      v.printed_sum.push_back(c_proof * extra[i]);
      v.printed_statement.push_back(c_statement * extra[i]);
    }
    return v;
  }

 private:
  T norm(const model::Matrix<T>& A) const { return operator_norm(A, m_.zero, options_.norm); }

  // ‖N‖ of a norm with frozen statistics: s · max|g| (· 2(d−1)/d for LayerNorm in ∞); 1 without a norm.
  T norm_factor(const T& gain_max, const model::NormStats<T>& stats) const {
    if (c_.norm == model::NormKind::none) return m_.one;
    T f = stats.scale;
    f *= gain_max;
    f *= centring_;
    return f;
  }

  // Lip(ψ_l): the global constant, or ‖∂ψ/∂u‖ at position t
  // (∂ψ/∂u = W_down (diag(a) W_up + diag(b) W_gate)).
  T mlp_lipschitz(std::size_t l, const model::TapeLayer<T>& rec, std::size_t t) {
    if (c_.activation == model::Activation::none) return m_.zero;
    if (!global_lip_.empty()) return global_lip_[l];
    const model::LayerWeights<T, model::WeightMatrix>& W = m_.w.layers[l];
    model::detail::activation_slopes(m_, c_.activation, rec.pre[t], rec.gate[t], slope_up_, slope_gate_);
    const std::size_t d = static_cast<std::size_t>(c_.d_model), dm = static_cast<std::size_t>(c_.d_mlp);
    model::Matrix<T> M(dm, d, m_.zero), Jpsi(d, d, m_.zero);
    T p = m_.zero;
    for (std::size_t k = 0; k < dm; ++k) {
      for (std::size_t col = 0; col < d; ++col) {
        M(k, col) = Traits<T>::from_double(m_.ctx, W.w_up(k, col));
        M(k, col) *= slope_up_[k];
        if (model::gated(c_.activation)) {
          p = Traits<T>::from_double(m_.ctx, W.w_gate(k, col));
          p *= slope_gate_[k];
          M(k, col) += p;
        }
      }
    }
    for (std::size_t r = 0; r < d; ++r) {
      for (std::size_t k = 0; k < dm; ++k) {
        const T w = Traits<T>::from_double(m_.ctx, W.w_down(r, k));
        for (std::size_t col = 0; col < d; ++col) {
          p = M(k, col);
          p *= w;
          Jpsi(r, col) += p;
        }
      }
    }
    return norm(Jpsi);
  }

  model::ModelConfig c_;
  BoundOptions options_;
  model::NoSiteRounding rounder_;
  model::Env<T, model::NoSiteRounding> env_;
  model::PreparedModel<T> m_;
  std::vector<std::vector<T>> wov_;  // [l][h]
  std::vector<T> gain1_, gain2_, global_lip_;
  T gain3_, centring_;
  std::string lipschitz_;
  std::vector<T> slope_up_, slope_gate_;
};

}  // namespace glasses::proofs::b5::detail
