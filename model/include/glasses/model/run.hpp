// Running a model under a policy chosen at run time.
//
// The forward pass is a template over the scalar type; the command line and
// the sweeps pick the type from a string ("fp16", "mixed:bf16/fp32",
// "mpfr:256", "interval:256"). This header is that dispatch: `Carrier`
// describes what to run, `run_forward` runs it. The templates are
// instantiated once per type of numerics::Scalars (scalar_list.hpp), each in
// its own translation unit (generated from src/instantiate_scalar.cpp.in).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/policy.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/scalar_list.hpp"

namespace glasses::model {

// What a run computes in: a policy (possibly with site rounding), or a
// certified interval enclosure at some precision.
struct RunSpec {
  std::string text;  // as the user wrote it
  Policy policy;
  Execution execution;
  std::uint64_t seed = 0;  // stochastic rounding stream
};

// Parses a format or policy string: any policy of policy.hpp, or
// "interval:<bits>" for MPFI enclosures of the exact model (which enclose
// the exact value in any order: they ignore `order`). `order` is the
// summation order of the sites that name none.
RunSpec parse_run_spec(std::string_view text, const numerics::Format& reference, std::uint64_t seed = 0,
                       const SumOrder& order = {});

// Values computed by a run, as doubles: the nearest double for point
// types; for intervals the outward-rounded bounds (lower <= exact <= upper).
// `decimal` keeps every value at the carrier's own precision: mpfr:256 is
// not cut to a double's 17 digits.
struct Values {
  std::vector<double> nearest;       // ScalarTraits<T>::to_double: the nearest double (intervals: of the midpoint)
  std::vector<double> lower, upper;  // bounds: equal for types whose values are doubles
  std::vector<std::string> decimal;  // ScalarTraits<T>::decimal: "x", or "lower upper" for intervals
};

struct ForwardResult {
  std::string scalar;                 // the carrier's name, e.g. "fp16" or "interval:256"
  int digits = 0;                     // significant digits of Values::decimal
  std::vector<std::size_t> positions; // rows below belong to these positions
  std::vector<Values> y;              // per position, d values
  std::vector<Values> logits;         // per position, vocab values (empty without an unembedding)
  NumericalIssue issue;
  // With keep_trace, as nearest doubles (intervals: their midpoints): the
  // residual stream v^(l), l = 0..L, [l][t·d + i] over every position t, and
  // the attention weights α, [l][h][t·n + s] (zero outside N(t)).
  std::vector<std::vector<double>> residual;
  std::vector<std::vector<std::vector<double>>> attention;
};

// The input of a model: token ids, mapped to raw rows for row-input models.
InputSequence make_input(const ModelSource& model, const std::vector<int>& tokens);

// One full forward. `digits` significant digits for Values::decimal; 0:
// enough to read every value back exactly in the carrier's format
// (numerics::round_trip_digits); `keep_trace` also returns the residual
// stream and the attention weights. Throws InputError for bad tokens, a
// sequence too long, or digits < 0.
ForwardResult run_forward(const ModelSource& model, const RunSpec& spec, const InputSequence& input,
                          bool all_positions, bool want_logits, int digits = 0, bool keep_trace = false);

// Certified bounds of max_i |y_i(a) - y_i(b)| at the last position of two
// token sequences (row indices for row models): both forwards in MPFI at
// `bits` (causal models share the common prefix through the KV cache, which
// gives the same enclosures), the differences taken in MPFI too (so the
// enclosure narrows with `bits` below binary64's resolution of y), then the
// lower bound rounded down and the upper up to double.
struct DistanceEnclosure {
  double lower = 0, upper = 0;
  NumericalIssue issue;  // of either forward
};
// `group`: processes sharing each step's rows (numerics/parallel.hpp), or none.
DistanceEnclosure interval_distance(const ModelSource& model, int bits, const std::vector<int>& a, const std::vector<int>& b,
                                    const numerics::RowGroup* group = nullptr);

// The position in numerics::Scalars (scalar_list.hpp) of the carrier type of
// `execution`. Throws Error when no listed type carries it.
std::size_t carrier_index(const Execution& execution);

// Calls f.template operator()<T>() with the carrier type T of `execution`.
template <class F>
decltype(auto) with_carrier(const Execution& execution, F&& f) {
  return numerics::with_scalar(carrier_index(execution), std::forward<F>(f));
}

namespace detail {
// One instantiation per type of numerics::Scalars (src/instantiate_scalar.cpp.in).
template <class T>
ForwardResult run_forward_as(const ModelSource& model, const RunSpec& spec, const InputSequence& input,
                             bool all_positions, bool want_logits, int digits, bool keep_trace);
template <class T>
DistanceEnclosure distance_as(const ModelSource& model, const RunSpec& spec, const std::vector<int>& a,
                              const std::vector<int>& b, const numerics::RowGroup* group);
}  // namespace detail

}  // namespace glasses::model
