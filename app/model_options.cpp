#include "model_options.hpp"

#include <filesystem>

#include "glasses/model/checkpoint.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::app {

void ModelOptions::add_to(CLI::App& cmd, bool preset_default) {
  std::string presets;
  for (const model::PresetInfo& p : model::kPresets) presets += (presets.empty() ? "" : ", ") + std::string(p.name);
  auto* p = cmd.add_option("--preset", preset, "Built-in model NAME[:key=value,...]; presets: " + presets);
  if (preset_default) {
    preset = "default";
    p->capture_default_str();
  }
  auto* c = cmd.add_option("--config", config, "JSON description of a synthetic model (see examples/)");
  auto* m = cmd.add_option("--model", model_dir, "Hugging Face model folder (config.json + model.safetensors)");
  c->excludes(m);
  cmd.add_option("--max-memory", max_memory,
                 "Refuse a model or run estimated to need more memory than this (bytes, or 512M, 8G, ...; default: 3/4 "
                 "of physical memory)");
  if (!preset_default) {
    p->excludes(c)->excludes(m);
  }
}

double ModelOptions::memory_limit() const {
  return max_memory.empty() ? model::default_memory_limit() : model::parse_memory_size(max_memory);
}

model::ModelSource ModelOptions::open() const {
  const double limit = memory_limit();
  if (!model_dir.empty()) return model::open_checkpoint(model_dir, false, limit);
  if (!config.empty()) return model::load_model_config(config, limit);
  if (preset.empty()) throw InputError("choose a model with --preset, --config or --model");
  return model::make_preset(preset);
}

std::optional<tokenizer::Tokenizer> ModelOptions::tokenizer() const {
  if (model_dir.empty()) return std::nullopt;
  const std::filesystem::path file = std::filesystem::path(model_dir) / "tokenizer.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return tokenizer::Tokenizer::load(file);
}

model::TextEncoder ModelOptions::encoder() const {
  std::optional<tokenizer::Tokenizer> t = tokenizer();
  if (!t) return {};
  return [t = std::move(*t)](std::string_view text, bool add_special_tokens) { return t.encode(text, add_special_tokens); };
}

}  // namespace glasses::app
