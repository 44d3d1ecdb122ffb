// Reading a tokenizer.json into the parts of impl.hpp, validating every key
// it uses. A message names the JSON path of the offending value.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

#include "glasses/numerics/error.hpp"
#include "impl.hpp"

namespace glasses::tokenizer::detail {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxVocabulary = std::size_t{1} << 24;

class Loader {
 public:
  explicit Loader(std::string_view name) : name_(name) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(name_ + ": " + path + (path.empty() ? "" : " ") + what);
  }

  const json* optional(const json& object, const char* key) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const json& required(const json& object, const char* key, const std::string& path) const {
    const json* v = optional(object, key);
    if (!v) fail(path, std::string("has no \"") + key + "\"");
    return *v;
  }
  std::string string_of(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "must be a string, not " + std::string(v.type_name()));
    return v.get<std::string>();
  }
  std::string string_field(const json& object, const char* key, const std::string& path) const {
    return string_of(required(object, key, path), path + "." + key);
  }
  bool bool_field(const json& object, const char* key, const std::string& path, bool fallback) const {
    const json* v = optional(object, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(path + "." + key, "must be true or false");
    return v->get<bool>();
  }
  std::size_t size_field(const json& object, const char* key, const std::string& path) const {
    const json& v = required(object, key, path);
    if (!v.is_number_unsigned()) fail(path + "." + key, "must be a non-negative integer");
    return v.get<std::size_t>();
  }
  void object_check(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "must be an object, not " + std::string(v.type_name()));
  }
  std::string type_of(const json& v, const std::string& path) const {
    object_check(v, path);
    return string_field(v, "type", path);
  }
  [[noreturn]] void unsupported(const std::string& path, const std::string& type, const char* supported) const {
    fail(path + ".type", "\"" + printable(type) + "\" is not supported (supported: " + supported + ")");
  }

  std::shared_ptr<const Pattern> pattern(const json& object, const char* key, const std::string& path) const {
    const std::string p = path + "." + key;
    const json& v = required(object, key, path);
    object_check(v, p);
    auto out = std::make_shared<Pattern>();
    if (const json* s = optional(v, "String")) {
      out->literal = string_of(*s, p + ".String");
    } else if (const json* r = optional(v, "Regex")) {
      out->regex = std::make_unique<Regex>(string_of(*r, p + ".Regex"), name_ + ": " + p + ".Regex");
    } else {
      fail(p, "must be {\"String\": …} or {\"Regex\": …}");
    }
    return out;
  }

  std::string one_character(const json& object, const char* key, const std::string& path) const {
    std::string s = string_field(object, key, path);
    if (s.empty() || invalid_utf8_offset(s) || utf8_length(static_cast<unsigned char>(s[0])) != s.size()) {
      fail(path + "." + key, "must be one character, not \"" + printable(s) + "\"");
    }
    return s;
  }

  PrependScheme prepend_scheme(const json& object, const std::string& path) const {
    if (const json* v = optional(object, "prepend_scheme")) {
      const std::string s = string_of(*v, path + ".prepend_scheme");
      if (s == "first") return PrependScheme::first;
      if (s == "always") return PrependScheme::always;
      if (s == "never") return PrependScheme::never;
      fail(path + ".prepend_scheme", "\"" + printable(s) + "\" is not first, always or never");
    }
    // Files written before prepend_scheme existed: add_prefix_space.
    return bool_field(object, "add_prefix_space", path, true) ? PrependScheme::always : PrependScheme::never;
  }

  Normalizer normalizer(const json& v, const std::string& path) const {
    const std::string type = type_of(v, path);
    Normalizer n;
    if (type == "Sequence") {
      const json& list = required(v, "normalizers", path);
      if (!list.is_array()) fail(path + ".normalizers", "must be an array");
      for (std::size_t i = 0; i < list.size(); ++i) {
        n.children.push_back(normalizer(list[i], path + ".normalizers[" + std::to_string(i) + "]"));
      }
    } else if (type == "Prepend") {
      n.kind = Normalizer::Kind::prepend;
      n.content = string_field(v, "prepend", path);
    } else if (type == "Replace") {
      n.kind = Normalizer::Kind::replace;
      n.pattern = pattern(v, "pattern", path);
      n.content = string_field(v, "content", path);
    } else if (type == "NFC") {
      n.kind = Normalizer::Kind::nfc;
    } else if (type == "NFD") {
      n.kind = Normalizer::Kind::nfd;
    } else if (type == "NFKC") {
      n.kind = Normalizer::Kind::nfkc;
    } else if (type == "NFKD") {
      n.kind = Normalizer::Kind::nfkd;
    } else if (type == "Lowercase") {
      n.kind = Normalizer::Kind::lowercase;
    } else {
      unsupported(path, type, "Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase");
    }
    return n;
  }

  Behavior behavior(const json& object, const std::string& path) const {
    const std::string s = string_field(object, "behavior", path);
    if (s == "Removed") return Behavior::removed;
    if (s == "Isolated") return Behavior::isolated;
    if (s == "MergedWithPrevious") return Behavior::merged_with_previous;
    if (s == "MergedWithNext") return Behavior::merged_with_next;
    if (s == "Contiguous") return Behavior::contiguous;
    fail(path + ".behavior",
         "\"" + printable(s) + "\" is not Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
  }

  std::shared_ptr<const Pattern> shared_regex(std::shared_ptr<const Pattern>& slot, const char* expression) const {
    if (!slot) {
      auto p = std::make_shared<Pattern>();
      p->regex = std::make_unique<Regex>(expression, "built-in expression");
      slot = p;
    }
    return slot;
  }

  void pre_tokenizer(const json& v, const std::string& path, std::vector<PreTokenizer>& out) {
    const std::string type = type_of(v, path);
    PreTokenizer p;
    if (type == "Sequence") {
      const json& list = required(v, "pretokenizers", path);
      if (!list.is_array()) fail(path + ".pretokenizers", "must be an array");
      for (std::size_t i = 0; i < list.size(); ++i) {
        pre_tokenizer(list[i], path + ".pretokenizers[" + std::to_string(i) + "]", out);
      }
      return;
    } else if (type == "ByteLevel") {
      p.kind = PreTokenizer::Kind::byte_level;
      p.add_prefix_space = bool_field(v, "add_prefix_space", path, true);
      p.use_regex = bool_field(v, "use_regex", path, true);
      // The reference's GPT-2 expression (pre_tokenizers/byte_level.rs).
      if (p.use_regex) {
        p.pattern = shared_regex(gpt2_regex_,
                                 R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)");
      }
    } else if (type == "Split") {
      p.kind = PreTokenizer::Kind::split;
      p.pattern = pattern(v, "pattern", path);
      p.behavior = behavior(v, path);
      p.invert = bool_field(v, "invert", path, false);
    } else if (type == "Metaspace") {
      p.kind = PreTokenizer::Kind::metaspace;
      p.replacement = one_character(v, "replacement", path);
      p.prepend_scheme = prepend_scheme(v, path);
      p.split = bool_field(v, "split", path, true);
      auto literal = std::make_shared<Pattern>();
      literal->literal = p.replacement;
      p.pattern = literal;
    } else if (type == "Digits") {
      p.kind = PreTokenizer::Kind::digits;
      p.pattern = shared_regex(digit_regex_, R"(\p{N})");
      p.behavior = bool_field(v, "individual_digits", path, false) ? Behavior::isolated : Behavior::contiguous;
    } else if (type == "Whitespace") {
      // The reference: \w+|[^\w\s]+, inverted, Removed.
      p.kind = PreTokenizer::Kind::whitespace;
      p.pattern = shared_regex(whitespace_regex_, R"(\w+|[^\w\s]+)");
      p.behavior = Behavior::removed;
      p.invert = true;
    } else if (type == "WhitespaceSplit") {
      p.kind = PreTokenizer::Kind::whitespace_split;
      p.pattern = shared_regex(space_regex_, R"(\s)");
      p.behavior = Behavior::removed;
    } else {
      unsupported(path, type, "Sequence, ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit");
    }
    out.push_back(std::move(p));
  }

  Decoder decoder(const json& v, const std::string& path) const {
    const std::string type = type_of(v, path);
    Decoder d;
    if (type == "Sequence") {
      const json& list = required(v, "decoders", path);
      if (!list.is_array()) fail(path + ".decoders", "must be an array");
      for (std::size_t i = 0; i < list.size(); ++i) {
        d.children.push_back(decoder(list[i], path + ".decoders[" + std::to_string(i) + "]"));
      }
    } else if (type == "ByteLevel") {
      d.kind = Decoder::Kind::byte_level;
    } else if (type == "Metaspace") {
      d.kind = Decoder::Kind::metaspace;
      d.replacement = one_character(v, "replacement", path);
      d.prepend_scheme = prepend_scheme(v, path);
    } else if (type == "Replace") {
      d.kind = Decoder::Kind::replace;
      d.pattern = pattern(v, "pattern", path);
      d.content = string_field(v, "content", path);
    } else if (type == "ByteFallback") {
      d.kind = Decoder::Kind::byte_fallback;
    } else if (type == "Fuse") {
      d.kind = Decoder::Kind::fuse;
    } else if (type == "Strip") {
      d.kind = Decoder::Kind::strip;
      d.content = one_character(v, "content", path);
      d.start = size_field(v, "start", path);
      d.stop = size_field(v, "stop", path);
    } else {
      unsupported(path, type, "Sequence, ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip");
    }
    return d;
  }

  void post_processor(const json& v, const std::string& path, const Impl& impl, std::vector<Template>& out) const {
    const std::string type = type_of(v, path);
    if (type == "Sequence") {
      const json& list = required(v, "processors", path);
      if (!list.is_array()) fail(path + ".processors", "must be an array");
      for (std::size_t i = 0; i < list.size(); ++i) {
        post_processor(list[i], path + ".processors[" + std::to_string(i) + "]", impl, out);
      }
    } else if (type == "ByteLevel") {
      // Trims offsets only: no ids change.
    } else if (type == "TemplateProcessing") {
      const json& single = required(v, "single", path);
      if (!single.is_array()) fail(path + ".single", "must be an array");
      const json* specials = optional(v, "special_tokens");
      Template t;
      for (std::size_t i = 0; i < single.size(); ++i) {
        const std::string p = path + ".single[" + std::to_string(i) + "]";
        object_check(single[i], p);
        if (const json* s = optional(single[i], "Sequence")) {
          const std::string id = string_field(*s, "id", p + ".Sequence");
          if (id != "A") fail(p + ".Sequence.id", "\"" + printable(id) + "\" in a single-sequence template");
          t.pieces.push_back({true, {}});
        } else if (const json* st = optional(single[i], "SpecialToken")) {
          const std::string id = string_field(*st, "id", p + ".SpecialToken");
          const json* entry = specials ? optional(*specials, id.c_str()) : nullptr;
          if (!entry) fail(p + ".SpecialToken.id", "\"" + printable(id) + "\" is not in " + path + ".special_tokens");
          const std::string ep = path + ".special_tokens." + printable(id);
          const json& ids = required(*entry, "ids", ep);
          if (!ids.is_array()) fail(ep + ".ids", "must be an array");
          Template::Piece piece;
          for (const json& x : ids) {
            if (!x.is_number_unsigned() || x.get<std::uint64_t>() >= kMaxVocabulary) {
              fail(ep + ".ids", "must hold token ids below 2^24");
            }
            const int id_value = x.get<int>();
            if (!impl.token(id_value)) fail(ep + ".ids", "names id " + std::to_string(id_value) + ", which is no token");
            piece.ids.push_back(id_value);
          }
          t.pieces.push_back(std::move(piece));
        } else {
          fail(p, "must be {\"Sequence\": …} or {\"SpecialToken\": …}");
        }
      }
      out.push_back(std::move(t));
    } else if (type == "BertProcessing" || type == "RobertaProcessing") {
      Template t;
      for (const char* key : {"cls", "sep"}) {
        const json& pair = required(v, key, path);
        if (!pair.is_array() || pair.size() != 2 || !pair[1].is_number_unsigned()) {
          fail(path + "." + key, "must be [token, id]");
        }
        t.pieces.push_back({false, {pair[1].get<int>()}});
        if (std::string(key) == "cls") t.pieces.push_back({true, {}});
      }
      out.push_back(std::move(t));
    } else {
      unsupported(path, type, "TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence");
    }
  }

  void model(const json& v, Bpe& bpe) const {
    const std::string path = "model";
    object_check(v, path);
    if (const json* t = optional(v, "type")) {
      const std::string type = string_of(*t, "model.type");
      if (type != "BPE") fail("model.type", "\"" + printable(type) + "\" is not supported (only BPE)");
    } else if (!optional(v, "merges")) {
      // The reference tells the untyped models apart by their keys.
      const json* vocab = optional(v, "vocab");
      const char* kind = vocab && vocab->is_array()                  ? "Unigram"
                         : optional(v, "max_input_chars_per_word") ? "WordPiece"
                                                                   : "WordLevel";
      fail(path, std::string("has no \"type\" and no \"merges\": a ") + kind + " model, which is not supported (only BPE)");
    }
    if (const json* d = optional(v, "dropout")) {
      fail("model.dropout", "is " + d->dump() + ": BPE dropout (random merges) is not supported; it must be null");
    }
    const json& vocab = required(v, "vocab", path);
    if (!vocab.is_object()) fail("model.vocab", "must be an object of token: id");
    if (vocab.size() > kMaxVocabulary) {
      fail("model.vocab", "has " + std::to_string(vocab.size()) + " entries, above the limit of 2^24");
    }
    bpe.vocab.reserve(vocab.size());
    int max_id = -1;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
      if (!it.value().is_number_unsigned() || it.value().get<std::uint64_t>() >= kMaxVocabulary) {
        fail("model.vocab[\"" + printable(it.key()) + "\"]", "must be an id in [0, 2^24), not " + it.value().dump());
      }
      const int id = it.value().get<int>();
      bpe.vocab.emplace(it.key(), id);
      max_id = std::max(max_id, id);
    }
    bpe.tokens.assign(static_cast<std::size_t>(max_id + 1), std::string());
    bpe.has_token.assign(static_cast<std::size_t>(max_id + 1), false);
    for (const auto& [token, id] : bpe.vocab) {
      const auto i = static_cast<std::size_t>(id);
      if (bpe.has_token[i]) {
        const std::string& a = std::min(bpe.tokens[i], token);
        const std::string& b = std::max(bpe.tokens[i], token);
        fail("model.vocab", "gives id " + std::to_string(id) + " to both \"" + printable(a) + "\" and \"" +
                                printable(b) + "\"");
      }
      bpe.tokens[i] = token;
      bpe.has_token[i] = true;
    }
    if (const json* u = optional(v, "unk_token")) bpe.unk_token = string_of(*u, "model.unk_token");
    bpe.fuse_unk = bool_field(v, "fuse_unk", path, false);
    bpe.byte_fallback = bool_field(v, "byte_fallback", path, false);
    bpe.ignore_merges = bool_field(v, "ignore_merges", path, false);
    if (const json* p = optional(v, "continuing_subword_prefix")) {
      bpe.continuing_subword_prefix = string_of(*p, "model.continuing_subword_prefix");
    }
    if (const json* s = optional(v, "end_of_word_suffix")) {
      bpe.end_of_word_suffix = string_of(*s, "model.end_of_word_suffix");
    }
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      auto it = bpe.vocab.find(std::string_view(name));
      bpe.byte_tokens[static_cast<std::size_t>(b)] = it == bpe.vocab.end() ? -1 : it->second;
    }

    const json& merges = required(v, "merges", path);
    if (!merges.is_array()) fail("model.merges", "must be an array");
    bpe.merges.reserve(merges.size());
    const std::size_t prefix_length = bpe.continuing_subword_prefix ? bpe.continuing_subword_prefix->size() : 0;
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
      const std::string p = "model.merges[" + std::to_string(rank) + "]";
      const json& m = merges[rank];
      std::string a, b;
      if (m.is_string()) {
        const std::string& s = m.get_ref<const std::string&>();
        const std::size_t space = s.find(' ');
        if (space == std::string::npos) fail(p, "\"" + printable(s) + "\" is not two tokens separated by a space");
        a = s.substr(0, space);
        b = s.substr(space + 1);
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
      } else {
        fail(p, "must be \"a b\" or [\"a\", \"b\"]");
      }
      auto ia = bpe.vocab.find(a);
      if (ia == bpe.vocab.end()) fail(p, "merges \"" + printable(a) + "\", which is not in the vocabulary");
      auto ib = bpe.vocab.find(b);
      if (ib == bpe.vocab.end()) fail(p, "merges \"" + printable(b) + "\", which is not in the vocabulary");
      if (b.size() < prefix_length) fail(p, "\"" + printable(b) + "\" is shorter than the continuing subword prefix");
      const std::string merged = a + b.substr(prefix_length);
      auto im = bpe.vocab.find(merged);
      if (im == bpe.vocab.end()) fail(p, "makes \"" + printable(merged) + "\", which is not in the vocabulary");
      bpe.merges.insert(ia->second, ib->second, static_cast<int>(rank), im->second);
    }
  }

  void added_tokens(const json& list, Impl& impl) const {
    if (!list.is_array()) fail("added_tokens", "must be an array");
    // The reference counts the vocabulary's entries (not 1 + its largest id).
    int next_id = static_cast<int>(impl.model.vocab.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = "added_tokens[" + std::to_string(i) + "]";
      const json& t = list[i];
      object_check(t, p);
      AddedToken a;
      a.content = string_field(t, "content", p);
      const json& id = required(t, "id", p);
      if (!id.is_number_unsigned() || id.get<std::uint64_t>() >= kMaxVocabulary) {
        fail(p + ".id", "must be an id in [0, 2^24), not " + id.dump());
      }
      a.id = id.get<int>();
      a.single_word = bool_field(t, "single_word", p, false);
      a.lstrip = bool_field(t, "lstrip", p, false);
      a.rstrip = bool_field(t, "rstrip", p, false);
      a.normalized = bool_field(t, "normalized", p, true);
      a.special = bool_field(t, "special", p, false);
      if (a.content.empty()) continue;  // the reference ignores them
      if (auto it = impl.added_by_content.find(a.content); it != impl.added_by_content.end()) {
        fail(p, "\"" + printable(a.content) + "\" is already added_tokens entry with id " +
                    std::to_string(impl.added[static_cast<std::size_t>(it->second)].id));
      }
      // The reference's ids: the vocabulary's when the content is in it,
      // else the next one after the vocabulary and the earlier added tokens.
      int expected;
      if (auto it = impl.model.vocab.find(a.content); it != impl.model.vocab.end()) {
        expected = it->second;
      } else {
        expected = next_id++;
      }
      if (a.id != expected) {
        fail(p + ".id", "is " + std::to_string(a.id) + " for \"" + printable(a.content) + "\", but the reference gives it " +
                            std::to_string(expected) + " (its id in the vocabulary, else the next free id)");
      }
      if (impl.added_by_id.count(a.id)) {
        fail(p + ".id", std::to_string(a.id) + " is given to two added tokens");
      }
      const auto uid = static_cast<std::size_t>(a.id);
      if (uid < impl.model.tokens.size() && impl.model.has_token[uid] && impl.model.tokens[uid] != a.content) {
        fail(p + ".id", std::to_string(a.id) + " of \"" + printable(a.content) + "\" is already the id of \"" +
                            printable(impl.model.tokens[uid]) + "\" in the vocabulary");
      }
      impl.added_by_content.emplace(a.content, static_cast<int>(impl.added.size()));
      impl.added_by_id.emplace(a.id, static_cast<int>(impl.added.size()));
      if (a.special) impl.special_contents.insert(a.content);
      impl.added.push_back(std::move(a));
    }
  }

 private:
  std::string name_;
  std::shared_ptr<const Pattern> gpt2_regex_, digit_regex_, whitespace_regex_, space_regex_;
};

}  // namespace

std::shared_ptr<const Impl> load_impl(std::string_view json_text, std::string_view name) {
  Loader loader(name);
  json root;
  try {
    root = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large (found by fuzz/)
    throw InputError(std::string(name) + ": not JSON: " + e.what());
  }
  if (!root.is_object()) loader.fail("", "is not a JSON object");
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(name);
  for (const char* key : {"truncation", "padding"}) {
    if (const json* v = loader.optional(root, key)) {
      loader.fail(key, "is " + v->dump() + ": truncation and padding are not supported; they must be null");
    }
  }
  loader.model(loader.required(root, "model", ""), impl->model);
  if (const json* n = loader.optional(root, "normalizer")) impl->normalizer = loader.normalizer(*n, "normalizer");
  if (const json* p = loader.optional(root, "pre_tokenizer")) {
    loader.pre_tokenizer(*p, "pre_tokenizer", impl->pre_tokenizers);
  }
  if (const json* d = loader.optional(root, "decoder")) impl->decoder = loader.decoder(*d, "decoder");
  if (const json* a = loader.optional(root, "added_tokens")) loader.added_tokens(*a, *impl);

  int size = static_cast<int>(impl->model.tokens.size());
  for (const AddedToken& a : impl->added) size = std::max(size, a.id + 1);
  impl->vocab_size = size;
  if (const json* p = loader.optional(root, "post_processor")) {
    loader.post_processor(*p, "post_processor", *impl, impl->post_processors);
  }

  for (std::size_t i = 0; i < impl->added.size(); ++i) {
    const AddedToken& a = impl->added[i];
    if (a.normalized) {
      std::string pattern = a.content;
      if (impl->normalizer) run_normalizer(*impl->normalizer, pattern);
      impl->normalized_trie.insert(pattern, static_cast<int>(i));
    } else {
      impl->raw_trie.insert(a.content, static_cast<int>(i));
    }
  }
  impl->word_char = std::make_unique<Regex>(R"(\w)", "built-in expression");
  impl->space_char = std::make_unique<Regex>(R"(\s)", "built-in expression");
  return impl;
}

}  // namespace glasses::tokenizer::detail
