// printable() against hand-worked cases: what reaches a terminal from an
// untrusted name is printable ASCII or well-formed UTF-8 (Unicode 15,
// table 3-7), and the escaping reads back unambiguously.
#include "glasses/numerics/error.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

BOOST_AUTO_TEST_SUITE(error)

BOOST_AUTO_TEST_CASE(control_characters_are_escaped) {
  BOOST_TEST(glasses::printable("a\tb\nc\rd") == "a\\tb\\nc\\rd");
  BOOST_TEST(glasses::printable("\x1b[31mred") == "\\x1b[31mred");
  BOOST_TEST(glasses::printable(std::string("nul\0x", 5)) == "nul\\x00x");
  BOOST_TEST(glasses::printable("\x7f") == "\\x7f");
  BOOST_TEST(glasses::printable("\xc2\x85") == "\\xc2\\x85");  // NEL, a C1 control
  BOOST_TEST(glasses::printable("back\\slash") == "back\\\\slash");
  BOOST_TEST(glasses::in_quotes("model.layers.0") == "'model.layers.0'");
}

BOOST_AUTO_TEST_CASE(well_formed_utf8_passes_through) {
  BOOST_TEST(glasses::printable("caf\xc3\xa9") == "caf\xc3\xa9");            // é U+00E9
  BOOST_TEST(glasses::printable("\xc2\xa0") == "\xc2\xa0");                  // U+00A0, first after C1
  BOOST_TEST(glasses::printable("\xe2\x82\xac") == "\xe2\x82\xac");          // € U+20AC
  BOOST_TEST(glasses::printable("\xed\x9f\xbf") == "\xed\x9f\xbf");          // U+D7FF, last before surrogates
  BOOST_TEST(glasses::printable("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");  // U+1F600
  BOOST_TEST(glasses::printable("\xf4\x8f\xbf\xbf") == "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

BOOST_AUTO_TEST_CASE(ill_formed_utf8_is_escaped_byte_by_byte) {
  BOOST_TEST(glasses::printable("\xff") == "\\xff");
  BOOST_TEST(glasses::printable("\xc0\xaf") == "\\xc0\\xaf");                // overlong '/'
  BOOST_TEST(glasses::printable("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");       // overlong, 3 bytes
  BOOST_TEST(glasses::printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");       // surrogate U+D800
  BOOST_TEST(glasses::printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  BOOST_TEST(glasses::printable("\xe2\x82") == "\\xe2\\x82");                // cut short
  BOOST_TEST(glasses::printable("\x80x") == "\\x80x");                       // lone continuation byte
}

BOOST_AUTO_TEST_SUITE_END()
