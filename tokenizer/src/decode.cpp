// Decoding: the decoders of the reference, each a map from a list of
// token strings to another (decode_chain), then joined.
#include <array>

#include "impl.hpp"

namespace glasses::tokenizer::detail {
namespace {

// The inverse of the GPT-2 byte-to-character map, by code point (< 512).
struct ByteLevelInverse {
  std::array<int, 512> byte{};
  ByteLevelInverse() {
    byte.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      byte[static_cast<std::size_t>(printable ? b : 256 + n++)] = b;
    }
  }
};
const ByteLevelInverse kInverse;

std::vector<std::string> chain(const Decoder& d, std::vector<std::string> tokens) {
  switch (d.kind) {
    case Decoder::Kind::sequence:
      for (const Decoder& c : d.children) tokens = chain(c, std::move(tokens));
      return tokens;
    case Decoder::Kind::byte_level: {  // pre_tokenizers/byte_level.rs: all bytes, then lossy UTF-8
      std::string bytes;
      for (const std::string& t : tokens) {
        std::string mapped;
        bool all = true;
        for (std::size_t i = 0; i < t.size() && all;) {
          const char32_t c = decode_utf8(t, i);
          const int b = c < 512 ? kInverse.byte[c] : -1;
          if (b < 0) {
            all = false;
          } else {
            mapped += static_cast<char>(b);
          }
          i += utf8_length(static_cast<unsigned char>(t[i]));
        }
        bytes += all ? mapped : t;
      }
      return {utf8_lossy(bytes)};
    }
    case Decoder::Kind::metaspace: {  // pre_tokenizers/metaspace.rs
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::string out;
        const std::string& t = tokens[i];
        for (std::size_t at = 0; at < t.size();) {
          if (t.compare(at, d.replacement.size(), d.replacement) == 0) {
            if (!(i == 0 && d.prepend_scheme != PrependScheme::never)) out += ' ';
            at += d.replacement.size();
          } else {
            out += t[at++];
          }
        }
        tokens[i] = std::move(out);
      }
      return tokens;
    }
    case Decoder::Kind::replace: {  // normalizers/replace.rs (Decoder)
      Spans matches;
      for (std::string& t : tokens) {
        d.pattern->find_all(t, matches);
        if (matches.empty()) continue;
        std::string out;
        std::size_t last = 0;
        for (const auto& [s, e] : matches) {
          out.append(t, last, s - last);
          out += d.content;
          last = e;
        }
        out.append(t, last, std::string::npos);
        t = std::move(out);
      }
      return tokens;
    }
    case Decoder::Kind::byte_fallback: {  // decoders/byte_fallback.rs
      std::vector<std::string> out;
      std::string pending;
      auto flush = [&] {
        if (pending.empty()) return;
        if (!invalid_utf8_offset(pending)) {
          out.push_back(pending);
        } else {
          for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
        }
        pending.clear();
      };
      auto hex = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      };
      for (std::string& t : tokens) {
        if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && hex(t[3]) >= 0 && hex(t[4]) >= 0) {
          pending += static_cast<char>(hex(t[3]) * 16 + hex(t[4]));
        } else {
          flush();
          out.push_back(std::move(t));
        }
      }
      flush();
      return out;
    }
    case Decoder::Kind::fuse: {  // decoders/fuse.rs
      std::string all;
      for (const std::string& t : tokens) all += t;
      return {all};
    }
    case Decoder::Kind::strip: {  // decoders/strip.rs: up to start/stop copies of one character
      for (std::string& t : tokens) {
        const std::size_t w = d.content.size();
        std::size_t begin = 0, end = t.size();
        for (std::size_t k = 0; k < d.start && end - begin >= w && t.compare(begin, w, d.content) == 0; ++k) begin += w;
        for (std::size_t k = 0; k < d.stop && end - begin >= w && t.compare(end - w, w, d.content) == 0; ++k) end -= w;
        t = t.substr(begin, end - begin);
      }
      return tokens;
    }
  }
  return tokens;
}

}  // namespace

std::string decode(const Impl& impl, const std::vector<std::string>& tokens) {
  std::string out;
  if (!impl.decoder) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i) out += ' ';
      out += tokens[i];
    }
    return out;
  }
  for (const std::string& t : chain(*impl.decoder, tokens)) out += t;
  return out;
}

}  // namespace glasses::tokenizer::detail
