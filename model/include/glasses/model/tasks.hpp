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
