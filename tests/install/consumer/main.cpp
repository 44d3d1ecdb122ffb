// Rounds 0.1 into binary16, runs the default preset once in bf16, and checks
// that glasses' numeric flags reached this project (issue 15, defect 3).
#include <cstdio>

#include "glasses/model/run.hpp"
#include "glasses/numerics/emulated.hpp"

double difference_of_products(const double* x);

int main() {
  const glasses::numerics::Fp16 x(0.1);
  const glasses::model::ModelSource m = glasses::model::make_preset("default");
  const glasses::model::RunSpec spec = glasses::model::parse_run_spec("bf16", glasses::numerics::formats::fp64);
  const glasses::model::ForwardResult r =
      glasses::model::run_forward(m, spec, glasses::model::make_input(m, {1, 1, 1}), false, true);
  std::printf("%.17g %zu\n", x.value(), r.logits.back().lower.size());
  // 0.1·0.1 − 0.1·0.1 is 0 unless the compiler fused one product into an fma
  // (then it is the rounding error of 0.1·0.1, about 5.6e-19).
  static volatile double tenth = 0.1;
  const double operands[4] = {tenth, tenth, tenth, tenth};
  bool contracted = false;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("fma")) contracted = difference_of_products(operands) != 0.0;
#endif
  if (contracted) std::printf("a*b - c*d was contracted into an fma: -ffp-contract=off did not reach this project\n");
  return x.value() == 0.0999755859375 && r.logits.back().lower.size() == 29 && !contracted ? 0 : 1;
}
