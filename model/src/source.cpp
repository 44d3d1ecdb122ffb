#include "glasses/model/checkpoint.hpp"
#include "glasses/model/presets.hpp"

namespace glasses::model {

ModelSource open_checkpoint(const std::string& dir) {
  Checkpoint c = load_checkpoint(dir);
  ModelSource s;
  s.origin = "checkpoint " + dir;
  s.description = "Hugging Face checkpoint " + dir + " (" + describe(c.config) + ")";
  s.config = std::move(c.config);
  s.weights = std::move(c.weights);
  s.warnings = std::move(c.warnings);
  return s;
}

}  // namespace glasses::model
