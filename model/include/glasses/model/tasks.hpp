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
// P is the prompt prefix (the family's default prompt when the model's
// vocabulary has the words, else empty; --prompt overrides it). For
// row-input models tokens are row indices: repeat-last uses rows
// x_i = i and r = 0.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/presets.hpp"

namespace glasses::model {

struct FamilyInfo {
  std::string_view name;
  std::string_view description;
  std::string_view default_prompt;  // words of the prompt vocabulary
};

inline constexpr std::array kFamilies{
    FamilyInfo{"repeat-last", "x ⊕ r vs x ⊕ r ⊕ r (the last token repeated)", ""},
    FamilyInfo{"count-ones", "1^n vs 1^(n+1) after a counting prompt", "how many ones are there in this sequence :"},
    FamilyInfo{"copy-ones", "1^n vs 1^(n+1) after a copying prompt", "copy the last digit :"},
    FamilyInfo{"sampled-digits", "random digits ending in 1 vs ending in 1 1", "how many ones are there in this sequence :"},
    FamilyInfo{"commas", "1^n vs 1^(n+1) with a separator after every k ones",
               "how many ones are there in this sequence :"},
    FamilyInfo{"copy-first", "0 1^n vs 1 1^n (copy the first token)", "copy the first digit :"},
    FamilyInfo{"copy-last", "1^n 0 vs 1^n 1 (copy the last token)", "copy the last digit :"},
    FamilyInfo{"hint", "count-ones behind a hint prompt", "the last digit : 1 . how many ones are there in this sequence :"},
    FamilyInfo{"alternating", "1010… vs 0101…", ""},
    FamilyInfo{"ratio", "1^(an) 0^(bn) vs 1^(a(n+1)) 0^(b(n+1)) (equal ratios)", ""},
    FamilyInfo{"pair", "one fixed pair of sequences", ""},
};

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
};

// ---- the families' parameters, declared once ----------------------------
// Everything a family can be given, for both of its front ends: `glasses
// sweep --<option> VALUE` and a suite file's sweep `"<key>": VALUE`. Values
// travel as text in one syntax (a suite file's numbers, and [a, b] for the
// ratio, are written as this text by the suite parser). Defaults are
// FamilyOptions' initialisers (family_parameter_default).
enum class FamilyParameter : std::uint8_t { prompt, one, zero, separator, comma_every, ratio, a, b };

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
    FamilyParameterInfo{FamilyParameter::a, "a", "", "First sequence of the pair family (token ids or words)"},
    FamilyParameterInfo{FamilyParameter::b, "b", "", "Second sequence of the pair family (token ids or words)"},
};

// Parameter values given by the user, as text.
using FamilyArguments = std::map<FamilyParameter, std::string>;

// The default as text ("3" for comma_every, "1:1" for ratio); empty when it
// depends on the model (token ids, prompt) or there is none.
std::string family_parameter_default(FamilyParameter p);

// Checks a value's syntax without a model, so that suite files fail before
// anything runs. Throws InputError naming the value (the caller adds where).
void check_family_parameter(FamilyParameter p, std::string_view text);

// The options of family `name` given `arguments`, with prompts and sequences
// resolved against `model`. Throws InputError naming the parameter.
FamilyOptions family_options(const ModelSource& model, std::string_view name, const FamilyArguments& arguments,
                             std::uint64_t seed);

struct SequencePair {
  std::vector<int> a, b;
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

 private:
  FamilyOptions o_;
  std::vector<int> prompt_;
  std::vector<int> digits_;  // sampled digit stream
  bool rows_ = false;
};

const FamilyInfo& find_family(std::string_view name);  // throws InputError listing the families

}  // namespace glasses::model
