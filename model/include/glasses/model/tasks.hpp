// Sequence-pair families (THEORY §2): for each n a pair (s, s*) of token
// sequences that a model should tell apart, and whose final-token
// representations the paper proves (or observes) to converge.
//
//   repeat-last     s = x_1..x_{n-1} r,          s* = s ⊕ r            (Thm 4.2 / B.3; x seeded digits, r = 1)
//   count-ones      s = P 1^n,                   s* = P 1^(n+1)        (Fig. 5a)
//   copy-ones       as count-ones with the copy prompt                 (Fig. 5c)
//   sampled-digits  s = P d_1..d_{n-1} 1,        s* = s ⊕ 1            (Fig. 5b; d seeded)
//   commas          count-ones with a separator after every k ones     (Fig. 5d, k = 3)
//   copy-first      s = P 0 1^n,                 s* = P 1 1^n          (Fig. 2a)
//   copy-last       s = P 1^n 0,                 s* = P 1^n 1          (Fig. 2a, control)
//   hint            count-ones behind a hint prompt                    (Fig. 2b)
//   alternating     s = P (1 0)^(n/2),           s* = P (0 1)^(n/2)    (Fig. 2c, Prop. B.4)
//   ratio           s = P 1^(an) 0^(bn),         s* = P 1^(a(n+1)) 0^(b(n+1))  (Prop. B.9)
//   pair            one fixed pair given by the user
//
// Two ways to build the sequences:
//
// * tokens (presets, --config models, checkpoints without a tokenizer):
//   every unit ("1", "0", a digit, the comma) is one token id. P is the
//   prompt prefix (the family's default prompt when the model's vocabulary
//   has the words, else empty; --prompt overrides it). For row-input models
//   tokens are row indices: repeat-last uses rows x_i = i and r = 0.
//
// * text (a model folder with a tokenizer.json; --sequences text): each
//   sequence is a TEXT, tokenised whole by FamilyOptions::encode, as a user
//   would type it into a pipeline. The units above are the texts `unit`
//   ("1"), `zero_unit` ("0") and the digits "0".."9" (sampled-digits,
//   repeat-last), written one after the other with `unit_separator` (" ")
//   between two units; the commas family writes `comma` (",") right after
//   every k-th unit ("1 1 1, 1 1 1, 1"). The sequence text replaces `{seq}`
//   in the family's template ("how many ones are there in this sequence:
//   {seq}"), and the tokenizer adds its special tokens (BOS) when
//   `add_special_tokens` (default, as Hugging Face pipelines do). n still
//   counts units, never tokens: a unit may cost several tokens (" 1" is
//   "▁" "1" in a SentencePiece vocabulary with split digits), and repeats
//   may merge ("111" is one Llama-3 token when the separator is empty), in
//   which case s is not even a prefix of s*. tokens_per_unit() measures it.
//   The pair family takes two texts (--a, --b) without a template. A
//   tokenizer whose ids fall outside the model's vocabulary is refused.
//
// Why a function and not the tokenizer: glasses::model stays free of
// glasses::tokenizer (DESIGN.md's one-way dependencies); the app and the
// reports, which find a model folder's tokenizer.json, supply `encode`.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/presets.hpp"

namespace glasses::model {

struct FamilyInfo {
  std::string_view name;
  std::string_view description;
  std::string_view default_prompt;    // words of the prompt vocabulary (token families)
  std::string_view default_template;  // text families: the prompt around {seq}
};

// The default templates are the default prompts as text, without the space
// the word vocabulary needs before the colon.
inline constexpr std::array kFamilies{
    FamilyInfo{"repeat-last", "x ⊕ r vs x ⊕ r ⊕ r (the last token repeated)", "", "{seq}"},
    FamilyInfo{"count-ones", "1^n vs 1^(n+1) after a counting prompt", "how many ones are there in this sequence :",
               "how many ones are there in this sequence: {seq}"},
    FamilyInfo{"copy-ones", "1^n vs 1^(n+1) after a copying prompt", "copy the last digit :", "copy the last digit: {seq}"},
    FamilyInfo{"sampled-digits", "random digits ending in 1 vs ending in 1 1", "how many ones are there in this sequence :",
               "how many ones are there in this sequence: {seq}"},
    FamilyInfo{"commas", "1^n vs 1^(n+1) with a separator after every k ones",
               "how many ones are there in this sequence :", "how many ones are there in this sequence: {seq}"},
    FamilyInfo{"copy-first", "0 1^n vs 1 1^n (copy the first token)", "copy the first digit :", "copy the first digit: {seq}"},
    FamilyInfo{"copy-last", "1^n 0 vs 1^n 1 (copy the last token)", "copy the last digit :", "copy the last digit: {seq}"},
    FamilyInfo{"hint", "count-ones behind a hint prompt", "the last digit : 1 . how many ones are there in this sequence :",
               "the last digit: 1. how many ones are there in this sequence: {seq}"},
    FamilyInfo{"alternating", "1010… vs 0101…", "", "{seq}"},
    FamilyInfo{"ratio", "1^(an) 0^(bn) vs 1^(a(n+1)) 0^(b(n+1)) (equal ratios)", "", "{seq}"},
    FamilyInfo{"pair", "one fixed pair of sequences", "", ""},
};

// The ids of a text, with the tokenizer's special tokens (BOS, ...) when
// asked: a model folder's tokenizer.json (glasses::tokenizer::Tokenizer::
// encode). Must be safe to call from several threads at once (tracks run
// in parallel); throws InputError for a text it cannot encode.
using TextEncoder = std::function<std::vector<int>(std::string_view text, bool add_special_tokens)>;

struct FamilyOptions {
  std::string name = "count-ones";
  bool prompt_given = false;
  std::vector<int> prompt;  // token ids (used when prompt_given)
  int one = 1, zero = 0;    // token ids of the digits (defaults: the vocabulary's "1"/"0", else ids 1 and 0)
  int separator = 10;       // the comma (default: the vocabulary's ",", else id 10)
  int comma_every = 3;
  int ratio_ones = 1, ratio_zeros = 1;
  std::uint64_t seed = 0;   // sampled-digits
  std::vector<int> a, b;    // for "pair"
  // Text families (see the top of this file); text mode when `encode` is set.
  TextEncoder encode;
  std::string sequence_template;  // with one "{seq}"; empty: the family's default_template
  std::string unit = "1", zero_unit = "0", unit_separator = " ", comma = ",";
  bool add_special_tokens = true;
  std::string a_text, b_text;     // for "pair" in text mode: the two texts, tokenised whole
};

// ---- the families' parameters, declared once ----------------------------
// Everything a family can be given, for both of its front ends: `glasses
// sweep --<option> VALUE` and a suite file's sweep `"<key>": VALUE`. Values
// travel as text in one syntax (a suite file's numbers, and [a, b] for the
// ratio, are written as this text by the suite parser). Defaults are
// FamilyOptions' initialisers (family_parameter_default).
enum class FamilyParameter : std::uint8_t {
  prompt, one, zero, separator, comma_every, ratio, a, b,
  sequences, sequence_template, unit, zero_unit, unit_separator, comma, add_special_tokens
};

struct FamilyParameterInfo {
  FamilyParameter id;
  std::string_view option;  // command line, without the leading "--"
  std::string_view key;     // suite files; empty: not offered there (the pair family has a single n)
  std::string_view help;
};

inline constexpr std::array kFamilyParameters{
    FamilyParameterInfo{FamilyParameter::prompt, "prompt", "prompt",
                        "Prompt prefix: token ids or words; 'none' or empty for no prompt (default: the family's "
                        "prompt when the vocabulary has its words)"},
    FamilyParameterInfo{FamilyParameter::one, "one", "one", "Token id of the digit 1 (default: the vocabulary's \"1\")"},
    FamilyParameterInfo{FamilyParameter::zero, "zero", "zero", "Token id of the digit 0 (default: the vocabulary's \"0\")"},
    FamilyParameterInfo{FamilyParameter::separator, "sep", "separator",
                        "Token id of the separator of the commas family (default: the vocabulary's \",\")"},
    FamilyParameterInfo{FamilyParameter::comma_every, "comma-every", "comma_every", "Separator period k of the commas family"},
    FamilyParameterInfo{FamilyParameter::ratio, "ratio", "ratio", "a:b of the ratio family"},
    FamilyParameterInfo{FamilyParameter::a, "a", "", "First sequence of the pair family (token ids or words; a text on text families)"},
    FamilyParameterInfo{FamilyParameter::b, "b", "", "Second sequence of the pair family (token ids or words; a text on text families)"},
    FamilyParameterInfo{FamilyParameter::sequences, "sequences", "sequences",
                        "How sequences are built: 'text' (each sequence a text tokenised whole by the model "
                        "folder's tokenizer.json) or 'tokens' (one token id per unit); default: text when the model "
                        "has a tokenizer.json, else tokens"},
    FamilyParameterInfo{FamilyParameter::sequence_template, "template", "template",
                        "Text families: the text around the sequence, with one {seq} where the units go (default: "
                        "the family's prompt, e.g. 'how many ones are there in this sequence: {seq}')"},
    FamilyParameterInfo{FamilyParameter::unit, "unit", "unit", "Text families: the text of the unit 1"},
    FamilyParameterInfo{FamilyParameter::zero_unit, "zero-unit", "zero_unit",
                        "Text families: the text of the unit 0 (copy-first, copy-last, alternating, ratio)"},
    FamilyParameterInfo{FamilyParameter::unit_separator, "unit-sep", "unit_separator",
                        "Text families: the text between two units ('' for 111...)"},
    FamilyParameterInfo{FamilyParameter::comma, "comma", "comma",
                        "Text families: the text written after every k-th unit of the commas family"},
    FamilyParameterInfo{FamilyParameter::add_special_tokens, "add-special-tokens", "add_special_tokens",
                        "Text families: true to add the tokenizer's special tokens (BOS, ...) as Hugging Face "
                        "pipelines do, false to leave them out"},
};

// Parameter values given by the user, as text.
using FamilyArguments = std::map<FamilyParameter, std::string>;

// The default as text ("3" for comma_every, "1:1" for ratio, "1" for unit);
// empty when it depends on the model (token ids, prompt, sequences) or
// there is none.
std::string family_parameter_default(FamilyParameter p);

// Checks a value's syntax without a model, so that suite files fail before
// anything runs. Throws InputError naming the value (the caller adds where).
void check_family_parameter(FamilyParameter p, std::string_view text);

// The options of family `name` given `arguments`, with prompts and sequences
// resolved against `model`. `encode` is the model's tokenizer (empty when
// it has none): with it the families are texts unless `sequences` is
// "tokens". Throws InputError naming the parameter: a text parameter
// without a tokenizer, a template without {seq}, a token parameter
// (prompt, one, zero, separator) on text families.
FamilyOptions family_options(const ModelSource& model, std::string_view name, const FamilyArguments& arguments,
                             std::uint64_t seed, const TextEncoder& encode = {});

struct SequencePair {
  std::vector<int> a, b;
};

// What a unit costs in tokens, for text families: the marginal cost of
// one more unit, (|s(n')| - |s(n)|) / (units of s(n') - units of s(n))
// with n' the next n of the family (n + 1; n + 2 for alternating), over
// the n asked for; and whether s(n) is a prefix of s*(n) at each of them
// where the family appends to s (count-ones, commas, ...).
struct TokensPerUnit {
  double min = 1, max = 1;
  bool prefixes = true;  // s(n) a prefix of s*(n) at every n measured (families that append)
  std::string note;      // empty when every unit is one token and s is a prefix of s*
};

// A family bound to a model (token ids resolved, prompt chosen).
class PairFamily {
 public:
  PairFamily(const ModelSource& model, FamilyOptions options);  // throws InputError
  const FamilyOptions& options() const { return o_; }
  const std::vector<int>& prompt() const { return prompt_; }
  // The pair at n (n >= 1; even n for alternating; n = 1 only for pair).
  SequencePair at(std::size_t n) const;
  // The length of the longer sequence of the pair at n, without building
  // it (as a double: n may be beyond what could be built).
  double length(std::size_t n) const;
  // A sentence describing the family as instantiated, for reports.
  std::string describe() const;
  // Whether the sequences are texts (see the top of this file).
  bool text() const { return static_cast<bool>(o_.encode); }
  // The template with {seq} (text families).
  const std::string& sequence_template() const { return template_; }
  // Text families: the cost of a unit over `ns` (tokens families: exactly
  // one, no note). Tokenises two pairs per n.
  TokensPerUnit tokens_per_unit(const std::vector<std::size_t>& ns) const;

 private:
  FamilyOptions o_;
  std::vector<int> prompt_;
  std::vector<int> digits_;  // sampled digit stream
  bool rows_ = false;
  std::string template_;     // text families

  SequencePair text_at(std::size_t n) const;
};

const FamilyInfo& find_family(std::string_view name);  // throws InputError listing the families

}  // namespace glasses::model
