#include <algorithm>
#include <charconv>
#include <sstream>

#include "glasses/model/checkpoint.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

ModelSource open_checkpoint(const std::string& dir, bool binary64_master, double max_memory) {
  CheckpointOptions options;
  options.binary64_master = binary64_master;
  options.max_memory = max_memory;
  Checkpoint c = load_checkpoint(dir, options);
  ModelSource s;
  s.origin = "checkpoint " + dir;
  s.description = "Hugging Face checkpoint " + dir + " (" + describe(c.config) + ")";
  s.config = std::move(c.config);
  s.weights = std::move(c.weights);
  s.float_weights = std::move(c.float_weights);
  s.warnings = std::move(c.warnings);
  return s;
}

std::vector<int> parse_tokens(const ModelSource& model, std::string_view text, std::string_view what) {
  std::vector<int> tokens;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) {
    int id = 0;
    const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
    if (ec == std::errc() && ptr == word.data() + word.size()) {
      tokens.push_back(id);
      continue;
    }
    const std::vector<std::string>& vocabulary = model.config.vocabulary;
    const auto it = std::find(vocabulary.begin(), vocabulary.end(), word);
    if (it == vocabulary.end())
      throw InputError(std::string(what) + ": token '" + word + "' is neither a token id nor a word of the model's vocabulary" +
                       (vocabulary.empty() ? std::string(" (this model has no vocabulary: use ids)") : ""));
    tokens.push_back(static_cast<int>(it - vocabulary.begin()));
  }
  return tokens;
}

}  // namespace glasses::model
