#include "glasses/model/tasks.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
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

constexpr std::string_view kSeq = "{seq}";

// A template holds exactly one {seq}.
void check_template(std::string_view text) {
  const std::size_t at = text.find(kSeq);
  if (at == std::string_view::npos)
    throw InputError("'" + std::string(text) + "' has no {seq} (the place where the sequence goes)");
  if (text.find(kSeq, at + kSeq.size()) != std::string_view::npos)
    throw InputError("'" + std::string(text) + "' has {seq} more than once");
}

bool boolean_text(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw InputError("'" + std::string(text) + "' is neither true nor false");
}

// Parameters that only text families take, and those only token families take.
bool text_parameter(FamilyParameter p) {
  switch (p) {
    case FamilyParameter::sequence_template:
    case FamilyParameter::unit:
    case FamilyParameter::zero_unit:
    case FamilyParameter::unit_separator:
    case FamilyParameter::comma:
    case FamilyParameter::add_special_tokens: return true;
    default: return false;
  }
}
bool token_parameter(FamilyParameter p) {
  return p == FamilyParameter::prompt || p == FamilyParameter::one || p == FamilyParameter::zero ||
         p == FamilyParameter::separator;
}

// The text of a list of units: `separator` between two units, `comma`
// right after every k-th unit but the last (k = 0: never).
class UnitText {
 public:
  UnitText(const FamilyOptions& o, std::size_t k) : o_(&o), k_(k) {}
  UnitText& add(std::string_view unit, std::size_t count = 1) {
    for (std::size_t i = 0; i < count; ++i) {
      if (units_ > 0) {
        if (k_ > 0 && units_ % k_ == 0) text_ += o_->comma;
        text_ += o_->unit_separator;
      }
      text_ += unit;
      ++units_;
    }
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  const FamilyOptions* o_;
  std::size_t k_;
  std::size_t units_ = 0;
  std::string text_;
};

constexpr std::array<std::string_view, 10> kDigitText{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

}  // namespace

std::string family_parameter_default(FamilyParameter p) {
  const FamilyOptions defaults;
  switch (p) {
    case FamilyParameter::comma_every: return std::to_string(defaults.comma_every);
    case FamilyParameter::ratio: return std::to_string(defaults.ratio_ones) + ":" + std::to_string(defaults.ratio_zeros);
    case FamilyParameter::unit: return defaults.unit;
    case FamilyParameter::zero_unit: return defaults.zero_unit;
    case FamilyParameter::unit_separator: return defaults.unit_separator;
    case FamilyParameter::comma: return defaults.comma;
    case FamilyParameter::add_special_tokens: return defaults.add_special_tokens ? "true" : "false";
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
    case FamilyParameter::sequences:
      if (text != "text" && text != "tokens") throw InputError("'" + std::string(text) + "' is neither text nor tokens");
      return;
    case FamilyParameter::sequence_template: check_template(text); return;
    case FamilyParameter::unit:
    case FamilyParameter::zero_unit:
      if (text.empty()) throw InputError("a unit must not be empty");
      return;
    case FamilyParameter::unit_separator:
    case FamilyParameter::comma: return;
    case FamilyParameter::add_special_tokens: boolean_text(text); return;
  }
}

FamilyOptions family_options(const ModelSource& model, std::string_view name, const FamilyArguments& arguments,
                             std::uint64_t seed, const TextEncoder& encode) {
  FamilyOptions o;
  o.name = std::string(name);
  find_family(o.name);
  o.seed = seed;
  // Text or tokens first: it decides how the other parameters are read.
  bool text = static_cast<bool>(encode);
  if (const auto it = arguments.find(FamilyParameter::sequences); it != arguments.end()) {
    try {
      check_family_parameter(FamilyParameter::sequences, it->second);
    } catch (const InputError& e) {
      throw InputError(name_of(FamilyParameter::sequences) + ": " + e.what());
    }
    text = it->second == "text";
    if (text && !encode)
      throw InputError("sequences: text sequences need a tokenizer, and the model has none (a model folder with a "
                       "tokenizer.json)");
  }
  if (text) o.encode = encode;
  for (const auto& [p, value] : arguments) {
    const std::string where = name_of(p);
    if (text_parameter(p) && !text) {
      throw InputError(where + ": text families only; " +
                       (encode ? std::string("these sequences are tokens (sequences: tokens)")
                               : std::string("the model has no tokenizer (a model folder with a tokenizer.json)")));
    }
    if (token_parameter(p) && text) {
      throw InputError(where + ": token families only; the sequences are texts tokenised by the model's tokenizer "
                       "(give the text with template, unit, zero_unit, unit_separator, comma, or use sequences: tokens)");
    }
  }
  for (const auto& [p, text_value] : arguments) {
    const std::string where = name_of(p);
    try {
      check_family_parameter(p, text_value);
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
    switch (p) {
      case FamilyParameter::prompt:
        o.prompt_given = true;
        o.prompt = is_none(text_value) ? std::vector<int>{} : parse_tokens(model, text_value, where);
        break;
      case FamilyParameter::one: o.one = static_cast<int>(bounded_integer(text_value, 0, kMaxTokenId)); break;
      case FamilyParameter::zero: o.zero = static_cast<int>(bounded_integer(text_value, 0, kMaxTokenId)); break;
      case FamilyParameter::separator: o.separator = static_cast<int>(bounded_integer(text_value, 0, kMaxTokenId)); break;
      case FamilyParameter::comma_every: o.comma_every = static_cast<int>(bounded_integer(text_value, 1, kMaxPeriod)); break;
      case FamilyParameter::ratio: std::tie(o.ratio_ones, o.ratio_zeros) = ratio_parts(text_value); break;
      case FamilyParameter::a:
        if (text) o.a_text = text_value; else o.a = parse_tokens(model, text_value, where);
        break;
      case FamilyParameter::b:
        if (text) o.b_text = text_value; else o.b = parse_tokens(model, text_value, where);
        break;
      case FamilyParameter::sequences: break;
      case FamilyParameter::sequence_template: o.sequence_template = text_value; break;
      case FamilyParameter::unit: o.unit = text_value; break;
      case FamilyParameter::zero_unit: o.zero_unit = text_value; break;
      case FamilyParameter::unit_separator: o.unit_separator = text_value; break;
      case FamilyParameter::comma: o.comma = text_value; break;
      case FamilyParameter::add_special_tokens: o.add_special_tokens = boolean_text(text_value); break;
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
  if (text()) {
    // Text families: the tokenizer gives the ids; the model's vocabulary
    // size bounds them (checked on every pair by the forward pass).
    template_ = o_.sequence_template.empty() ? std::string(info.default_template) : o_.sequence_template;
    if (o_.name != "pair") check_template(template_);
    if (o_.unit.empty() || o_.zero_unit.empty()) throw InputError("a unit must not be empty");
    if (o_.comma_every < 1) throw InputError("the separator period k must be >= 1");
    if (o_.ratio_ones < 1 || o_.ratio_zeros < 1) throw InputError("ratio parts must be >= 1");
    if (o_.name == "pair" && (o_.a_text.empty() || o_.b_text.empty())) throw InputError("the pair family needs --a and --b");
    // A tokenizer that does not belong to the model gives ids beyond its
    // vocabulary: say so before anything runs.
    const SequencePair first = text_at(o_.name == "alternating" ? 2 : 1);
    for (const std::vector<int>* ids : {&first.a, &first.b}) {
      for (int id : *ids) {
        if (id < 0 || id >= model.config.vocab_size) {
          throw InputError("family '" + o_.name + "': the tokenizer gives token id " + std::to_string(id) +
                           " for the family's text, outside the model's vocabulary of " +
                           std::to_string(model.config.vocab_size) +
                           " tokens; does the tokenizer.json belong to this model?");
        }
      }
    }
    return;
  }
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

SequencePair PairFamily::text_at(std::size_t n) const {
  const std::string& f = o_.name;
  const auto encode = [&](const std::string& seq) {
    const std::size_t at = template_.find(kSeq);
    std::string text = template_.substr(0, at);
    text += seq;
    text.append(template_, at + kSeq.size());
    return o_.encode(text, o_.add_special_tokens);
  };
  const std::string_view one = o_.unit, zero = o_.zero_unit;
  UnitText a(o_, f == "commas" ? static_cast<std::size_t>(o_.comma_every) : 0), b = a;
  if (f == "repeat-last" || f == "sampled-digits") {
    // The same seeded digit stream as the token families, as text.
    numerics::PortableRandom rng(o_.seed);
    for (std::size_t i = 1; i < n; ++i) a.add(kDigitText[static_cast<std::size_t>(rng.next() % 10)]);
    a.add(one);
    b = a;
    b.add(one);
  } else if (f == "count-ones" || f == "copy-ones" || f == "hint" || f == "commas") {
    a.add(one, n);
    b.add(one, n + 1);
  } else if (f == "copy-first") {
    a.add(zero).add(one, n);
    b.add(one).add(one, n);
  } else if (f == "copy-last") {
    a.add(one, n).add(zero);
    b.add(one, n).add(one);
  } else if (f == "alternating") {
    if (n % 2 != 0) throw InputError("family alternating needs even n, got " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      a.add(i % 2 == 0 ? one : zero);
      b.add(i % 2 == 0 ? zero : one);
    }
  } else if (f == "ratio") {
    const std::size_t x = static_cast<std::size_t>(o_.ratio_ones), y = static_cast<std::size_t>(o_.ratio_zeros);
    a.add(one, x * n).add(zero, y * n);
    b.add(one, x * (n + 1)).add(zero, y * (n + 1));
  } else if (f == "pair") {
    if (n != 1) throw InputError("the pair family has only n = 1");
    return {o_.encode(o_.a_text, o_.add_special_tokens), o_.encode(o_.b_text, o_.add_special_tokens)};
  }
  return {encode(a.text()), encode(b.text())};
}

SequencePair PairFamily::at(std::size_t n) const {
  if (n == 0) throw InputError("family '" + o_.name + "': n must be >= 1");
  if (text()) return text_at(n);
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
  if (text()) {
    // Measured up to kMeasured units (a text of a few hundred kB at most),
    // extrapolated linearly beyond: a unit's cost settles after a few.
    constexpr std::size_t kMeasured = 1u << 14;  // even: alternating's n are
    const auto measured = [&](std::size_t k) {
      const SequencePair p = at(k);
      return static_cast<double>(std::max(p.a.size(), p.b.size()));
    };
    if (n <= kMeasured || f == "pair") return measured(n);
    const std::size_t top = kMeasured, half = kMeasured / 2;
    const double slope = (measured(top) - measured(half)) / static_cast<double>(top - half);
    return measured(top) + slope * (m - static_cast<double>(top));
  }
  if (f == "commas") {
    const double k = static_cast<double>(o_.comma_every);
    return prompt + (m + 1) + std::floor(m / k);
  }
  if (f == "alternating") return prompt + m;
  if (f == "ratio") return prompt + static_cast<double>(o_.ratio_ones + o_.ratio_zeros) * (m + 1);
  if (f == "pair") return prompt + static_cast<double>(std::max(o_.a.size(), o_.b.size()));
  return prompt + m + 1;  // one more token than n: the repeated, extra or final digit
}

namespace {
std::string quoted_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

TokensPerUnit PairFamily::tokens_per_unit(const std::vector<std::size_t>& ns) const {
  TokensPerUnit t;
  if (!text() || o_.name == "pair") return t;
  const std::string& f = o_.name;
  // The next n and how many units s gains from n to it.
  const std::size_t step = f == "alternating" ? 2 : 1;
  const double gained = f == "ratio" ? static_cast<double>(o_.ratio_ones + o_.ratio_zeros) : static_cast<double>(step);
  const bool appends = f == "count-ones" || f == "copy-ones" || f == "hint" || f == "commas" ||
                       f == "sampled-digits" || f == "repeat-last";
  bool first = true;
  for (const std::size_t n : ns) {
    const SequencePair now = at(n);
    // count-ones and the like: s(n + 1) is s*(n), already built.
    const std::vector<int> next = appends && f != "sampled-digits" && f != "repeat-last" ? now.b : at(n + step).a;
    const double cost = (static_cast<double>(next.size()) - static_cast<double>(now.a.size())) / gained;
    t.min = first ? cost : std::min(t.min, cost);
    t.max = first ? cost : std::max(t.max, cost);
    first = false;
    if (appends && !(now.a.size() < now.b.size() && std::equal(now.a.begin(), now.a.end(), now.b.begin())))
      t.prefixes = false;
  }
  if (t.min == 1 && t.max == 1 && t.prefixes) return t;
  const auto number = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.6g", x);
    return std::string(b);
  };
  std::string note = "n counts units (" + quoted_text(o_.unit) + "), not tokens: one more unit costs " +
                     number(t.min) + (t.min == t.max ? "" : " to " + number(t.max)) + " tokens";
  if (f == "commas") note += " (with the comma's tokens when a comma comes before the unit)";
  if (t.min < 1) note += "; repeats merge into fewer tokens";
  const bool suffix = template_.size() > template_.find(kSeq) + kSeq.size();
  if (!t.prefixes && suffix) {
    note += "; s(n) is no prefix of s*(n) (the template goes on after {seq}), so the KV cache shares less";
  } else if (!t.prefixes) {
    note += "; s(n) is not always a prefix of s*(n): tokens merge across units, so the KV cache shares less";
  }
  t.note = note;
  return t;
}

std::string PairFamily::describe() const {
  if (text()) {
    std::string s = o_.name;
    if (o_.name == "commas") s += " (" + quoted_text(o_.comma) + " after every " + std::to_string(o_.comma_every) + " units)";
    if (o_.name == "ratio") s += " (" + std::to_string(o_.ratio_ones) + ":" + std::to_string(o_.ratio_zeros) + ")";
    if (o_.name == "sampled-digits" || o_.name == "repeat-last") s += ", seed " + std::to_string(o_.seed);
    if (o_.name == "pair") return s + ", texts " + quoted_text(o_.a_text) + " and " + quoted_text(o_.b_text);
    s += ", text " + quoted_text(template_) + " with units " + quoted_text(o_.unit);
    if (o_.name == "copy-first" || o_.name == "copy-last" || o_.name == "alternating" || o_.name == "ratio")
      s += " and " + quoted_text(o_.zero_unit);
    s += " separated by " + quoted_text(o_.unit_separator) + ", tokenised whole" +
         (o_.add_special_tokens ? " with special tokens" : " without special tokens");
    return s;
  }
  std::string s = o_.name;
  if (o_.name == "commas") s += " (separator every " + std::to_string(o_.comma_every) + ")";
  if (o_.name == "ratio") s += " (" + std::to_string(o_.ratio_ones) + ":" + std::to_string(o_.ratio_zeros) + ")";
  if (o_.name == "sampled-digits" || (o_.name == "repeat-last" && !rows_)) s += ", seed " + std::to_string(o_.seed);
  s += prompt_.empty() ? ", no prompt" : ", prompt of " + std::to_string(prompt_.size()) + " tokens";
  return s;
}

}  // namespace glasses::model
