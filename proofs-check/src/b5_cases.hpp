// The models and inputs B.5 and B.5-full run on, and how their instances
// are written (private to proofs-check).
//
// A Case is a model, one input and the JSON that replays it; preset cases
// read the digits of pi as tokens, random cases draw a small architecture
// (architectures(): positions, norms, activations, GQA, windows, biases,
// bidirectional) and Gaussian input rows from a seed. Everything is a pure
// function of its arguments (PortableRandom), so the same seed gives the
// same cases on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "glasses/model/run.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::b5::detail {

// x with `digits` significant digits (%g), for descriptions and notes.
inline std::string fmt(double x, int digits = 6) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*g", digits, x);
  return b;
}

// A small random architecture.
struct Arch {
  int d = 8, layers = 2, heads = 2, kv_heads = 2, d_head = 4, d_mlp = 12;
  model::PositionalKind pos = model::PositionalKind::none;
  model::NormKind norm = model::NormKind::rmsnorm;
  model::Activation act = model::Activation::swiglu;
  bool bias = false;
  int window = 0;
  bool causal = true;
  model::AbsolutePositionsInto into = model::AbsolutePositionsInto::residual;
};

// A small random model of architecture `a` (weights N(0, σ²) scaled by
// 1/sqrt(fan-in), gains near 1), validated.
model::ModelSource random_model(const Arch& a, std::uint64_t seed);

// The six architectures of the random cases.
std::vector<Arch> architectures();

// n rows of dimension d, entries N(0, sigma²).
model::InputSequence gaussian_rows(std::size_t n, std::size_t d, double sigma, std::uint64_t seed);

// The first n digits of pi (repeating after 24), as tokens.
std::vector<int> digits(std::size_t n);

// A model and one input for it, with how to replay it.
struct Case {
  std::string name;
  model::ModelSource source;
  model::InputSequence input;
  std::string replay;  // JSON
};

// The preset `spec` on the first n digits of pi.
Case preset_case(const std::string& spec, std::size_t n);

// A random model of architecture `a` from `seed` on n Gaussian rows (seed + 1000).
Case random_case(const Arch& a, std::uint64_t seed, std::size_t n);

// The cases of B.5 and B.5-spectral: the presets that fit (quick: paper-literal
// and default:layers=1; full: also alibi with a window and the fig presets)
// and random models of every architecture (quick: 1 seed, full: 3).
std::vector<Case> matched_cases(bool quick, std::uint64_t seed);

// The JSON that replays position i of case c.
std::string witness(const Case& c, std::size_t i);

// f·[lo, hi] for f > 0, rounded outward.
Bounds scaled(Bounds b, double f);

// mid(lhs) / mid(rhs), 0 when mid(rhs) <= 0.
double ratio(const Bounds& lhs, const Bounds& rhs);

// The instance lhs <= rhs decided from the enclosures; margin mid(rhs) - mid(lhs).
Instance inequality(const std::string& description, const std::string& lhs_label, const std::string& rhs_label,
                    Bounds lhs, Bounds rhs);

// The input rows of a case (token inputs become their embedded rows, so that
// the search can move them continuously).
model::InputSequence as_rows(const model::ModelSource& s, const model::InputSequence& in);

}  // namespace glasses::proofs::b5::detail
