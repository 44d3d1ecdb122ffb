// csv.hpp: number spelling against the C library's printf("%.17g") (an
// independent implementation of the same specification) on seeded random bit
// patterns, exact read-back with strtod, RFC 4180 quoting, and whole files
// written by hand.
#include "glasses/reports/csv.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "glasses/numerics/error.hpp"

namespace gr = glasses::reports;

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(numbers_are_spelled_like_printf_17g) {
  BOOST_TEST(gr::csv_number(0.1) == "0.10000000000000001");
  BOOST_TEST(gr::csv_number(1e-5) == "1.0000000000000001e-05");
  BOOST_TEST(gr::csv_number(1.0) == "1");
  BOOST_TEST(gr::csv_number(-0.0) == "-0");
  BOOST_TEST(gr::csv_number(123456789.0) == "123456789");
  BOOST_TEST(gr::csv_number(std::numeric_limits<double>::denorm_min()) == "4.9406564584124654e-324");
  BOOST_TEST(gr::csv_number(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(gr::csv_number(-std::numeric_limits<double>::infinity()) == "-inf");
  BOOST_TEST(gr::csv_number(std::nan("")) == "nan");
  BOOST_TEST(gr::csv_number(-std::nan("")) == "nan");
}

BOOST_AUTO_TEST_CASE(random_doubles_match_printf_and_read_back_exactly) {
  std::mt19937_64 engine(20240611);  // portable engine, fixed seed
  int failures = 0;
  for (int k = 0; k < 20000; ++k) {
    const std::uint64_t bits = engine();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (!std::isfinite(x)) continue;
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.17g", x);
    const std::string got = gr::csv_number(x);
    const double back = std::strtod(got.c_str(), nullptr);
    if (got != expected || std::memcmp(&back, &x, sizeof x) != 0) {
      if (++failures <= 5) BOOST_ERROR("bits " << std::hex << bits << ": got " << got << ", printf " << expected);
    }
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(strings_are_quoted_only_when_needed) {
  BOOST_TEST(gr::csv_field("fp16") == "fp16");
  BOOST_TEST(gr::csv_field("") == "");
  BOOST_TEST(gr::csv_field("a b") == "a b");
  BOOST_TEST(gr::csv_field("a,b") == "\"a,b\"");
  BOOST_TEST(gr::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(gr::csv_field("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(gr::csv_field("cr\r") == "\"cr\r\"");
  BOOST_TEST(gr::csv_field(" lead") == "\" lead\"");
  BOOST_TEST(gr::csv_field("trail ") == "\"trail \"");
  BOOST_TEST(gr::csv_field("α,β") == "\"α,β\"");
}

BOOST_AUTO_TEST_CASE(a_table_renders_to_the_hand_written_file) {
  gr::CsvTable t;
  t.header = {"n", "format", "max_abs_err"};
  t.rows.push_back({std::int64_t{1}, std::string("fp16"), 0.5});
  t.rows.push_back({std::int64_t{2}, std::string("bf16, rne"), std::numeric_limits<double>::infinity()});
  t.rows.push_back({std::int64_t{-3}, std::string(""), std::nan("")});
  BOOST_TEST(gr::render_csv(t) ==
             "n,format,max_abs_err\n"
             "1,fp16,0.5\n"
             "2,\"bf16, rne\",inf\n"
             "-3,,nan\n");
  BOOST_TEST(gr::column_index(t, "format") == 1);
  BOOST_TEST(gr::column_index(t, "missing") == -1);
  const gr::CsvTable header_only{{"a"}, {}};
  BOOST_TEST(gr::render_csv(header_only) == "a\n");
}

BOOST_AUTO_TEST_CASE(malformed_tables_are_rejected) {
  BOOST_CHECK_THROW(gr::render_csv(gr::CsvTable{}), glasses::InputError);
  BOOST_CHECK_THROW(gr::render_csv(gr::CsvTable{{"a", "a"}, {}}), glasses::InputError);
  BOOST_CHECK_THROW(gr::render_csv(gr::CsvTable{{"a", ""}, {}}), glasses::InputError);
  gr::CsvTable ragged{{"a", "b"}, {}};
  ragged.rows.push_back({1.0});
  BOOST_CHECK_EXCEPTION(gr::render_csv(ragged), glasses::InputError, [](const glasses::InputError& e) {
    return std::string(e.what()).find("row 1 has 1 cells") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
