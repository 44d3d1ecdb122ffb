// Where a result came from: commit, compiler, flags, library versions.
#pragma once

#include <nlohmann/json.hpp>

namespace glasses::app {

// The build and library facts of this binary, as a JSON object.
nlohmann::json build_provenance();

}  // namespace glasses::app
