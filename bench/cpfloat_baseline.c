/* CPFloat as bench_bulk_round's baseline (cpfloat_baseline.h). */
#include "cpfloat_baseline.h"

#include "cpfloat_binary32.h"

int cpfloat_baseline_round(float* out, const float* in, size_t n, int p) {
  static optstruct* options[2] = {NULL, NULL};
  const int which = p == 11 ? 0 : 1;
  if (options[which] == NULL) {
    optstruct* o = init_optstruct();
    o->precision = p == 11 ? 11 : 8;
    o->emin = p == 11 ? -14 : -126;
    o->emax = p == 11 ? 15 : 127;
    o->subnormal = CPFLOAT_SUBN_USE;
    o->explim = CPFLOAT_EXPRANGE_TARG;
    o->infinity = CPFLOAT_INF_USE;
    o->round = CPFLOAT_RND_NE;
    o->saturation = CPFLOAT_SAT_NO;
    o->flip = CPFLOAT_SOFTERR_NO;
    o->p = 0;
    if (cpfloat_validate_optstructf(o) != 0) return -1;
    options[which] = o;
  }
  return cpfloatf(out, in, n, options[which]);
}
