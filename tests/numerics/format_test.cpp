// Formats: every derived quantity against values derived by hand from the
// format definitions (IEEE 754-2019 Table 3.5, the OCP OFP8 spec), and the
// parser's error messages.
#include "glasses/numerics/format.hpp"

#include <boost/test/unit_test.hpp>
#include <cfloat>
#include <cmath>
#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/rounding.hpp"

namespace gn = glasses::numerics;

BOOST_AUTO_TEST_SUITE(format)

BOOST_AUTO_TEST_CASE(named_formats_have_the_published_limits) {
  struct Expected {
    const char* name;
    double max_finite, min_normal, min_subnormal, unit_roundoff;
    int total_bits;
  };
  // Hand-derived: fp16 max = (2 - 2^-10) 2^15 = 65504; bf16 max = (2 - 2^-7) 2^127;
  // E4M3 max = 1.75 * 2^8 = 448 (S.1111.111 is NaN), min subnormal 2^-9;
  // E5M2 max = 1.75 * 2^15 = 57344, min subnormal 2^-16.
  const Expected table[] = {
      {"fp64", DBL_MAX, DBL_MIN, std::ldexp(1.0, -1074), std::ldexp(1.0, -53), 64},
      {"fp32", FLT_MAX, FLT_MIN, std::ldexp(1.0, -149), std::ldexp(1.0, -24), 32},
      {"tf32", std::ldexp(2.0 - std::ldexp(1.0, -10), 127), FLT_MIN, std::ldexp(1.0, -136), std::ldexp(1.0, -11), 19},
      {"fp16", 65504.0, std::ldexp(1.0, -14), std::ldexp(1.0, -24), std::ldexp(1.0, -11), 16},
      {"bf16", std::ldexp(2.0 - std::ldexp(1.0, -7), 127), FLT_MIN, std::ldexp(1.0, -133), std::ldexp(1.0, -8), 16},
      {"e4m3", 448.0, std::ldexp(1.0, -6), std::ldexp(1.0, -9), std::ldexp(1.0, -4), 8},
      {"e5m2", 57344.0, std::ldexp(1.0, -14), std::ldexp(1.0, -16), std::ldexp(1.0, -3), 8},
  };
  BOOST_TEST(std::size(table) == gn::kNamedFormats.size());
  for (const Expected& e : table) {
    BOOST_TEST_CONTEXT(e.name) {
      const gn::Format f = gn::parse_format(e.name);
      BOOST_TEST(gn::max_finite(f) == e.max_finite);
      BOOST_TEST(gn::min_normal(f) == e.min_normal);
      BOOST_TEST(gn::min_subnormal(f) == e.min_subnormal);
      BOOST_TEST(gn::unit_roundoff(f) == e.unit_roundoff);
      BOOST_TEST(gn::machine_epsilon(f) == 2 * e.unit_roundoff);
      BOOST_TEST(gn::encoding(f)->total_bits() == e.total_bits);
      BOOST_TEST(gn::to_string(f) == e.name);
    }
  }
}

BOOST_AUTO_TEST_CASE(encodings_match_the_specifications) {
  const auto e4m3 = gn::encoding(gn::formats::e4m3);
  BOOST_TEST(e4m3->exponent_bits == 4);
  BOOST_TEST(e4m3->bias == 7);
  BOOST_TEST(e4m3->trailing_bits == 3);
  const auto e5m2 = gn::encoding(gn::formats::e5m2);
  BOOST_TEST(e5m2->exponent_bits == 5);
  BOOST_TEST(e5m2->bias == 15);
  const auto bf16 = gn::encoding(gn::formats::bf16);
  BOOST_TEST(bf16->exponent_bits == 8);
  BOOST_TEST(bf16->bias == 127);
  BOOST_TEST(bf16->trailing_bits == 7);
  BOOST_TEST(!gn::encoding(gn::formats::mpfr(256)).has_value());
  BOOST_TEST(!gn::encoding(gn::parse_format("custom:p=5,emax=20")).has_value());  // 21 is no power of two
}

BOOST_AUTO_TEST_CASE(parse_and_print_round_trip) {
  for (const char* text : {"fp16:nosub", "e4m3:nosat", "e5m2:sat", "mpfr:256", "mpfr:2", "custom:p=5,emax=15",
                           "custom:p=5,emax=15,emin=-10,nosub,sat", "custom:p=53,emax=1023"}) {
    BOOST_TEST_CONTEXT(text) {
      const gn::Format f = gn::parse_format(text);
      BOOST_TEST((gn::parse_format(gn::to_string(f)) == f));
    }
  }
  // A custom format with the binary16 parameters is binary16.
  BOOST_TEST(gn::to_string(gn::parse_format("custom:p=11,emax=15")) == "fp16");
  BOOST_TEST(gn::parse_format("mpfr:300").p == 300);
}

BOOST_AUTO_TEST_CASE(bad_strings_are_rejected_with_the_reason) {
  const std::pair<const char*, const char*> cases[] = {
      {"fp17", "unknown format"},
      {"", "empty"},
      {"mpfr:0", "between 2 and"},
      {"mpfr:99999999", "between 2 and"},
      {"mpfr:abc", "integer"},
      {"custom:p=0,emax=15", "p must be"},
      {"custom:emax=15", "missing p"},
      {"custom:p=5", "missing emax"},
      {"custom:p=5,emax=15,q=3", "unknown field"},
      {"fp16:fast", "unknown modifier"},
      {"custom:p=5,emax=2000", "emax must be"},
  };
  for (const auto& [text, reason] : cases) {
    BOOST_TEST_CONTEXT(text) {
      try {
        gn::parse_format(text);
        BOOST_ERROR("accepted");
      } catch (const glasses::InputError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find(reason) != std::string::npos, message);
        BOOST_TEST(message.find(std::string("'") + text + "'") != std::string::npos, message);
      }
    }
  }
  BOOST_CHECK_THROW(gn::parse_rounding("nearest"), glasses::InputError);
  BOOST_TEST((gn::parse_rounding("near_maxMag") == gn::Rounding::near_max_mag));
}

BOOST_AUTO_TEST_SUITE_END()
