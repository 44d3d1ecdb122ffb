// Precision policies: which format rounds the results at each rounding site.
//
// A site is a family of operations of the forward pass (THEORY §1):
//
//   weights            every parameter, rounded once when the weights are converted
//   activations        every vector stored between steps: v^(0), u = norm(v), q, k, v
//                      (the KV cache), head outputs, a, z, the MLP hidden layer, v', y
//   matmul-accumulate  products and partial sums of the projections (W_Q, W_K, W_V, W_O,
//                      the MLP) and of the attention mixing Σ_j α_ij v_j
//   attention-scores   q·k, the 1/sqrt(d_h) scale, RoPE, the ALiBi bias
//   softmax            the shift, exp, the partition sum Z and the division by Z
//   norm               mean, variance or mean square, 1/sqrt, gain and bias
//   mlp                the activation function (ReLU, GELU, SiLU) and the SwiGLU product
//   output             the unembedding W_U y (logits)
//   kv-cache           the keys (after RoPE) and values as the KV cache stores them, every
//                      later query reads them from there (as engines with bf16 or fp8 KV caches)
//
// Policies (strings):
//   <format>[~<mode>]                every site in one format: fp16, bf16, mpfr:256, fp16~stochastic
//   mixed:<storage>/<compute>        weights, activations and the KV cache in <storage>, all arithmetic in
//                                    <compute>: mixed:bf16/fp32 is what inference engines do
//   ablate:<site>=<format>[~<mode>]  the reference format everywhere except one site: which
//                                    rounding causes a collapse
//   sites:<site>=<format>;...;default=<format>   anything else
// Each <format>[~<mode>] may end in @<order>, the summation order of the
// reductions rounded at that site (below): bf16@pairwise, or
// sites:softmax=bf16@kahan;default=fp32. Without it a site takes the
// run's default order (--order), itself `sequential` unless given.
// Modes: near_even (default), near_maxMag, stochastic (seeded). Directed
// modes are not offered for model runs: on a double or float carrier they
// are not the correctly rounded directed results (use `glasses arith`).
//
// How a policy executes: the forward runs on one *carrier* scalar type and
// rounds each operation's result into its site's format. With round to
// nearest and a carrier of at least 2p+2 bits this gives exactly the result
// of computing in the site's format (Figueroa 1995); so uniform fp16 run on
// a double carrier equals Emulated<fp16> bit for bit (tested). Stochastic
// rounding draws its probabilities from the carrier value.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::model {

enum class Site : std::uint8_t {
  weights,
  activations,
  matmul_accumulate,
  attention_scores,
  softmax,
  norm,
  mlp,
  output,
  kv_cache,
};

struct NamedSite {
  std::string_view name;
  Site site;
};

inline constexpr std::array kSites{
    NamedSite{"weights", Site::weights},
    NamedSite{"activations", Site::activations},
    NamedSite{"matmul-accumulate", Site::matmul_accumulate},
    NamedSite{"attention-scores", Site::attention_scores},
    NamedSite{"softmax", Site::softmax},
    NamedSite{"norm", Site::norm},
    NamedSite{"mlp", Site::mlp},
    NamedSite{"output", Site::output},
    NamedSite{"kv-cache", Site::kv_cache},
};
inline constexpr std::size_t kSiteCount = kSites.size();

std::string_view to_string(Site site);
Site parse_site(std::string_view name);  // throws InputError listing the sites

// The evaluation order of a sum Σ_{i<n} t_i (dot products, the softmax
// denominator Z, Σ_j α_j v_j, the norms' means): each order is a fixed,
// documented sequence of roundings, the same on every scalar type.
//   sequential   (((t_0 + t_1) + t_2) + …): the reference order, today's bits
//   pairwise     recursive halving: S[lo, lo+m) = S[lo, lo+⌈m/2⌉) + S[lo+⌈m/2⌉, lo+m),
//                S of one term = the term (no blocking at the leaves)
//   blocked:<k>  sequential within consecutive blocks of k terms, then
//                sequential over the block sums (the last block may be shorter)
//   splitk:<s>   s contiguous slices of ⌈n/s⌉ terms (GEMM split-K), each
//                summed sequentially, then the s partial sums sequentially:
//                blocked:⌈n/s⌉, the number of slices fixed rather than their size
//   kahan        compensated (Kahan 1965): y = t_i − c; u = S + y;
//                c = (u − S) − y; S = u, every operation rounded at the site
struct SumOrder {
  enum class Kind : std::uint8_t { sequential, pairwise, blocked, splitk, kahan };
  Kind kind = Kind::sequential;
  std::size_t k = 0;  // block size (blocked) or number of slices (splitk)
  bool operator==(const SumOrder&) const = default;
  bool sequential() const { return kind == Kind::sequential; }
};
SumOrder parse_sum_order(std::string_view text);  // throws InputError naming the orders
std::string to_string(const SumOrder& order);     // parse_sum_order(to_string(o)) == o

struct SiteArithmetic {
  numerics::Format format;
  numerics::Rounding rounding = numerics::Rounding::near_even;
  SumOrder order{};
  bool operator==(const SiteArithmetic&) const = default;
};

struct Policy {
  std::string text;  // as the user wrote it
  std::array<SiteArithmetic, kSiteCount> sites{};

  const SiteArithmetic& at(Site s) const { return sites[static_cast<std::size_t>(s)]; }
  SiteArithmetic& at(Site s) { return sites[static_cast<std::size_t>(s)]; }
  // Every site the same format and mode (orders may differ: they change
  // which operations run, not the carrier).
  bool uniform() const;
  // The summation order of each site.
  std::array<SumOrder, kSiteCount> orders() const;
};

// The summation orders of a policy: "pairwise" when every site has it,
// else "<site>@<order>;..." for every site.
std::string orders_text(const Policy& policy);

// Parses a policy; `reference` is the format of "everywhere else" in
// ablate: policies, `order` the summation order of every site that does not
// name one. Throws InputError naming the problem.
Policy parse_policy(std::string_view text, const numerics::Format& reference, const SumOrder& order = {});

// A uniform policy of one format, rounded to nearest even.
Policy uniform_policy(const numerics::Format& f);

// The scalar type a policy runs on.
enum class CarrierKind : std::uint8_t {
  native_float,   // binary32 hardware
  native_double,  // binary64 hardware
  emulated,       // Emulated<F> of a built-in format (uniform policies)
  mpfr,           // MpfrReal at `mpfr_bits`
  interval,       // Interval at `mpfr_bits` (certified enclosures; uniform mpfr policies only)
};

struct Execution {
  CarrierKind carrier;
  numerics::Format emulated_format{};  // for `emulated`
  int mpfr_bits = 0;                   // for `mpfr` and `interval`
  bool site_rounding = false;          // some site's format differs from the carrier's
};

// Chooses the carrier: the policy's own type when uniform (float, double,
// Emulated<F>, MPFR); otherwise float when every narrower site is
// round-to-nearest with p <= 11 in the binary32 range and the transcendental
// sites (softmax, norm, mlp) are binary32, double when every format has
// p <= 25 (53 >= 2p+2), else MPFR with 2p+2 bits or more.
Execution plan_execution(const Policy& policy);

}  // namespace glasses::model
