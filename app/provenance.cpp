#include "provenance.hpp"

#include <CLI/Version.hpp>
#include <Eigen/Core>
#include <gmp.h>
#include <mpfi.h>
#include <mpfr.h>
#include <string>

#include "git_info.hpp"

namespace glasses::app {

nlohmann::json build_provenance() {
  nlohmann::json p;
  p["commit"] = GLASSES_GIT_COMMIT;
  p["compiler"] = std::string("g++ ") + __VERSION__;
  p["flags"] = GLASSES_BUILD_FLAGS;
  p["libraries"] = {
      {"mpfr", mpfr_get_version()},
      {"gmp", gmp_version},
      {"mpfi", mpfi_get_version()},
      {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                    std::to_string(EIGEN_MINOR_VERSION)},
      {"cli11", CLI11_VERSION},
      {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                            "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
  };
  return p;
}

}  // namespace glasses::app
