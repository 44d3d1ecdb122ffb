#include "text.hpp"

#include <oniguruma.h>

#include <mutex>

#include "glasses/numerics/error.hpp"

namespace glasses::tokenizer::detail {
namespace {

void initialise_oniguruma() {
  static std::once_flag once;
  std::call_once(once, [] {
    OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encodings, 1);
  });
}

const OnigUChar* bytes(std::string_view s) { return reinterpret_cast<const OnigUChar*>(s.data()); }

}  // namespace

Regex::Regex(std::string_view pattern, std::string_view where) : regex_(nullptr) {
  initialise_oniguruma();
  OnigRegex re = nullptr;
  OnigErrorInfo info{};
  const int rc = onig_new(&re, bytes(pattern), bytes(pattern) + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8,
                          ONIG_SYNTAX_ONIGURUMA, &info);
  if (rc != ONIG_NORMAL) {
    OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(message, rc, &info);
    throw InputError(std::string(where) + ": invalid regular expression /" + printable(pattern) +
                     "/: " + reinterpret_cast<const char*>(message));
  }
  regex_ = re;
}

Regex::~Regex() { onig_free(static_cast<OnigRegex>(regex_)); }

void Regex::find_all(std::string_view text, std::vector<std::pair<std::size_t, std::size_t>>& matches) const {
  matches.clear();
  auto* re = static_cast<OnigRegex>(regex_);
  OnigRegion* region = onig_region_new();
  const OnigUChar* begin = bytes(text);
  const OnigUChar* end = begin + text.size();
  std::size_t last_end = 0;
  std::optional<std::size_t> last_match_end;
  while (last_end <= text.size()) {
    const int at = onig_search(re, begin, end, begin + last_end, end, region, ONIG_OPTION_NONE);
    if (at < 0) {
      if (at != ONIG_MISMATCH) {
        onig_region_free(region, 1);
        OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
        onig_error_code_to_str(message, at);
        throw InputError(std::string("regular expression search failed: ") + reinterpret_cast<const char*>(message));
      }
      break;
    }
    const auto s = static_cast<std::size_t>(region->beg[0]);
    const auto e = static_cast<std::size_t>(region->end[0]);
    if (s == e && last_match_end == e) {
      last_end += last_end < text.size() ? utf8_length(static_cast<unsigned char>(text[last_end])) : 1;
      continue;
    }
    last_end = e;
    last_match_end = e;
    matches.emplace_back(s, e);
  }
  onig_region_free(region, 1);
}

std::optional<std::size_t> Regex::match_at(std::string_view text, std::size_t pos) const {
  const OnigUChar* begin = bytes(text);
  const int n = onig_match(static_cast<OnigRegex>(regex_), begin, begin + text.size(), begin + pos, nullptr,
                           ONIG_OPTION_NONE);
  if (n < 0) return std::nullopt;
  return static_cast<std::size_t>(n);
}

namespace {

// The multi-byte sequence starting at s[i] (s[i] >= 0x80): its length by
// the lead byte (0: not a lead byte) and how many of its bytes are well
// formed (Unicode's "maximal subpart"; == len when the sequence is valid).
struct Utf8Sequence {
  std::size_t len = 0;
  std::size_t good = 0;
};
Utf8Sequence utf8_sequence(const unsigned char* s, std::size_t i, std::size_t n) {
  Utf8Sequence q;
  const unsigned char c = s[i];
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    q.len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    q.len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    q.len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return q;
  }
  q.good = 1;
  while (q.good < q.len && i + q.good < n) {
    const unsigned char b = s[i + q.good];
    if (b < (q.good == 1 ? lo : 0x80) || b > (q.good == 1 ? hi : 0xBF)) break;
    ++q.good;
  }
  return q;
}

}  // namespace

std::optional<std::size_t> invalid_utf8_offset(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const Utf8Sequence q = utf8_sequence(s, i, n);
    if (q.len == 0 || q.good != q.len) return i;
    i += q.len;
  }
  return std::nullopt;
}

std::string utf8_lossy(std::string_view bytes_in) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes_in.data());
  const std::size_t n = bytes_in.size();
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      out += static_cast<char>(s[i]);
      ++i;
      continue;
    }
    const Utf8Sequence q = utf8_sequence(s, i, n);
    if (q.len != 0 && q.good == q.len) {
      out.append(bytes_in.substr(i, q.len));
      i += q.len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for each maximal subpart
      i += q.good == 0 ? 1 : q.good;
    }
  }
  return out;
}

char32_t decode_utf8(std::string_view text, std::size_t pos) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  const std::size_t len = utf8_length(s[0]);
  if (len == 1) return s[0];
  char32_t c = s[0] & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (s[k] & 0x3F);
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace glasses::tokenizer::detail
