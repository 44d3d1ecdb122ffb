// The scalar types glasses instantiates, listed once.
//
// Everything that needs "every scalar type" iterates `Scalars`:
//   - explicit instantiation: model/CMakeLists.txt generates one translation
//     unit per entry (src/instantiate_scalar.cpp.in, given the entry's
//     index; it reads the number of entries from this file);
//   - dispatch from a run-time choice to a type: `with_scalar(index, f)`, and
//     `fixed_scalar_index(format)` for the types of one fixed format
//     (model/run.hpp builds `with_carrier` on these);
//   - templated tests: BOOST_AUTO_TEST_CASE_TEMPLATE(name, T, Scalars).
//
// Adding a format of Emulated<F> takes two edits: the format itself in
// format.hpp (its `formats::` constant and its `kNamedFormats` row), and
// one line below. The build, `--format` parsing, the model's dispatch and
// the templated tests follow.
//
// Things you should know
//  1. The list is a std::tuple used only as a list of types; no tuple value
//     is ever made.
//  2. Keep one entry per line and no ';' inside the list: CMake counts the
//     entries by reading this file (model/CMakeLists.txt), and a
//     static_assert in every instantiation unit checks that count.
//  3. Order matters only for `fixed_scalar_index`: the first type whose
//     fixed format matches wins, so `float` (not Emulated<fp32>) carries
//     fp32 and `double` carries fp64.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/numerics/scalar_traits.hpp"

namespace glasses::numerics {

// clang-format off
using Scalars = std::tuple<
    float,                    // fp32 in hardware
    double,                   // fp64 in hardware
    Emulated<formats::fp16>,
    Emulated<formats::bf16>,
    Emulated<formats::tf32>,
    Emulated<formats::e4m3>,
    Emulated<formats::e5m2>,
    MpfrReal,                 // mpfr:<bits>, the precision chosen at run time
    BinFloat256,              // cpp_bin_float:256, Boost.Multiprecision (MPFR's cross-check)
    Interval>;                // interval:<bits>, certified enclosures
// clang-format on

inline constexpr std::size_t kScalarCount = std::tuple_size_v<Scalars>;

template <std::size_t I>
using ScalarAt = std::tuple_element_t<I, Scalars>;

// Whether T holds the values of one format known at compile time (its
// Context is empty), as opposed to a precision chosen at run time.
template <class T>
inline constexpr bool kHasFixedFormat = std::is_empty_v<typename ScalarTraits<T>::Context>;

namespace detail {

template <class T>
constexpr Format fixed_format_of() {
  if constexpr (kHasFixedFormat<T>) {
    return ScalarTraits<T>::format(typename ScalarTraits<T>::Context{});
  } else {
    return Format{};
  }
}

template <std::size_t... I>
constexpr std::size_t fixed_scalar_index(const Format& f, std::index_sequence<I...>) {
  constexpr std::array<bool, kScalarCount> fixed{kHasFixedFormat<ScalarAt<I>>...};
  constexpr std::array<Format, kScalarCount> format{fixed_format_of<ScalarAt<I>>()...};
  for (std::size_t i = 0; i < kScalarCount; ++i) {
    if (fixed[i] && format[i] == f) return i;
  }
  return kScalarCount;
}

template <class T, std::size_t... I>
constexpr std::size_t scalar_index(std::index_sequence<I...>) {
  std::size_t index = kScalarCount;
  ((std::is_same_v<T, ScalarAt<I>> ? (index = I, 0) : 0), ...);
  return index;
}

}  // namespace detail

// The position of T in the list; a compile error when T is not listed.
template <class T>
constexpr std::size_t scalar_index() {
  constexpr std::size_t index = detail::scalar_index<T>(std::make_index_sequence<kScalarCount>{});
  static_assert(index < kScalarCount, "this type is not in numerics::Scalars (scalar_list.hpp)");
  return index;
}

// The position of the type whose fixed format is `f`, or kScalarCount when
// no listed type holds exactly the values of `f` (note 3).
constexpr std::size_t fixed_scalar_index(const Format& f) {
  return detail::fixed_scalar_index(f, std::make_index_sequence<kScalarCount>{});
}

// Calls f.template operator()<ScalarAt<index>>() and returns its result;
// every entry's call must return the same type. Throws Error for an index
// outside the list.
template <class F>
decltype(auto) with_scalar(std::size_t index, F&& f) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
    using Result = decltype(f.template operator()<ScalarAt<0>>());
    static_assert((std::is_same_v<Result, decltype(f.template operator()<ScalarAt<I>>())> && ...),
                  "with_scalar: the callable must return the same type for every scalar type");
    using Call = Result (*)(F&);
    constexpr std::array<Call, kScalarCount> calls{
        +[](F& g) -> Result { return g.template operator()<ScalarAt<I>>(); }...};
    if (index >= kScalarCount) throw Error("no scalar type at index " + std::to_string(index) + " of the list");
    return calls[index](f);
  }(std::make_index_sequence<kScalarCount>{});
}

// Calls f.template operator()<Emulated<F>>() for the F of `kFormats` equal
// to `format` (for code that works on Emulated values of a chosen set of
// formats). Throws InputError, starting with `what`, when `format` is not
// in the set.
template <auto kFormats, class F>
decltype(auto) with_emulated(const Format& format, std::string_view what, F&& f) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
    using Result = decltype(f.template operator()<Emulated<kFormats[0]>>());
    using Call = Result (*)(F&);
    constexpr std::array<Call, sizeof...(I)> calls{
        +[](F& g) -> Result { return g.template operator()<Emulated<kFormats[I]>>(); }...};
    for (std::size_t i = 0; i < kFormats.size(); ++i) {
      if (kFormats[i] == format) return calls[i](f);
    }
    std::string offered;
    for (const Format& o : kFormats) offered += (offered.empty() ? "" : ", ") + to_string(o);
    throw InputError(std::string(what) + " offered in " + offered + ", not " + to_string(format));
  }(std::make_index_sequence<kFormats.size()>{});
}

}  // namespace glasses::numerics
