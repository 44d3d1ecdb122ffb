// Pair families built from text (model/tasks.hpp): each sequence is a text
// tokenised whole. The expected ids are worked out by hand from the
// hand-made tokenizers (tests/fixtures/tokenizers/tiny, and a 5-token BPE
// below), or taken from the reference's ids in the tiny fixture's
// expected_special.jsonl (Hugging Face's Rust tokenizers), never from
// glasses' output.
#include "glasses/model/tasks.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "glasses/model/checkpoint.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

namespace gm = glasses::model;
namespace gt = glasses::tokenizer;
using Ids = std::vector<int>;

namespace {

const std::string kFixtures = GLASSES_TEST_FIXTURES;

const gm::ModelSource& gpt2_small() {
  static const gm::ModelSource m = gm::open_checkpoint(kFixtures + "/refmodels/gpt2-small");
  return m;
}

gm::TextEncoder encoder(const gt::Tokenizer& t) {
  return [t](std::string_view text, bool special) { return t.encode(text, special); };
}

const gt::Tokenizer& tiny() {
  static const gt::Tokenizer t = gt::Tokenizer::load(kFixtures + "/tokenizers/tiny/tokenizer.json");
  return t;
}

// A BPE whose only merge is "1 1": no normalizer, no pre-tokenizer, no
// special tokens. "111" is 11 1 (the leftmost pair merges first), "1111"
// is 11 11: repeats merge, and s(n) is not always a prefix of s*(n).
const gt::Tokenizer& merging() {
  static const gt::Tokenizer t = gt::Tokenizer::parse(R"({
    "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
    "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
    "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
              "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
              "vocab": {"1": 0, "0": 1, " ": 2, "11": 3, "x": 4}, "merges": ["1 1"]}})",
                                                      "merging");
  return t;
}

gm::PairFamily text_family(const gt::Tokenizer& t, const std::string& name, gm::FamilyArguments args = {}) {
  return gm::PairFamily(gpt2_small(), gm::family_options(gpt2_small(), name, args, 0, encoder(t)));
}

// Tiny tokenizer ids (its vocab): <s> 1, ▁ 2, the digit d is 29 + d. A
// text "d1 d2 ..." (units separated by spaces) normalises to "▁d1▁d2..."
// and pre-tokenises (Digits, then Split on ▁ merged with the next piece)
// into "▁" "d1" "▁" "d2" ...: two tokens per unit, after <s>.
Ids spaced(const std::string& digits, bool bos = true) {
  Ids ids;
  if (bos) ids.push_back(1);
  for (char c : digits) {
    ids.push_back(2);
    ids.push_back(29 + (c - '0'));
  }
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tasks)

BOOST_AUTO_TEST_CASE(text_families_with_spaces_cost_two_tiny_tokens_per_unit) {
  const gm::FamilyArguments plain{{gm::FamilyParameter::sequence_template, "{seq}"}};
  struct Case {
    const char* family;
    std::size_t n;
    const char *a, *b;
  };
  for (const Case& c : std::vector<Case>{{"count-ones", 2, "11", "111"},
                                         {"copy-ones", 3, "111", "1111"},
                                         {"hint", 1, "1", "11"},
                                         {"copy-first", 2, "011", "111"},
                                         {"copy-last", 2, "110", "111"},
                                         {"alternating", 4, "1010", "0101"}}) {
    const gm::SequencePair p = text_family(tiny(), c.family, plain).at(c.n);
    BOOST_TEST(p.a == spaced(c.a), c.family);
    BOOST_TEST(p.b == spaced(c.b), c.family);
  }
  gm::FamilyArguments ratio = plain;
  ratio[gm::FamilyParameter::ratio] = "1:2";
  const gm::SequencePair r = text_family(tiny(), "ratio", ratio).at(1);
  BOOST_TEST(r.a == spaced("100"));
  BOOST_TEST(r.b == spaced("110000"));
  // Units "1 1, 1": "▁1▁1,▁1" pre-tokenises into ▁ 1 ▁ 1 , ▁ 1 and "," is <unk> (0).
  gm::FamilyArguments commas = plain;
  commas[gm::FamilyParameter::comma_every] = "2";
  const gm::SequencePair c = text_family(tiny(), "commas", commas).at(3);
  BOOST_TEST(c.a == (Ids{1, 2, 30, 2, 30, 0, 2, 30}));
  BOOST_TEST(c.b == (Ids{1, 2, 30, 2, 30, 0, 2, 30, 2, 30}));
  // Without special tokens: no <s>.
  gm::FamilyArguments bare = plain;
  bare[gm::FamilyParameter::add_special_tokens] = "false";
  BOOST_TEST(text_family(tiny(), "count-ones", bare).at(2).a == spaced("11", false));
  // Other texts for the units.
  gm::FamilyArguments words = plain;
  words[gm::FamilyParameter::unit] = "3";
  words[gm::FamilyParameter::zero_unit] = "7";
  words[gm::FamilyParameter::unit_separator] = "  ";  // "3  3": ▁3▁▁3 -> ▁ 3 ▁ ▁ 3
  BOOST_TEST(text_family(tiny(), "copy-first", words).at(1).a == (Ids{1, 2, 36, 2, 2, 32}));
  const gm::TokensPerUnit t = text_family(tiny(), "count-ones", plain).tokens_per_unit({1, 2, 5});
  BOOST_TEST(t.min == 2);
  BOOST_TEST(t.max == 2);
  BOOST_TEST(t.prefixes);
  BOOST_TEST(t.note.find("costs 2 tokens") != std::string::npos, t.note);
}

// The digits of sampled-digits and repeat-last are the token families'
// seeded stream (on a model without a vocabulary the digit d is id d).
BOOST_AUTO_TEST_CASE(text_sampled_digits_follow_the_token_stream) {
  for (const char* name : {"sampled-digits", "repeat-last"}) {
    gm::FamilyOptions tokens;
    tokens.name = name;
    tokens.seed = 7;
    const gm::SequencePair ids = gm::PairFamily(gpt2_small(), tokens).at(6);
    const gm::FamilyArguments args{{gm::FamilyParameter::sequence_template, "{seq}"}};
    const gm::SequencePair text =
        gm::PairFamily(gpt2_small(), gm::family_options(gpt2_small(), name, args, 7, encoder(tiny()))).at(6);
    std::string digits;
    for (int d : ids.b) digits += static_cast<char>('0' + d);
    BOOST_TEST(text.b == spaced(digits), name);
    BOOST_TEST(text.a == spaced(digits.substr(0, digits.size() - 1)), name);
    BOOST_TEST(digits.substr(digits.size() - 2) == "11");
  }
}

// The default template, by hand: "how many ones are there in this
// sequence: 1" normalises to ▁how▁many▁ones▁are▁there▁in▁this▁sequence:▁1;
// BPE with merges (o n) (▁ o) (▁o n) (n e) (e s) (▁ t) (h e), lowest rank
// first: ▁ h o w | ▁ m a n y | ▁ on es | ▁ a r e | ▁t he r e | ▁ i n |
// ▁t h i s | ▁ s e q u e n c e <unk> | ▁ | 1.
BOOST_AUTO_TEST_CASE(default_count_ones_template_by_hand) {
  const Ids prompt{1,  2, 10, 17, 25, 2, 15, 3,  16, 27, 2,  39, 43, 2,  3, 20, 7, 44, 45, 20,
                   7,  2, 11, 16, 44, 10, 11, 21, 2, 21, 7,  19, 23, 7, 16, 5, 7, 0};
  const gm::PairFamily f = text_family(tiny(), "count-ones");
  BOOST_TEST(f.sequence_template() == "how many ones are there in this sequence: {seq}");
  Ids a = prompt;
  a.insert(a.end(), {2, 30});
  Ids b = a;
  b.insert(b.end(), {2, 30});
  BOOST_TEST(f.at(1).a == a);
  BOOST_TEST(f.at(1).b == b);
}

// Against the reference: the tiny fixture's expected_special.jsonl gives
// "how many 1s are in: 1 1 1" as these ids (Hugging Face tokenizers).
BOOST_AUTO_TEST_CASE(template_against_reference_ids) {
  const Ids reference{1, 2, 10, 17, 25, 2, 15, 3, 16, 27, 2, 30, 21, 2, 3, 20, 7, 2, 11, 16, 0, 2, 30, 2, 30, 2, 30};
  const gm::PairFamily f =
      text_family(tiny(), "count-ones", {{gm::FamilyParameter::sequence_template, "how many 1s are in: {seq}"}});
  BOOST_TEST(f.at(2).b == reference);
  BOOST_TEST(f.at(2).a == Ids(reference.begin(), reference.end() - 2));
}

// Merging repeats: with no separator, "1", "11", "11 1", "11 11", "11 11 1"
// (ids 0, 3, 3 0, 3 3, 3 3 0): one more unit costs 0 or 1 tokens, and s(1)
// = [0] is no prefix of s*(1) = [3].
BOOST_AUTO_TEST_CASE(merging_repeats_are_noted) {
  const gm::PairFamily f = text_family(merging(), "count-ones",
                                       {{gm::FamilyParameter::sequence_template, "{seq}"},
                                        {gm::FamilyParameter::unit_separator, ""}});
  BOOST_TEST(f.at(1).a == Ids{0});
  BOOST_TEST(f.at(1).b == Ids{3});
  BOOST_TEST(f.at(2).b == (Ids{3, 0}));
  BOOST_TEST(f.at(3).b == (Ids{3, 3}));
  BOOST_TEST(f.at(4).b == (Ids{3, 3, 0}));
  const gm::TokensPerUnit t = f.tokens_per_unit({1, 2, 3, 4});
  BOOST_TEST(t.min == 0);
  BOOST_TEST(t.max == 1);
  BOOST_TEST(!t.prefixes);
  BOOST_TEST(t.note.find("costs 0 to 1 tokens") != std::string::npos, t.note);
  BOOST_TEST(t.note.find("not always a prefix") != std::string::npos, t.note);
  // With the separator " ", a unit is one token more: 1 2 1 2 1 ...
  const gm::PairFamily spaced_family = text_family(merging(), "count-ones", {{gm::FamilyParameter::sequence_template, "{seq}"}});
  BOOST_TEST(spaced_family.at(2).a == (Ids{0, 2, 0}));
  const gm::TokensPerUnit two = spaced_family.tokens_per_unit({1, 2, 3});
  BOOST_TEST(two.min == 2);
  BOOST_TEST(two.max == 2);
  // Text after {seq}: "1 1." ends in ▁ 1 <unk> (by hand), so s is no prefix of s*, for that reason.
  const gm::PairFamily after = text_family(tiny(), "count-ones", {{gm::FamilyParameter::sequence_template, "{seq}."}});
  BOOST_TEST(after.at(2).a == (Ids{1, 2, 30, 2, 30, 0}));
  const gm::TokensPerUnit dot = after.tokens_per_unit({1, 2, 3});
  BOOST_TEST(dot.min == 2);
  BOOST_TEST(dot.max == 2);
  BOOST_TEST(!dot.prefixes);
  BOOST_TEST(dot.note.find("goes on after {seq}") != std::string::npos, dot.note);
  // Exactly one token per unit: no note.
  const gm::TokensPerUnit one = text_family(tiny(), "count-ones", {{gm::FamilyParameter::unit_separator, ""}}).tokens_per_unit({1, 2, 3});
  BOOST_TEST(one.min == 1);
  BOOST_TEST(one.max == 1);
  BOOST_TEST(one.note.empty());
}

BOOST_AUTO_TEST_CASE(bad_text_options_name_the_problem) {
  const auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const glasses::InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const gm::ModelSource& m = gpt2_small();
  const std::string no_seq = message([&] {
    gm::family_options(m, "count-ones", {{gm::FamilyParameter::sequence_template, "count: "}}, 0, encoder(tiny()));
  });
  BOOST_TEST(no_seq.find("template: 'count: ' has no {seq}") != std::string::npos, no_seq);
  const std::string no_tokenizer =
      message([&] { gm::family_options(m, "count-ones", {{gm::FamilyParameter::unit, "one"}}, 0, {}); });
  BOOST_TEST(no_tokenizer.find("unit: text families only; the model has no tokenizer") != std::string::npos, no_tokenizer);
  const std::string text_without =
      message([&] { gm::family_options(m, "count-ones", {{gm::FamilyParameter::sequences, "text"}}, 0, {}); });
  BOOST_TEST(text_without.find("need a tokenizer") != std::string::npos, text_without);
  const std::string ids_on_text =
      message([&] { gm::family_options(m, "count-ones", {{gm::FamilyParameter::one, "5"}}, 0, encoder(tiny())); });
  BOOST_TEST(ids_on_text.find("one: token families only") != std::string::npos, ids_on_text);
  // sequences: tokens keeps the token families on a model with a tokenizer.
  const gm::FamilyOptions o =
      gm::family_options(m, "count-ones", {{gm::FamilyParameter::sequences, "tokens"}}, 0, encoder(tiny()));
  BOOST_TEST(!gm::PairFamily(m, o).text());
}

BOOST_AUTO_TEST_SUITE_END()
