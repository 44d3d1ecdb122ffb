// Sweep resume state: a line of DIR/.progress/track-<k>.jsonl. An accepted
// line prints back (point_to_json) to a line that parses to the same text.
#include <stdexcept>
#include <string>

#include "fuzz_target.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/numerics/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  try {
    const model::PointMetrics p = model::point_from_json(std::string(fuzz::as_text(data, size)));
    const std::string line = model::point_to_json(p);
    if (model::point_to_json(model::point_from_json(line)) != line) throw std::logic_error("progress line does not round-trip");
  } catch (const InputError&) {
  }
  return 0;
}
