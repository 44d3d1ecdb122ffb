// Compiled with FMA instructions available: with contraction on,
// a*b - c*d becomes fma(a, b, -(c*d)) and keeps the rounding error of c*d.
#include "glasses/numerics/emulated.hpp"

#ifdef __FAST_MATH__
#error "-fno-fast-math, a usage requirement of glasses::numerics, did not reach this unit"
#endif

double difference_of_products(const double* x) { return x[0] * x[1] - x[2] * x[3]; }
