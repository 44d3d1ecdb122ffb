# Third-party dependencies (Debian 12 packages, installed by scripts/setup).

# GMP, MPFR and MPFI from their static archives: in the shared libraries
# every MPFR operation reaches its thread-local flags and exponent range
# through __tls_get_addr and goes through the PLT, which costs 10% of an
# MPFR-256 forward (count-ones sweep to n = 768: 51.1 s CPU shared, 45.9 s
# static, same CSV).
option(GLASSES_STATIC_MULTIPRECISION "Link GMP, MPFR and MPFI statically (faster MPFR arithmetic)" ON)
find_package(GMP REQUIRED)
find_package(MPFR REQUIRED)
find_package(MPFI REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
# MPI (Open MPI): the command line spreads sweeps, checks and reports over
# ranks (app/ranks.cpp). On when found; without it every run is a singleton.
find_package(MPI COMPONENTS CXX)
option(GLASSES_MPI "Run sweep/check/report items across MPI ranks (needs MPI)" ${MPI_CXX_FOUND})
if(GLASSES_MPI AND NOT MPI_CXX_FOUND)
  message(FATAL_ERROR "GLASSES_MPI=ON but no MPI was found (Debian: libopenmpi-dev openmpi-bin)")
endif()
# Highway: portable SIMD with run-time dispatch (numerics/simd.hpp).
find_package(hwy REQUIRED)

# glasses::tokenizer: Oniguruma, the regular-expression engine of Hugging
# Face's tokenizers (so \p{L}, \s and look-ahead match as there), and ICU
# for Unicode normalization (the NFC normalizer of Qwen's tokenizer.json).
find_package(PkgConfig REQUIRED)
pkg_check_modules(Oniguruma REQUIRED IMPORTED_TARGET GLOBAL oniguruma)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET GLOBAL icu-uc)
