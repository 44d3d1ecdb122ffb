// Exit codes of the glasses command line (DESIGN.md contract).
#pragma once

namespace glasses::app {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitRefuted = 1;   // a check that must hold was refuted
inline constexpr int kExitBadInput = 2;  // bad usage or bad input; stderr names the problem
inline constexpr int kExitInternal = 3;  // an internal error

}  // namespace glasses::app
