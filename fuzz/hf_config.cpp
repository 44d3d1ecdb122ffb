// Hugging Face config.json, every family (GPT-2, Llama, Mistral, Qwen2,
// Gemma, Gemma-2, ...): parsed and validated without weights; an accepted
// config must describe a model its memory estimate can count.
#include <cmath>
#include <stdexcept>

#include "fuzz_target.hpp"
#include "glasses/model/checkpoint.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/numerics/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  const std::filesystem::path file = fuzz::scratch_file("config.json", fuzz::as_text(data, size));
  try {
    const model::ModelConfig c = model::load_hf_config(file);
    model::validate(c);  // what load_hf_config returns is valid
    if (!(model::weight_bytes(c) > 0) || !std::isfinite(model::weight_bytes(c))) {
      throw std::logic_error("accepted a config without a finite positive size");
    }
    (void)model::describe(c);
  } catch (const InputError&) {
  }
  return 0;
}
