// Text helpers of the report (private to glasses::reports): numbers, lists,
// file stems, and what a model, a track or a sweep is called in the report.
// Every function is pure; every user string goes through escape() or code().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/sweep.hpp"
#include "glasses/reports/suite.hpp"

namespace glasses::reports::detail {

// ---- numbers and lists

// x as LaTeX math with `significant` digits (format_number).
std::string num(double x, int significant = 3);

// n as report text (format_integer).
std::string integer(std::size_t n);

// "B.5-full" -> "B.5-full" in text; ids are ASCII but escape anyway.
std::string check_id_text(std::string_view id);

// code() of user text with permitted line breaks after ':' ',' '=' and ';'
// (model specs such as paper-literal:positional=rope in narrow columns).
std::string breakable_code(std::string_view text, std::string_view breaks = ":,=;");

// A sentence without its final period (to be followed by one).
std::string without_period(std::string text);

// User text -> LaTeX as escape(), with powers written in ASCII ("2^-160",
// "10^9", "2^(k/2)", "e^(−B)", "1^n", "ρ^L") set as math ($2^{-160}$,
// $2^{k/2}$, ...) instead of a literal caret.
std::string escape_with_powers(std::string_view text);

// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// "a, b and c".
std::string and_list(const std::vector<std::string>& items);

// A data or figure name derived from user ids: [A-Za-z0-9_-], at most 64.
std::string file_stem(std::string text);

// ---- models, tracks and sweeps

// The positional encoding of a model, in words (LaTeX).
std::string positional_name(const model::ModelConfig& c);

// The ALiBi slope of the first head, m_1 = scale * 2^(-8/H) (config.hpp), when the model uses ALiBi.
std::string alibi_note(const model::ModelConfig& c);

// Short names of the positional encoding for narrow table columns.
std::string positional_short_name(const model::ModelConfig& c);

// A model's short name: the preset without its options, or the file name.
std::string model_base_name(const ModelSpec& m);

// "preset <spec>", "config <path>" or "checkpoint <path>" (LaTeX, breakable).
std::string model_text(const PreparedSweep& p);

// The first track labelled `label`, or nullptr.
const model::TrackResult* find_track(const model::SweepResult& r, std::string_view label);

// Whether t is the sweep's reference track.
bool is_reference(const PreparedSweep& p, const model::TrackResult& t);

// The tracks of the formats group that are not the reference.
std::vector<const model::TrackResult*> low_tracks(const PreparedSweep& p, const model::SweepResult& r);

// The reference track of a sweep result.
const model::TrackResult& reference_track(const model::SweepResult& r);

// The unit roundoff of the format y is stored in (the activations site).
double storage_roundoff(const model::TrackSpec& t);

// The reference format in words, with why it suffices (LaTeX).
std::string reference_text(const std::string& reference);

// How a sweep's onsets were certified, in words (LaTeX).
std::string certify_text(const SweepSpec& s);

// Exactly what a sweep ran, as a sentence (LaTeX).
std::string describe_sweep(const PreparedSweep& p);

// What several sweeps ran: the model of each, then what they share (or one
// description each when they differ in more than the model).
std::string describe_sweeps(const std::vector<const PreparedSweep*>& sweeps);

// ---- fits

// Slope of the reference's Dinf over the upper part of n (n >= n_max / 32).
std::optional<double> reference_slope(const model::SweepResult& r);

}  // namespace glasses::reports::detail
