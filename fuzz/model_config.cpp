// glasses' own model JSON configs (`--config FILE`): parsed, and the
// synthetic weights drawn when the model is within a small memory limit.
#include "fuzz_target.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/numerics/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  const std::filesystem::path file = fuzz::scratch_file("model.json", fuzz::as_text(data, size));
  try {
    (void)model::load_model_config(file.string(), fuzz::kModelMemoryLimit);
  } catch (const InputError&) {
  }
  return 0;
}
