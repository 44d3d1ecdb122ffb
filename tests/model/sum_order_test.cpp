// Summation orders (policy.hpp SumOrder, kernels.hpp reduce) against exact
// references:
//   - constructed bf16 sums whose error each order makes is known in closed
//     form, the exact sum from Boost's cpp_rational;
//   - random bf16 sums against a second implementation of each order's
//     definition written here, every addition rounded by MPFR at 8 bits;
//   - whole forwards: each order on Emulated<bf16> equals the same order on a
//     double carrier rounding into bf16 at every site (two carriers, two code
//     paths of combine_rows), and fp32 on float (vector kernels off for
//     non-sequential orders) equals fp32 on a double carrier.
#include <boost/multiprecision/cpp_int.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <mpfr.h>
#include <string>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/kernels.hpp"
#include "glasses/model/policy.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/random.hpp"
#include "support/bits.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;
using Q = boost::multiprecision::cpp_rational;

namespace {

const std::vector<std::string> kOrders{"sequential", "pairwise", "blocked:1", "blocked:3", "blocked:8",
                                       "splitk:1",   "splitk:3", "splitk:4",  "kahan"};

// Σ t in `order`, on Emulated<bf16> (no site rounder) or on a float carrier
// rounding every operation into bf16 (the site rounder); both through dot
// (t_i · 1, exact products) when `as_dot`.
template <class T>
double kernel_sum(const std::vector<double>& t, const std::string& order, bool as_dot = false) {
  using Traits = gn::ScalarTraits<T>;
  const typename Traits::Context ctx{};
  const auto body = [&](auto& rounder) {
    using R = std::remove_reference_t<decltype(rounder)>;
    gm::Env<T, R> env{ctx, rounder};
    env.orders.fill(gm::parse_sum_order(order));
    std::vector<T> terms, ones;
    for (double x : t) {
      terms.push_back(Traits::from_double(ctx, x));
      ones.push_back(Traits::from_double(ctx, 1.0));
    }
    T out = terms[0], p = terms[0];
    if (as_dot) {
      gm::dot(env, gm::Site::matmul_accumulate, terms.data(), ones.data(), t.size(), out, p);
    } else {
      gm::reduce(env, gm::Site::matmul_accumulate, t.size(), [&](T& r, std::size_t i) { r = terms[i]; }, out, p);
    }
    return Traits::to_double(out);
  };
  if constexpr (std::is_same_v<T, float>) {
    gm::SiteRounding<float> rounder(gm::parse_policy("bf16", gn::formats::fp64), ctx, 0);
    return body(rounder);
  } else {
    gm::NoSiteRounding none;
    return body(none);
  }
}

// ---- the second implementation: each order's definition, MPFR at 8 bits ----

double add8(double a, double b, bool subtract = false) {
  mpfr_t x, y, r;
  mpfr_inits2(64, x, y, static_cast<mpfr_ptr>(nullptr));
  mpfr_init2(r, 8);
  mpfr_set_d(x, a, MPFR_RNDN);
  mpfr_set_d(y, b, MPFR_RNDN);
  if (subtract) {
    mpfr_sub(r, x, y, MPFR_RNDN);
  } else {
    mpfr_add(r, x, y, MPFR_RNDN);
  }
  const double v = mpfr_get_d(r, MPFR_RNDN);
  mpfr_clears(x, y, r, static_cast<mpfr_ptr>(nullptr));
  return v;
}

double sequential(const std::vector<double>& t, std::size_t lo, std::size_t hi) {
  double s = t[lo];
  for (std::size_t i = lo + 1; i < hi; ++i) s = add8(s, t[i]);
  return s;
}

double pairwise(const std::vector<double>& t, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) return t[lo];
  const std::size_t mid = lo + (hi - lo + 1) / 2;
  return add8(pairwise(t, lo, mid), pairwise(t, mid, hi));
}

double blocked(const std::vector<double>& t, std::size_t k) {
  std::vector<double> sums;
  for (std::size_t b = 0; b < t.size(); b += k) sums.push_back(sequential(t, b, std::min(t.size(), b + k)));
  return sequential(sums, 0, sums.size());
}

double kahan(const std::vector<double>& t) {
  double s = t[0], c = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double y = add8(t[i], c, true);
    const double u = add8(s, y);
    c = add8(add8(u, s, true), y, true);
    s = u;
  }
  return s;
}

double reference_sum(const std::vector<double>& t, const std::string& order) {
  const gm::SumOrder o = gm::parse_sum_order(order);
  switch (o.kind) {
    case gm::SumOrder::Kind::sequential: return sequential(t, 0, t.size());
    case gm::SumOrder::Kind::pairwise: return pairwise(t, 0, t.size());
    case gm::SumOrder::Kind::blocked: return blocked(t, o.k);
    case gm::SumOrder::Kind::splitk: return blocked(t, (t.size() + o.k - 1) / o.k);
    case gm::SumOrder::Kind::kahan: return kahan(t);
  }
  return NAN;
}

Q exact(const std::vector<double>& t) {
  Q s = 0;
  for (double x : t) s += Q(x);
  return s;
}

// 1 followed by m copies of u = 2^-8, half an ulp of 1 in bf16.
std::vector<double> one_and_halves(std::size_t m) {
  std::vector<double> t(m + 1, std::ldexp(1.0, -8));
  t[0] = 1;
  return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sum_order)

BOOST_AUTO_TEST_CASE(parses_prints_and_refuses) {
  for (const std::string& o : kOrders) BOOST_TEST(gm::to_string(gm::parse_sum_order(o)) == o);
  for (const char* bad : {"", "blocked", "blocked:", "blocked:0", "splitk:-1", "splitk:2x", "kahan2", "Pairwise",
                          "blocked:99999999999"}) {
    BOOST_CHECK_THROW(gm::parse_sum_order(bad), glasses::InputError);
  }
  // In policies: @<order> after a site's format; the default for the rest.
  using K = gm::SumOrder::Kind;
  const gm::Policy p = gm::parse_policy("sites:softmax=bf16@kahan;norm=fp16~stochastic@blocked:4;default=fp32",
                                        gn::formats::fp64, gm::parse_sum_order("pairwise"));
  BOOST_TEST((p.at(gm::Site::softmax).order.kind == K::kahan));
  BOOST_TEST((p.at(gm::Site::norm).order == gm::SumOrder{K::blocked, 4}));
  BOOST_TEST((p.at(gm::Site::norm).rounding == gn::Rounding::stochastic));
  BOOST_TEST((p.at(gm::Site::matmul_accumulate).order.kind == K::pairwise));
  BOOST_TEST(gm::orders_text(gm::parse_policy("bf16@splitk:2", gn::formats::fp64)) == "splitk:2");
  BOOST_TEST(gm::parse_policy("bf16@kahan", gn::formats::fp64).uniform());  // still runs on Emulated<bf16>
  BOOST_TEST(gm::orders_text(gm::parse_policy("mixed:bf16/fp32@kahan", gn::formats::fp64)) ==
             "weights@sequential;activations@sequential;matmul-accumulate@kahan;attention-scores@kahan;"
             "softmax@kahan;norm@kahan;mlp@kahan;output@kahan;kv-cache@sequential");
  BOOST_CHECK_THROW(gm::parse_policy("bf16@fast", gn::formats::fp64), glasses::InputError);
}

// Sums of 1 and m halves u = 2^-8 (half an ulp of 1 in bf16), exact value
// 1 + m·u, evaluated in bf16:
//   sequential  every 1 + u ties to the even 1: the sum stagnates, error m·u;
//   kahan       (m even) the compensation carries each lost half into the
//               next step: exact;
//   blocked:k   (k even, k | m+1) the first block, which starts with the 1,
//               stagnates (k−1 halves lost); every other block sums k·u
//               exactly, an even multiple of u, added exactly: error (k−1)·u;
//   splitk:s    s contiguous slices of (m+1)/s terms: blocked:(m+1)/s;
//   pairwise    (m+1 = 2^j) only the first pair (1, u) ties; the later
//               sums are 1 + (2^i − 2)·u plus a power-of-two count of
//               halves, all exact: error u.
BOOST_AUTO_TEST_CASE(constructed_sums_make_the_known_errors) {
  const Q u = Q(1) / 256;
  for (std::size_t m : {2u, 14u, 62u}) {
    const std::vector<double> t = one_and_halves(m);
    BOOST_TEST(exact(t) == 1 + m * u);
    for (bool as_dot : {false, true}) {
      BOOST_TEST(exact(t) - Q(kernel_sum<gn::Bf16>(t, "sequential", as_dot)) == m * u);
      BOOST_TEST(exact(t) - Q(kernel_sum<float>(t, "sequential", as_dot)) == m * u);
      BOOST_TEST(exact(t) - Q(kernel_sum<gn::Bf16>(t, "kahan", as_dot)) == 0);
      BOOST_TEST(exact(t) - Q(kernel_sum<float>(t, "kahan", as_dot)) == 0);
    }
  }
  for (const auto& [n, k] : {std::pair<std::size_t, std::size_t>{4, 2}, {16, 4}, {64, 8}}) {
    const std::vector<double> t = one_and_halves(n - 1);
    const Q s = exact(t);
    const std::vector<std::pair<std::string, Q>> expected{
        {"sequential", Q(n - 1) * u},
        {"blocked:" + std::to_string(k), Q(k - 1) * u},
        {"splitk:" + std::to_string(n / k), Q(k - 1) * u},
        {"pairwise", u},
    };
    for (const auto& [order, error] : expected) {
      for (bool as_dot : {false, true}) {
        BOOST_TEST(s - Q(kernel_sum<gn::Bf16>(t, order, as_dot)) == error, order << " n=" << n);
        BOOST_TEST(s - Q(kernel_sum<float>(t, order, as_dot)) == error, order << " n=" << n << " (float carrier)");
      }
    }
  }
}

// Random bf16 terms of mixed signs and magnitudes, n from 1 to 100: every
// order on both carriers equals its definition evaluated with MPFR.
BOOST_AUTO_TEST_CASE(random_sums_equal_an_mpfr_implementation_of_each_order) {
  gn::PortableRandom rng(14);
  long checked = 0;
  for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 16u, 17u, 33u, 64u, 100u}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> t(n);
      gn::RoundingContext rc;
      for (double& x : t) {
        x = gn::round(gn::formats::bf16, std::ldexp(rng.uniform() - 0.5, static_cast<int>(rng.uniform() * 12) - 6), rc);
      }
      for (const std::string& order : kOrders) {
        const double want = reference_sum(t, order);
        BOOST_TEST(glasses::test::same_value(kernel_sum<gn::Bf16>(t, order), want), order << " n=" << n);
        BOOST_TEST(glasses::test::same_value(kernel_sum<float>(t, order, true), want), order << " n=" << n);
        ++checked;
      }
    }
  }
  BOOST_TEST(checked == 12 * 20 * static_cast<long>(kOrders.size()));
}

// Whole forwards (every reduction: projections, q·k, Z, Σαv, the norms'
// sums; LayerNorm's mean in GPT-2): Emulated<bf16> and a double carrier
// rounding every site into bf16 give the same bits in every order (two code
// paths of combine_rows); on float, the automatic kernels (vector kernels
// for sequential sums) equal the reference loops (kernel `none`) in every
// order, so no vector kernel sums in another order than asked. The orders do
// change the bf16 logits.
BOOST_AUTO_TEST_CASE(forward_in_every_order_is_the_same_on_two_carriers) {
  const std::vector<int> tokens{3, 1, 1, 4, 0, 6, 6, 6, 2, 5, 1, 7, 7, 2, 9};
  for (const gm::ModelSource& s :
       {gm::make_preset("default"), gm::open_checkpoint(std::string(GLASSES_TEST_FIXTURES) + "/refmodels/gpt2-small")}) {
    std::vector<double> sequential_logits;
    int differing_orders = 0;
    for (const std::string& order : kOrders) {
      const auto run = [&](auto carrier, const std::string& format, bool site_rounding, gm::PackedKernel kernel) {
        using T = decltype(carrier);
        const gm::Policy policy = gm::parse_policy(format + "@" + order, gn::formats::fp64);
        const auto go = [&](auto& rounder) {
          gm::Env<T, std::remove_reference_t<decltype(rounder)>> env{{}, rounder, kernel};
          env.orders = policy.orders();
          const gm::PreparedModel<T> m = gm::prepare(s, env);
          const gm::Trace<T> trace = gm::forward(m, env, gm::InputSequence{tokens, {}}, {});
          std::vector<double> v;
          for (const T& x : trace.logits.data) v.push_back(gn::ScalarTraits<T>::to_double(x));
          return v;
        };
        if constexpr (std::is_same_v<T, double>) {  // the carrier that rounds into bf16 here
          if (site_rounding) {
            gm::SiteRounding<T> rounder(policy, {}, 0);
            return go(rounder);
          }
        }
        gm::NoSiteRounding none;
        return go(none);
      };
      const auto automatic = gm::PackedKernel::automatic(), reference = gm::PackedKernel::none();
      const std::vector<double> emulated = run(gn::Bf16{}, "bf16", false, automatic);
      const std::vector<double> carried = run(0.0, "bf16", true, automatic);
      const std::vector<double> vector = run(0.0f, "fp32", false, automatic);
      const std::vector<double> loops = run(0.0f, "fp32", false, reference);
      long carrier_mismatches = 0, kernel_mismatches = 0;
      for (std::size_t i = 0; i < emulated.size(); ++i) {
        carrier_mismatches += !glasses::test::same_value(emulated[i], carried[i]);
        kernel_mismatches += !glasses::test::same_value(vector[i], loops[i]);
      }
      BOOST_TEST(carrier_mismatches == 0, s.origin << " " << order << ": " << carrier_mismatches);
      BOOST_TEST(kernel_mismatches == 0, s.origin << " " << order << ": " << kernel_mismatches);
      if (order == "sequential") sequential_logits = emulated;
      differing_orders += emulated != sequential_logits;
    }
    BOOST_TEST(differing_orders >= 6, s.origin << ": " << differing_orders << " orders change the bf16 logits");
  }
}

BOOST_AUTO_TEST_SUITE_END()
