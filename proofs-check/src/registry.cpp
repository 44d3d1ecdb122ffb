#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"

namespace glasses::proofs {

const std::vector<CheckInfo>& registry() {
  static const std::vector<CheckInfo> checks{};
  return checks;
}

const CheckInfo& find_check(std::string_view id) {
  std::string known;
  for (const CheckInfo& c : registry()) {
    if (c.id == id) return c;
    known += (known.empty() ? "" : " ") + std::string(c.id);
  }
  throw InputError("check '" + std::string(id) + "': unknown; checks are " + known);
}

}  // namespace glasses::proofs
