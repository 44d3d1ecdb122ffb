#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

#include "ranks.hpp"

namespace glasses::app {
namespace {
std::string duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const long s = static_cast<long>(seconds + 0.5);
  char b[32];
  if (s >= 3600) {
    std::snprintf(b, sizeof b, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(b, sizeof b, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(b, sizeof b, "%lds", s);
  }
  return b;
}
}  // namespace

Progress::Progress(std::string label)
    : label_(std::move(label)), shown_(ranks().writer()), terminal_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

void Progress::update(double done, double total) {
  if (!shown_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const double fraction = total > 0 ? std::min(1.0, done / total) : 0.0;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = fraction > 0.001 ? elapsed * (1 - fraction) / fraction : -1;
  if (terminal_) {
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    const int width = 30, filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%%  elapsed %s  ETA %s   ", label_.c_str(), bar.c_str(), 100 * fraction,
                 duration(elapsed).c_str(), duration(eta).c_str());
    std::fflush(stderr);
  } else {
    const int decile = static_cast<int>(fraction * 10);
    if (decile <= last_decile_) return;
    last_decile_ = decile;
    std::fprintf(stderr, "%s: %d%% (elapsed %s, ETA %s)\n", label_.c_str(), 10 * decile, duration(elapsed).c_str(),
                 duration(eta).c_str());
  }
}

void Progress::finish() {
  if (!shown_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "%s%s: done in %s\n", terminal_ ? "\r" : "", label_.c_str(), duration(elapsed).c_str());
}

}  // namespace glasses::app
