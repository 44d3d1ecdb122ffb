// safetensors header and data section: open (validates the whole header),
// then decode every tensor that decodes; values are checked against the
// raw bytes' count.
#include <stdexcept>

#include "fuzz_target.hpp"
#include "glasses/model/safetensors.hpp"
#include "glasses/numerics/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glasses;
  const std::filesystem::path file = fuzz::scratch_file("model.safetensors", fuzz::as_text(data, size));
  try {
    const model::SafetensorsFile st(file);
    for (const model::TensorInfo& t : st.tensors()) {
      if (t.end > st.file_size() - st.data_start()) throw std::logic_error("accepted a tensor outside the file");
      if (!model::dtype_info(t.dtype).decodable) continue;
      const std::vector<double> values = st.decode(t);
      if (values.size() != t.element_count()) throw std::logic_error("decoded a wrong number of values");
    }
  } catch (const InputError&) {
  }
  return 0;
}
