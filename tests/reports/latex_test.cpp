// latex.hpp: escaping against hand-written expectations (one case per special
// character, combinations, control characters, UTF-8 well-formedness cases
// from Unicode §3.9 Table 3-7), and number formatting against hand-rounded
// decimal values. That the escaped text compiles and reads back from the PDF
// is checked in pdf_test.cpp.
#include "glasses/reports/latex.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "glasses/numerics/error.hpp"

namespace gr = glasses::reports;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(latex)

BOOST_AUTO_TEST_CASE(every_special_character_has_its_escape) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"\\", "\\textbackslash{}"}, {"{", "\\{"},
      {"}", "\\}"},                {"$", "\\$"},
      {"&", "\\&"},                {"#", "\\#"},
      {"^", "\\textasciicircum{}"}, {"_", "\\_"},
      {"~", "\\textasciitilde{}"}, {"%", "\\%"},
      {"<", "\\textless{}"},       {">", "\\textgreater{}"},
      {"|", "\\textbar{}"},        {"\"", "\\textquotedbl{}"},
      {"'", "\\textquotesingle{}"}, {"`", "\\textasciigrave{}"},
      {"[", "{[}"},                {"]", "{]}"},
      {"-", "-"},                  {"a", "a"},
      {" ", " "},                  {"", ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("input '" << c.in << "'") { BOOST_TEST(gr::escape(c.in) == c.out); }
  }
}

BOOST_AUTO_TEST_CASE(specials_in_combination) {
  BOOST_TEST(gr::escape("a_b%c$d&e#f") == "a\\_b\\%c\\$d\\&e\\#f");
  BOOST_TEST(gr::escape("{\\}") == "\\{\\textbackslash{}\\}");
  BOOST_TEST(gr::escape("~^~") == "\\textasciitilde{}\\textasciicircum{}\\textasciitilde{}");
  BOOST_TEST(gr::escape("\\textbf{x}") == "\\textbackslash{}textbf\\{x\\}");
  BOOST_TEST(gr::escape("50% of $5 & #1") == "50\\% of \\$5 \\& \\#1");
  BOOST_TEST(gr::escape("fp16_everything") == "fp16\\_everything");
  BOOST_TEST(gr::escape("/models/gpt2-small") == "/models/gpt2-small");
  BOOST_TEST(gr::escape("custom:p=5,emax=15") == "custom:p=5,emax=15");
}

BOOST_AUTO_TEST_CASE(dashes_never_form_en_or_em_dashes) {
  BOOST_TEST(gr::escape("a--b") == "a-{}-b");
  BOOST_TEST(gr::escape("---") == "-{}-{}-");
  BOOST_TEST(gr::escape("--help") == "-{}-help");
  BOOST_TEST(gr::escape("a-b") == "a-b");
}

BOOST_AUTO_TEST_CASE(white_space_controls_become_spaces) {
  BOOST_TEST(gr::escape("a\tb\nc\rd") == "a b c d");
  BOOST_TEST(gr::escape("a\n\nb") == "a  b");  // never a paragraph break
}

BOOST_AUTO_TEST_CASE(other_control_characters_are_shown_as_hex) {
  BOOST_TEST(gr::escape("\x07") == "\\textbackslash{}x07");
  BOOST_TEST(gr::escape("a\x1b[0m") == "a\\textbackslash{}x1B{[}0m");
  BOOST_TEST(gr::escape("\x7f") == "\\textbackslash{}x7F");
  BOOST_TEST(gr::escape("x\0y"s) == "x\\textbackslash{}x00y");
  BOOST_TEST(gr::code("\x07") == "\\texttt{{\\char92}x07}");
}

BOOST_AUTO_TEST_CASE(utf8_in_the_table_passes_through_unchanged) {
  BOOST_TEST(gr::escape("α ≤ β") == "α ≤ β");
  BOOST_TEST(gr::escape("x ∈ ℝ, ‖v‖ → ∞") == "x ∈ ℝ, ‖v‖ → ∞");
  BOOST_TEST(gr::escape("Gödel, Erdős, Łukasiewicz") == "Gödel, Erdős, Łukasiewicz");
  BOOST_TEST(gr::escape("2⁻¹¹ — u_F") == "2⁻¹¹ — u\\_F");
}

BOOST_AUTO_TEST_CASE(utf8_outside_the_table_is_shown_as_its_code_point) {
  BOOST_TEST(gr::escape("☃") == "{[}U+2603{]}");
  BOOST_TEST(gr::escape("a😀b") == "a{[}U+01F600{]}b");
  BOOST_TEST(gr::escape("日本") == "{[}U+65E5{]}{[}U+672C{]}");
  BOOST_TEST(gr::escape("\u0085") == "{[}U+0085{]}");  // C1 control (NEL)
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_one_replacement_per_maximal_subpart) {
  const std::string fffd = "\xEF\xBF\xBD";
  BOOST_TEST(gr::escape("\xFF") == fffd);                          // never a UTF-8 byte
  BOOST_TEST(gr::escape("\x80") == fffd);                          // stray continuation
  BOOST_TEST(gr::escape("a\xC3") == "a" + fffd);                   // truncated at the end
  BOOST_TEST(gr::escape("\xE2\x82" "A") == fffd + "A");            // truncated 3-byte: one U+FFFD
  BOOST_TEST(gr::escape("\xF0\x9F\x98") == fffd);                  // truncated 4-byte: one U+FFFD
  BOOST_TEST(gr::escape("\xC0\xAF") == fffd + fffd);               // overlong '/': C0 is never valid
  BOOST_TEST(gr::escape("\xE0\x80\xAF") == fffd + fffd + fffd);    // overlong 3-byte
  BOOST_TEST(gr::escape("\xED\xA0\x80") == fffd + fffd + fffd);    // surrogate U+D800
  BOOST_TEST(gr::escape("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  BOOST_TEST(gr::escape("\xF5\x80") == fffd + fffd);
  // The output is always valid UTF-8 that escape() leaves alone.
  BOOST_TEST(gr::escape(gr::escape("\xFF\xC3")) == fffd + fffd);
}

BOOST_AUTO_TEST_CASE(unicode_table_is_sorted_unique_and_non_ascii) {
  const auto table = gr::unicode_characters();
  BOOST_TEST(table.size() > 200u);
  for (std::size_t k = 0; k < table.size(); ++k) {
    BOOST_TEST_CONTEXT("entry " << k) {
      const auto c = static_cast<std::uint32_t>(table[k].code_point);
      BOOST_TEST(c >= 0xA0u);
      BOOST_TEST(!(c >= 0xD800u && c <= 0xDFFFu));
      BOOST_TEST(!table[k].latex.empty());
      if (k > 0) BOOST_TEST(static_cast<std::uint32_t>(table[k - 1].code_point) < c);
    }
  }
}

BOOST_AUTO_TEST_CASE(preamble_declares_every_table_character) {
  const std::string p = gr::preamble();
  for (const gr::UnicodeCharacter& u : gr::unicode_characters()) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(u.code_point));
    BOOST_TEST_CONTEXT("U+" << hex) {
      BOOST_TEST(p.find("\\DeclareUnicodeCharacter{" + std::string(hex) + "}{" + std::string(u.latex) + "}") !=
                 std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(code_uses_typewriter_glyph_numbers) {
  BOOST_TEST(gr::code("a_b") == "\\texttt{a{\\char95}b}");
  BOOST_TEST(gr::code("{%}") == "\\texttt{{\\char123}{\\char37}{\\char125}}");
  BOOST_TEST(gr::code("it's `x`") == "\\texttt{it{\\char13}s {\\char18}x{\\char18}}");
  BOOST_TEST(gr::code("a   b") == "\\texttt{a \\ \\ b}");
  BOOST_TEST(gr::code("/m/x") == "\\texttt{/\\allowbreak{}m/\\allowbreak{}x}");
  BOOST_TEST(gr::code("α") == "\\texttt{α}");
  BOOST_TEST(gr::code("--") == "\\texttt{--}");  // no dash ligature in cmtt
}

BOOST_AUTO_TEST_CASE(format_number_matches_hand_rounded_values) {
  struct Case {
    double x;
    int significant;
    const char* expected;
  };
  const Case cases[] = {
      {1e-5, 3, "1.00\\times10^{-5}"},
      {0.0, 3, "0"},
      {-0.0, 3, "-0"},
      {-2.5e-7, 2, "-2.5\\times10^{-7}"},
      {123456.0, 3, "1.23\\times10^{5}"},
      {123456.0, 6, "123456"},
      {123456.0, 7, "123456.0"},
      {1.5, 3, "1.50"},
      {0.5, 1, "0.5"},
      {0.00123, 3, "0.00123"},       // e = -3: still fixed
      {0.000123, 3, "1.23\\times10^{-4}"},
      {9.9951, 3, "10.0"},           // rounding carries into a new digit
      {99999.0, 3, "1.00\\times10^{5}"},
      {std::ldexp(1.0, -11), 3, "4.88\\times10^{-4}"},  // 2^-11 = 0.00048828125
      {-1.0, 1, "-1"},
      {std::numeric_limits<double>::denorm_min(), 2, "4.9\\times10^{-324}"},
      {std::numeric_limits<double>::max(), 4, "1.798\\times10^{308}"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.x << " with " << c.significant << " digits") {
      BOOST_TEST(gr::format_number(c.x, c.significant) == c.expected);
    }
  }
  // Exact ties round half to even (the binary value is exactly the tie):
  // 0.125 -> 0.12, 0.375 -> 0.38, 2.5 -> 2.
  BOOST_TEST(gr::format_number(0.125, 2) == "0.12");
  BOOST_TEST(gr::format_number(0.375, 2) == "0.38");
  BOOST_TEST(gr::format_number(2.5, 1) == "2");
}

BOOST_AUTO_TEST_CASE(format_number_spells_non_finite_values) {
  const double inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(gr::format_number(inf, 3) == "\\infty");
  BOOST_TEST(gr::format_number(-inf, 3) == "-\\infty");
  BOOST_TEST(gr::format_number(std::nan(""), 3) == "\\mathrm{NaN}");
  BOOST_TEST(gr::format_number(-std::nan(""), 3) == "\\mathrm{NaN}");
  BOOST_TEST(gr::format_scientific(inf, 3) == "\\infty");
  BOOST_TEST(gr::format_shortest(-inf) == "-\\infty");
}

BOOST_AUTO_TEST_CASE(format_number_rejects_bad_digit_counts) {
  BOOST_CHECK_THROW(gr::format_number(1.0, 0), glasses::InputError);
  BOOST_CHECK_THROW(gr::format_number(1.0, 18), glasses::InputError);
  BOOST_CHECK_THROW(gr::format_scientific(1.0, -1), glasses::InputError);
  BOOST_TEST(gr::format_number(0.1, 17) == "0.10000000000000001");
}

BOOST_AUTO_TEST_CASE(format_scientific_always_has_an_exponent) {
  BOOST_TEST(gr::format_scientific(1.5, 3) == "1.50\\times10^{0}");
  BOOST_TEST(gr::format_scientific(-123456.0, 2) == "-1.2\\times10^{5}");
  BOOST_TEST(gr::format_scientific(0.0, 2) == "0");
}

BOOST_AUTO_TEST_CASE(format_shortest_reads_back_exactly) {
  BOOST_TEST(gr::format_shortest(0.1) == "0.1");
  BOOST_TEST(gr::format_shortest(std::ldexp(1.0, -11)) == "0.00048828125");
  BOOST_TEST(gr::format_shortest(1e-300) == "1\\times10^{-300}");
  BOOST_TEST(gr::format_shortest(std::numeric_limits<double>::denorm_min()) == "5\\times10^{-324}");
  BOOST_TEST(gr::format_shortest(-1.5) == "-1.5");
  BOOST_TEST(gr::format_shortest(1e21) == "1\\times10^{21}");
  BOOST_TEST(gr::format_shortest(123456.0) == "123456");
  BOOST_TEST(gr::format_shortest(-0.0) == "-0");
}

BOOST_AUTO_TEST_CASE(integers_and_powers_of_two) {
  BOOST_TEST(gr::format_power_of_two(-11) == "2^{-11}");
  BOOST_TEST(gr::format_power_of_two(0) == "2^{0}");
  BOOST_TEST(gr::format_power_of_two(1023) == "2^{1023}");
  BOOST_TEST(gr::format_integer(-12) == "-12");
  BOOST_TEST(gr::format_integer(std::size_t{123456789012}) == "123456789012");
  BOOST_TEST(gr::format_integer(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  BOOST_TEST(gr::format_integer(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
  BOOST_TEST(gr::math("2^{-11}") == "\\ensuremath{2^{-11}}");
}

BOOST_AUTO_TEST_SUITE_END()
