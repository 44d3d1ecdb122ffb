#include "glasses/numerics/error.hpp"

#include <cstdint>
#include <cstdio>

namespace glasses {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (Unicode 15, table 3-7:
// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b = byte(i);
  std::size_t n = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char hex[8];
  const auto escape = [&](std::uint8_t b) {
    std::snprintf(hex, sizeof hex, "\\x%02x", b);
    out += hex;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<std::uint8_t>(text[i]);
    if (b == '\\') {
      out += "\\\\";
    } else if (b == '\n') {
      out += "\\n";
    } else if (b == '\t') {
      out += "\\t";
    } else if (b == '\r') {
      out += "\\r";
    } else if (b < 0x20 || b == 0x7F) {
      escape(b);
    } else if (b < 0x80) {
      out += static_cast<char>(b);
    } else if (const std::size_t n = utf8_length(text, i); n == 0) {
      escape(b);
    } else if (b == 0xC2 && static_cast<std::uint8_t>(text[i + 1]) < 0xA0) {
      escape(b);  // C1 control U+0080..U+009F: two escaped bytes
      escape(static_cast<std::uint8_t>(text[i + 1]));
      i += 2;
      continue;
    } else {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

}  // namespace glasses
