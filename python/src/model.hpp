// What a glasses.Model holds: the model (shared, immutable, so that long
// runs on helper threads keep it alive) and its tokenizer if it has one.
#pragma once

#include <memory>

#include "glasses/model/presets.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

namespace glasses::python {

struct Model {
  std::shared_ptr<const model::ModelSource> source;
  std::shared_ptr<const tokenizer::Tokenizer> tokenizer;  // null without tokenizer.json
};

}  // namespace glasses::python
