// The vector kernels compiled with AVX-512 (F, BW, VL, DQ on x86-64; see
// model/CMakeLists.txt). fast_matvec.cpp calls them only after checking at
// run time that the CPU has those extensions. Elsewhere this unit is
// compiled like any other and never called.
#include "fast_matvec_kernels.hpp"

namespace glasses::model::detail {

const KernelSet kAvx512Kernels{&dot_rows_with, &combine_rows_with};

}  // namespace glasses::model::detail
