// The quantities of a sweep computed from its points after every track ran
// (sweep.hpp lists them all): against the reference track, and the onsets.
#pragma once

#include <optional>
#include <vector>

#include "glasses/model/sweep.hpp"

namespace glasses::model::detail {

// The first n at which a track's pair is bitwise collapsed (walked n
// included), and the smallest n from which every n seen is: the track's
// onset_first and onset_permanent.
std::optional<std::size_t> first_collapse(const std::vector<PointMetrics>& points);
std::optional<std::size_t> permanent_collapse(const std::vector<PointMetrics>& points);
// Whether a permanent onset is confirmed by a later point: `onset` is at
// or before the second-to-last point (TrackSummary::onset_confirmed).
bool onset_confirmed(const std::vector<PointMetrics>& points, std::optional<std::size_t> onset);

// Sets error_inf and decision_collapse of every point against the
// reference track's points (the same n, in the same order).
void compare_with_reference(std::vector<PointMetrics>& points, const std::vector<PointMetrics>& reference);

}  // namespace glasses::model::detail
