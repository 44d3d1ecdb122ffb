// Text through a fixed tokenizer (the tiny test tokenizer, a byte-level BPE
// with byte fallback): any bytes either are refused (invalid UTF-8) or
// encode to ids in the vocabulary that decode without error.
#include <stdexcept>

#include "fuzz_target.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  static const tokenizer::Tokenizer t = tokenizer::Tokenizer::load(GLASSES_FUZZ_TOKENIZER);
  try {
    const std::vector<int> ids = t.encode(fuzz::as_text(data, size), size % 2 == 0);
    for (const int id : ids) {
      if (id < 0 || id >= t.vocab_size()) throw std::logic_error("encode returned an id outside the vocabulary");
    }
    (void)t.decode(ids);
  } catch (const InputError&) {
  }
  return 0;
}
