// Least-squares fits used to read decay rates off measured curves.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

namespace glasses::numerics {

// Least-squares slope of log y against log x over the points with
// x >= x_min and finite y > 0 (a power law y = c x^s gives s); nullopt
// with fewer than two such points or all of them at one x.
inline std::optional<double> loglog_slope(const std::vector<double>& x, const std::vector<double>& y, double x_min) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int k = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] < x_min || !(x[i] > 0) || !(y[i] > 0) || !std::isfinite(y[i])) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    ++k;
  }
  if (k < 2) return std::nullopt;
  const double denominator = k * sxx - sx * sx;
  if (!(denominator > 0)) return std::nullopt;
  return (k * sxy - sx * sy) / denominator;
}

}  // namespace glasses::numerics
