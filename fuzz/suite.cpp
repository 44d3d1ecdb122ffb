// Suite JSON (`glasses report --suite FILE`): parsed and checked, without
// opening models or running anything.
#include "fuzz_target.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/reports/suite.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  try {
    (void)reports::parse_suite(fuzz::as_text(data, size), "fuzz.json", "/nonexistent-fuzz-dir");
  } catch (const InputError&) {
  }
  return 0;
}
