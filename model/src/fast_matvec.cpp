// Packing and kernel choice for the vector kernels (fast_matvec.hpp).
#include "glasses/model/fast_matvec.hpp"

#include <algorithm>

#include "glasses/numerics/error.hpp"

namespace glasses::model {

namespace detail {

namespace {

constexpr std::size_t kPanel = kPanelRows, kLanes = kTailPanelRows;

// The row-major rows × cols matrix w into panels at `out` (fast_matvec.hpp
// "Layout"): out holds panel_floats(rows, cols) values, zero in the padding.
void write_panels(const float* w, std::size_t rows, std::size_t cols, float* out) {
  for (std::size_t r0 = 0; r0 < rows;) {
    const std::size_t height = r0 + kPanel <= rows ? kPanel : kLanes;  // of this panel
    const std::size_t filled = std::min(height, rows - r0);
    for (std::size_t i = 0; i < filled; ++i) {
      const float* row = w + (r0 + i) * cols;
      for (std::size_t c = 0; c < cols; ++c) out[c * height + i] = row[c];
    }
    out += height * cols;
    r0 += height;
  }
}

std::size_t panel_floats(std::size_t rows, std::size_t cols) {
  const std::size_t full = rows / kPanel * kPanel;
  return (full + (rows - full + kLanes - 1) / kLanes * kLanes) * cols;
}

KernelSet kernels(PackedKernel kernel) {
  const std::optional<numerics::simd::Target> target = resolve(kernel);
  if (!target) throw InputError("a vector kernel was called with kernel 'none'");
  return kernels_for(*target);
}

}  // namespace
}  // namespace detail

std::optional<PackedRounding> packed_rounding_for(const numerics::Format& f, numerics::Rounding mode) {
  if (mode != numerics::Rounding::near_even) return std::nullopt;
  if (f == numerics::formats::bf16) return PackedRounding::bf16;
  if (f == numerics::formats::fp16) return PackedRounding::fp16;
  return std::nullopt;
}

std::optional<numerics::simd::Target> resolve(PackedKernel kernel) {
  switch (kernel.kind) {
    case PackedKernel::Kind::none: return std::nullopt;
    case PackedKernel::Kind::automatic: return numerics::simd::chosen();
    case PackedKernel::Kind::target: break;
  }
  for (const numerics::simd::Target t : numerics::simd::available()) {
    if (t == kernel.target) return t;
  }
  throw InputError("the " + numerics::simd::to_string(kernel.target) + " vector kernels do not run on this CPU");
}

std::string to_string(PackedKernel kernel) {
  switch (kernel.kind) {
    case PackedKernel::Kind::none: return "none";
    case PackedKernel::Kind::automatic: return "automatic";
    case PackedKernel::Kind::target: break;
  }
  return numerics::simd::to_string(kernel.target);
}

PackedMatrix pack_rows(const float* w, std::size_t rows, std::size_t cols) {
  if (rows > 0 && cols == 0) throw InputError("pack_rows: a matrix with rows needs at least one column");
  PackedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.data.assign(detail::panel_floats(rows, cols), 0.0f);
  detail::write_panels(w, rows, cols, m.data.data());
  return m;
}

void packed_dot_rows(PackedKernel kernel, PackedRounding rounding, const PackedMatrix& W, const float* x, float* y) {
  detail::kernels(kernel).dot_rows(W.data.data(), W.rows, W.cols, rounding, x, y);
}

void set_row(PackedRows& K, std::size_t r, const float* row, std::size_t cols) {
  if (K.rows == 0) K.cols = cols;
  if (cols != K.cols || cols == 0 || r > K.rows) {
    throw InputError("set_row: row " + std::to_string(r) + " of " + std::to_string(cols) +
                     " values does not continue packed rows of " + std::to_string(K.rows) + " × " +
                     std::to_string(K.cols));
  }
  K.rows = r + 1;
  const std::size_t panel = r / detail::kPanel, lane = r % detail::kPanel;
  if (K.data.size() < (panel + 1) * detail::kPanel * cols) K.data.resize((panel + 1) * detail::kPanel * cols, 0.0f);
  float* out = K.data.data() + panel * detail::kPanel * cols + lane;
  for (std::size_t c = 0; c < cols; ++c) out[c * detail::kPanel] = row[c];
}

// The panels that hold the wanted rows, whole (their other rows are
// computed and dropped): full panels, in the layout of a PackedMatrix.
void packed_dot_rows(PackedKernel kernel, PackedRounding rounding, const PackedRows& K, std::size_t first,
                     std::size_t count, const float* x, float* y) {
  if (count == 0) return;
  if (first + count > K.rows) throw InputError("packed_dot_rows: rows beyond the packed rows");
  const std::size_t begin = first / detail::kPanel, end = (first + count - 1) / detail::kPanel + 1;
  std::vector<float> out((end - begin) * detail::kPanel);
  detail::kernels(kernel).dot_rows(K.data.data() + begin * detail::kPanel * K.cols, out.size(), K.cols, rounding, x,
                                   out.data());
  const auto from = out.begin() + static_cast<std::ptrdiff_t>(first - begin * detail::kPanel);
  std::copy(from, from + static_cast<std::ptrdiff_t>(count), y);
}

void strided_combine_rows(PackedKernel kernel, PackedRounding rounding, const float* a, const float* V,
                          std::size_t stride, std::size_t m, std::size_t n, float* o) {
  detail::kernels(kernel).combine_rows(a, V, stride, m, n, rounding, o);
}

void packed_shift(PackedKernel kernel, PackedRounding rounding, float* x, std::size_t n, float c) {
  detail::kernels(kernel).shift(x, n, c, rounding);
}

void packed_scale(PackedKernel kernel, PackedRounding rounding, const float* x, std::size_t n, float s,
                  const float* g, const float* b, float* y) {
  detail::kernels(kernel).scale(x, n, s, g, b, rounding, y);
}

void packed_divide(PackedKernel kernel, float* x, std::size_t n, float z) { detail::kernels(kernel).divide(x, n, z); }

}  // namespace glasses::model
