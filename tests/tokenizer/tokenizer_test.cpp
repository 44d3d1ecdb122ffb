// tokenizer.hpp against the reference: the ids and decoded texts of Hugging
// Face's Rust `tokenizers` (through its npm binding; see
// tests/fixtures/tokenizers/README.md and make_expected.js) for five real
// tokenizers over a broad corpus; hand-made files for every error class.
#include "glasses/tokenizer/tokenizer.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "glasses/numerics/error.hpp"

namespace gt = glasses::tokenizer;
using nlohmann::json;

namespace {

const std::filesystem::path kExpected = std::filesystem::path(GLASSES_TEST_FIXTURES) / "tokenizers";
const std::filesystem::path kExtracted = GLASSES_TOKENIZER_FIXTURES;

// The tokenizer.json of a fixture: the extracted archive, or the plain file
// (tiny) next to the expected ids.
std::filesystem::path tokenizer_file(const std::string& name) {
  const auto plain = kExpected / name / "tokenizer.json";
  return std::filesystem::exists(plain) ? plain : kExtracted / name / "tokenizer.json";
}

const gt::Tokenizer& fixture(const std::string& name) {
  static std::map<std::string, gt::Tokenizer> loaded;
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, gt::Tokenizer::load(tokenizer_file(name))).first;
  return it->second;
}

struct Case {
  std::string text;
  std::vector<int> ids;
  std::optional<std::string> decoded;
};

std::vector<Case> read_cases(const std::filesystem::path& file) {
  std::vector<Case> cases;
  std::ifstream in(file);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    Case c{j.at("text").get<std::string>(), j.at("ids").get<std::vector<int>>(), std::nullopt};
    if (j.contains("decoded")) c.decoded = j.at("decoded").get<std::string>();
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string shorten(const std::string& s) { return s.size() > 60 ? s.substr(0, 60) + "…" : s; }

// Every case of every expected file of `name`: the reference's ids, its
// decoded text, and decode(encode(s)) == s where the reference round-trips.
void check_fixture(const std::string& name) {
  const gt::Tokenizer& tok = fixture(name);
  int checked = 0;
  for (const auto& [file, special] : {std::pair{"expected.jsonl", false}, std::pair{"expected_special.jsonl", true},
                                      std::pair{"extra.jsonl", false}, std::pair{"extra_special.jsonl", true}}) {
    const auto path = kExpected / name / file;
    if (!std::filesystem::exists(path)) continue;
    for (const Case& c : read_cases(path)) {
      BOOST_TEST_CONTEXT(name << " " << file << " \"" << shorten(c.text) << "\"") {
        const std::vector<int> ids = tok.encode(c.text, special);
        BOOST_TEST(ids == c.ids, boost::test_tools::per_element());
        if (c.decoded) {
          BOOST_TEST(tok.decode(c.ids) == *c.decoded);
          if (*c.decoded == c.text) BOOST_TEST(tok.decode(ids) == c.text);
        }
        ++checked;
      }
    }
  }
  BOOST_TEST(checked >= 30);
}

gt::Tokenizer parse(const json& j) { return gt::Tokenizer::parse(j.dump(), "test.json"); }

// A minimal valid BPE tokenizer to break one piece at a time.
json small() {
  return json::parse(R"({
    "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
    "normalizer": null, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Removed", "invert": false},
    "post_processor": null, "decoder": null,
    "model": {"type": "BPE", "dropout": null, "unk_token": null, "vocab": {"a": 0, "b": 1, "ab": 2, "c": 3},
              "merges": ["a b"]}})");
}

// Runs `f`, which must throw InputError with every one of `parts` in its message.
template <class F>
void expect_input_error(F f, std::initializer_list<std::string> parts) {
  try {
    f();
    BOOST_ERROR("no InputError thrown; expected one mentioning " << *parts.begin());
  } catch (const glasses::InputError& e) {
    const std::string what = e.what();
    for (const std::string& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << p << "' in: " << what);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tokenizer_reference)

BOOST_AUTO_TEST_CASE(gpt2_matches_the_reference) { check_fixture("gpt2"); }
BOOST_AUTO_TEST_CASE(llama2_matches_the_reference) { check_fixture("llama2"); }
BOOST_AUTO_TEST_CASE(llama3_matches_the_reference) { check_fixture("llama3"); }
BOOST_AUTO_TEST_CASE(qwen3_matches_the_reference) { check_fixture("qwen3"); }
BOOST_AUTO_TEST_CASE(gemma3_matches_the_reference) { check_fixture("gemma3"); }
// Hand-made: Prepend + Replace, Digits, Split MergedWithNext, unk with
// fuse_unk, added tokens with lstrip/rstrip and single_word, Strip decoder.
BOOST_AUTO_TEST_CASE(tiny_matches_the_reference) { check_fixture("tiny"); }

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokenizer_api)

BOOST_AUTO_TEST_CASE(lookups_and_sizes) {
  const gt::Tokenizer& gpt2 = fixture("gpt2");
  BOOST_TEST(gpt2.vocab_size() == 50257);
  BOOST_TEST(gpt2.token_id("<|endoftext|>").value() == 50256);
  BOOST_TEST(gpt2.token_id("Ġthe").value() == 262);
  BOOST_TEST(!gpt2.token_id("no such token").has_value());
  BOOST_TEST(gpt2.token(262) == "Ġthe");
  expect_input_error([&] { (void)gpt2.token(50257); }, {"50257"});
  expect_input_error([&] { (void)gpt2.decode(std::vector<int>{262, -1}); }, {"-1", "position 1"});
  // Llama-3's added tokens come after its 128000 model tokens.
  BOOST_TEST(fixture("llama3").vocab_size() == 128256);
  BOOST_TEST(fixture("llama3").token_id("<|begin_of_text|>").value() == 128000);
  // A folder means folder/tokenizer.json.
  BOOST_TEST(gt::Tokenizer::load(kExpected / "tiny").vocab_size() == 48);
}

BOOST_AUTO_TEST_CASE(skip_special_drops_special_added_tokens_only) {
  const gt::Tokenizer& llama2 = fixture("llama2");
  const std::vector<int> ids = llama2.encode("Hi", true);
  BOOST_TEST(ids.front() == 1);
  BOOST_TEST(llama2.decode(ids, false) == "<s> Hi");
  BOOST_TEST(llama2.decode(ids, true) == "Hi");
}

BOOST_AUTO_TEST_CASE(concurrent_encodes_agree) {
  const gt::Tokenizer& tok = fixture("llama3");
  const std::string text = "The model's output isn't what we'd expect; they're close. 12345 日本語";
  const std::vector<int> expected = tok.encode(text, false);
  std::vector<std::vector<int>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k) got[t] = tok.encode(text + std::to_string(k % 7), false);
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) BOOST_TEST(g.size() >= expected.size());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokenizer_errors)

BOOST_AUTO_TEST_CASE(not_json_and_missing_file) {
  expect_input_error([] { (void)gt::Tokenizer::parse("{\"model\": ", "broken.json"); }, {"broken.json", "not JSON"});
  expect_input_error([] { (void)gt::Tokenizer::load("/nonexistent/tokenizer.json"); }, {"/nonexistent", "no such file"});
  expect_input_error([] { (void)gt::Tokenizer::load("/"); }, {"tokenizer.json"});
}

BOOST_AUTO_TEST_CASE(other_model_types_are_named) {
  for (const char* type : {"WordPiece", "Unigram", "WordLevel"}) {
    json j = small();
    j["model"]["type"] = type;
    expect_input_error([&] { parse(j); }, {"model.type", type, "not supported"});
  }
  json unigram = small();
  unigram["model"] = json::parse(R"({"unk_id": 0, "vocab": [["a", 0.0]]})");
  expect_input_error([&] { parse(unigram); }, {"Unigram", "not supported"});
  json dropout = small();
  dropout["model"]["dropout"] = 0.1;
  expect_input_error([&] { parse(dropout); }, {"model.dropout", "must be null"});
  json untyped = small();
  untyped["model"].erase("type");
  BOOST_TEST(parse(untyped).encode("ab c", false) == std::vector<int>({2, 3}));
}

BOOST_AUTO_TEST_CASE(unknown_types_name_their_json_path) {
  json pre = small();
  pre["pre_tokenizer"] = json::parse(R"({"type": "Sequence", "pretokenizers": [{"type": "Digits"}, {"type": "Foo"}]})");
  expect_input_error([&] { parse(pre); }, {R"(pre_tokenizer.pretokenizers[1].type "Foo" is not supported)"});
  json norm = small();
  norm["normalizer"] = json::parse(R"({"type": "Sequence", "normalizers": [{"type": "BertNormalizer"}]})");
  expect_input_error([&] { parse(norm); }, {R"(normalizer.normalizers[0].type "BertNormalizer" is not supported)"});
  json dec = small();
  dec["decoder"] = json::parse(R"({"type": "WordPiece", "prefix": "##"})");
  expect_input_error([&] { parse(dec); }, {R"(decoder.type "WordPiece" is not supported)"});
  json post = small();
  post["post_processor"] = json::parse(R"({"type": "Sequence", "processors": [{"type": "Bar"}]})");
  expect_input_error([&] { parse(post); }, {R"(post_processor.processors[0].type "Bar" is not supported)"});
  json behavior = small();
  behavior["pre_tokenizer"]["behavior"] = "Sideways";
  expect_input_error([&] { parse(behavior); }, {"pre_tokenizer.behavior", "Sideways"});
  json truncation = small();
  truncation["truncation"] = json::parse(R"({"max_length": 8})");
  expect_input_error([&] { parse(truncation); }, {"truncation", "not supported"});
}

BOOST_AUTO_TEST_CASE(malformed_vocabularies_and_merges) {
  json merge = small();
  merge["model"]["merges"] = json::parse(R"(["a b", "b zz"])");
  expect_input_error([&] { parse(merge); }, {"model.merges[1]", "\"zz\"", "not in the vocabulary"});
  json product = small();
  product["model"]["merges"] = json::parse(R"([["a", "b"], ["b", "c"]])");
  expect_input_error([&] { parse(product); }, {"model.merges[1]", "\"bc\"", "not in the vocabulary"});
  json shape = small();
  shape["model"]["merges"] = json::parse(R"(["ab"])");
  expect_input_error([&] { parse(shape); }, {"model.merges[0]", "two tokens"});
  json duplicate = small();
  duplicate["model"]["vocab"]["c"] = 1;
  expect_input_error([&] { parse(duplicate); }, {"model.vocab", "id 1", "\"b\"", "\"c\""});
  json range = small();
  range["model"]["vocab"]["c"] = 1 << 24;
  expect_input_error([&] { parse(range); }, {"model.vocab[\"c\"]", "2^24"});
  json negative = small();
  negative["model"]["vocab"]["c"] = -3;
  expect_input_error([&] { parse(negative); }, {"model.vocab[\"c\"]", "-3"});
}

BOOST_AUTO_TEST_CASE(malformed_added_tokens) {
  json dup = small();
  dup["added_tokens"] = json::parse(R"([{"id": 4, "content": "<x>", "special": true},
                                        {"id": 4, "content": "<x>", "special": true}])");
  expect_input_error([&] { parse(dup); }, {"added_tokens[1]", "<x>"});
  json wrong = small();
  wrong["added_tokens"] = json::parse(R"([{"id": 9, "content": "<x>", "special": true}])");
  expect_input_error([&] { parse(wrong); }, {"added_tokens[0].id", "is 9", "gives it 4"});
  json template_ = small();
  template_["post_processor"] = json::parse(R"({"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {}})");
  expect_input_error([&] { parse(template_); }, {"post_processor.single[0].SpecialToken.id", "<bos>"});
}

BOOST_AUTO_TEST_CASE(invalid_regex_carries_onigurumas_message) {
  json j = small();
  j["pre_tokenizer"]["pattern"] = json::parse(R"({"Regex": "(a|b"})");
  expect_input_error([&] { parse(j); }, {"pre_tokenizer.pattern.Regex", "/(a|b/", "end pattern with unmatched parenthesis"});
}

BOOST_AUTO_TEST_CASE(unencodable_text_names_the_character_and_offset) {
  const gt::Tokenizer tok = parse(small());
  expect_input_error([&] { (void)tok.encode("ab cab xé", false); }, {"'x'", "U+0078", "byte offset 7"});
  expect_input_error([&] { (void)tok.encode("ab é", false); }, {"U+00E9", "byte offset 3"});
  // Invalid UTF-8 is refused with its offset.
  expect_input_error([&] { (void)tok.encode("ab\xC3(", false); }, {"not valid UTF-8", "byte 2"});
  expect_input_error([&] { (void)tok.encode("\xED\xA0\x80", false); }, {"byte 0"});  // a surrogate
  // unk_token absent from the vocabulary: refused when it is needed.
  json unk = small();
  unk["model"]["unk_token"] = "<unk>";
  expect_input_error([&] { (void)parse(unk).encode("x", false); }, {"model.unk_token", "<unk>"});
}

BOOST_AUTO_TEST_SUITE_END()
