#include "glasses/model/run.hpp"

#include "glasses/numerics/error.hpp"

namespace glasses::model {

RunSpec parse_run_spec(std::string_view text, const numerics::Format& reference, std::uint64_t seed,
                       const SumOrder& order) {
  RunSpec spec;
  spec.text = std::string(text);
  spec.seed = seed;
  if (text.starts_with("interval:")) {
    // Certified enclosures: the model's arithmetic in MPFI at this precision.
    const numerics::Format f = numerics::parse_format("mpfr:" + std::string(text.substr(9)));
    spec.policy = uniform_policy(f);
    spec.policy.text = spec.text;
    spec.execution = {CarrierKind::interval, {}, f.p, false};
    return spec;
  }
  spec.policy = parse_policy(text, reference, order);
  spec.execution = plan_execution(spec.policy);
  return spec;
}

InputSequence make_input(const ModelSource& model, const std::vector<int>& tokens) {
  InputSequence in;
  if (!model.rows) {
    in.tokens = tokens;
    return in;
  }
  // Row-input models: token i stands for row i of the seeded row source.
  in.rows = Matrix<double>(tokens.size(), static_cast<std::size_t>(model.config.d_model), 0.0);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t] < 0) throw InputError("row index " + std::to_string(tokens[t]) + " is negative");
    const std::vector<double> r = model.rows->row(static_cast<std::size_t>(tokens[t]));
    std::copy(r.begin(), r.end(), in.rows.row(t));
  }
  return in;
}

std::size_t carrier_index(const Execution& execution) {
  using numerics::scalar_index;
  switch (execution.carrier) {
    case CarrierKind::native_float: return scalar_index<float>();
    case CarrierKind::native_double: return scalar_index<double>();
    case CarrierKind::emulated: {
      const std::size_t i = numerics::fixed_scalar_index(execution.emulated_format);
      if (i < numerics::kScalarCount) return i;
      break;
    }
    case CarrierKind::mpfr: return scalar_index<numerics::MpfrReal>();
    case CarrierKind::interval: return scalar_index<numerics::Interval>();
  }
  throw Error("no carrier type for this run");
}

DistanceEnclosure interval_distance(const ModelSource& model, int bits, const std::vector<int>& a, const std::vector<int>& b,
                                    const numerics::RowGroup* group) {
  const RunSpec spec = parse_run_spec("interval:" + std::to_string(bits), numerics::formats::fp64);
  return detail::distance_as<numerics::Interval>(model, spec, a, b, group);
}

ForwardResult run_forward(const ModelSource& model, const RunSpec& spec, const InputSequence& input,
                          bool all_positions, bool want_logits, int digits, bool keep_trace) {
  if (digits < 0) throw InputError("cannot print values with " + std::to_string(digits) + " significant digits");
  return with_carrier(spec.execution, [&]<class T>() {
    return detail::run_forward_as<T>(model, spec, input, all_positions, want_logits, digits, keep_trace);
  });
}

}  // namespace glasses::model
