#include "model_options.hpp"

#include <filesystem>

#include "glasses/model/checkpoint.hpp"
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
  if (!preset_default) {
    p->excludes(c)->excludes(m);
  }
}

model::ModelSource ModelOptions::open() const {
  if (!model_dir.empty()) return model::open_checkpoint(model_dir);
  if (!config.empty()) return model::load_model_config(config);
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
