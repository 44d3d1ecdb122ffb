// The parts of a loaded tokenizer (internal to glasses::tokenizer). Each
// part mirrors one component of the reference's tokenizer.json, already
// validated; load.cpp builds them, encode.cpp and decode.cpp run them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "text.hpp"

namespace glasses::tokenizer::detail {

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// A Split/Replace pattern: a literal string (`{"String": …}`, matched as is;
// empty matches nothing) or an Oniguruma expression (`{"Regex": …}`).
struct Pattern {
  std::string literal;
  std::unique_ptr<Regex> regex;
  void find_all(std::string_view text, Spans& matches) const;
};

struct Normalizer {
  enum class Kind { sequence, prepend, replace, nfc, nfd, nfkc, nfkd, lowercase };
  Kind kind = Kind::sequence;
  std::string content;  // prepend: the prefix; replace: the replacement
  std::shared_ptr<const Pattern> pattern;
  std::vector<Normalizer> children;
};

enum class Behavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };
enum class PrependScheme { first, always, never };

// One pre-tokenizer of the flattened Sequence.
struct PreTokenizer {
  enum class Kind { byte_level, split, metaspace, digits, whitespace, whitespace_split };
  Kind kind = Kind::split;
  bool add_prefix_space = false;  // byte_level
  bool use_regex = true;          // byte_level
  std::shared_ptr<const Pattern> pattern;  // split, digits, whitespace(_split), byte_level's regex
  Behavior behavior = Behavior::isolated;
  bool invert = false;
  std::string replacement;  // metaspace (one character, UTF-8)
  PrependScheme prepend_scheme = PrependScheme::always;
  bool split = true;  // metaspace
};

struct Decoder {
  enum class Kind { sequence, byte_level, metaspace, replace, byte_fallback, fuse, strip };
  Kind kind = Kind::sequence;
  std::string replacement;  // metaspace
  PrependScheme prepend_scheme = PrependScheme::always;
  std::shared_ptr<const Pattern> pattern;  // replace
  std::string content;                     // replace, strip
  std::size_t start = 0, stop = 0;         // strip
  std::vector<Decoder> children;
};

// One template of the post-processor: pieces in order, each either the
// sequence (the encoded text) or the ids of a special token.
struct Template {
  struct Piece {
    bool sequence = false;
    std::vector<int> ids;
  };
  std::vector<Piece> pieces;
};

struct AddedToken {
  int id = 0;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = false, special = false;
};

// A byte trie over added-token patterns: the longest pattern starting at a
// position (the reference's leftmost-longest Aho-Corasick, one start at a
// time, gives the same matches).
class Trie {
 public:
  Trie();
  void insert(std::string_view pattern, int value);
  bool empty() const { return size_ == 0; }
  // (length, value) of the longest pattern that starts at `pos`.
  std::optional<std::pair<std::size_t, int>> longest_at(std::string_view text, std::size_t pos) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int>> next;  // sorted by byte
    int value = -1;
  };
  std::vector<Node> nodes_;
  std::array<int, 256> root_{};
  std::size_t size_ = 0;
};

// Open-addressing map from a pair of ids to (rank, merged id).
class MergeMap {
 public:
  void reserve(std::size_t n);
  void insert(int a, int b, int rank, int merged);
  // nullptr when (a, b) is not a merge.
  const std::pair<int, int>* find(int a, int b) const {
    if (slots_.empty()) return nullptr;
    const std::uint64_t key = pack(a, b);
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  struct Slot {
    std::uint64_t key = kEmpty;
    std::pair<int, int> value{};
  };
  static std::uint64_t pack(int a, int b) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
  }
  static std::size_t hash(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

struct Bpe {
  StringMap<int> vocab;
  std::vector<std::string> tokens;  // by id; tokens[id] empty with has_token[id] false for gaps
  std::vector<bool> has_token;
  MergeMap merges;
  std::optional<std::string> unk_token;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
  std::optional<std::string> continuing_subword_prefix;
  std::optional<std::string> end_of_word_suffix;
  std::array<int, 256> byte_tokens{};  // id of <0xAB>, or -1
};

// A bounded word -> ids cache shared by every thread.
class WordCache {
 public:
  static constexpr std::size_t kCapacity = 10000;
  static constexpr std::size_t kMaxWordBytes = 256;
  bool find(std::string_view word, std::vector<int>& out) const;
  void insert(std::string_view word, const int* ids, std::size_t n) const;

 private:
  mutable std::shared_mutex mutex_;
  mutable StringMap<std::vector<int>> map_;
};

struct Impl {
  std::string name;  // for messages
  std::optional<Normalizer> normalizer;
  std::vector<PreTokenizer> pre_tokenizers;  // flattened Sequence
  std::optional<Decoder> decoder;
  std::vector<Template> post_processors;  // applied in order with add_special_tokens
  Bpe model;
  std::vector<AddedToken> added;   // in the reference's insertion order
  StringMap<int> added_by_content;  // content -> index in `added`
  std::unordered_map<int, int> added_by_id;  // id -> index in `added`
  std::unordered_set<std::string> special_contents;
  Trie raw_trie;         // added tokens with normalized = false
  Trie normalized_trie;  // added tokens with normalized = true (their normalized form)
  std::unique_ptr<Regex> word_char;   // \w (single_word)
  std::unique_ptr<Regex> space_char;  // \s (lstrip, rstrip)
  int vocab_size = 0;
  WordCache cache;

  std::optional<int> token_id(std::string_view token) const;
  const std::string* token(int id) const;
};

std::shared_ptr<const Impl> load_impl(std::string_view json_text, std::string_view name);
void run_normalizer(const Normalizer& n, std::string& text);
std::vector<int> encode(const Impl& impl, std::string_view text, bool add_special_tokens);
std::string decode(const Impl& impl, const std::vector<std::string>& tokens);

}  // namespace glasses::tokenizer::detail
