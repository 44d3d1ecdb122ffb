#include "glasses/model/tasks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>
#include <sstream>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/random.hpp"

namespace glasses::model {
namespace {

int lookup(const std::vector<std::string>& vocabulary, const std::string& word, int fallback) {
  const auto it = std::find(vocabulary.begin(), vocabulary.end(), word);
  return it == vocabulary.end() ? fallback : static_cast<int>(it - vocabulary.begin());
}

// The prompt's words as ids, or empty when a word is missing.
std::vector<int> words_to_ids(const std::vector<std::string>& vocabulary, std::string_view words) {
  std::vector<int> ids;
  std::istringstream in{std::string(words)};
  for (std::string w; in >> w;) {
    const int id = lookup(vocabulary, w, -1);
    if (id < 0) return {};
    ids.push_back(id);
  }
  return ids;
}

void append(std::vector<int>& v, int token, std::size_t count) { v.insert(v.end(), count, token); }

// 1^count with a separator after every k ones (none after the last).
void append_grouped_ones(std::vector<int>& v, int one, int separator, std::size_t count, std::size_t k) {
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0 && i % k == 0) v.push_back(separator);
    v.push_back(one);
  }
}

const FamilyParameterInfo& info(FamilyParameter p) {
  for (const FamilyParameterInfo& i : kFamilyParameters) {
    if (i.id == p) return i;
  }
  throw Error("family parameter without an entry in kFamilyParameters");
}

// The name of a parameter in messages: its suite key, else its option.
std::string name_of(FamilyParameter p) {
  const FamilyParameterInfo& i = info(p);
  return std::string(i.key.empty() ? i.option : i.key);
}

// A decimal integer in [lo, hi].
long bounded_integer(std::string_view text, long lo, long hi) {
  long v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < lo || v > hi) {
    throw InputError("'" + std::string(text) + "' is not an integer between " + std::to_string(lo) + " and " +
                     std::to_string(hi));
  }
  return v;
}

constexpr long kMaxPeriod = 1000;  // comma_every and the ratio's parts
constexpr long kMaxTokenId = std::numeric_limits<int>::max();

// "A:B", both in [1, kMaxPeriod].
std::pair<int, int> ratio_parts(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) throw InputError("'" + std::string(text) + "' is not of the form A:B");
  return {static_cast<int>(bounded_integer(text.substr(0, colon), 1, kMaxPeriod)),
          static_cast<int>(bounded_integer(text.substr(colon + 1), 1, kMaxPeriod))};
}

// A prompt or sequence meaning "none".
bool is_none(std::string_view text) { return text == "none" || text.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

std::string family_parameter_default(FamilyParameter p) {
  const FamilyOptions defaults;
  switch (p) {
    case FamilyParameter::comma_every: return std::to_string(defaults.comma_every);
    case FamilyParameter::ratio: return std::to_string(defaults.ratio_ones) + ":" + std::to_string(defaults.ratio_zeros);
    default: return "";
  }
}

void check_family_parameter(FamilyParameter p, std::string_view text) {
  switch (p) {
    case FamilyParameter::one:
    case FamilyParameter::zero:
    case FamilyParameter::separator: bounded_integer(text, 0, kMaxTokenId); return;
    case FamilyParameter::comma_every: bounded_integer(text, 1, kMaxPeriod); return;
    case FamilyParameter::ratio: ratio_parts(text); return;
    case FamilyParameter::prompt:
    case FamilyParameter::a:
    case FamilyParameter::b: return;  // tokens: checked against the model's vocabulary
  }
}

FamilyOptions family_options(const ModelSource& model, std::string_view name, const FamilyArguments& arguments,
                             std::uint64_t seed) {
  FamilyOptions o;
  o.name = std::string(name);
  find_family(o.name);
  o.seed = seed;
  for (const auto& [p, text] : arguments) {
    const std::string where = name_of(p);
    try {
      check_family_parameter(p, text);
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
    switch (p) {
      case FamilyParameter::prompt:
        o.prompt_given = true;
        o.prompt = is_none(text) ? std::vector<int>{} : parse_tokens(model, text, where);
        break;
      case FamilyParameter::one: o.one = static_cast<int>(bounded_integer(text, 0, kMaxTokenId)); break;
      case FamilyParameter::zero: o.zero = static_cast<int>(bounded_integer(text, 0, kMaxTokenId)); break;
      case FamilyParameter::separator: o.separator = static_cast<int>(bounded_integer(text, 0, kMaxTokenId)); break;
      case FamilyParameter::comma_every: o.comma_every = static_cast<int>(bounded_integer(text, 1, kMaxPeriod)); break;
      case FamilyParameter::ratio: std::tie(o.ratio_ones, o.ratio_zeros) = ratio_parts(text); break;
      case FamilyParameter::a: o.a = parse_tokens(model, text, where); break;
      case FamilyParameter::b: o.b = parse_tokens(model, text, where); break;
    }
  }
  return o;
}

const FamilyInfo& find_family(std::string_view name) {
  std::string known;
  for (const FamilyInfo& f : kFamilies) {
    if (f.name == name) return f;
    known += (known.empty() ? "" : ", ") + std::string(f.name);
  }
  throw InputError("family '" + std::string(name) + "': unknown; families are " + known);
}

PairFamily::PairFamily(const ModelSource& model, FamilyOptions options) : o_(std::move(options)) {
  const FamilyInfo& info = find_family(o_.name);
  const std::vector<std::string>& vocabulary = model.config.vocabulary;
  rows_ = model.rows.has_value();
  if (!vocabulary.empty()) {
    o_.one = lookup(vocabulary, "1", o_.one);
    o_.zero = lookup(vocabulary, "0", o_.zero);
    o_.separator = lookup(vocabulary, ",", o_.separator);
  }
  prompt_ = o_.prompt_given ? o_.prompt : words_to_ids(vocabulary, info.default_prompt);
  // Other families fall back to no prompt (describe() says so); a hint
  // family without its prompt would silently be count-ones.
  if (o_.name == "hint" && prompt_.empty())
    throw InputError("family 'hint': the model's vocabulary lacks the words of the default hint prompt '" +
                     std::string(info.default_prompt) + "'; give the prompt as token ids (--prompt)");
  if (o_.comma_every < 1) throw InputError("the separator period k must be >= 1");
  if (o_.ratio_ones < 1 || o_.ratio_zeros < 1) throw InputError("ratio parts must be >= 1");
  if (o_.name == "pair" && (o_.a.empty() || o_.b.empty())) throw InputError("the pair family needs --a and --b");
  if (o_.name == "sampled-digits" || o_.name == "repeat-last") {
    // Digit ids: the vocabulary's "0".."9", else ids 0..9.
    for (int d = 0; d <= 9; ++d) digits_.push_back(lookup(vocabulary, std::to_string(d), d));
  }
  const int vocab = model.config.vocab_size;
  if (!rows_) {
    for (int id : {o_.one, o_.zero, o_.separator}) {
      if (id < 0 || id >= vocab) {
        throw InputError("family '" + o_.name + "': token id " + std::to_string(id) +
                         " is outside the vocabulary of " + std::to_string(vocab) +
                         " tokens; choose the digit/separator ids explicitly");
      }
    }
  }
}

SequencePair PairFamily::at(std::size_t n) const {
  if (n == 0) throw InputError("family '" + o_.name + "': n must be >= 1");
  SequencePair p{prompt_, prompt_};
  const std::string& f = o_.name;
  if (f == "repeat-last") {
    // x_1..x_{n-1}: rows 1..n-1 (row models) or a seeded digit stream; r: row 0 or "1".
    numerics::PortableRandom rng(o_.seed);
    for (std::size_t i = 1; i < n; ++i) {
      p.a.push_back(rows_ ? static_cast<int>(i) : digits_[static_cast<std::size_t>(rng.next() % 10)]);
    }
    const int r = rows_ ? 0 : o_.one;
    p.a.push_back(r);
    p.b = p.a;
    p.b.push_back(r);
  } else if (f == "count-ones" || f == "copy-ones" || f == "hint") {
    append(p.a, o_.one, n);
    append(p.b, o_.one, n + 1);
  } else if (f == "sampled-digits") {
    numerics::PortableRandom rng(o_.seed);
    for (std::size_t i = 1; i < n; ++i) {
      const int d = digits_[static_cast<std::size_t>(rng.next() % 10)];
      p.a.push_back(d);
    }
    p.a.push_back(o_.one);
    p.b = p.a;
    p.b.push_back(o_.one);
  } else if (f == "commas") {
    append_grouped_ones(p.a, o_.one, o_.separator, n, static_cast<std::size_t>(o_.comma_every));
    append_grouped_ones(p.b, o_.one, o_.separator, n + 1, static_cast<std::size_t>(o_.comma_every));
  } else if (f == "copy-first") {
    p.a.push_back(o_.zero);
    p.b.push_back(o_.one);
    append(p.a, o_.one, n);
    append(p.b, o_.one, n);
  } else if (f == "copy-last") {
    append(p.a, o_.one, n);
    append(p.b, o_.one, n);
    p.a.push_back(o_.zero);
    p.b.push_back(o_.one);
  } else if (f == "alternating") {
    if (n % 2 != 0) throw InputError("family alternating needs even n, got " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      p.a.push_back(i % 2 == 0 ? o_.one : o_.zero);
      p.b.push_back(i % 2 == 0 ? o_.zero : o_.one);
    }
  } else if (f == "ratio") {
    const std::size_t a = static_cast<std::size_t>(o_.ratio_ones), b = static_cast<std::size_t>(o_.ratio_zeros);
    append(p.a, o_.one, a * n);
    append(p.a, o_.zero, b * n);
    append(p.b, o_.one, a * (n + 1));
    append(p.b, o_.zero, b * (n + 1));
  } else if (f == "pair") {
    if (n != 1) throw InputError("the pair family has only n = 1");
    p.a.insert(p.a.end(), o_.a.begin(), o_.a.end());
    p.b.insert(p.b.end(), o_.b.begin(), o_.b.end());
  }
  return p;
}

double PairFamily::length(std::size_t n) const {
  const double m = static_cast<double>(n), prompt = static_cast<double>(prompt_.size());
  const std::string& f = o_.name;
  if (f == "commas") {
    const double k = static_cast<double>(o_.comma_every);
    return prompt + (m + 1) + std::floor(m / k);
  }
  if (f == "alternating") return prompt + m;
  if (f == "ratio") return prompt + static_cast<double>(o_.ratio_ones + o_.ratio_zeros) * (m + 1);
  if (f == "pair") return prompt + static_cast<double>(std::max(o_.a.size(), o_.b.size()));
  return prompt + m + 1;  // one more token than n: the repeated, extra or final digit
}

std::string PairFamily::describe() const {
  std::string s = o_.name;
  if (o_.name == "commas") s += " (separator every " + std::to_string(o_.comma_every) + ")";
  if (o_.name == "ratio") s += " (" + std::to_string(o_.ratio_ones) + ":" + std::to_string(o_.ratio_zeros) + ")";
  if (o_.name == "sampled-digits" || (o_.name == "repeat-last" && !rows_)) s += ", seed " + std::to_string(o_.seed);
  s += prompt_.empty() ? ", no prompt" : ", prompt of " + std::to_string(prompt_.size()) + " tokens";
  return s;
}

}  // namespace glasses::model
