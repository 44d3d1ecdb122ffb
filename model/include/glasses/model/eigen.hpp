// Eigen at the edges of the model: raw input rows and weights in from any
// Eigen matrix expression (Eigen::Ref<const Eigen::MatrixXd>, so a MatrixXd,
// a block, a row-major map of your buffer, …), outputs out as Eigen::Map
// views of the trace's own storage (no copy). Link glasses::eigen.
//
// Things you should know
//  1. In: the values are copied once, row by row, into glasses' row-major
//     Matrix<double> (any storage order of the argument works). Shapes are
//     checked: a mismatch throws InputError naming the tensor and both shapes.
//  2. Out: view(m) maps a Matrix<T> (row-major) as an Eigen matrix of T; it
//     lives as long as the trace. For T = double or float it is an ordinary
//     Eigen matrix; for BinFloat256 (cpp_bin_float:256) Eigen uses Boost's
//     NumTraits (boost/multiprecision/eigen.hpp), so `.cast<double>()` and
//     Eigen's solvers work on it too.
//  3. Eigen never does the model's sums (kernels.hpp owns their order): use
//     it on inputs and outputs, not inside a forward pass.
#pragma once

#include <Eigen/Core>
#include <boost/multiprecision/eigen.hpp>
#include <string>
#include <string_view>

#include "glasses/model/forward.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

template <class T>
using RowMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// m as glasses' row-major Matrix<double> (note 1).
inline Matrix<double> to_matrix(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  Matrix<double> out(static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()), 0.0);
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) out(static_cast<std::size_t>(r), static_cast<std::size_t>(c)) = m(r, c);
  }
  return out;
}

// Raw input rows v_i^(0) (n × d, one row per position) for a row-input model.
inline InputSequence input_rows(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  InputSequence in;
  in.rows = to_matrix(rows);
  return in;
}

// Replaces the weight `w` (e.g. source.weights.layers[0].w_v) by `values`,
// which must have its shape; `name` names it in the error.
inline void set_weight(Matrix<double>& w, const Eigen::Ref<const Eigen::MatrixXd>& values, std::string_view name) {
  if (static_cast<std::size_t>(values.rows()) != w.rows || static_cast<std::size_t>(values.cols()) != w.cols) {
    throw InputError("weight " + std::string(name) + ": expected " + std::to_string(w.rows) + " × " +
                     std::to_string(w.cols) + ", got " + std::to_string(values.rows()) + " × " +
                     std::to_string(values.cols()));
  }
  w = to_matrix(values);
}

// The trace's matrix m (y: positions × d, logits: positions × vocab, …) as
// an Eigen view (note 2).
template <class T>
Eigen::Map<const RowMajorMatrix<T>> view(const Matrix<T>& m) {
  return Eigen::Map<const RowMajorMatrix<T>>(m.data.data(), static_cast<Eigen::Index>(m.rows),
                                             static_cast<Eigen::Index>(m.cols));
}

}  // namespace glasses::model
