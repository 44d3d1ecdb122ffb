// The vector kernels (fast_matvec.hpp) against the loops of kernels.hpp, bit
// for bit: on random matrices of awkward shapes with subnormals, overflow,
// signed zeros, infinities and NaN; on every binary32 rounding case of bf16
// and fp16; and on whole forward passes and KV-cached decodes.
//
// The references are the generic loops: `dot` on native float, on
// Emulated<bf16>/Emulated<fp16> (double carrier, emulated.hpp), and on a
// float carrier whose accumulation site rounds into bf16/fp16 through
// numerics::round (rounding.hpp, tested against MPFR).
#include "glasses/model/fast_matvec.hpp"

#include <algorithm>
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/kernels.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/numerics/random.hpp"
#include "support/bits.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

// The kernels of every Highway target this binary holds and this CPU runs
// (numerics/simd.hpp; the reference `none` excluded).
std::vector<gm::PackedKernel> vector_kernels() {
  std::vector<gm::PackedKernel> k;
  for (const gn::simd::Target t : gn::simd::available()) k.push_back(gm::PackedKernel::on(t));
  return k;
}

// ---- random values of a format, with every kind of trouble -------------------

// A value of `f` (rounded from a random double): mostly moderate, with
// probability `wild` from the whole range (subnormals, near overflow), and
// now and then ±0, ±inf or NaN.
double random_value(gn::PortableRandom& rng, const gn::Format& f, double wild) {
  const double u = rng.uniform();
  if (u < 0.01) return rng.uniform() < 0.5 ? 0.0 : -0.0;
  if (u < 0.012) return rng.uniform() < 0.5 ? std::numeric_limits<double>::infinity()
                                            : -std::numeric_limits<double>::infinity();
  if (u < 0.013) return std::numeric_limits<double>::quiet_NaN();
  int e;
  if (rng.uniform() < wild) {
    e = f.emin - f.p - 1 + static_cast<int>(rng.uniform() * (f.emax - f.emin + f.p + 3));
  } else {
    e = static_cast<int>(rng.uniform() * 8) - 4;
  }
  const double x = std::ldexp(1.0 + rng.uniform(), e) * (rng.uniform() < 0.5 ? -1 : 1);
  gn::RoundingContext ctx;
  return gn::round(f, x, ctx);
}

// A rows × cols row-major matrix of values of f; some rows wild, some tame.
std::vector<double> random_matrix(gn::PortableRandom& rng, const gn::Format& f, std::size_t rows, std::size_t cols) {
  std::vector<double> m(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    const double wild = r % 3 == 0 ? 0.5 : 0.0;
    for (std::size_t c = 0; c < cols; ++c) m[r * cols + c] = random_value(rng, f, wild);
  }
  return m;
}

// ---- the three ways of computing with rounding R -------------------------------

// A float carrier whose matmul-accumulate site rounds into f (bf16/fp16),
// or nothing when f is fp32.
gm::Policy accumulate_in(const gn::Format& f) {
  return gm::parse_policy(f == gn::formats::fp32 ? std::string("fp32")
                                                 : "ablate:matmul-accumulate=" + gn::to_string(f),
                          gn::formats::fp32);
}

// Runs body(env) for a computation in T with kernel k.
template <class T, class R, class Body>
void with_env(R& rounder, gm::PackedKernel k, Body body) {
  gm::Env<T, R> env{{}, rounder};
  env.kernel = k;
  body(env);
}

template <class T>
T make(double x) {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(x);
  } else {
    return T::from_exact(x);
  }
}
template <class T>
double value(const T& x) {
  return gn::ScalarTraits<T>::to_double(x);
}

// How many values of got differ from want (other bits, or NaN against a
// number); the first one is reported.
long mismatches(const std::vector<double>& want, const std::vector<double>& got, const std::string& label) {
  long bad = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!glasses::test::same_value(want[i], got[i])) {
      if (bad == 0) {
        BOOST_TEST_MESSAGE(label << ": first mismatch at " << i << ": want "
                                 << glasses::test::hex(glasses::test::bits_of(want[i]), 16) << " got "
                                 << glasses::test::hex(glasses::test::bits_of(got[i]), 16));
      }
      ++bad;
    }
  }
  return bad;
}

// Every matrix kernel for scalar type T with rounder R, against the loops:
// matvec's dot products (PackedMatrix), the attention scores (PackedRows)
// and the attention mixing (terms down the rows, at a stride).
template <class T, class R>
long check_kernels(R& rounder, const gn::Format& f, std::size_t rows, std::size_t cols, std::uint64_t seed) {
  gn::PortableRandom rng(seed);
  const std::size_t stride = cols + 3;  // rows of the strided matrix have a gap
  const std::vector<double> w = random_matrix(rng, f, rows, cols);
  const std::vector<double> x = random_matrix(rng, f, 1, std::max(rows, cols));
  std::vector<T> W(rows * stride, make<T>(0.0)), xs(x.size(), make<T>(0.0));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) W[r * stride + c] = make<T>(w[r * cols + c]);
  }
  for (std::size_t i = 0; i < x.size(); ++i) xs[i] = make<T>(x[i]);
  // The weights as a prepared model holds them: binary32 values (exact: f has p <= 24).
  const gm::PackedMatrix packed = gm::pack<T>(gm::WeightMatrix(rows, cols, std::vector<float>(w.begin(), w.end())));
  const std::string shape = gn::to_string(f) + " " + std::to_string(rows) + "x" + std::to_string(cols);
  const gm::Site site = gm::Site::matmul_accumulate;

  // References: the loops.
  std::vector<double> want_dots(rows), want_combined(cols);
  with_env<T>(rounder, gm::PackedKernel::none(), [&](auto& env) {
    T out = make<T>(0.0), p = make<T>(0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      gm::dot(env, site, W.data() + r * stride, xs.data(), cols, out, p);
      want_dots[r] = value(out);
    }
    std::vector<T> o(cols, make<T>(0.0));
    gm::combine_rows(env, site, site, xs.data(), W.data(), stride, rows, cols, o.data(), p);
    for (std::size_t i = 0; i < cols; ++i) want_combined[i] = value(o[i]);
  });

  long bad = 0;
  for (const gm::PackedKernel k : vector_kernels()) {
    with_env<T>(rounder, k, [&](auto& env) {
      const std::string label = shape + " " + gm::to_string(k);
      std::vector<T> y(rows, make<T>(0.0));
      BOOST_TEST_REQUIRE(gm::dot_rows(env, site, packed, xs.data(), y.data()));
      std::vector<double> got(rows);
      for (std::size_t r = 0; r < rows; ++r) got[r] = value(y[r]);
      bad += mismatches(want_dots, got, label + " packed");

      // The same rows set one at a time, and the dot products of a range of
      // them that starts inside a panel.
      gm::PackedRows K;
      for (std::size_t r = 0; r < rows; ++r) gm::pack_row(K, r, W.data() + r * stride, cols);
      const std::size_t first = rows / 3;
      std::fill(y.begin(), y.end(), make<T>(0.0));
      BOOST_TEST_REQUIRE(gm::dot_rows(env, site, K, first, rows - first, xs.data(), y.data()));
      got.assign(rows - first, 0.0);
      for (std::size_t r = first; r < rows; ++r) got[r - first] = value(y[r - first]);
      bad += mismatches(std::vector<double>(want_dots.begin() + static_cast<std::ptrdiff_t>(first), want_dots.end()),
                        got, label + " rows set one at a time");

      std::vector<T> o(cols, make<T>(0.0));
      T p = make<T>(0.0);
      gm::combine_rows(env, site, site, xs.data(), W.data(), stride, rows, cols, o.data(), p);
      std::vector<double> got_combined(cols);
      for (std::size_t i = 0; i < cols; ++i) got_combined[i] = value(o[i]);
      bad += mismatches(want_combined, got_combined, label + " combined");
    });
  }
  return bad;
}

// Shapes around the vector width (16) and the panel height (64).
const std::size_t kRows[] = {1, 2, 15, 16, 17, 31, 48, 63, 64, 65, 100, 129, 200};
const std::size_t kCols[] = {1, 2, 3, 16, 17, 48, 97};

template <class T, class R>
void check_all_shapes(R& rounder, const gn::Format& f) {
  long bad = 0;
  std::uint64_t seed = 1;
  for (const std::size_t rows : kRows) {
    for (const std::size_t cols : kCols) bad += check_kernels<T>(rounder, f, rows, cols, seed++);
  }
  BOOST_TEST(bad == 0, gn::to_string(f) << ": " << bad << " values differ");
}

// Forward passes and KV-cached decodes with the vector kernels against the
// loops (kernel none).
template <class T, class R>
long forward_mismatches(const gm::ModelSource& s, const R& rounder, const std::vector<int>& tokens,
                        const std::string& label) {
  const gm::InputSequence input = gm::make_input(s, tokens);
  const auto run = [&](gm::PackedKernel k, std::vector<double>& out) {
    R fresh = rounder;  // every run starts from the same rounding state (random stream)
    gm::Env<T, R> env{{}, fresh};
    env.kernel = k;
    const gm::PreparedModel<T> m = gm::prepare(s.config, s.weights, env);
    const gm::Trace<T> t = gm::forward(m, env, input);
    for (const T& v : t.y.data) out.push_back(value(v));
    for (const T& v : t.logits.data) out.push_back(value(v));
    if (s.config.causal && !s.rows) {
      gm::Decoder<T, R> dec(m, env);
      for (const int token : tokens) {
        dec.push(token);
        for (const T& v : dec.logits()) out.push_back(value(v));
      }
    }
  };
  std::vector<double> want;
  run(gm::PackedKernel::none(), want);
  long bad = 0;
  for (const gm::PackedKernel k : vector_kernels()) {
    std::vector<double> got;
    run(k, got);
    BOOST_TEST_REQUIRE(got.size() == want.size());
    bad += mismatches(want, got, label + " " + gm::to_string(k));
  }
  BOOST_TEST(!want.empty());
  return bad;
}

// A Llama-like model whose widths are not multiples of 16: d = 72, three
// heads of 24, d_mlp = 200, vocabulary 77; RoPE, RMSNorm, SwiGLU, untied.
gm::ModelSource awkward_llama() {
  gm::ModelSource s;
  gm::ModelConfig& c = s.config;
  c.family = gm::Family::llama;
  c.d_model = 72;
  c.n_layers = 2;
  c.n_heads = 3;
  c.n_kv_heads = 3;
  c.d_head = 24;
  c.d_mlp = 200;
  c.vocab_size = 77;
  c.max_positions = 96;
  c.positional = gm::PositionalKind::rope;
  c.norm = gm::NormKind::rmsnorm;
  c.activation = gm::Activation::swiglu;
  s.weights = gm::synthetic_weights(c, 7);
  return s;
}

std::vector<int> token_sequence(std::size_t n, int vocab) {
  std::vector<int> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(static_cast<int>((7 * i + 3) % static_cast<std::size_t>(vocab)));
  return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kernels)

// Random matrices, binary32: native float, no rounding beyond binary32.
BOOST_AUTO_TEST_CASE(vector_kernels_equal_dot_on_float_bitwise) {
  gm::NoSiteRounding none;
  check_all_shapes<float>(none, gn::formats::fp32);
}

// Random matrices of bf16 and fp16 values: Emulated<F> (double carrier) and
// a float carrier rounding the accumulation into F, against the kernels'
// binary32 arithmetic (fast_matvec.hpp, "Why binary32 arithmetic ...").
BOOST_AUTO_TEST_CASE(vector_kernels_equal_emulated_bf16_and_fp16_bitwise) {
  gm::NoSiteRounding none;
  check_all_shapes<gn::Bf16>(none, gn::formats::bf16);
  check_all_shapes<gn::Fp16>(none, gn::formats::fp16);
  for (const gn::Format& f : {gn::formats::bf16, gn::formats::fp16}) {
    gm::SiteRounding<float> rounder(accumulate_in(f), {}, 0);
    check_all_shapes<float>(rounder, f);
  }
}

// The roundings R of the kernels on binary32 inputs that are not values of
// the format (float carriers of site policies): a 1-column matrix times
// x = 1 is R(w). Every sign and exponent, with the low bits that decide
// ties in bf16 (16 dropped bits) and fp16 (13, or more below 2^-14).
BOOST_AUTO_TEST_CASE(bf16_and_fp16_rounding_of_every_binary32_case) {
  std::vector<float> w;
  const std::uint32_t lows[] = {0x0000, 0x0001, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x3000,
                                0x7FFF, 0x8000, 0x8001, 0xA000, 0xFFFF, 0x5A5A};
  for (std::uint32_t high = 0; high <= 0xFFFF; ++high) {
    for (const std::uint32_t low : lows) w.push_back(std::bit_cast<float>((high << 16) | low));
  }
  const float one = 1.0f;
  for (const gn::Format& f : {gn::formats::bf16, gn::formats::fp16}) {
    const gm::PackedRounding rounding = *gm::packed_rounding_for(f, gn::Rounding::near_even);
    const gm::PackedMatrix W = gm::pack_rows(w.data(), w.size(), 1);
    std::vector<double> want(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      gn::RoundingContext ctx;
      want[i] = gn::round(f, static_cast<double>(w[i]), ctx);
    }
    for (const gm::PackedKernel k : vector_kernels()) {
      std::vector<float> y(w.size());
      gm::packed_dot_rows(k, rounding, W, &one, y.data());
      const std::vector<double> got(y.begin(), y.end());
      const long bad = mismatches(want, got, gn::to_string(f) + " " + gm::to_string(k));
      BOOST_TEST(bad == 0, gn::to_string(f) << " " << gm::to_string(k) << ": " << bad << " roundings differ");
    }
  }
  BOOST_TEST(!gm::packed_rounding_for(gn::formats::bf16, gn::Rounding::stochastic));
  BOOST_TEST(!gm::packed_rounding_for(gn::formats::tf32, gn::Rounding::near_even));
}

// Whole forward passes (and decodes) with the vector kernels equal the loops,
// in fp32, Emulated bf16/fp16 and on a float carrier with site rounding
// (mixed:bf16/fp32, bf16 accumulation, fp16 scores, stochastic stores), on
// the presets and on a model whose widths are not multiples of 16.
BOOST_AUTO_TEST_CASE(forward_with_vector_kernels_equals_generic_bitwise) {
  const std::vector<std::string> presets{"default", "paper-literal", "default:positional=alibi,window=5",
                                         "default:causal=0", "fig8-b", "fig10-rope"};
  std::vector<std::pair<std::string, gm::ModelSource>> models;
  for (const std::string& p : presets) models.emplace_back(p, gm::make_preset(p));
  models.emplace_back("awkward llama", awkward_llama());
  for (const auto& [name, s] : models) {
    const std::size_t n = name == "awkward llama" ? 70 : 11;
    const std::vector<int> tokens = token_sequence(n, s.rows ? 64 : s.config.vocab_size);
    gm::NoSiteRounding none;
    long bad = forward_mismatches<float>(s, none, tokens, name + " fp32");
    bad += forward_mismatches<gn::Bf16>(s, none, tokens, name + " bf16");
    bad += forward_mismatches<gn::Fp16>(s, none, tokens, name + " fp16");
    for (const char* text : {"mixed:bf16/fp32", "ablate:matmul-accumulate=bf16", "ablate:attention-scores=fp16"}) {
      const gm::Policy policy = gm::parse_policy(text, gn::formats::fp32);
      BOOST_TEST_REQUIRE((gm::plan_execution(policy).carrier == gm::CarrierKind::native_float));
      gm::SiteRounding<float> rounder(policy, {}, 0);
      bad += forward_mismatches<float>(s, rounder, tokens, name + " " + text);
    }
    // Stochastic rounding on a float carrier (plan_execution would pick a
    // wider one): the stores rounded together draw the same random stream;
    // stochastic accumulation keeps the loops. Also the softmax and the
    // norms rounding into bf16/fp16 on a float carrier (the row kernels).
    for (const char* text : {"mixed:bf16~stochastic/fp32", "ablate:matmul-accumulate=bf16~stochastic",
                             "ablate:softmax=bf16", "ablate:norm=fp16"}) {
      gm::SiteRounding<float> rounder(gm::parse_policy(text, gn::formats::fp32), {}, 42);
      bad += forward_mismatches<float>(s, rounder, tokens, name + " " + text);
    }
    BOOST_TEST(bad == 0, name << ": " << bad << " values differ");
  }
}

// The elementwise row kernels (the softmax's shift and division, a norm's
// scale, gain and bias) on every target against scalar references: float
// operations, and for bf16/fp16 the binary32 result rounded by
// numerics::round (tested against MPFR). Rows of every length around the
// vector widths, with subnormals, overflow, ±0, ±inf and NaN in x, c, s,
// g and b.
BOOST_AUTO_TEST_CASE(row_kernels_equal_scalar_references_bitwise) {
  gn::PortableRandom rng(2024);
  long bad = 0, checked = 0;
  for (const gn::Format& f : {gn::formats::fp32, gn::formats::bf16, gn::formats::fp16}) {
    const std::optional<gm::PackedRounding> rounding =
        f == gn::formats::fp32 ? gm::PackedRounding::none : gm::packed_rounding_for(f, gn::Rounding::near_even);
    BOOST_TEST_REQUIRE(rounding.has_value());
    const auto R = [&](float v) {
      gn::RoundingContext ctx;
      return f == gn::formats::fp32 ? static_cast<double>(v) : gn::round(f, static_cast<double>(v), ctx);
    };
    for (std::size_t n = 1; n <= 70; ++n) {
      // Values of the format (wild: any exponent, and specials); the scalars
      // as well, now tame, now wild.
      const auto row = [&] {
        std::vector<float> v(n);
        for (float& x : v) x = static_cast<float>(random_value(rng, f, 0.5));
        return v;
      };
      const std::vector<float> x = row(), g = row(), b = row();
      const float c = static_cast<float>(random_value(rng, f, n % 2 == 0 ? 0.5 : 0.0));
      const float sc = static_cast<float>(random_value(rng, f, n % 3 == 0 ? 0.5 : 0.0));
      const float z = static_cast<float>(random_value(rng, f, n % 5 == 0 ? 0.5 : 0.0));
      std::vector<double> want_shift(n), want_scale(n), want_gain_bias(n), want_divide(n);
      for (std::size_t i = 0; i < n; ++i) {
        want_shift[i] = R(x[i] - c);
        want_scale[i] = R(x[i] * sc);
        const double gained = R(static_cast<float>(want_scale[i]) * g[i]);
        want_gain_bias[i] = R(static_cast<float>(gained) + b[i]);
        want_divide[i] = static_cast<double>(x[i] / z);
      }
      for (const gm::PackedKernel k : vector_kernels()) {
        const std::string label = gn::to_string(f) + " n=" + std::to_string(n) + " " + gm::to_string(k);
        std::vector<float> y = x;
        gm::packed_shift(k, *rounding, y.data(), n, c);
        bad += mismatches(want_shift, std::vector<double>(y.begin(), y.end()), label + " shift");
        gm::packed_scale(k, *rounding, x.data(), n, sc, nullptr, nullptr, y.data());
        bad += mismatches(want_scale, std::vector<double>(y.begin(), y.end()), label + " scale");
        y = x;  // in place
        gm::packed_scale(k, *rounding, y.data(), n, sc, g.data(), b.data(), y.data());
        bad += mismatches(want_gain_bias, std::vector<double>(y.begin(), y.end()), label + " scale, gain, bias");
        if (f == gn::formats::fp32) {
          y = x;
          gm::packed_divide(k, y.data(), n, z);
          bad += mismatches(want_divide, std::vector<double>(y.begin(), y.end()), label + " divide");
        }
        checked += 4;
      }
    }
  }
  BOOST_TEST(checked > 0);
  BOOST_TEST(bad == 0, bad << " values differ");
}

// softmax and the norms (kernels.hpp) with the row kernels against the loops
// (kernel none), on rows with wild values, in fp32, Emulated bf16/fp16 and
// on float carriers whose softmax or norm site rounds into bf16/fp16.
template <class T, class R>
long softmax_and_norm_mismatches(const R& rounder, const gn::Format& f, std::uint64_t seed) {
  gn::PortableRandom rng(seed);
  long bad = 0;
  for (const std::size_t n : {1, 2, 7, 16, 17, 31, 64, 100}) {
    std::vector<T> x(n, make<T>(0.0)), g(n, make<T>(0.0)), b(n, make<T>(0.0));
    const double wild = n % 2 == 0 ? 0.3 : 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = make<T>(random_value(rng, f, wild));
      g[i] = make<T>(random_value(rng, f, 0.0));
      b[i] = make<T>(random_value(rng, f, 0.0));
    }
    const auto run = [&](gm::PackedKernel k) {
      std::vector<double> out;
      R fresh = rounder;  // the same random stream in every run
      with_env<T>(fresh, k, [&](auto& env) {
        std::vector<T> s = x;
        T z = make<T>(0.0);
        gm::softmax(env, s.data(), n, z);
        for (const T& v : s) out.push_back(value(v));
        out.push_back(value(z));
        const T eps = make<T>(1.0 / 1024), d = make<T>(static_cast<double>(n));
        std::vector<T> scratch;
        for (const gm::NormKind kind : {gm::NormKind::rmsnorm, gm::NormKind::layernorm}) {
          std::vector<T> y(n, make<T>(0.0));
          gm::normalize(env, kind, x.data(), n, g, b, eps, d, y.data(), scratch);
          for (const T& v : y) out.push_back(value(v));
          gm::normalize(env, kind, x.data(), n, {}, {}, eps, d, y.data(), scratch);
          for (const T& v : y) out.push_back(value(v));
        }
      });
      return out;
    };
    const std::vector<double> want = run(gm::PackedKernel::none());
    for (const gm::PackedKernel k : vector_kernels()) {
      bad += mismatches(want, run(k), gn::to_string(f) + " n=" + std::to_string(n) + " " + gm::to_string(k));
    }
  }
  return bad;
}

BOOST_AUTO_TEST_CASE(softmax_and_norms_with_row_kernels_equal_loops_bitwise) {
  gm::NoSiteRounding none;
  long bad = softmax_and_norm_mismatches<float>(none, gn::formats::fp32, 1);
  bad += softmax_and_norm_mismatches<gn::Bf16>(none, gn::formats::bf16, 2);
  bad += softmax_and_norm_mismatches<gn::Fp16>(none, gn::formats::fp16, 3);
  for (const char* text : {"ablate:softmax=bf16", "ablate:norm=fp16", "mixed:bf16~stochastic/fp32"}) {
    gm::SiteRounding<float> rounder(gm::parse_policy(text, gn::formats::fp32), {}, 5);
    bad += softmax_and_norm_mismatches<float>(rounder, gn::formats::fp32, 4);
  }
  BOOST_TEST(bad == 0, bad << " values differ");
}

// mul_weight on MPFR values (an integer multiply and an exact scaling)
// against mpfr_mul_d, the one rounding it replaces: value, sign of zero
// and NaN, at 53, 256 and 1000 bits; weights of every kind (binary32
// values, full doubles, subnormals, ±0, ±inf, NaN, the largest double) and
// activations of both signs, tiny, huge, zero, inf and NaN.
BOOST_AUTO_TEST_CASE(mpfr_mul_weight_equals_mpfr_mul_d) {
  gn::PortableRandom rng(99);
  std::vector<double> weights{0.0, -0.0, 1.0, -1.0, 0.5, 3.0, std::numeric_limits<double>::denorm_min(),
                              -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                              std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                              std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN(), std::ldexp(1.0, -1060) * 3};
  for (int i = 0; i < 200; ++i) {
    const double u = rng.uniform() * 2 - 1;
    weights.push_back(u);
    weights.push_back(static_cast<float>(u));
    weights.push_back(std::ldexp(u, static_cast<int>(rng.uniform() * 2000) - 1000));
  }
  long bad = 0, checked = 0;
  for (const long bits : {53L, 256L, 1000L}) {
    std::vector<gn::MpfrReal> bs;
    for (const double v : {0.0, -0.0, 1.0, -2.5, 1e-300, -1e300}) bs.emplace_back(v, bits);
    for (const double v : {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
      bs.emplace_back(v, bits);
    for (int i = 0; i < 20; ++i) {
      gn::MpfrReal x = gn::MpfrReal::from_ratio(static_cast<long>(rng.uniform() * 2e9) - 1000000000, 999999937L, bits);
      mpfr_mul_2si(x.data(), x.data(), static_cast<long>(rng.uniform() * 400) - 200, MPFR_RNDN);
      bs.push_back(x);
    }
    gn::MpfrReal huge(1.0, bits), tiny(1.0, bits);  // beyond the integer path's exponent window
    mpfr_mul_2si(huge.data(), huge.data(), 1L << 25, MPFR_RNDN);
    mpfr_mul_2si(tiny.data(), tiny.data(), -(1L << 25), MPFR_RNDN);
    bs.push_back(huge);
    bs.push_back(tiny);
    const gn::PrecisionContext ctx(bits);
    for (const gn::MpfrReal& b : bs) {
      for (const double w : weights) {
        gn::MpfrReal got, want(0.0, bits);
        gm::mul_weight(got, w, b, ctx);
        mpfr_mul_d(want.data(), b.data(), w, MPFR_RNDN);
        const bool same = mpfr_get_prec(got.data()) == bits &&
                          ((mpfr_nan_p(want.data()) && mpfr_nan_p(got.data())) ||
                           (mpfr_equal_p(want.data(), got.data()) && mpfr_signbit(want.data()) == mpfr_signbit(got.data())));
        if (!same && bad++ == 0) BOOST_TEST_MESSAGE("first mismatch: w = " << w << " at " << bits << " bits");
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 10000);
  BOOST_TEST(bad == 0, bad << " of " << checked << " products differ from mpfr_mul_d");
}

BOOST_AUTO_TEST_SUITE_END()
