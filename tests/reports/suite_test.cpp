// suite.hpp: the built-in suites parse and validate; every kind of bad suite
// is rejected with a message naming the place; n ranges are the documented
// values (hand-worked); track labels become column keys.
#include "glasses/reports/suite.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "glasses/numerics/error.hpp"
#include "glasses/reports/document.hpp"
#include "glasses/reports/report.hpp"

namespace gr = glasses::reports;

namespace {

bool has(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

gr::Suite parse(const std::string& text) { return gr::parse_suite(text, "test.json", "."); }

// The message of the InputError that parsing and preparing `text` throws.
std::string rejection(const std::string& text) {
  try {
    gr::prepare_suite(parse(text));
  } catch (const glasses::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

// A valid suite with one sweep; `sweep_extra` is spliced into the sweep object
// and `top_extra` into the top level.
std::string suite_with(const std::string& sweep_extra, const std::string& top_extra = "",
                       const std::string& formats = R"(["bf16"])") {
  return R"({"suite": "t", )" + top_extra +
         R"("sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1, 2, 4], "formats": )" +
         formats + sweep_extra + "}]}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(suite)

BOOST_AUTO_TEST_CASE(builtin_suites_parse_and_validate) {
  BOOST_TEST(gr::builtin_suites().size() == 2u);
  BOOST_TEST(gr::builtin_suites().front().name == "paper");
  for (const gr::BuiltinSuite& b : gr::builtin_suites()) {
    BOOST_TEST_CONTEXT("suite " << b.name) {
      BOOST_TEST(!b.description.empty());
      const std::unique_ptr<gr::PreparedSuite> p = gr::prepare_suite(gr::parse_suite(b.text, b.name, "."));
      BOOST_TEST(p->suite.name == std::string(b.name));
      BOOST_TEST(!p->sweeps.empty());
      BOOST_TEST(!p->check_ids.empty());
      BOOST_TEST(!p->suite.figures.empty());
    }
  }
  BOOST_TEST(gr::find_builtin_suite("quick") != nullptr);
  BOOST_TEST(gr::find_builtin_suite("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(the_paper_suite_has_what_the_report_needs) {
  const std::unique_ptr<gr::PreparedSuite> p =
      gr::prepare_suite(gr::parse_suite(gr::find_builtin_suite("paper")->text, "paper", "."));
  BOOST_TEST(!p->suite.checks.quick);
  std::vector<std::string> figures;
  for (const gr::FigureSpec& f : p->suite.figures) figures.push_back(f.name);
  for (const char* name : {"fig8", "fig9", "fig10-scaled", "fig10-unscaled", "b3-decay", "b5-profiles", "b5-full",
                           "b5-spectral", "b8-rate", "b2-literal"}) {
    BOOST_TEST_CONTEXT("figure " << name) {
      BOOST_TEST((std::find(figures.begin(), figures.end(), name) != figures.end()));
    }
  }
  bool ablation = false, onset = false;
  int heads = 0;
  for (const gr::SweepSpec& s : p->suite.sweeps) {
    ablation = ablation || s.ablate.has_value();
    onset = onset || s.onset_table;
  }
  for (const gr::FigureSpec& f : p->suite.figures) heads += f.kind == gr::FigureKind::heads ? 1 : 0;
  BOOST_TEST(ablation);
  BOOST_TEST(onset);
  BOOST_TEST(heads == 4);  // Fig. 5 (a)-(d)
}

BOOST_AUTO_TEST_CASE(n_ranges_are_the_documented_values) {
  // 11 log-spaced values from 1 to 1024 are the powers of two.
  gr::Suite s = parse(R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones",
                          "n": {"from": 1, "to": 1024, "points": 11}, "formats": ["bf16"]}]})");
  BOOST_TEST(s.sweeps[0].n.values == (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
             boost::test_tools::per_element());
  // Rounded values that repeat are dropped: 1..4 in 6 points is 1, 1.32, 1.74, 2.30, 3.03, 4.
  s = parse(R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones",
               "n": {"from": 1, "to": 4, "points": 6}, "formats": ["bf16"]}]})");
  BOOST_TEST(s.sweeps[0].n.values == (std::vector<std::size_t>{1, 2, 3, 4}), boost::test_tools::per_element());
  s = parse(R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones",
               "n": {"from": 3, "to": 12, "step": 4}, "formats": ["bf16"]}]})");
  BOOST_TEST(s.sweeps[0].n.values == (std::vector<std::size_t>{3, 7, 11}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(defaults_are_filled_in) {
  const gr::Suite s = parse(suite_with("", R"("seed": 7, "checks": {"ids": ["all"]}, )"));
  BOOST_TEST(s.title == "glasses report: t");
  BOOST_TEST(s.checks.enabled);
  BOOST_TEST(s.checks.ids.empty());
  BOOST_TEST(!s.checks.quick);
  BOOST_TEST(s.checks.seed == 7u);
  const gr::SweepSpec& w = s.sweeps[0];
  BOOST_TEST(w.label == "a");
  BOOST_TEST(w.reference == "mpfr:256");
  BOOST_TEST(w.seed == 7u);
  BOOST_TEST(w.certify);
  BOOST_TEST(w.certify_max_n == 1024u);
  BOOST_TEST(w.onset_table);
  BOOST_TEST(!w.family_arguments.contains(glasses::model::FamilyParameter::prompt));
  BOOST_TEST(s.fingerprint.size() == 16u);
  const std::unique_ptr<gr::PreparedSuite> p = gr::prepare_suite(parse(suite_with("", R"("checks": {"ids": ["all"]}, )")));
  BOOST_TEST(p->check_ids.size() == glasses::proofs::registry().size());
}

BOOST_AUTO_TEST_CASE(cross_check_adds_the_other_reference_in_its_own_group) {
  const std::unique_ptr<gr::PreparedSuite> p = gr::prepare_suite(parse(suite_with(R"(, "cross_check": true)")));
  std::vector<std::pair<std::string, std::string>> tracks;
  for (const glasses::model::TrackSpec& t : p->sweeps.at(0).tracks) tracks.emplace_back(t.label, t.group);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"bf16", "formats"}, {"mpfr:256", "reference"}, {"cpp_bin_float:256", "cross-check"}};
  BOOST_TEST((tracks == expected));
}

BOOST_AUTO_TEST_CASE(bad_suites_are_rejected_with_the_place_named) {
  struct Case {
    std::string text, expected;
  };
  const std::vector<Case> cases{
      {"{", "is not valid JSON"},
      {"[]", "top level: expected an object"},
      {R"({"title": "x"})", "top level: missing required key 'suite'"},
      {R"({"suite": "t", "sweepz": []})", "top level: unknown key 'sweepz'"},
      {R"({"suite": "t", "suite": "u"})", "the key 'suite' appears twice"},
      {R"({"suite": ""})", "suite: must not be empty"},
      {R"({"suite": 3})", "suite: expected a string, got the number 3"},
      {suite_with(R"(, "formatz": [])"), "sweeps[0]: unknown key 'formatz'"},
      {suite_with(R"(, "seed": -1)"), "sweeps[0].seed: expected a non-negative integer seed"},
      {suite_with(R"(, "certify": {"max_n": 0})"), "sweeps[0].certify.max_n: 0 is out of range"},
      {suite_with(R"(, "onset_table": "yes")"), "sweeps[0].onset_table: expected true or false"},
      {suite_with(R"(, "reference": "fp64", "cross_check": true)"),
       "sweeps[0].cross_check: a cross-check needs an arbitrary-precision reference"},
      {suite_with(R"(, "cross_check": 1)"), "sweeps[0].cross_check: expected true or false"},
      {R"({"suite": "t", "sweeps": [{"id": "a b", "model": "default", "family": "count-ones", "n": [1], "formats": ["bf16"]}]})",
       "sweeps[0].id: 'a b' is not a valid id"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "default", "family": "count-ones", "n": [1]}]})",
       "sweeps[0]: missing required key 'formats'"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "default", "family": "count", "n": [1], "formats": ["bf16"]}]})",
       "sweeps[0].family: "},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "default", "family": "count-ones", "n": [2, 1], "formats": ["bf16"]}]})",
       "sweeps[0].n[1]: values of n must be increasing"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "default", "family": "count-ones", "n": {"from": 4, "to": 2, "step": 1}, "formats": ["bf16"]}]})",
       "sweeps[0].n: 'to' (2) is below 'from' (4)"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "default", "family": "count-ones", "n": {"from": 1, "to": 2}, "formats": ["bf16"]}]})",
       "give exactly one of 'points'"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": {"preset": "default", "config": "x"}, "family": "count-ones", "n": [1], "formats": ["bf16"]}]})",
       "sweeps[0].model: give exactly one of"},
      {suite_with("") + "x", "is not valid JSON"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1], "formats": ["bf16"]},
                                    {"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1], "formats": ["bf16"]}]})",
       "sweeps[1].id: two sweeps have the id 'a'"},
      {R"({"suite": "t", "checks": {"ids": ["B.99"]}})", "checks.ids[0]: check 'B.99': unknown"},
      {R"({"suite": "t", "checks": {"ids": ["all", "B.1"]}})", "\"all\" cannot be combined"},
      {R"({"suite": "t", "figures": [{"kind": "collapse", "sweep": "zz"}]})", "figures[0].sweep: no sweep has the id 'zz'"},
      {R"({"suite": "t", "figures": [{"kind": "pie"}]})", "figures[0].kind: unknown figure kind 'pie'"},
      {R"({"suite": "t", "figures": [{"kind": "check", "figure": "fig99"}]})", "figures[0].figure: unknown check figure 'fig99'"},
      {R"({"suite": "t", "figures": [{"kind": "check", "figure": "fig9"}]})", "reads the data of check B.2, which the suite does not run"},
      {R"({"suite": "t", "figures": [{"kind": "check", "figure": "fig9", "name": "a b"}], "checks": {"ids": ["B.2"]}})",
       "figures[0].name: "},
      // Found by prepare_suite: models, formats, tokens, tracks, metrics.
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "nosuch", "family": "count-ones", "n": [1], "formats": ["bf16"]}]})",
       "sweeps[0] ('a'): "},
      {suite_with("", "", R"(["fp17"])"), "fp17"},
      {suite_with(R"(, "prompt": "how many zebras")"), "token 'zebras'"},
      {suite_with(R"(, "reference": "mpfr:0")"), "sweeps[0] ('a'): "},
      {suite_with("", R"("figures": [{"kind": "compare", "name": "c", "series": [{"sweep": "a", "track": "fp16"}]}], )"),
       "sweep 'a' has no track 'fp16'"},
      {suite_with("", R"("figures": [{"kind": "compare", "name": "c", "metric": "D7", "series": [{"sweep": "a"}]}], )"),
       "unknown metric 'D7'"},
      {suite_with(R"(, "mitigates": "zz")"), "no sweep has the id 'zz'"},
      {suite_with(R"(, "mitigates": "a")"), "a sweep cannot mitigate itself"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1], "formats": ["bf16"]},
                                    {"id": "b", "mitigates": "a", "model": "paper-literal", "family": "commas", "n": [1], "formats": ["fp16"]}]})",
       "format 'fp16' has no counterpart 'fp16' among that sweep's formats"},
      {R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1], "formats": ["bf16"]},
                                    {"id": "b", "mitigates": "a", "model": "paper-literal", "family": "commas", "n": [1], "formats": ["bf16"]},
                                    {"id": "c", "mitigates": "b", "model": "paper-literal", "family": "hint", "n": [1], "formats": ["bf16"]}]})",
       "that sweep is itself a mitigation (of 'a')"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("suite " << c.text) {
      const std::string message = rejection(c.text);
      BOOST_TEST(has(message, c.expected), "message: " << message);
      BOOST_TEST(has(message, "test.json"), "message names the suite: " << message);
    }
  }
}

// Results of the right shape (every track, every n, every check), with
// made-up values: the report of each built-in suite renders (every figure
// finds its columns, every table its rows) without running anything.
BOOST_AUTO_TEST_CASE(builtin_suites_render_with_synthetic_results) {
  for (const gr::BuiltinSuite& b : gr::builtin_suites()) {
    BOOST_TEST_CONTEXT("suite " << b.name) {
      const std::unique_ptr<gr::PreparedSuite> p = gr::prepare_suite(gr::parse_suite(b.text, b.name, "."));
      gr::SuiteResults results;
      for (const gr::PreparedSweep& s : p->sweeps) {
        gr::SweepOutcome out;
        for (std::size_t t = 0; t < s.tracks.size(); ++t) {
          glasses::model::TrackResult track;
          track.spec = s.tracks[t];
          track.summary.label = s.tracks[t].label;
          for (std::size_t n : s.settings.ns) {
            glasses::model::PointMetrics point;
            point.n = n;
            point.d1 = point.d2 = point.dinf = 1.0 / static_cast<double>(n);
            point.y_norm_inf = 1;
            point.layer_d1.assign(static_cast<std::size_t>(s.model->config.n_layers) + 1, 1.0 / static_cast<double>(n));
            track.points.push_back(point);
          }
          if (track.spec.label == s.settings.reference) out.result.reference_track = t;
          out.result.tracks.push_back(std::move(track));
        }
        results.sweeps.push_back(std::move(out));
      }
      for (const std::string& id : p->check_ids) {
        gr::CheckOutcome c;
        c.check = &glasses::proofs::find_check(id);
        results.checks.push_back(std::move(c));  // no instances: "not available"
      }
      const gr::Document d = gr::build_report(*p, results, {{{"commit", "abc"}}, "2024-12-10"});
      const std::string tex = gr::render_report(d);
      BOOST_TEST(has(tex, "\\section{Summary of findings}"));
      BOOST_TEST(has(tex, "\\label{tab:onsets}"));
      BOOST_TEST(has(tex, "\\label{tab:ablation}"));
      // Check figures without data are reported as not drawn, never dropped silently.
      BOOST_TEST(has(tex, "not drawn:"));
    }
  }
}

BOOST_AUTO_TEST_CASE(track_labels_become_column_keys) {
  BOOST_TEST(gr::track_key("bf16") == "bf16");
  BOOST_TEST(gr::track_key("mixed:bf16/fp32") == "mixed-bf16-fp32");
  BOOST_TEST(gr::track_key("custom:p=5,emax=15") == "custom-p-5-emax-15");
  BOOST_TEST(gr::track_key("fp16~stochastic") == "fp16-stochastic");
}

// A checkpoint folder with a tokenizer.json (relative to the suite file)
// gets text families, as `glasses sweep --model DIR`: with the tiny
// tokenizer " 1" is two tokens (▁ 1), which the prepared sweep records.
// Without a tokenizer, text keys are refused with the place named.
BOOST_AUTO_TEST_CASE(checkpoint_folders_with_a_tokenizer_get_text_families) {
  namespace fs = std::filesystem;
  const fs::path fixtures = fs::path(GLASSES_TESTS_DIR) / "fixtures";
  const fs::path dir = fs::temp_directory_path() / ("glasses-suite-text-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "model");
  for (const char* f : {"config.json", "model.safetensors"}) fs::copy_file(fixtures / "refmodels/gpt2-small" / f, dir / "model" / f);
  fs::copy_file(fixtures / "tokenizers/tiny/tokenizer.json", dir / "model/tokenizer.json");
  const std::string sweep = R"({"suite": "t", "sweeps": [{"id": "a", "model": {"checkpoint": "model"}, "family": "count-ones",
      "template": "{seq}", "unit_separator": " ", "add_special_tokens": true, "n": [1, 2, 4], "formats": ["bf16"]}]})";
  const std::unique_ptr<gr::PreparedSuite> p = gr::prepare_suite(gr::parse_suite(sweep, "t.json", dir));
  BOOST_TEST(p->sweeps.front().family->text());
  BOOST_TEST(p->sweeps.front().family->at(2).b == (std::vector<int>{1, 2, 30, 2, 30, 2, 30}));
  BOOST_TEST_REQUIRE(p->sweeps.front().tokens_per_unit.has_value());
  BOOST_TEST(p->sweeps.front().tokens_per_unit->min == 2);
  BOOST_TEST(has(p->sweeps.front().tokens_per_unit->note, "costs 2 tokens"));
  const auto refused = [&](const std::string& text) {
    try {
      gr::prepare_suite(gr::parse_suite(text, "t.json", dir));
    } catch (const glasses::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  const std::string no_seq = refused(R"({"suite": "t", "sweeps": [{"id": "a", "model": {"checkpoint": "model"},
      "family": "count-ones", "template": "ones", "n": [1], "formats": ["bf16"]}]})");
  BOOST_TEST(has(no_seq, "sweeps[0].template: 'ones' has no {seq}"), no_seq);
  const std::string no_tokenizer = refused(suite_with(R"(, "unit": "one")"));
  BOOST_TEST(has(no_tokenizer, "unit: text families only; the model has no tokenizer"), no_tokenizer);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
