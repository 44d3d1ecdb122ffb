// Positional information (THEORY §1): RoPE rotations, sinusoidal absolute
// positions and ALiBi slopes, computed in the working scalar type.
//
//   RoPE:       angle(t, j) = t · ω_j,  ω_j = 1 / θ^(2j/d_h),  j < d_h/2
//               rotate_half pairs channel j with j + d_h/2; interleaved pairs 2j, 2j+1:
//               (a, b) -> (a cos - b sin, a sin + b cos)
//   sinusoidal: p_(t,2k) = sin(t · ω_k), p_(t,2k+1) = cos(t · ω_k), ω_k = 1 / 10000^(2k/d)
//   scaling:    ω_j rescaled by Hugging Face's rope_scaling (linear, llama3: below)
//   ALiBi:      b_ij = -m_h (i - j), m_h = scale · 2^(-8(h+1)/H) for H a power of two,
//               Press et al.'s interpolation otherwise
//
// Angles are formed in T as (T(t) · ω_j) and their cos/sin evaluated in T,
// all at site `attention-scores` (RoPE) or `activations` (absolute rows);
// the position t, θ and every other constant are rounded at that site too
// (so in bf16 positions above 256 are not all distinct integers).
// Tables grow on demand, one row per position.
#pragma once

#include <cmath>
#include <numbers>
#include <vector>

#include "glasses/model/kernels.hpp"

namespace glasses::model {

// ω_k = 1 / base^(2k / width) for k < width/2, rounded in T at `site`.
template <class T, class R>
std::vector<T> inverse_frequencies(Env<T, R>& env, Site site, const T& base, int width) {
  using numerics::pow;
  std::vector<T> omega;
  for (int k = 0; k < width / 2; ++k) {
    const T exponent = env.constant(site, 2 * k, width);
    T power = pow(base, exponent);
    env.round(site, power);
    T w = env.constant(1);
    w /= power;
    env.round(site, w);
    omega.push_back(w);
  }
  return omega;
}

// RoPE scaling of Hugging Face's rope_scaling (transformers
// modeling_rope_utils.py) applied to ω = inverse_frequencies(θ, d_h), in T
// at `site`, in transformers' formula order:
//   linear  ω_j / factor                  (_compute_linear_scaling_rope_parameters: inv_freq /= factor)
//   llama3  with λ_j = 2π / ω_j, λ_lo = old / low_freq_factor, λ_hi = old / high_freq_factor
//           (_compute_llama3_parameters; old = original_max_position_embeddings):
//             λ_j < λ_hi            ω_j                              (high frequencies: kept)
//             λ_j > λ_lo            ω_j / factor                     (low frequencies: scaled)
//             otherwise             ((1 − σ_j) · ω_j) / factor + σ_j · ω_j,
//                                   σ_j = (old / λ_j − low_freq_factor) / (high_freq_factor − low_freq_factor)
// Rounding choices. Every tensor operation of transformers is one operation
// in T here: 2π is π rounded into T times 2 (exact), λ_j = 2π / ω_j, and old,
// factor and low_freq_factor enter as T values. The denominator
// high_freq_factor − low_freq_factor is Python float arithmetic in
// transformers, so it is formed in binary64 and rounded once into T. The band
// of each j is decided once in binary64 (λ_j from the binary64 ω_j =
// 1 / θ^(2j/d_h)) rather than by comparing values of T: it is a property of
// the config, every scalar type (intervals included) takes the same band, and
// no scalar comparison branches the computation (DESIGN.md, Scalars). The
// attention factor of both types is 1 (no rescaling of cos and sin).
template <class T, class R>
void scale_inverse_frequencies(Env<T, R>& env, Site site, std::vector<T>& omega, const RopeScaling& scaling,
                               double theta, int d_h) {
  if (scaling.kind == RopeScalingKind::none) return;
  const T factor = env.input(site, scaling.factor);
  if (scaling.kind == RopeScalingKind::linear) {
    for (T& w : omega) {
      w /= factor;
      env.round(site, w);
    }
    return;
  }
  const double old = scaling.original_max_positions;
  const double low_wavelength = old / scaling.low_freq_factor, high_wavelength = old / scaling.high_freq_factor;
  T two_pi = numerics::ScalarTraits<T>::pi(env.ctx);
  env.round(site, two_pi);
  two_pi *= env.constant(2);
  env.round(site, two_pi);
  const T old_t = env.constant(site, scaling.original_max_positions);
  const T low = env.input(site, scaling.low_freq_factor);
  const T band = env.input(site, scaling.high_freq_factor - scaling.low_freq_factor);
  for (std::size_t j = 0; j < omega.size(); ++j) {
    const double omega_binary64 = 1.0 / std::pow(theta, static_cast<double>(2 * j) / d_h);
    const double wavelength = 2 * std::numbers::pi / omega_binary64;
    T& w = omega[j];
    if (wavelength < high_wavelength) continue;  // high frequency: kept
    if (wavelength > low_wavelength) {           // low frequency: divided by the factor
      w /= factor;
      env.round(site, w);
      continue;
    }
    T lambda = two_pi;  // medium: σ = (old / (2π / ω) − low) / (high − low)
    lambda /= w;
    env.round(site, lambda);
    T sigma = old_t;
    sigma /= lambda;
    env.round(site, sigma);
    sigma -= low;
    env.round(site, sigma);
    sigma /= band;
    env.round(site, sigma);
    T scaled = env.constant(1);  // ((1 − σ) · ω) / factor
    scaled -= sigma;
    env.round(site, scaled);
    scaled *= w;
    env.round(site, scaled);
    scaled /= factor;
    env.round(site, scaled);
    sigma *= w;  // + σ · ω
    env.round(site, sigma);
    scaled += sigma;
    env.round(site, scaled);
    w = scaled;
  }
}

// cos and sin of t · ω_j for every j of one position t: the angle formed
// in T as T(t) · ω_j (t itself rounded at `site`), then its cos and sin,
// each rounded at `site`.
template <class T, class R>
void rotation_row(Env<T, R>& env, Site site, const std::vector<T>& omega, long t, std::vector<T>& c,
                  std::vector<T>& s) {
  using numerics::cos;
  using numerics::sin;
  const T position = env.constant(site, t);
  c.clear();
  s.clear();
  for (const T& w : omega) {
    T angle = position;
    angle *= w;
    env.round(site, angle);
    T ca = cos(angle), sa = sin(angle);
    env.round(site, ca);
    env.round(site, sa);
    c.push_back(ca);
    s.push_back(sa);
  }
}

// cos and sin of t · ω_j for every j, for positions 0..n-1 (grown on demand).
template <class T>
struct RotationTable {
  std::vector<std::vector<T>> cos_rows, sin_rows;  // [t][j]

  template <class R>
  void grow(Env<T, R>& env, Site site, const std::vector<T>& omega, std::size_t n) {
    while (cos_rows.size() < n) {
      std::vector<T> c, s;
      rotation_row(env, site, omega, static_cast<long>(cos_rows.size()), c, s);
      cos_rows.push_back(std::move(c));
      sin_rows.push_back(std::move(s));
    }
  }
};

// Rotates one head vector x (width d_h) in place by the rotation whose
// cos and sin rows (d_h/2 entries) are c and s.
template <class T, class R>
void apply_rope(Env<T, R>& env, RopeStyle style, const T* c_row, const T* s_row, T* x, int d_h, T& p, T& q) {
  const int half = d_h / 2;
  for (int j = 0; j < half; ++j) {
    const int ia = style == RopeStyle::rotate_half ? j : 2 * j;
    const int ib = style == RopeStyle::rotate_half ? j + half : 2 * j + 1;
    const T& c = c_row[j];
    const T& s = s_row[j];
    // a' = a c - b s;  b' = a s + b c
    p = x[ia];
    p *= c;
    env.round(Site::attention_scores, p);
    q = x[ib];
    q *= s;
    env.round(Site::attention_scores, q);
    p -= q;
    env.round(Site::attention_scores, p);
    q = x[ia];
    q *= s;
    env.round(Site::attention_scores, q);
    x[ia] = x[ib];
    x[ia] *= c;
    env.round(Site::attention_scores, x[ia]);
    q += x[ia];
    env.round(Site::attention_scores, q);
    x[ia] = p;
    x[ib] = q;
    env.round(Site::activations, x[ia]);
    env.round(Site::activations, x[ib]);
  }
}

// Rotates one head vector x (width d_h) in place for position t.
template <class T, class R>
void apply_rope(Env<T, R>& env, RopeStyle style, const RotationTable<T>& table, std::size_t t, T* x, int d_h,
                T& p, T& q) {
  apply_rope(env, style, table.cos_rows[t].data(), table.sin_rows[t].data(), x, d_h, p, q);
}

// ALiBi slopes m_h (Press et al., "Train short, test long", get_slopes).
template <class T, class R>
std::vector<T> alibi_slopes(Env<T, R>& env, int n_heads, double scale) {
  using numerics::pow;
  // Exponents e_h with m_h = 2^(-e_h): for H a power of two e_h = 8(h+1)/H;
  // otherwise the slopes of the closest smaller power of two P, then every
  // other slope of 2P.
  std::vector<std::pair<long, long>> exponents;  // e = num / den
  int p2 = 1;
  while (p2 * 2 <= n_heads) p2 *= 2;
  for (int h = 0; h < p2; ++h) exponents.emplace_back(8L * (h + 1), p2);
  for (int h = 0; static_cast<int>(exponents.size()) < n_heads; ++h) exponents.emplace_back(8L * (2 * h + 1), 2 * p2);
  std::vector<T> slopes;
  const T two = env.constant(2);
  const T factor = env.input(Site::attention_scores, scale);
  for (const auto& [num, den] : exponents) {
    T m = pow(two, env.constant(Site::attention_scores, -num, den));
    env.round(Site::attention_scores, m);
    m *= factor;
    env.round(Site::attention_scores, m);
    slopes.push_back(m);
  }
  return slopes;
}

}  // namespace glasses::model
