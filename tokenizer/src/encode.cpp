// Encoding: added tokens, normalizer, pre-tokenizers, BPE, post-processor,
// each step as the reference does it (the comments name its source files).
#include <algorithm>
#include <mutex>
#include <queue>

#include "glasses/numerics/error.hpp"
#include "impl.hpp"

namespace glasses::tokenizer::detail {

// ---------------------------------------------------------------- containers

Trie::Trie() : nodes_(1) { root_.fill(-1); }

void Trie::insert(std::string_view pattern, int value) {
  if (pattern.empty()) return;
  const auto first = static_cast<unsigned char>(pattern[0]);
  int node = root_[first];
  if (node < 0) {
    node = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    root_[first] = node;
  }
  for (std::size_t i = 1; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    auto& next = nodes_[static_cast<std::size_t>(node)].next;
    auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(c, -1));
    if (it != next.end() && it->first == c) {
      node = it->second;
    } else {
      const int child = static_cast<int>(nodes_.size());
      next.insert(it, {c, child});
      nodes_.emplace_back();
      node = child;
    }
  }
  Node& n = nodes_[static_cast<std::size_t>(node)];
  if (n.value < 0) {
    n.value = value;
    ++size_;
  }
}

std::optional<std::pair<std::size_t, int>> Trie::longest_at(std::string_view text, std::size_t pos) const {
  int node = root_[static_cast<unsigned char>(text[pos])];
  std::optional<std::pair<std::size_t, int>> best;
  std::size_t i = pos + 1;
  while (node >= 0) {
    const Node& n = nodes_[static_cast<std::size_t>(node)];
    if (n.value >= 0) best = std::make_pair(i - pos, n.value);
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    auto it = std::lower_bound(n.next.begin(), n.next.end(), std::make_pair(c, -1));
    if (it == n.next.end() || it->first != c) break;
    node = it->second;
    ++i;
  }
  return best;
}

void MergeMap::reserve(std::size_t n) {
  std::size_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  size_ = 0;
}

void MergeMap::insert(int a, int b, int rank, int merged) {
  if (2 * (size_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    reserve(std::max<std::size_t>(size_ + 1, old.size()));
    for (const Slot& s : old) {
      if (s.key != kEmpty) {
        insert(static_cast<int>(s.key >> 32), static_cast<int>(s.key & 0xFFFFFFFFu), s.value.first, s.value.second);
      }
    }
  }
  const std::uint64_t key = pack(a, b);
  for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.key == key) {  // a repeated merge: the later rank wins, as in the reference's map
      s.value = {rank, merged};
      return;
    }
    if (s.key == kEmpty) {
      s.key = key;
      s.value = {rank, merged};
      ++size_;
      return;
    }
  }
}

bool WordCache::find(std::string_view word, std::vector<int>& out) const {
  std::shared_lock lock(mutex_);
  auto it = map_.find(word);
  if (it == map_.end()) return false;
  out.insert(out.end(), it->second.begin(), it->second.end());
  return true;
}

void WordCache::insert(std::string_view word, const int* ids, std::size_t n) const {
  if (word.size() >= kMaxWordBytes) return;
  std::unique_lock lock(mutex_);
  if (map_.size() >= kCapacity) return;
  map_.emplace(std::string(word), std::vector<int>(ids, ids + n));
}

void Pattern::find_all(std::string_view text, Spans& matches) const {
  if (regex) {
    regex->find_all(text, matches);
    return;
  }
  matches.clear();
  if (literal.empty()) return;
  for (std::size_t at = text.find(literal); at != std::string_view::npos; at = text.find(literal, at + literal.size())) {
    matches.emplace_back(at, at + literal.size());
  }
}

std::optional<int> Impl::token_id(std::string_view token) const {
  if (auto it = added_by_content.find(token); it != added_by_content.end()) {
    return added[static_cast<std::size_t>(it->second)].id;
  }
  if (auto it = model.vocab.find(token); it != model.vocab.end()) return it->second;
  return std::nullopt;
}

const std::string* Impl::token(int id) const {
  if (auto it = added_by_id.find(id); it != added_by_id.end()) return &added[static_cast<std::size_t>(it->second)].content;
  if (id >= 0 && static_cast<std::size_t>(id) < model.tokens.size() && model.has_token[static_cast<std::size_t>(id)]) {
    return &model.tokens[static_cast<std::size_t>(id)];
  }
  return nullptr;
}

// ---------------------------------------------------------------- normalizers

void run_normalizer(const Normalizer& n, std::string& text) {
  switch (n.kind) {
    case Normalizer::Kind::sequence:
      for (const Normalizer& c : n.children) run_normalizer(c, text);
      return;
    case Normalizer::Kind::prepend:  // normalizers/prepend.rs: only non-empty text
      if (!text.empty()) text.insert(0, n.content);
      return;
    case Normalizer::Kind::replace: {  // normalizers/replace.rs: every match
      Spans matches;
      n.pattern->find_all(text, matches);
      if (matches.empty()) return;
      std::string out;
      out.reserve(text.size() + matches.size() * n.content.size());
      std::size_t last = 0;
      for (const auto& [s, e] : matches) {
        out.append(text, last, s - last);
        out += n.content;
        last = e;
      }
      out.append(text, last, std::string::npos);
      text = std::move(out);
      return;
    }
    case Normalizer::Kind::nfc:
      text = normalize(text, NormalForm::nfc);
      return;
    case Normalizer::Kind::nfd:
      text = normalize(text, NormalForm::nfd);
      return;
    case Normalizer::Kind::nfkc:
      text = normalize(text, NormalForm::nfkc);
      return;
    case Normalizer::Kind::nfkd:
      text = normalize(text, NormalForm::nfkd);
      return;
    case Normalizer::Kind::lowercase:
      text = lowercase(text);
      return;
  }
}

namespace {

// The GPT-2 byte-to-character map (pre_tokenizers/byte_level.rs bytes_char):
// printable bytes stand for themselves, the others for U+0100 onwards.
struct ByteLevelTable {
  std::array<std::string, 256> chars;
  ByteLevelTable() {
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      append_utf8(chars[static_cast<std::size_t>(b)], static_cast<char32_t>(printable ? b : 256 + n++));
    }
  }
};
const ByteLevelTable kByteLevel;

// tokenizer/normalizer.rs NormalizedString::split: the matches of a pattern
// turned into pieces by a behavior. `matches` is the pattern's match list;
// the result lists (start, end) of the pieces kept, empty ones included
// (the caller drops them, as the reference's split does).
void split_pieces(std::size_t length, const Spans& matches, bool invert, Behavior behavior, Spans& out) {
  // (offsets, is_match) covering the text, as Pattern::find_matches.
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, bool>> all;
  all.reserve(2 * matches.size() + 1);
  if (length == 0) {
    all.push_back({{0, 0}, invert});
  } else {
    std::size_t prev = 0;
    for (const auto& [s, e] : matches) {
      if (prev != s) all.push_back({{prev, s}, invert});
      all.push_back({{s, e}, !invert});
      prev = e;
    }
    if (prev != length) all.push_back({{prev, length}, invert});
  }
  out.clear();
  switch (behavior) {
    case Behavior::isolated:
      for (const auto& [o, m] : all) out.push_back(o);
      return;
    case Behavior::removed:
      for (const auto& [o, m] : all) {
        if (!m) out.push_back(o);
      }
      return;
    case Behavior::contiguous: {
      bool previous_match = false;
      for (const auto& [o, m] : all) {
        if (m == previous_match && !out.empty()) {
          out.back().second = o.second;
        } else {
          out.push_back(o);
        }
        previous_match = m;
      }
      return;
    }
    case Behavior::merged_with_previous: {
      bool previous_match = false;
      for (const auto& [o, m] : all) {
        if (m && !previous_match && !out.empty()) {
          out.back().second = o.second;
        } else {
          out.push_back(o);
        }
        previous_match = m;
      }
      return;
    }
    case Behavior::merged_with_next: {
      bool previous_match = false;
      for (auto it = all.rbegin(); it != all.rend(); ++it) {
        const auto& [o, m] = *it;
        if (m && !previous_match && !out.empty()) {
          out.back().first = o.first;
        } else {
          out.push_back(o);
        }
        previous_match = m;
      }
      std::reverse(out.begin(), out.end());
      return;
    }
  }
}

struct Symbol {
  int id;
  int prev;
  int next;
  bool alive;
};

struct Merge {
  int rank;
  int pos;
  int merged;
  // std::priority_queue pops the largest: the lowest rank, then the leftmost.
  bool operator<(const Merge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

class Encoder {
 public:
  Encoder(const Impl& impl, std::string_view text, std::vector<int>& out) : impl_(impl), text_(text), out_(out) {}

  void run() {
    // 1. Added tokens that are not normalized, on the raw text; 2. the
    // normalizer, then the normalized added tokens
    // (tokenizer/added_vocabulary.rs extract_and_normalize).
    Spans raw;
    std::vector<int> raw_ids;
    find_added(text_, impl_.raw_trie, raw, raw_ids);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto [s, e] = raw[i];
      if (raw_ids[i] >= 0) {
        out_.push_back(raw_ids[i]);
        continue;
      }
      if (s == e) continue;
      std::string piece(text_.substr(s, e - s));
      if (impl_.normalizer) run_normalizer(*impl_.normalizer, piece);
      if (impl_.normalized_trie.empty()) {
        if (!piece.empty()) pre_tokenize(0, piece, s);
        continue;
      }
      Spans parts;
      std::vector<int> part_ids;
      find_added(piece, impl_.normalized_trie, parts, part_ids);
      for (std::size_t k = 0; k < parts.size(); ++k) {
        const auto [ps, pe] = parts[k];
        if (part_ids[k] >= 0) {
          out_.push_back(part_ids[k]);
        } else if (ps != pe) {
          pre_tokenize(0, std::string_view(piece).substr(ps, pe - ps), s + ps);
        }
      }
    }
  }

 private:
  // tokenizer/added_vocabulary.rs find_matches: pieces of `sentence` and,
  // for each, the added token's id or -1.
  void find_added(std::string_view sentence, const Trie& trie, Spans& pieces, std::vector<int>& ids) const {
    pieces.clear();
    ids.clear();
    if (trie.empty() || sentence.empty()) {
      pieces.emplace_back(0, sentence.size());
      ids.push_back(-1);
      return;
    }
    std::size_t start_offset = 0;
    std::size_t pos = 0;
    while (pos < sentence.size()) {
      const auto match = trie.longest_at(sentence, pos);
      if (!match) {
        ++pos;
        continue;
      }
      std::size_t start = pos;
      std::size_t stop = pos + match->first;
      pos = stop;
      const AddedToken& token = impl_.added[static_cast<std::size_t>(match->second)];
      if (token.single_word) {
        const bool start_space = start == 0 || !ends_with_word(sentence.substr(0, start));
        const bool stop_space = stop == sentence.size() || !starts_with_word(sentence, stop);
        if (!start_space || !stop_space) continue;
      }
      if (token.lstrip) start = std::max(leftmost_space_at_end(sentence.substr(0, start)), start_offset);
      if (token.rstrip) stop = rightmost_space_at_start(sentence, stop);
      if (start_offset < start) {
        pieces.emplace_back(start_offset, start);
        ids.push_back(-1);
      }
      pieces.emplace_back(start, stop);
      ids.push_back(token.id);
      start_offset = stop;
    }
    if (start_offset != sentence.size()) {
      pieces.emplace_back(start_offset, sentence.size());
      ids.push_back(-1);
    }
  }

  bool is_word_char(std::string_view s, std::size_t pos) const { return impl_.word_char->match_at(s, pos).has_value(); }
  bool is_space_char(std::string_view s, std::size_t pos) const { return impl_.space_char->match_at(s, pos).has_value(); }
  static std::size_t previous_char(std::string_view s, std::size_t end) {
    std::size_t p = end - 1;
    while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
    return p;
  }
  bool ends_with_word(std::string_view s) const { return !s.empty() && is_word_char(s, previous_char(s, s.size())); }
  bool starts_with_word(std::string_view s, std::size_t pos) const { return pos < s.size() && is_word_char(s, pos); }
  std::size_t leftmost_space_at_end(std::string_view s) const {
    std::size_t end = s.size();
    while (end > 0) {
      const std::size_t p = previous_char(s, end);
      if (!is_space_char(s, p)) break;
      end = p;
    }
    return end;
  }
  std::size_t rightmost_space_at_start(std::string_view s, std::size_t pos) const {
    while (pos < s.size() && is_space_char(s, pos)) pos += utf8_length(static_cast<unsigned char>(s[pos]));
    return pos;
  }

  // Runs pre-tokenizer `stage` on `text` (non-empty) and passes each piece
  // on; after the last stage, the model. `origin`: where the piece begins
  // in the input (exact before the normalizer changes lengths).
  void pre_tokenize(std::size_t stage, std::string_view text, std::size_t origin) {
    if (stage == impl_.pre_tokenizers.size()) {
      model(text, origin);
      return;
    }
    const PreTokenizer& p = impl_.pre_tokenizers[stage];
    Spans matches, pieces;
    switch (p.kind) {
      case PreTokenizer::Kind::byte_level: {  // pre_tokenizers/byte_level.rs
        std::string prefixed;
        std::string_view t = text;
        if (p.add_prefix_space && t[0] != ' ') {
          prefixed = " ";
          prefixed += t;
          t = prefixed;
        }
        if (p.use_regex) {
          p.pattern->find_all(t, matches);
          split_pieces(t.size(), matches, false, Behavior::isolated, pieces);
        } else {
          pieces.assign(1, {0, t.size()});
        }
        std::string mapped;
        for (const auto& [s, e] : pieces) {
          if (s == e) continue;
          mapped.clear();
          for (std::size_t i = s; i < e; ++i) mapped += kByteLevel.chars[static_cast<unsigned char>(t[i])];
          pre_tokenize(stage + 1, mapped, origin + s);
        }
        return;
      }
      case PreTokenizer::Kind::metaspace: {  // pre_tokenizers/metaspace.rs
        std::string replaced;
        replaced.reserve(text.size() + 8);
        for (char c : text) {
          if (c == ' ') {
            replaced += p.replacement;
          } else {
            replaced += c;
          }
        }
        const bool starts = replaced.compare(0, p.replacement.size(), p.replacement) == 0;
        if (!starts && (p.prepend_scheme == PrependScheme::always ||
                        (p.prepend_scheme == PrependScheme::first && origin == 0))) {
          replaced.insert(0, p.replacement);
        }
        if (!p.split) {
          pre_tokenize(stage + 1, replaced, origin);
          return;
        }
        p.pattern->find_all(replaced, matches);
        split_pieces(replaced.size(), matches, false, Behavior::merged_with_next, pieces);
        for (const auto& [s, e] : pieces) {
          if (s != e) pre_tokenize(stage + 1, std::string_view(replaced).substr(s, e - s), origin + s);
        }
        return;
      }
      case PreTokenizer::Kind::split:
      case PreTokenizer::Kind::digits:
      case PreTokenizer::Kind::whitespace:
      case PreTokenizer::Kind::whitespace_split:
        p.pattern->find_all(text, matches);
        split_pieces(text.size(), matches, p.invert, p.behavior, pieces);
        for (const auto& [s, e] : pieces) {
          if (s != e) pre_tokenize(stage + 1, text.substr(s, e - s), origin + s);
        }
        return;
    }
  }

  // models/bpe/model.rs tokenize: ignore_merges, the cache, merge_word.
  void model(std::string_view word, std::size_t origin) {
    const Bpe& bpe = impl_.model;
    if (bpe.ignore_merges) {
      if (auto it = bpe.vocab.find(word); it != bpe.vocab.end()) {
        out_.push_back(it->second);
        return;
      }
    }
    if (impl_.cache.find(word, out_)) return;
    const std::size_t first = out_.size();
    merge_word(word, origin);
    impl_.cache.insert(word, out_.data() + first, out_.size() - first);
  }

  int vocab_id(std::string_view s) const {
    auto it = impl_.model.vocab.find(s);
    return it == impl_.model.vocab.end() ? -1 : it->second;
  }

  // models/bpe/model.rs merge_word and word.rs merge_all.
  void merge_word(std::string_view w, std::size_t origin) {
    const Bpe& bpe = impl_.model;
    symbols_.clear();
    auto add = [this](int id) {
      const int index = static_cast<int>(symbols_.size());
      symbols_.push_back({id, index - 1, index + 1, true});
    };
    int unk = -1;  // a pending unknown token (fused with the following ones with fuse_unk)
    std::string with_affixes;
    for (std::size_t i = 0; i < w.size();) {
      const std::size_t len = std::min(utf8_length(static_cast<unsigned char>(w[i])), w.size() - i);
      std::string_view s = w.substr(i, len);
      const bool is_first = i == 0, is_last = i + len == w.size();
      if ((!is_first && bpe.continuing_subword_prefix) || (is_last && bpe.end_of_word_suffix)) {
        with_affixes.clear();
        if (!is_first && bpe.continuing_subword_prefix) with_affixes += *bpe.continuing_subword_prefix;
        with_affixes += s;
        if (is_last && bpe.end_of_word_suffix) with_affixes += *bpe.end_of_word_suffix;
        s = with_affixes;
      }
      i += len;
      if (const int id = vocab_id(s); id >= 0) {
        if (unk >= 0) add(unk);
        unk = -1;
        add(id);
        continue;
      }
      if (bpe.byte_fallback) {
        bool all = true;
        for (char b : s) all = all && bpe.byte_tokens[static_cast<unsigned char>(b)] >= 0;
        if (all) {
          for (char b : s) add(bpe.byte_tokens[static_cast<unsigned char>(b)]);
          continue;
        }
      }
      if (bpe.unk_token) {
        const int unk_id = vocab_id(*bpe.unk_token);
        if (unk_id < 0) {
          throw InputError(impl_.name + ": model.unk_token \"" + printable(*bpe.unk_token) +
                           "\" is not in the vocabulary");
        }
        if (unk >= 0 && !bpe.fuse_unk) add(unk);
        unk = unk_id;
        continue;
      }
      unencodable(w.substr(i - len, len), origin);
    }
    if (unk >= 0) add(unk);
    if (symbols_.empty()) return;
    symbols_.back().next = -1;

    heap_ = {};
    for (std::size_t k = 0; k + 1 < symbols_.size(); ++k) {
      if (const auto* m = bpe.merges.find(symbols_[k].id, symbols_[k + 1].id)) {
        heap_.push({m->first, static_cast<int>(k), m->second});
      }
    }
    while (!heap_.empty()) {
      const Merge top = heap_.top();
      heap_.pop();
      Symbol& cur = symbols_[static_cast<std::size_t>(top.pos)];
      if (!cur.alive || cur.next < 0) continue;
      const Symbol right = symbols_[static_cast<std::size_t>(cur.next)];
      const auto* still = bpe.merges.find(cur.id, right.id);
      if (!still || still->second != top.merged) continue;  // an expired entry
      cur.id = top.merged;
      symbols_[static_cast<std::size_t>(cur.next)].alive = false;
      cur.next = right.next;
      if (right.next >= 0) symbols_[static_cast<std::size_t>(right.next)].prev = top.pos;
      if (cur.prev >= 0) {
        const Symbol& prev = symbols_[static_cast<std::size_t>(cur.prev)];
        if (const auto* m = bpe.merges.find(prev.id, cur.id)) heap_.push({m->first, cur.prev, m->second});
      }
      if (cur.next >= 0) {
        const Symbol& next = symbols_[static_cast<std::size_t>(cur.next)];
        if (const auto* m = bpe.merges.find(cur.id, next.id)) heap_.push({m->first, top.pos, m->second});
      }
    }
    for (const Symbol& s : symbols_) {
      if (s.alive) out_.push_back(s.id);
    }
  }

  // The reference drops such a character silently; we refuse the text.
  [[noreturn]] void unencodable(std::string_view c, std::size_t origin) const {
    // The character as the model saw it; where it is in the input: its
    // first occurrence from the piece's origin on (exact unless a
    // normalizer rewrote it).
    std::size_t at = text_.find(c, std::min(origin, text_.size()));
    if (at == std::string_view::npos) at = text_.find(c);
    const std::string where = at == std::string_view::npos ? "near byte offset " + std::to_string(origin)
                                                           : "at byte offset " + std::to_string(at);
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(decode_utf8(c, 0)));
    throw InputError(impl_.name + ": cannot encode the character " + in_quotes(c) + " (" + code + ") " + where +
                     ": it is not in the vocabulary, and the model has no byte fallback and no unknown token");
  }

  const Impl& impl_;
  std::string_view text_;
  std::vector<int>& out_;
  std::vector<Symbol> symbols_;
  std::priority_queue<Merge> heap_;
};

}  // namespace

std::vector<int> encode(const Impl& impl, std::string_view text, bool add_special_tokens) {
  if (const auto bad = invalid_utf8_offset(text)) {
    throw InputError("text is not valid UTF-8: byte " + std::to_string(*bad) + " (0x" +
                     [&] {
                       char hex[3];
                       std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(text[*bad]));
                       return std::string(hex);
                     }() +
                     ") does not begin a well-formed sequence");
  }
  std::vector<int> ids;
  ids.reserve(text.size() / 3 + 4);
  Encoder(impl, text, ids).run();
  if (add_special_tokens) {
    // processors/template.rs (single), processors/sequence.rs
    for (const Template& t : impl.post_processors) {
      std::vector<int> with;
      with.reserve(ids.size() + 4);
      for (const Template::Piece& p : t.pieces) {
        if (p.sequence) {
          with.insert(with.end(), ids.begin(), ids.end());
        } else {
          with.insert(with.end(), p.ids.begin(), p.ids.end());
        }
      }
      ids = std::move(with);
    }
  }
  return ids;
}

}  // namespace glasses::tokenizer::detail
