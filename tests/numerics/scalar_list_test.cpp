// The one list of scalar types: every entry is found again by its index and,
// for types of one fixed format, by that format; dispatch reaches each type.
#include "glasses/numerics/scalar_list.hpp"

#include <array>
#include <boost/test/unit_test.hpp>
#include <limits>
#include <string>
#include <type_traits>

namespace gn = glasses::numerics;

BOOST_AUTO_TEST_SUITE(scalar_list)

BOOST_AUTO_TEST_CASE_TEMPLATE(with_scalar_reaches_each_type_at_its_index, T, gn::Scalars) {
  const std::size_t index = gn::scalar_index<T>();
  BOOST_TEST(index < gn::kScalarCount);
  const bool same = gn::with_scalar(index, []<class U>() { return std::is_same_v<U, T>; });
  BOOST_TEST(same);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fixed_format_types_are_found_by_their_format, T, gn::Scalars) {
  if constexpr (gn::kHasFixedFormat<T>) {
    const gn::Format f = gn::ScalarTraits<T>::format({});
    BOOST_TEST(gn::fixed_scalar_index(f) == gn::scalar_index<T>(), gn::to_string(f));
  } else {
    BOOST_TEST((gn::ScalarTraits<T>::format(gn::PrecisionContext(64)) == gn::formats::mpfr(64)));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(values_round_trip_through_double, T, gn::Scalars) {
  typename gn::ScalarTraits<T>::Context ctx{};
  const T half = gn::ScalarTraits<T>::from_double(ctx, 0.5);
  BOOST_TEST(gn::ScalarTraits<T>::to_double(half) == 0.5);
  BOOST_TEST(!gn::ScalarTraits<T>::name(ctx).empty());
}

BOOST_AUTO_TEST_CASE(fp32_and_fp64_are_carried_by_the_native_types) {
  BOOST_TEST(gn::fixed_scalar_index(gn::formats::fp32) == gn::scalar_index<float>());
  BOOST_TEST(gn::fixed_scalar_index(gn::formats::fp64) == gn::scalar_index<double>());
  BOOST_TEST(gn::fixed_scalar_index(gn::formats::mpfr(53)) == gn::kScalarCount);
  BOOST_CHECK_THROW(gn::with_scalar(gn::kScalarCount, []<class U>() { return 0; }), glasses::Error);
}

BOOST_AUTO_TEST_CASE(with_emulated_dispatches_on_a_chosen_set_of_formats) {
  static constexpr std::array kSet{gn::formats::fp16, gn::formats::bf16};
  const double p = gn::with_emulated<kSet>(gn::formats::bf16, "test", []<class U>() {
    return static_cast<double>(std::numeric_limits<U>::digits);
  });
  BOOST_TEST(p == 8.0);
  BOOST_CHECK_THROW(gn::with_emulated<kSet>(gn::formats::e4m3, "test", []<class U>() { return 0; }), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
