// Hugging Face `tokenizer.json` tokenizers (BPE family), without Rust and
// without the network.
//
// What is guaranteed. For every tokenizer.json this class accepts, encode()
// gives the ids the reference, Hugging Face's Rust `tokenizers` library
// (0.23), gives for `Tokenizer::encode(text, add_special_tokens)`, and
// decode() the text its `decode(ids, skip_special_tokens)` gives. The tests
// hold it to that on GPT-2, Llama-2, Llama-3, Qwen3 and Gemma-3 files over a
// broad corpus (tests/fixtures/tokenizers, ids computed by the reference).
// A file using anything outside the supported set is refused at load() with
// an InputError naming the JSON path; nothing is ignored silently.
//
// The pipeline, in the reference's order:
//   1. added tokens that are not `normalized` are cut out of the raw text
//      (leftmost match first, then the longest; `single_word`, `lstrip`,
//      `rstrip` as the reference applies them);
//   2. the normalizer runs on each remaining piece, then `normalized` added
//      tokens are cut out of the normalized pieces;
//   3. the pre-tokenizer splits each piece into words;
//   4. the BPE model turns each word into ids (merge ranks, byte fallback,
//      unknown token, ignore_merges);
//   5. with add_special_tokens, the post-processor adds its special tokens.
//
// Supported: model BPE (with or without "type"; merges as "a b" strings or
// [a, b] pairs; unk_token, fuse_unk, byte_fallback, ignore_merges,
// continuing_subword_prefix, end_of_word_suffix; dropout must be null).
// Normalizers: Sequence, Prepend, Replace (String or Regex), NFC, NFD, NFKC,
// NFKD, Lowercase. Pre-tokenizers: Sequence, ByteLevel, Split, Metaspace,
// Digits, Whitespace, WhitespaceSplit. Decoders: Sequence, ByteLevel,
// Metaspace, Replace, ByteFallback, Fuse, Strip. Post-processors:
// TemplateProcessing (its `single` template), ByteLevel, Sequence of those.
//
// Regular expressions are Oniguruma's (its own syntax, UTF-8), as in the
// reference, so \p{L}, \p{N}, \s and lookahead mean what they mean there;
// Unicode normalization and lower-casing come from ICU.
//
// Thread safety: every const method may be called from several threads at
// once (the word cache is guarded).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glasses::tokenizer {

namespace detail {
struct Impl;
}

class Tokenizer {
 public:
  // Reads `file_or_dir` (a tokenizer.json, or a folder holding one).
  // Throws InputError when the file is missing, is not JSON, is malformed
  // (merges naming tokens absent from the vocabulary, duplicated or
  // out-of-range ids, a vocabulary above 2^24 entries, an invalid regular
  // expression) or uses a feature that is not supported; the message names
  // the JSON path, e.g. `pre_tokenizer.pretokenizers[1].type "Foo" is not
  // supported`.
  static Tokenizer load(const std::filesystem::path& file_or_dir);
  // The same from the text of a tokenizer.json; `name` prefixes messages.
  static Tokenizer parse(std::string_view json_text, std::string_view name = "tokenizer.json");

  // The ids of `text` (UTF-8). Throws InputError when `text` is not valid
  // UTF-8 (naming the byte offset) or holds a character the model cannot
  // encode (not in the vocabulary, no byte fallback, no unknown token),
  // naming the character and its byte offset in `text`.
  std::vector<int> encode(std::string_view text, bool add_special_tokens) const;

  // The text of `ids` through the decoder (tokens joined by spaces without
  // one); skip_special drops the special added tokens. Throws InputError for
  // an id that names no token.
  std::string decode(std::span<const int> ids, bool skip_special = false) const;

  // 1 + the largest id (model vocabulary and added tokens): the number of
  // rows an embedding matrix needs.
  int vocab_size() const;
  // The id of a token (added tokens first, then the model's vocabulary).
  std::optional<int> token_id(std::string_view token) const;
  // The token of an id; throws InputError when the id names none.
  std::string token(int id) const;

 private:
  explicit Tokenizer(std::shared_ptr<const detail::Impl> impl);
  std::shared_ptr<const detail::Impl> impl_;
};

}  // namespace glasses::tokenizer
