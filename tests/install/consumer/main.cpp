// Rounds 0.1 into binary16 and runs the default preset once in bf16.
#include <cstdio>

#include "glasses/model/run.hpp"
#include "glasses/numerics/emulated.hpp"

int main() {
  const glasses::numerics::Fp16 x(0.1);
  const glasses::model::ModelSource m = glasses::model::make_preset("default");
  const glasses::model::RunSpec spec = glasses::model::parse_run_spec("bf16", glasses::numerics::formats::fp64);
  const glasses::model::ForwardResult r =
      glasses::model::run_forward(m, spec, glasses::model::make_input(m, {1, 1, 1}), false, true);
  std::printf("%.17g %zu\n", x.value(), r.logits.back().lower.size());
  return x.value() == 0.0999755859375 && r.logits.back().lower.size() == 29 ? 0 : 1;
}
