// A check's result as exact bytes (check_bytes.hpp): every field comes back
// as it was, doubles bit for bit (values without an exact decimal form,
// signed zeros, subnormals, infinities, a NaN with a payload), and bytes
// that are cut short, too long or out of range are refused.
#include "glasses/proofs/check_bytes.hpp"

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>

#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/check_json.hpp"

namespace gp = glasses::proofs;

namespace {

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Doubles whose bits a decimal round trip or a careless copy would change.
const std::vector<double>& awkward() {
  static const std::vector<double> values{
      0.1, 1.0 / 3, -0.0, 0.0, std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::max(),
      std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      std::bit_cast<double>(std::uint64_t{0x7ff8'0000'0000'1234}),  // a quiet NaN with a payload
      std::bit_cast<double>(std::uint64_t{0xfff0'0000'0000'0001}),  // a negative signalling NaN
  };
  return values;
}

gp::CheckResult everything() {
  gp::CheckResult c;
  c.id = "B.5-full";
  c.statement = "a statement with \"quotes\", a newline\nand UTF-8: α ≤ β";
  c.expected = gp::Expectation::measurement;
  c.hypotheses = "";  // empty strings survive too
  for (std::size_t k = 0; k < awkward().size(); ++k) {
    gp::Instance i;
    i.description = "n = " + std::to_string(k);
    i.lhs_label = "lhs";
    i.rhs_label = std::string("r\0hs", 4);  // embedded NUL
    i.lhs = {awkward()[k], awkward()[(k + 1) % awkward().size()]};
    i.rhs = {awkward()[(k + 2) % awkward().size()], awkward()[(k + 3) % awkward().size()]};
    i.relation = static_cast<gp::Relation>(k % 3);
    i.margin = awkward()[(k + 4) % awkward().size()];
    i.verdict = static_cast<gp::Verdict>(k % 4);
    i.witness = k % 2 ? "{\"n\": 3}" : "";
    c.instances.push_back(i);
  }
  c.data.push_back({"b8_distance", {"n", "bound"}, {awkward(), {}, {1.5, -2.25}}});
  c.data.push_back({"empty", {}, {}});
  gp::FigureData f = gp::figure_for("b5-full");
  f.curves.push_back({"b8_distance", "n", "bound", "uniform attention", 3, true, gp::RowFilter{"case", -0.0}});
  f.curves.push_back({"b8_distance", "n", "n", "", 0, false, std::nullopt});
  f.levels = awkward();
  c.figures.push_back(f);
  c.figures.push_back(gp::figure_for("fig9"));
  c.notes = {"one", "", "two"};
  return c;
}

void require_same(const gp::CheckResult& a, const gp::CheckResult& b) {
  BOOST_TEST(a.id == b.id);
  BOOST_TEST(a.statement == b.statement);
  BOOST_TEST((a.expected == b.expected));
  BOOST_TEST(a.hypotheses == b.hypotheses);
  BOOST_REQUIRE_EQUAL(a.instances.size(), b.instances.size());
  for (std::size_t k = 0; k < a.instances.size(); ++k) {
    const gp::Instance &x = a.instances[k], &y = b.instances[k];
    BOOST_TEST(x.description == y.description);
    BOOST_TEST(x.lhs_label == y.lhs_label);
    BOOST_TEST(x.rhs_label == y.rhs_label);
    BOOST_TEST(same_bits(x.lhs.lower, y.lhs.lower));
    BOOST_TEST(same_bits(x.lhs.upper, y.lhs.upper));
    BOOST_TEST(same_bits(x.rhs.lower, y.rhs.lower));
    BOOST_TEST(same_bits(x.rhs.upper, y.rhs.upper));
    BOOST_TEST((x.relation == y.relation));
    BOOST_TEST(same_bits(x.margin, y.margin));
    BOOST_TEST((x.verdict == y.verdict));
    BOOST_TEST(x.witness == y.witness);
  }
  BOOST_REQUIRE_EQUAL(a.data.size(), b.data.size());
  for (std::size_t k = 0; k < a.data.size(); ++k) {
    BOOST_TEST(a.data[k].name == b.data[k].name);
    BOOST_TEST(a.data[k].columns == b.data[k].columns, boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(a.data[k].rows.size(), b.data[k].rows.size());
    for (std::size_t r = 0; r < a.data[k].rows.size(); ++r) {
      BOOST_REQUIRE_EQUAL(a.data[k].rows[r].size(), b.data[k].rows[r].size());
      for (std::size_t i = 0; i < a.data[k].rows[r].size(); ++i)
        BOOST_TEST(same_bits(a.data[k].rows[r][i], b.data[k].rows[r][i]));
    }
  }
  BOOST_REQUIRE_EQUAL(a.figures.size(), b.figures.size());
  for (std::size_t k = 0; k < a.figures.size(); ++k) {
    const gp::FigureData &x = a.figures[k], &y = b.figures[k];
    BOOST_TEST(x.name == y.name);
    BOOST_TEST((x.section == y.section));
    BOOST_REQUIRE_EQUAL(x.curves.size(), y.curves.size());
    for (std::size_t i = 0; i < x.curves.size(); ++i) {
      const gp::Curve &p = x.curves[i], &q = y.curves[i];
      BOOST_TEST(p.series == q.series);
      BOOST_TEST(p.x == q.x);
      BOOST_TEST(p.y == q.y);
      BOOST_TEST(p.subject == q.subject);
      BOOST_TEST(p.colour == q.colour);
      BOOST_TEST(p.companion == q.companion);
      BOOST_REQUIRE_EQUAL(p.rows.has_value(), q.rows.has_value());
      if (p.rows) {
        BOOST_TEST(p.rows->column == q.rows->column);
        BOOST_TEST(same_bits(p.rows->value, q.rows->value));
      }
    }
    BOOST_REQUIRE_EQUAL(x.levels.size(), y.levels.size());
    for (std::size_t i = 0; i < x.levels.size(); ++i) BOOST_TEST(same_bits(x.levels[i], y.levels[i]));
  }
  BOOST_TEST(a.notes == b.notes, boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(check_bytes)

BOOST_AUTO_TEST_CASE(every_field_comes_back_bit_for_bit) {
  const gp::CheckResult c = everything();
  const std::string bytes = gp::to_bytes(c);
  const gp::CheckResult back = gp::check_result_from_bytes(bytes);
  require_same(c, back);
  BOOST_TEST(gp::to_bytes(back) == bytes);
  // The derived quantities too (worst_margin() is NaN here: the NaN margins).
  BOOST_TEST(gp::check_json(back) == gp::check_json(c));
  BOOST_TEST((back.verdict_counts() == c.verdict_counts()));
  BOOST_TEST(back.failed() == c.failed());
}

// What a real check produces (instances, series, a figure, notes).
BOOST_AUTO_TEST_CASE(a_real_check_comes_back_the_same) {
  gp::CheckOptions options;
  options.quick = true;
  const gp::CheckResult c = gp::run_check(gp::find_check("B.4"), options);
  BOOST_TEST(!c.instances.empty());
  BOOST_TEST(!c.figures.empty());
  const gp::CheckResult back = gp::check_result_from_bytes(gp::to_bytes(c));
  require_same(c, back);
  BOOST_TEST(gp::check_json(back) == gp::check_json(c));
}

BOOST_AUTO_TEST_CASE(bad_bytes_are_refused) {
  const std::string bytes = gp::to_bytes(everything());
  // Every proper prefix is cut short somewhere.
  for (std::size_t n = 0; n < bytes.size(); n += 7) {
    BOOST_CHECK_THROW(gp::check_result_from_bytes(std::string_view(bytes).substr(0, n)), glasses::Error);
  }
  BOOST_CHECK_THROW(gp::check_result_from_bytes(bytes + "x"), glasses::Error);
  // The expectation is the byte after the id and the statement.
  std::string bad = bytes;
  const std::size_t expected_at = 8 + everything().id.size() + 8 + everything().statement.size();
  BOOST_REQUIRE_EQUAL(static_cast<int>(bad[expected_at]), static_cast<int>(gp::Expectation::measurement));
  bad[expected_at] = 7;
  BOOST_CHECK_THROW(gp::check_result_from_bytes(bad), glasses::Error);
  // A count far beyond the bytes left is refused before anything is allocated.
  std::string huge = bytes;
  huge.replace(0, 8, std::string(8, '\xff'));
  BOOST_CHECK_THROW(gp::check_result_from_bytes(huge), glasses::Error);
}

BOOST_AUTO_TEST_SUITE_END()
