// tokenizer.json: parsed; an accepted tokenizer encodes and decodes a fixed
// text, and every id it returns lies in its vocabulary.
#include <stdexcept>

#include "fuzz_target.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  try {
    const tokenizer::Tokenizer t = tokenizer::Tokenizer::parse(fuzz::as_text(data, size));
    for (const bool special : {false, true}) {
      const std::vector<int> ids = t.encode("Hello, world! 1 1 0 1 \xc3\xa9t\xc3\xa9  \xe2\x80\x94 end", special);
      for (const int id : ids) {
        if (id < 0 || id >= t.vocab_size()) throw std::logic_error("encode returned an id outside the vocabulary");
      }
      (void)t.decode(ids, special);
    }
  } catch (const InputError&) {
  }
  return 0;
}
