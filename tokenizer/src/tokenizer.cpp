#include "glasses/tokenizer/tokenizer.hpp"

#include <fstream>
#include <sstream>

#include "glasses/numerics/error.hpp"
#include "impl.hpp"

namespace glasses::tokenizer {

Tokenizer::Tokenizer(std::shared_ptr<const detail::Impl> impl) : impl_(std::move(impl)) {}

Tokenizer Tokenizer::load(const std::filesystem::path& file_or_dir) {
  std::filesystem::path file = file_or_dir;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "tokenizer.json";
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw InputError("tokenizer " + file.string() + ": no such file" +
                     (file == file_or_dir ? std::string() : " (looked for tokenizer.json in the folder)"));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError("tokenizer " + file.string() + ": cannot be read");
  return parse(text.str(), file.string());
}

Tokenizer Tokenizer::parse(std::string_view json_text, std::string_view name) {
  return Tokenizer(detail::load_impl(json_text, name));
}

std::vector<int> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  return detail::encode(*impl_, text, add_special_tokens);
}

std::string Tokenizer::decode(std::span<const int> ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string* t = impl_->token(ids[i]);
    if (!t) {
      throw InputError("token id " + std::to_string(ids[i]) + " (position " + std::to_string(i) +
                       ") is no token of this tokenizer (ids 0.." + std::to_string(impl_->vocab_size - 1) + ")");
    }
    if (skip_special && impl_->special_contents.count(*t)) continue;
    tokens.push_back(*t);
  }
  return detail::decode(*impl_, tokens);
}

int Tokenizer::vocab_size() const { return impl_->vocab_size; }

std::optional<int> Tokenizer::token_id(std::string_view token) const { return impl_->token_id(token); }

std::string Tokenizer::token(int id) const {
  const std::string* t = impl_->token(id);
  if (!t) throw InputError("token id " + std::to_string(id) + " is no token of this tokenizer");
  return *t;
}

}  // namespace glasses::tokenizer
