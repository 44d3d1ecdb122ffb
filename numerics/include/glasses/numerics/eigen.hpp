// Eigen::NumTraits for the glasses scalar types, and nowhere else.
//
// With these, Eigen containers and expressions work on Emulated<F>. Note
// that Eigen's products choose their own summation order (and cache-size
// dependent blocking): the model never uses them for sums (kernels.hpp owns
// the evaluation order). `dummy_precision` is Eigen's fuzzy-comparison
// tolerance; glasses checks never use it (tolerances come from the bound
// being checked), it is set to a few ulps only so that Eigen's own
// algorithms behave.
#pragma once

#include <Eigen/Core>

#include "glasses/numerics/emulated.hpp"

namespace Eigen {

template <glasses::numerics::Format F, glasses::numerics::Rounding R>
struct NumTraits<glasses::numerics::Emulated<F, R>> : GenericNumTraits<glasses::numerics::Emulated<F, R>> {
  using T = glasses::numerics::Emulated<F, R>;
  using Real = T;
  using NonInteger = T;
  using Nested = T;
  using Literal = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 4,
    MulCost = 4,
  };
  static T epsilon() { return std::numeric_limits<T>::epsilon(); }
  static T dummy_precision() { return T::from_exact(8 * glasses::numerics::machine_epsilon(F)); }
  static T highest() { return std::numeric_limits<T>::max(); }
  static T lowest() { return std::numeric_limits<T>::lowest(); }
  static T infinity() { return std::numeric_limits<T>::infinity(); }
  static T quiet_NaN() { return std::numeric_limits<T>::quiet_NaN(); }
  static int digits10() { return std::numeric_limits<T>::digits10; }
  static int digits() { return F.p; }
};

}  // namespace Eigen
