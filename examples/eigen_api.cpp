// glasses from C++ with Eigen: raw input rows and a weight matrix passed as
// Eigen matrices, the outputs read through Eigen::Map views, one forward
// pass in binary64 and one in Boost's cpp_bin_float<256>.
//
// The model is the `fig10-nope` preset (d = 64, one layer, one head, raw
// input rows, W_O = I), with W_V replaced by (1/2)·I from an Eigen
// expression. The program checks what it shows and exits 1 otherwise:
// the model's v^(0) is the Eigen input bit for bit, and the fp64 and
// 256-bit y agree to double precision.
#include <cmath>
#include <cstdio>

#include "glasses/model/eigen.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/cpp_bin_float.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

template <class T>
gm::Trace<T> run(const gm::ModelSource& model, const gm::InputSequence& input) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{{}, none};
  const gm::PreparedModel<T> prepared = gm::prepare(model, env);
  gm::ForwardOptions options;
  options.keep_residual = true;
  return gm::forward(prepared, env, input, options);
}

int main() {
  gm::ModelSource model = gm::make_preset("fig10-nope");
  const Eigen::Index d = model.config.d_model, n = 8;

  // Input rows as any Eigen expression: here exact small fractions.
  Eigen::MatrixXd rows(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) rows(i, j) = static_cast<double>((i * 31 + j * 17) % 23 - 11) / 8;
  }
  gm::set_weight(model.weights.layers[0].w_v, 0.5 * Eigen::MatrixXd::Identity(d, d), "layers[0].w_v");
  try {
    gm::set_weight(model.weights.layers[0].w_v, Eigen::MatrixXd::Zero(d, d + 1), "layers[0].w_v");
  } catch (const glasses::InputError& e) {
    std::printf("refused: %s\n", e.what());
  }

  const gm::InputSequence input = gm::input_rows(rows);
  const gm::Trace<double> fp64 = run<double>(model, input);
  const gm::Trace<gn::BinFloat256> wide = run<gn::BinFloat256>(model, input);

  // Outputs as Eigen views of the traces' storage.
  const bool input_kept = gm::view(fp64.residual[0]) == rows;
  const Eigen::MatrixXd y = gm::view(fp64.y);
  const Eigen::MatrixXd y_wide = gm::view(wide.y).cast<double>();
  const double difference = (y - y_wide).cwiseAbs().maxCoeff() / y_wide.cwiseAbs().maxCoeff();
  std::printf("y: %td x %td, ||y||_inf = %.6f\n", y.rows(), y.cols(), y.cwiseAbs().maxCoeff());
  std::printf("v^(0) is the Eigen input: %s\n", input_kept ? "yes" : "no");
  std::printf("max |y_fp64 - y_cpp_bin_float256| / ||y||_inf = %.3g (double precision: below 1e-13: %s)\n",
              difference, difference < 1e-13 ? "yes" : "no");
  return input_kept && difference < 1e-13 ? 0 : 1;
}
