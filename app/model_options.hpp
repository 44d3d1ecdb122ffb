// The model-source options shared by every command that runs a model,
// declared once: --preset NAME[:options] | --config FILE | --model DIR.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

namespace glasses::app {

struct ModelOptions {
  std::string preset;
  std::string config;
  std::string model_dir;
  std::string max_memory;  // --max-memory; empty: model::default_memory_limit()

  void add_to(CLI::App& cmd, bool preset_default);
  // The memory limit in bytes (--max-memory, else 3/4 of physical memory).
  double memory_limit() const;
  // The chosen model; throws InputError for a bad preset, file or folder.
  model::ModelSource open() const;
  // The tokenizer of the model: DIR/tokenizer.json with --model DIR when
  // the folder holds one; nullopt otherwise (presets and --config models
  // have their own word vocabularies). Throws InputError for a bad file.
  std::optional<tokenizer::Tokenizer> tokenizer() const;
  // tokenizer()'s encode, for the text pair families (model/tasks.hpp);
  // empty when the model has no tokenizer.
  model::TextEncoder encoder() const;
};

}  // namespace glasses::app
