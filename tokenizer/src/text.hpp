// Text helpers of the tokenizer: Oniguruma regular expressions with the
// reference's match iteration, UTF-8 checks, the reference's lossy UTF-8
// decoding, and ICU normalization. Internal to glasses::tokenizer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace glasses::tokenizer::detail {

// A compiled Oniguruma expression (ONIG_SYNTAX_ONIGURUMA, UTF-8, no
// options), as the reference's `onig::Regex::new` compiles them. Searching
// is thread-safe: every call uses its own match region.
class Regex {
 public:
  // Throws InputError "<where>: invalid regular expression /pattern/:
  // <Oniguruma's message>".
  Regex(std::string_view pattern, std::string_view where);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // The matches of the expression in `text`, as byte ranges [start, end),
  // in the order and with the rule of the reference's `onig` find_iter: the
  // search resumes at the end of the last match, and an empty match right
  // where the last match ended is skipped by moving one character on.
  void find_all(std::string_view text, std::vector<std::pair<std::size_t, std::size_t>>& matches) const;
  // Length of the match anchored at `pos` (the text before pos is context
  // for look-behind), or nullopt.
  std::optional<std::size_t> match_at(std::string_view text, std::size_t pos) const;

 private:
  void* regex_;  // OnigRegex
};

// Byte length of the UTF-8 sequence that starts with `lead` (1 for bytes
// that cannot start one, so that scanning always advances).
inline std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

// The byte offset of the first byte that is not part of well-formed UTF-8
// (Unicode Table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF), or nullopt when all of `text` is well formed.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

// Rust's String::from_utf8_lossy: each maximal subpart of an ill-formed
// sequence becomes one U+FFFD.
std::string utf8_lossy(std::string_view bytes);

// The code point of the well-formed UTF-8 sequence at `pos`.
char32_t decode_utf8(std::string_view text, std::size_t pos);
void append_utf8(std::string& out, char32_t c);

enum class NormalForm { nfc, nfd, nfkc, nfkd };
// Unicode normalization (ICU) of well-formed UTF-8.
std::string normalize(std::string_view text, NormalForm form);
// Full Unicode lower-casing (ICU, root locale), as Rust's str::to_lowercase.
std::string lowercase(std::string_view text);

}  // namespace glasses::tokenizer::detail
