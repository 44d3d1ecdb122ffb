// Reverse-mode Jacobians (model/jacobian.hpp) against independent references:
//  * central finite differences, in MPFR at 256 bits with step 2^-60, of a
//    naive forward written here from THEORY §1 (operators on MpfrReal, no
//    library kernels): the full Jacobian;
//  * the same finite differences of a naive *frozen* forward, whose attention
//    weights and norm scales are held at their values at the base point: the
//    frozen Jacobian;
//  * closed forms of a scalar (d = 1) model, written out by hand;
//  * interval blocks enclosing high-precision MPFR blocks, double blocks
//    agreeing with MPFR, and the recorded forward equal to forward() bit for bit
//    (float, double, MPFR, intervals, stochastic rounding).
#include "glasses/model/jacobian.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/random.hpp"
#include "support/bits.hpp"
#include "support/random_model.hpp"
#include "support/sanitized.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

using M = gn::MpfrReal;
constexpr long kBits = 256;

// ---- a naive forward in MPFR, independent of the library's kernels ----------

// Values held fixed by the frozen forward: α[l][t][h][j - first], norm scales.
struct Frozen {
  std::vector<std::vector<std::vector<std::vector<M>>>> alpha;  // [l][t][h][j]
  std::vector<std::vector<M>> s1, s2;                           // [l][t]
  std::vector<std::vector<M>> post_a, post_m;                   // [l][t] post-norm scales (post_norms)
  std::vector<M> s3;                                            // [t]
};

class Naive {
 public:
  Naive(const gm::ModelConfig& c, const gm::Weights<double>& w) : c_(c), w_(w) {}

  M num(double x) const { return M(x, kBits); }

  // y_out of the rows (raw input rows; absolute positions added here). With
  // `use` the attention weights and norm scales come from `fz`; otherwise they
  // are computed and, when fz is given, stored there.
  std::vector<M> y(const std::vector<std::vector<M>>& rows, std::size_t out, Frozen* fz, bool use) const {
    const std::size_t n = rows.size(), d = c_.d_model, dh = c_.d_head, L = c_.n_layers;
    if (fz && !use) {
      fz->alpha.assign(L, std::vector<std::vector<std::vector<M>>>(n));
      fz->s1.assign(L, std::vector<M>(n));
      fz->s2.assign(L, std::vector<M>(n));
      fz->post_a.assign(L, std::vector<M>(n));
      fz->post_m.assign(L, std::vector<M>(n));
      fz->s3.assign(n, M());
    }
    std::vector<std::vector<M>> v = rows;
    for (std::size_t t = 0; t < n; ++t) {
      if (c_.absolute_into == gm::AbsolutePositionsInto::residual) add_position(v[t], t);
    }
    const double scale_dim = c_.score_scale_dim > 0 ? c_.score_scale_dim : static_cast<double>(dh);
    const M scale = c_.score_scale == gm::ScoreScale::one ? num(1) : num(1) / sqrt(num(scale_dim));
    for (std::size_t l = 0; l < L; ++l) {
      const gm::LayerWeights<double>& W = w_.layers[l];
      std::vector<std::vector<M>> q(n), k(n), val(n);
      for (std::size_t t = 0; t < n; ++t) {
        M* s = fz ? &fz->s1[l][t] : nullptr;
        std::vector<M> u = norm(v[t], W.norm1_gain, W.norm1_bias, s, use);
        val[t] = affine(W.w_v, u, W.b_v);
        if (c_.absolute_into == gm::AbsolutePositionsInto::queries_keys) add_position(u, t);
        q[t] = affine(W.w_q, u, W.b_q);
        k[t] = affine(W.w_k, u, W.b_k);
        if (c_.positional == gm::PositionalKind::rope) {
          for (int h = 0; h < c_.n_heads; ++h) rope(q[t], static_cast<std::size_t>(h) * dh, t);
          for (int h = 0; h < c_.n_kv_heads; ++h) rope(k[t], static_cast<std::size_t>(h) * dh, t);
        }
      }
      std::vector<std::vector<M>> next(n);
      for (std::size_t t = 0; t < n; ++t) {
        const std::size_t w = static_cast<std::size_t>(c_.window_of(l));  // i − w < j <= i
        const std::size_t first = c_.causal && w > 0 && t + 1 > w ? t + 1 - w : 0;
        const std::size_t last = c_.causal ? t : n - 1;
        std::vector<M> concat(c_.q_width(), num(0));
        if (fz && !use) fz->alpha[l][t].assign(c_.n_heads, {});
        for (int h = 0; h < c_.n_heads; ++h) {
          const std::size_t kvh = static_cast<std::size_t>(h / (c_.n_heads / c_.n_kv_heads));
          std::vector<M> alpha;
          if (use) {
            alpha = fz->alpha[l][t][h];
          } else {
            std::vector<M> s;
            for (std::size_t j = first; j <= last; ++j) {
              M dotp = num(0);
              for (std::size_t i = 0; i < dh; ++i) dotp = dotp + q[t][h * dh + i] * k[j][kvh * dh + i];
              M score = dotp * scale;
              if (c_.attn_softcap > 0) score = num(c_.attn_softcap) * tanh(score / num(c_.attn_softcap));
              if (c_.positional == gm::PositionalKind::alibi) {
                // m_h = scale · 2^(-8(h+1)/H), H a power of two here
                const M slope = num(c_.alibi_slope_scale) *
                                pow(num(2), num(-8.0 * (h + 1)) / num(static_cast<double>(c_.n_heads)));
                score = score - slope * num(std::fabs(static_cast<double>(t) - static_cast<double>(j)));
              }
              s.push_back(score);
            }
            M z = num(0);
            for (M& x : s) z = z + (x = exp(x));
            for (M& x : s) alpha.push_back(x / z);
            if (fz) fz->alpha[l][t][h] = alpha;
          }
          for (std::size_t j = first; j <= last; ++j) {
            for (std::size_t i = 0; i < dh; ++i) {
              concat[h * dh + i] = concat[h * dh + i] + alpha[j - first] * val[j][kvh * dh + i];
            }
          }
        }
        std::vector<M> z = v[t];
        std::vector<M> a = affine(w_.layers[l].w_o, concat, w_.layers[l].b_o);
        if (c_.post_norms) a = norm(a, W.post_attention_gain, {}, fz ? &fz->post_a[l][t] : nullptr, use);
        for (std::size_t i = 0; i < d; ++i) z[i] = z[i] + a[i];
        if (c_.activation != gm::Activation::none) {
          M* s = fz ? &fz->s2[l][t] : nullptr;
          const std::vector<M> u = norm(z, W.norm2_gain, W.norm2_bias, s, use);
          std::vector<M> hidden = affine(W.w_up, u, W.b_up);
          const std::vector<M> gate = W.w_gate.empty() ? hidden : affine(W.w_gate, u, {});
          for (std::size_t i = 0; i < hidden.size(); ++i) hidden[i] = act(hidden[i], gate[i]);
          std::vector<M> o = affine(W.w_down, hidden, W.b_down);
          if (c_.post_norms) o = norm(o, W.post_mlp_gain, {}, fz ? &fz->post_m[l][t] : nullptr, use);
          for (std::size_t i = 0; i < d; ++i) z[i] = z[i] + o[i];
        }
        next[t] = z;
      }
      v = next;
    }
    if (!c_.final_norm) return v[out];
    M* s = fz ? &fz->s3[out] : nullptr;
    return norm(v[out], w_.final_gain, w_.final_bias, s, use);
  }

 private:
  std::vector<M> affine(const gm::Matrix<double>& W, const std::vector<M>& x, const gm::Vector<double>& b) const {
    std::vector<M> y(W.rows, num(0));
    for (std::size_t r = 0; r < W.rows; ++r) {
      for (std::size_t col = 0; col < W.cols; ++col) y[r] = y[r] + num(W(r, col)) * x[col];
      if (!b.empty()) y[r] = y[r] + num(b[r]);
    }
    return y;
  }

  // (x − mean) · s · g + b (LayerNorm), x · s · g + b (RMSNorm), with
  // s = 1/sqrt(var + eps) computed, or frozen (`use`: read from *s).
  std::vector<M> norm(const std::vector<M>& x, const gm::Vector<double>& g, const gm::Vector<double>& b, M* s,
                      bool use) const {
    if (c_.norm == gm::NormKind::none) return x;
    const M d = num(static_cast<double>(x.size()));
    M mean = num(0);
    if (c_.norm == gm::NormKind::layernorm) {
      for (const M& e : x) mean = mean + e;
      mean = mean / d;
    }
    std::vector<M> centred;
    M var = num(0);
    for (const M& e : x) {
      centred.push_back(e - mean);
      var = var + (e - mean) * (e - mean);
    }
    M scale = num(1) / sqrt(var / d + num(c_.norm_eps));
    if (use) {
      scale = *s;
    } else if (s) {
      *s = scale;
    }
    std::vector<M> y;
    for (std::size_t i = 0; i < x.size(); ++i) {
      M e = centred[i] * scale;
      if (!g.empty()) e = e * (c_.norm_gain_offset ? num(1) + num(g[i]) : num(g[i]));  // Gemma: 1 + g
      if (!b.empty()) e = e + num(b[i]);
      y.push_back(e);
    }
    return y;
  }

  M act(const M& x, const M& gate) const {
    switch (c_.activation) {
      case gm::Activation::relu: return x > num(0) ? x : num(0);
      case gm::Activation::gelu: return x * (num(1) + erf(x / sqrt(num(2)))) / num(2);
      case gm::Activation::gelu_tanh: {
        const M pi = [&] {
          M r = num(0);
          mpfr_const_pi(r.data(), MPFR_RNDN);
          return r;
        }();
        const M cubic = M::from_string("0.044715", kBits);
        return x * (num(1) + tanh(sqrt(num(2) / pi) * (x + cubic * x * x * x))) / num(2);
      }
      case gm::Activation::swiglu: return gate / (num(1) + exp(-gate)) * x;
      case gm::Activation::geglu_tanh: {
        M pi = num(0);
        mpfr_const_pi(pi.data(), MPFR_RNDN);
        const M cubic = M::from_string("0.044715", kBits);
        return gate * (num(1) + tanh(sqrt(num(2) / pi) * (gate + cubic * gate * gate * gate))) / num(2) * x;
      }
      case gm::Activation::none: return x;
    }
    return x;
  }

  void rope(std::vector<M>& x, std::size_t offset, std::size_t t) const {
    const std::size_t half = c_.d_head / 2;
    for (std::size_t j = 0; j < half; ++j) {
      const M angle = num(static_cast<double>(t)) *
                      pow(num(c_.rope_theta), num(-2.0 * static_cast<double>(j)) / num(c_.d_head));
      const std::size_t a = offset + (c_.rope_style == gm::RopeStyle::rotate_half ? j : 2 * j);
      const std::size_t b = offset + (c_.rope_style == gm::RopeStyle::rotate_half ? j + half : 2 * j + 1);
      const M xa = x[a], xb = x[b];
      x[a] = xa * cos(angle) - xb * sin(angle);
      x[b] = xa * sin(angle) + xb * cos(angle);
    }
  }

  void add_position(std::vector<M>& x, std::size_t t) const {
    if (c_.positional == gm::PositionalKind::learned) {
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = x[i] + num(w_.position_embedding(t, i));
    } else if (c_.positional == gm::PositionalKind::sinusoidal) {
      for (std::size_t k = 0; k < x.size() / 2; ++k) {
        const M angle = num(static_cast<double>(t)) /
                        pow(num(10000), num(2.0 * static_cast<double>(k)) / num(static_cast<double>(x.size())));
        x[2 * k] = x[2 * k] + sin(angle);
        x[2 * k + 1] = x[2 * k + 1] + cos(angle);
      }
    }
  }

  const gm::ModelConfig& c_;
  const gm::Weights<double>& w_;
};

// ---- small models -------------------------------------------------------------

using Arch = glasses::test::TinyModel;  // vocab 0: row inputs, no unembedding

gm::ModelSource tiny(const Arch& a, std::uint64_t seed) { return glasses::test::tiny_model(a, seed); }

gm::InputSequence rows_input(std::size_t n, std::size_t d, std::uint64_t seed) {
  return glasses::test::random_rows(n, d, seed);
}

std::vector<Arch> architectures() {
  using P = gm::PositionalKind;
  using N = gm::NormKind;
  using A = gm::Activation;
  std::vector<Arch> list;
  Arch a;
  a = {};  // NoPE, RMSNorm, SwiGLU, MHA
  list.push_back(a);
  a = {};
  a.pos = P::rope;
  a.kv_heads = 1;  // GQA (MQA)
  list.push_back(a);
  a = {};
  a.pos = P::rope;
  a.norm = N::layernorm;
  a.act = A::gelu;
  a.bias = true;
  a.style = gm::RopeStyle::interleaved;
  list.push_back(a);
  a = {};
  a.pos = P::alibi;
  a.norm = N::layernorm;
  a.act = A::relu;
  a.bias = true;
  a.window = 3;
  list.push_back(a);
  a = {};
  a.pos = P::sinusoidal;
  a.norm = N::none;
  a.act = A::gelu_tanh;
  a.final_norm = false;
  list.push_back(a);
  a = {};
  a.pos = P::sinusoidal;
  a.norm = N::layernorm;
  a.act = A::none;
  a.into = gm::AbsolutePositionsInto::queries_keys;
  list.push_back(a);
  a = {};
  a.pos = P::learned;
  a.norm = N::layernorm;
  a.act = A::gelu_tanh;
  a.bias = true;
  list.push_back(a);
  a = {};
  a.norm = N::rmsnorm;
  a.act = A::gelu;
  a.causal = false;  // bidirectional: every position reaches y_n
  list.push_back(a);
  a = {};
  a.pos = P::rope;
  a.act = A::geglu_tanh;  // Gemma's GeGLU
  a.kv_heads = 1;
  list.push_back(a);
  return list;
}

template <class T>
gm::Jacobians<T> jacobians_of(const gm::ModelSource& s, const gm::InputSequence& in, gm::JacobianKind kind,
                              long bits = kBits) {
  gm::NoSiteRounding none;
  typename gn::ScalarTraits<T>::Context ctx;
  if constexpr (std::is_same_v<typename gn::ScalarTraits<T>::Context, gn::PrecisionContext>) {
    ctx = gn::PrecisionContext(bits);
  }
  gm::Env<T, gm::NoSiteRounding> env{ctx, none};
  const gm::PreparedModel<T> m = gm::prepare(s.config, s.weights, env);
  gm::JacobianOptions o;
  o.kind = kind;
  return gm::jacobians(m, env, in, o);
}

// Largest |J − J_fd| over every block, with J_fd the central difference of
// the naive forward (frozen or not) with step h = 2^-60 in MPFR-256; and the
// largest |J| for scale.
// `naive_model`: the model the naive forward differentiates (default: s).
std::pair<double, double> finite_difference_gap(const gm::ModelSource& s, const gm::InputSequence& in,
                                                gm::JacobianKind kind, const gm::ModelSource* naive_model = nullptr) {
  const gm::Jacobians<M> J = jacobians_of<M>(s, in, kind);
  const gm::ModelSource& ns = naive_model != nullptr ? *naive_model : s;
  const Naive naive(ns.config, ns.weights);
  const std::size_t n = in.rows.rows, d = in.rows.cols, out = n - 1;
  std::vector<std::vector<M>> rows(n);
  for (std::size_t t = 0; t < n; ++t) {
    for (std::size_t i = 0; i < d; ++i) rows[t].push_back(naive.num(in.rows(t, i)));
  }
  Frozen fz;
  naive.y(rows, out, &fz, false);  // the frozen values at the base point
  const bool frozen = kind == gm::JacobianKind::frozen;
  const M h = ldexp(naive.num(1), -60);
  double gap = 0, largest = 0;
  // Under sanitizers every third input component (a different third per
  // position): the naive forwards are the cost, the Jacobian is computed whole.
  const std::size_t stride = glasses::test::kSanitized ? 3 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t col = i % stride; col < d; col += stride) {
      std::vector<std::vector<M>> plus = rows, minus = rows;
      plus[i][col] = plus[i][col] + h;
      minus[i][col] = minus[i][col] - h;
      const std::vector<M> yp = naive.y(plus, out, &fz, frozen), ym = naive.y(minus, out, &fz, frozen);
      for (std::size_t r = 0; r < d; ++r) {
        const M fd = (yp[r] - ym[r]) / (h + h);
        gap = std::max(gap, abs(fd - J.blocks[i](r, col)).to_double());
        largest = std::max(largest, abs(J.blocks[i](r, col)).to_double());
      }
    }
  }
  return {gap, largest};
}

// Same bits (and precision): floats and doubles by their bits, MPFR values
// and interval bounds exactly, sign of zero included; NaN equals NaN.
bool same_bits(double a, double b) { return glasses::test::same_value(a, b); }
bool same_bits(float a, float b) {
  return glasses::test::bits_of(a) == glasses::test::bits_of(b) || (a != a && b != b);
}
bool same_bits(const M& a, const M& b) {
  if (mpfr_get_prec(a.data()) != mpfr_get_prec(b.data())) return false;
  if (mpfr_nan_p(a.data()) && mpfr_nan_p(b.data())) return true;
  return mpfr_equal_p(a.data(), b.data()) != 0 && mpfr_signbit(a.data()) == mpfr_signbit(b.data());
}
bool same_bits(const gn::Interval& a, const gn::Interval& b) {
  return same_bits(a.lower(), b.lower()) && same_bits(a.upper(), b.upper());
}

// The number of values in which the tape differs from the trace of forward()
// run with the same Env (y, v^(0), the norm statistics, α).
template <class T, class R>
long tape_mismatches(const gm::PreparedModel<T>& m, gm::Env<T, R>& env, const gm::InputSequence& in) {
  gm::ForwardOptions fo;
  fo.logits = false;
  fo.keep_residual = fo.keep_attention = fo.keep_norm_stats = true;
  const gm::Trace<T> t = gm::forward(m, env, in, fo);
  const gm::Tape<T> tape = gm::record(m, env, in);
  long mismatches = 0;
  const auto compare = [&](const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) {
      ++mismatches;
      return;
    }
    for (std::size_t i = 0; i < a.size(); ++i) mismatches += !same_bits(a[i], b[i]);
  };
  const auto stats = [&](const gm::NormStats<T>& a, const gm::NormStats<T>& b) {
    mismatches += !same_bits(a.shift, b.shift) + !same_bits(a.scale, b.scale);
  };
  compare(t.y.data, tape.y.data);
  compare(t.residual[0].data, tape.input.data);
  const std::size_t n = tape.n;
  for (std::size_t l = 0; l < tape.layers.size(); ++l) {
    const gm::TapeLayer<T>& rec = tape.layers[l];
    for (std::size_t i = 0; i < n; ++i) {
      stats(t.norm1[l][i], rec.norm1[i]);
      stats(t.norm2[l][i], rec.norm2[i]);
      const auto [first, last] = rec.keys[i];
      for (std::size_t h = 0; h < rec.alpha[i].size(); ++h) {
        for (std::size_t j = first; j <= last; ++j) {
          mismatches += !same_bits(t.attention[l][h](i, j), rec.alpha[i][h][j - first]);
        }
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) stats(t.norm3[i], tape.norm3[i]);
  mismatches += tape.issue.found != t.issue.found;
  return mismatches;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jacobian)

// The recorded forward is forward() itself, bit for bit (double and MPFR),
// and the naive MPFR forward of this file agrees with it (so the finite
// differences below differentiate the library's model).
BOOST_AUTO_TEST_CASE(tape_reproduces_forward_bitwise) {
  std::uint64_t seed = 1;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 0)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(6, 8, seed);
    gm::NoSiteRounding none;
    {
      gm::Env<double, gm::NoSiteRounding> env{{}, none};
      const gm::PreparedModel<double> m = gm::prepare(s.config, s.weights, env);
      const gm::Trace<double> t = gm::forward(m, env, in);
      const gm::Tape<double> tape = gm::record(m, env, in);
      long mismatches = 0;
      for (std::size_t i = 0; i < t.y.data.size(); ++i) {
        mismatches += !glasses::test::same_value(t.y.data[i], tape.y.data[i]);
      }
      BOOST_TEST(mismatches == 0, gm::describe(s.config));
      BOOST_TEST(!tape.issue.found);
    }
    gm::Env<M, gm::NoSiteRounding> env{gn::PrecisionContext(kBits), none};
    const gm::PreparedModel<M> m = gm::prepare(s.config, s.weights, env);
    const gm::Trace<M> t = gm::forward(m, env, in);
    const gm::Tape<M> tape = gm::record(m, env, in);
    long mismatches = 0;
    for (std::size_t i = 0; i < t.y.data.size(); ++i) mismatches += !(t.y.data[i] == tape.y.data[i]);
    BOOST_TEST(mismatches == 0, gm::describe(s.config));
    const Naive naive(s.config, s.weights);
    std::vector<std::vector<M>> rows(6);
    for (std::size_t r = 0; r < 6; ++r) {
      for (std::size_t i = 0; i < 8; ++i) rows[r].push_back(naive.num(in.rows(r, i)));
    }
    const std::vector<M> y = naive.y(rows, 5, nullptr, false);
    double worst = 0;
    for (std::size_t i = 0; i < 8; ++i) worst = std::max(worst, abs(y[i] - tape.y(5, i)).to_double());
    BOOST_TEST(worst < 1e-70, gm::describe(s.config) << ": naive vs library " << worst);
  }
}

// The tape is forward()'s own trace, bit for bit, in every carrier: y, the
// input rows, the norm statistics and α (record() is forward() watched by an
// observer; a recording that computed anything its own way would show here).
BOOST_AUTO_TEST_CASE(tape_is_the_forward_trace_in_every_carrier) {
  std::uint64_t seed = 101;
  gm::NoSiteRounding none;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 1)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(6, 8, seed);
    {
      gm::Env<float, gm::NoSiteRounding> env{{}, none};
      const gm::PreparedModel<float> m = gm::prepare(s.config, s.weights, env);
      BOOST_TEST(tape_mismatches(m, env, in) == 0, "float " << gm::describe(s.config));
    }
    {
      gm::Env<double, gm::NoSiteRounding> env{{}, none};
      const gm::PreparedModel<double> m = gm::prepare(s.config, s.weights, env);
      BOOST_TEST(tape_mismatches(m, env, in) == 0, "double " << gm::describe(s.config));
    }
    {
      gm::Env<M, gm::NoSiteRounding> env{gn::PrecisionContext(kBits), none};
      const gm::PreparedModel<M> m = gm::prepare(s.config, s.weights, env);
      BOOST_TEST(tape_mismatches(m, env, in) == 0, "MPFR " << gm::describe(s.config));
    }
    {
      gm::Env<gn::Interval, gm::NoSiteRounding> env{gn::PrecisionContext(128), none};
      const gm::PreparedModel<gn::Interval> m = gm::prepare(s.config, s.weights, env);
      BOOST_TEST(tape_mismatches(m, env, in) == 0, "interval " << gm::describe(s.config));
    }
  }
}

// With stochastic rounding the recording draws the forward's random bits:
// each step reseeds its stream from (prefix, layer, phase) as forward() does.
// (Before record() was forward() itself, it did not reseed and its y differed.)
BOOST_AUTO_TEST_CASE(tape_reseeds_stochastic_rounding_as_the_forward) {
  std::uint64_t seed = 201;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 2)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(6, 8, seed);
    for (const char* text : {"fp16~stochastic", "sites:attention-scores=bf16~stochastic;default=fp64"}) {
      const gm::Policy policy = gm::parse_policy(text, gn::formats::fp64);
      gm::SiteRounding<double> rounder(policy, {}, 17);
      gm::Env<double, gm::SiteRounding<double>> env{{}, rounder};
      const gm::PreparedModel<double> m = gm::prepare(s.config, s.weights, env);
      BOOST_TEST(tape_mismatches(m, env, in) == 0, text << " " << gm::describe(s.config));
    }
  }
}

// Reverse mode (full) against MPFR finite differences of the naive forward:
// the truncation error of the central difference is about h²|y'''|/6 ≈ 1e-35
// with h = 2^-60, rounding 2^-256/h ≈ 1e-59; agreement to 1e-28 leaves room
// for third derivatives up to 1e6 while a wrong term would show at order 1e-3.
BOOST_AUTO_TEST_CASE(full_jacobian_matches_mpfr_finite_differences) {
  std::uint64_t seed = 11;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 3)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(5, 8, seed * 7);
    const auto [gap, largest] = finite_difference_gap(s, in, gm::JacobianKind::full);
    BOOST_TEST_MESSAGE(gm::describe(s.config) << ": full |J - FD| " << gap << ", max |J| " << largest);
    BOOST_TEST(gap < 1e-28 * (1 + largest), gm::describe(s.config) << ": |J - FD| = " << gap);
    BOOST_TEST(largest > 1e-3);
  }
}

// The frozen Jacobian against finite differences of the naive forward with
// α and the norm scales held at their base-point values.
BOOST_AUTO_TEST_CASE(frozen_jacobian_matches_frozen_forward_finite_differences) {
  std::uint64_t seed = 31;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 4)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(5, 8, seed * 5);
    const auto [gap, largest] = finite_difference_gap(s, in, gm::JacobianKind::frozen);
    BOOST_TEST_MESSAGE(gm::describe(s.config) << ": frozen |J - FD| " << gap << ", max |J| " << largest);
    BOOST_TEST(gap < 1e-28 * (1 + largest), gm::describe(s.config) << ": |J - FD| = " << gap);
    BOOST_TEST(largest > 1e-3);
  }
}

// Gemma (gemma-tiny: GeGLU, gains 1 + g, head_dim ≠ d/heads, one kv head):
// the Jacobians of the library's model against finite differences of the
// naive forward of the same model with the gains 1 + g written out (exact in
// binary64 for these binary32 gains, and exact at 256 bits in prepare()).
BOOST_AUTO_TEST_CASE(gemma_jacobians_match_finite_differences) {
  const gm::ModelSource s = gm::open_checkpoint(std::string(GLASSES_TEST_FIXTURES) + "/refmodels/gemma-tiny", true);
  BOOST_TEST_REQUIRE(s.config.norm_gain_offset);
  gm::ModelSource folded = s;
  folded.config.norm_gain_offset = false;
  const auto offset = [](std::vector<double>& g) {
    for (double& x : g) x = 1 + x;
  };
  for (gm::LayerWeights<double>& L : folded.weights.layers) {
    offset(L.norm1_gain);
    offset(L.norm2_gain);
  }
  offset(folded.weights.final_gain);
  const gm::InputSequence in = rows_input(4, static_cast<std::size_t>(s.config.d_model), 3);
  for (const gm::JacobianKind kind : {gm::JacobianKind::full, gm::JacobianKind::frozen}) {
    const auto [gap, largest] = finite_difference_gap(s, in, kind, &folded);
    BOOST_TEST_MESSAGE("gemma-tiny " << gm::to_string(kind) << ": |J - FD| " << gap << ", max |J| " << largest);
    BOOST_TEST(gap < 1e-28 * (1 + largest), "gemma-tiny: |J - FD| = " << gap);
    BOOST_TEST(largest > 1e-3);
  }
}

// Gemma-2 (gemma2-tiny: post-norms, attention soft-cap 5, alternating
// windows of 5 over 7 positions, query_pre_attn_scalar, GeGLU, 1 + g): both
// variants against finite differences of the naive forward, which applies
// every one of these itself.
BOOST_AUTO_TEST_CASE(gemma2_jacobians_match_finite_differences) {
  const gm::ModelSource s = gm::open_checkpoint(std::string(GLASSES_TEST_FIXTURES) + "/refmodels/gemma2-tiny", true);
  BOOST_TEST_REQUIRE(gm::jacobian_unsupported(s.config).empty());
  const gm::InputSequence in = rows_input(7, static_cast<std::size_t>(s.config.d_model), 5);
  for (const gm::JacobianKind kind : {gm::JacobianKind::full, gm::JacobianKind::frozen}) {
    const auto [gap, largest] = finite_difference_gap(s, in, kind);
    BOOST_TEST_MESSAGE("gemma2-tiny " << gm::to_string(kind) << ": |J - FD| " << gap << ", max |J| " << largest);
    BOOST_TEST(gap < 1e-28 * (1 + largest), "gemma2-tiny: |J - FD| = " << gap);
    BOOST_TEST(largest > 1e-3);
  }
  // The soft-cap and the post-norms matter here: without them the blocks differ.
  gm::ModelSource uncapped = s;
  uncapped.config.attn_softcap = 0;
  const gm::Jacobians<double> a = jacobians_of<double>(s, in, gm::JacobianKind::full);
  const gm::Jacobians<double> b = jacobians_of<double>(uncapped, in, gm::JacobianKind::full);
  double moved = 0;
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    for (std::size_t k = 0; k < a.blocks[i].data.size(); ++k) {
      moved = std::max(moved, std::fabs(a.blocks[i].data[k] - b.blocks[i].data[k]));
    }
  }
  BOOST_TEST(moved > 1e-3);
}

BOOST_AUTO_TEST_CASE(final_soft_cap_leaves_the_jacobians_unchanged) {
  // The final soft-cap acts on the logits only: y_n and its Jacobian are unchanged.
  const gm::ModelSource plain = gm::open_checkpoint(std::string(GLASSES_TEST_FIXTURES) + "/refmodels/mistral-tiny", true);
  gm::ModelSource final_cap = plain;
  final_cap.config.final_softcap = 3;
  const gm::InputSequence in = rows_input(3, static_cast<std::size_t>(plain.config.d_model), 1);
  const gm::Jacobians<double> a = jacobians_of<double>(final_cap, in, gm::JacobianKind::full);
  const gm::Jacobians<double> b = jacobians_of<double>(plain, in, gm::JacobianKind::full);
  long mismatches = 0;
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    for (std::size_t k = 0; k < a.blocks[i].data.size(); ++k) {
      mismatches += !same_bits(a.blocks[i].data[k], b.blocks[i].data[k]);
    }
  }
  BOOST_TEST(mismatches == 0);
}

// The two variants differ where the assumptions bite (not vacuous), and
// coincide for one position without norms and without an MLP: α = 1 is
// constant, so freezing it changes nothing.
BOOST_AUTO_TEST_CASE(frozen_equals_full_for_one_position_without_norms) {
  Arch a;
  a.norm = gm::NormKind::none;
  a.act = gm::Activation::none;
  a.final_norm = false;
  a.pos = gm::PositionalKind::rope;
  const gm::ModelSource s = tiny(a, 5);
  const gm::InputSequence one = rows_input(1, 8, 3);
  const gm::Jacobians<M> full = jacobians_of<M>(s, one, gm::JacobianKind::full);
  const gm::Jacobians<M> frozen = jacobians_of<M>(s, one, gm::JacobianKind::frozen);
  double gap = 0;
  for (std::size_t i = 0; i < full.blocks[0].data.size(); ++i) {
    gap = std::max(gap, abs(full.blocks[0].data[i] - frozen.blocks[0].data[i]).to_double());
  }
  BOOST_TEST(gap < 1e-70);
  const gm::InputSequence many = rows_input(4, 8, 3);
  const gm::Jacobians<M> f2 = jacobians_of<M>(s, many, gm::JacobianKind::full);
  const gm::Jacobians<M> z2 = jacobians_of<M>(s, many, gm::JacobianKind::frozen);
  double diff = 0;
  for (std::size_t i = 0; i < f2.blocks[0].data.size(); ++i) {
    diff = std::max(diff, abs(f2.blocks[0].data[i] - z2.blocks[0].data[i]).to_double());
  }
  BOOST_TEST(diff > 1e-3);
}

// Interval blocks (128 bits) enclose the MPFR blocks computed at 512 bits,
// and are narrow (naive interval evaluation grows widths by about 2^60 over
// two layers here, as in the forward: 2^-128 becomes ~1e-21); double blocks
// agree with MPFR to about 1e-12.
BOOST_AUTO_TEST_CASE(interval_blocks_enclose_mpfr_and_double_agrees) {
  std::uint64_t seed = 51;
  for (const Arch& a : glasses::test::thinned_under_sanitizers(architectures(), 5)) {
    const gm::ModelSource s = tiny(a, seed++);
    const gm::InputSequence in = rows_input(5, 8, seed * 3);
    for (const gm::JacobianKind kind : {gm::JacobianKind::full, gm::JacobianKind::frozen}) {
      const gm::Jacobians<gn::Interval> ji = jacobians_of<gn::Interval>(s, in, kind, 128);
      const gm::Jacobians<M> jm = jacobians_of<M>(s, in, kind, 512);
      const gm::Jacobians<double> jd = jacobians_of<double>(s, in, kind);
      long outside = 0;
      double widest = 0, worst = 0;
      for (std::size_t i = 0; i < ji.blocks.size(); ++i) {
        for (std::size_t e = 0; e < ji.blocks[i].data.size(); ++e) {
          outside += !contains(ji.blocks[i].data[e], jm.blocks[i].data[e]);
          widest = std::max(widest, ji.blocks[i].data[e].width().to_double());
          worst = std::max(worst, std::fabs(jd.blocks[i].data[e] - jm.blocks[i].data[e].to_double()));
        }
      }
      BOOST_TEST(outside == 0, gm::describe(s.config) << " " << gm::to_string(kind));
      BOOST_TEST(widest < 1e-15, gm::describe(s.config) << ": widest " << widest);
      BOOST_TEST(worst < 1e-11, gm::describe(s.config) << ": double vs MPFR " << worst);
    }
  }
}

// Causal reach: with a window w and L layers, y_n depends on positions
// i > n − 1 − L(w − 1) only; the other blocks are exactly zero.
BOOST_AUTO_TEST_CASE(window_limits_the_reach) {
  Arch a;
  a.window = 2;
  const gm::ModelSource s = tiny(a, 9);
  const gm::InputSequence in = rows_input(7, 8, 4);
  const gm::Jacobians<double> J = jacobians_of<double>(s, in, gm::JacobianKind::full);
  for (std::size_t i = 0; i < 7; ++i) {
    double largest = 0;
    for (double x : J.blocks[i].data) largest = std::max(largest, std::fabs(x));
    const bool reachable = i + 2 >= 6;  // L (w − 1) = 2 positions back from n = 6
    BOOST_TEST(J.reached[i] == reachable, "i = " << i);
    if (!reachable) BOOST_TEST(largest == 0.0);
    if (reachable) BOOST_TEST(largest > 0.0);
  }
}

// The scalar model of THEORY B.5's tightness oracle, by hand: d = 1, one
// head (d_h = 1), RMSNorm with gains, a one-unit ReLU MLP with positive
// pre-activations (so ψ(x) = σ x along the orbit, σ = w_down w_up), positive
// inputs. With frozen statistics every norm is the scaling N = g s,
// s = 1/sqrt(x² + eps), and the chain rule gives
//   J_i = N3_n · [M^(L-1) ⋯ M^(0)]_(n,i),
//   M^(l)_(j,i) = (1 + σ N2_j) (w_o w_v α_(j,i) N1_i + δ_(j,i)),
// with α the softmax of (w_q u_j)(w_k u_i) over i ≤ j. All of it recomputed
// here in double from the definitions.
BOOST_AUTO_TEST_CASE(scalar_model_frozen_jacobian_closed_form) {
  for (int layers : {1, 2}) {
    gm::ModelSource s;
    gm::ModelConfig& c = s.config;
    c.d_model = 1;
    c.n_layers = layers;
    c.d_head = 1;
    c.d_mlp = 1;
    c.norm = gm::NormKind::rmsnorm;
    c.activation = gm::Activation::relu;
    c.has_unembedding = false;
    c.norm_eps = 0.25;
    const double g1[2] = {1.5, 0.75}, g2[2] = {0.5, 2.0}, g3 = 1.25, wq[2] = {0.8, -1.1}, wk[2] = {1.3, 0.4},
                 wv[2] = {0.9, 1.2}, wo[2] = {1.1, 0.7}, wu[2] = {1.0, 0.5}, wd[2] = {0.6, 1.5};
    for (int l = 0; l < layers; ++l) {
      gm::LayerWeights<double> L;
      L.norm1_gain = {g1[l]};
      L.norm2_gain = {g2[l]};
      L.w_q = gm::Matrix<double>(1, 1, wq[l]);
      L.w_k = gm::Matrix<double>(1, 1, wk[l]);
      L.w_v = gm::Matrix<double>(1, 1, wv[l]);
      L.w_o = gm::Matrix<double>(1, 1, wo[l]);
      L.w_up = gm::Matrix<double>(1, 1, wu[l]);
      L.w_down = gm::Matrix<double>(1, 1, wd[l]);
      s.weights.layers.push_back(L);
    }
    s.weights.final_gain = {g3};
    const std::vector<double> x0{0.7, 1.9, 0.4};
    const std::size_t n = x0.size();
    gm::InputSequence in;
    in.rows = gm::Matrix<double>(n, 1, 0.0);
    for (std::size_t t = 0; t < n; ++t) in.rows(t, 0) = x0[t];
    // The forward and the path matrices, by hand.
    const auto scale = [&](double x) { return 1 / std::sqrt(x * x + 0.25); };
    std::vector<double> v = x0;
    std::vector<std::vector<double>> P(n, std::vector<double>(n, 0.0));  // product M^(l) ⋯ M^(0)
    for (std::size_t i = 0; i < n; ++i) P[i][i] = 1;
    for (int l = 0; l < layers; ++l) {
      std::vector<double> u(n), N1(n);
      for (std::size_t j = 0; j < n; ++j) {
        N1[j] = g1[l] * scale(v[j]);
        u[j] = v[j] * N1[j];
      }
      std::vector<std::vector<double>> Ml(n, std::vector<double>(n, 0.0));
      std::vector<double> next(n);
      for (std::size_t j = 0; j < n; ++j) {
        double z = 0, mixed = 0;
        std::vector<double> alpha(j + 1);
        for (std::size_t i = 0; i <= j; ++i) z += alpha[i] = std::exp(wq[l] * u[j] * wk[l] * u[i]);
        for (std::size_t i = 0; i <= j; ++i) mixed += (alpha[i] /= z) * wv[l] * u[i];
        const double zj = v[j] + wo[l] * mixed;
        const double N2 = g2[l] * scale(zj);
        BOOST_TEST_REQUIRE(wu[l] * zj * N2 > 0);  // ReLU in its linear piece
        next[j] = zj + wd[l] * wu[l] * zj * N2;
        for (std::size_t i = 0; i <= j; ++i) {
          Ml[j][i] = (1 + wd[l] * wu[l] * N2) * (wo[l] * wv[l] * alpha[i] * N1[i] + (i == j ? 1 : 0));
        }
      }
      std::vector<std::vector<double>> Q(n, std::vector<double>(n, 0.0));
      for (std::size_t j = 0; j < n; ++j) {
        for (std::size_t i = 0; i < n; ++i) {
          for (std::size_t k = 0; k < n; ++k) Q[j][i] += Ml[j][k] * P[k][i];
        }
      }
      P = Q;
      v = next;
    }
    const double N3 = g3 * scale(v[n - 1]);
    const gm::Jacobians<double> J = jacobians_of<double>(s, in, gm::JacobianKind::frozen);
    for (std::size_t i = 0; i < n; ++i) {
      const double want = N3 * P[n - 1][i];
      BOOST_TEST(std::fabs(J.blocks[i](0, 0) - want) <= 1e-14 * std::fabs(want), "L = " << layers << ", i = " << i
                                                                                  << ": " << J.blocks[i](0, 0)
                                                                                  << " vs " << want);
    }
  }
}

// A subset of the components, and another output position, give the
// corresponding rows and blocks of the full computation.
BOOST_AUTO_TEST_CASE(components_and_output_position) {
  const gm::ModelSource s = tiny(Arch{}, 77);
  const gm::InputSequence in = rows_input(5, 8, 6);
  gm::NoSiteRounding none;
  gm::Env<double, gm::NoSiteRounding> env{{}, none};
  const gm::PreparedModel<double> m = gm::prepare(s.config, s.weights, env);
  const gm::Tape<double> tape = gm::record(m, env, in);
  gm::JacobianOptions o;
  o.output = 3;
  const gm::Jacobians<double> all = gm::backward(m, tape, o);
  o.components = {6, 1};
  const gm::Jacobians<double> some = gm::backward(m, tape, o);
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t col = 0; col < 8; ++col) {
      BOOST_TEST(some.blocks[i](0, col) == all.blocks[i](6, col));
      BOOST_TEST(some.blocks[i](1, col) == all.blocks[i](1, col));
    }
  }
  BOOST_TEST(!all.reached[4]);  // causal: position 4 cannot reach y_3
  o.output = 5;
  BOOST_CHECK_THROW(gm::backward(m, tape, o), glasses::InputError);
}

// Presets run in every carrier (the default preset in MPFR and intervals).
BOOST_AUTO_TEST_CASE(presets_in_every_carrier) {
  const gm::ModelSource s = gm::make_preset("default:layers=2");
  const gm::InputSequence in = gm::make_input(s, {3, 1, 4});
  const gm::Jacobians<double> jd = jacobians_of<double>(s, in, gm::JacobianKind::full);
  const gm::Jacobians<gn::Interval> ji = jacobians_of<gn::Interval>(s, in, gm::JacobianKind::full, 96);
  long outside = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t e = 0; e < jd.blocks[i].data.size(); ++e) {
      // double agrees with the enclosure to its own rounding (1e-12 here).
      const auto [lo, hi] = gn::ScalarTraits<gn::Interval>::bounds(ji.blocks[i].data[e]);
      outside += jd.blocks[i].data[e] < lo - 1e-12 || jd.blocks[i].data[e] > hi + 1e-12;
    }
  }
  BOOST_TEST(outside == 0);
  BOOST_TEST(!ji.issue.found);
}

BOOST_AUTO_TEST_SUITE_END()
