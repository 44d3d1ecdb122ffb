// Positional information (THEORY §1): RoPE rotations, sinusoidal absolute
// positions and ALiBi slopes, computed in the working scalar type.
//
//   RoPE:       angle(t, j) = t · ω_j,  ω_j = 1 / θ^(2j/d_h),  j < d_h/2
//               rotate_half pairs channel j with j + d_h/2; interleaved pairs 2j, 2j+1:
//               (a, b) -> (a cos - b sin, a sin + b cos)
//   sinusoidal: p_(t,2k) = sin(t · ω_k), p_(t,2k+1) = cos(t · ω_k), ω_k = 1 / 10000^(2k/d)
//   ALiBi:      b_ij = -m_h (i - j), m_h = scale · 2^(-8(h+1)/H) for H a power of two,
//               Press et al.'s interpolation otherwise
//
// Angles are formed in T as (T(t) · ω_j) and their cos/sin evaluated in T,
// all at site `attention-scores` (RoPE) or `activations` (absolute rows).
// Tables grow on demand, one row per position.
#pragma once

#include <cmath>
#include <vector>

#include "glasses/model/kernels.hpp"

namespace glasses::model {

// ω_k = 1 / base^(2k / width) for k < width/2, rounded in T at `site`.
template <class T, class R>
std::vector<T> inverse_frequencies(Env<T, R>& env, Site site, const T& base, int width) {
  using numerics::pow;
  std::vector<T> omega;
  for (int k = 0; k < width / 2; ++k) {
    const T exponent = env.constant(2 * k, width);
    T power = pow(base, exponent);
    env.round(site, power);
    T w = env.constant(1);
    w /= power;
    env.round(site, w);
    omega.push_back(w);
  }
  return omega;
}

// cos and sin of t · ω_j for every j, for positions 0..n-1 (grown on demand).
template <class T>
struct RotationTable {
  std::vector<std::vector<T>> cos_rows, sin_rows;  // [t][j]

  template <class R>
  void grow(Env<T, R>& env, Site site, const std::vector<T>& omega, std::size_t n) {
    using numerics::cos;
    using numerics::sin;
    while (cos_rows.size() < n) {
      const T t = env.constant(static_cast<long>(cos_rows.size()));
      std::vector<T> c, s;
      for (const T& w : omega) {
        T angle = t;
        angle *= w;
        env.round(site, angle);
        T ca = cos(angle), sa = sin(angle);
        env.round(site, ca);
        env.round(site, sa);
        c.push_back(ca);
        s.push_back(sa);
      }
      cos_rows.push_back(std::move(c));
      sin_rows.push_back(std::move(s));
    }
  }
};

// Rotates one head vector x (width d_h) in place for position t.
template <class T, class R>
void apply_rope(Env<T, R>& env, RopeStyle style, const RotationTable<T>& table, std::size_t t, T* x, int d_h,
                T& p, T& q) {
  const int half = d_h / 2;
  for (int j = 0; j < half; ++j) {
    const int ia = style == RopeStyle::rotate_half ? j : 2 * j;
    const int ib = style == RopeStyle::rotate_half ? j + half : 2 * j + 1;
    const T& c = table.cos_rows[t][static_cast<std::size_t>(j)];
    const T& s = table.sin_rows[t][static_cast<std::size_t>(j)];
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
  const T factor = env.from_double(scale);
  for (const auto& [num, den] : exponents) {
    T m = pow(two, env.constant(-num, den));
    env.round(Site::attention_scores, m);
    m *= factor;
    env.round(Site::attention_scores, m);
    slopes.push_back(m);
  }
  return slopes;
}

}  // namespace glasses::model
