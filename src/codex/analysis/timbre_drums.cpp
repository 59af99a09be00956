#include <algorithm>
#include <cmath>

#include "codex/analysis/timbre_common.h"
#include "codex/analysis/timbre_parts.h"

namespace codex::analysis {
namespace {

constexpr double kLog2e = 1.4426950408889634;  // flux is kept in log2 units

// Peaks per second of a flux series: local maxima above 1.5x the local mean plus a floor.
double onset_rate(const std::vector<float>& flux, const std::vector<bool>& active, double frame_rate, double floor) {
  size_t onsets = 0, n_active = 0;
  const size_t n = flux.size();
  for (size_t i = 0; i < n; ++i) {
    if (!active[i]) continue;
    ++n_active;
    if (i == 0 || i + 1 >= n || flux[i] <= flux[i - 1] || flux[i] < flux[i + 1]) continue;
    const size_t lo = i >= 10 ? i - 10 : 0, hi = std::min(n, i + 11);
    double m = 0.0;
    for (size_t j = lo; j < hi; ++j) m += flux[j];
    m /= static_cast<double>(hi - lo);
    if (flux[i] > 1.5 * m + floor) ++onsets;
  }
  // Per second of the track from its first to its last sounding frame (silent gaps count: a sparse
  // click track has few onsets per second, not many per second of sound).
  size_t first = n, last = 0;
  for (size_t i = 0; i < n; ++i) {
    if (active[i]) {
      first = std::min(first, i);
      last = i;
    }
  }
  return n_active ? static_cast<double>(onsets) / (static_cast<double>(last - first + 1) / frame_rate) : 0.0;
}

}  // namespace

void DrumOnsets::start(int bins) {
  prev_logmag_.assign(static_cast<size_t>(bins), 0.0f);
  flux_low_.clear();
  flux_snare_.clear();
  flux_high_.clear();
}

void DrumOnsets::frame(const TimbreFrame& f) {
  // Band-wise positive flux: kick (40-150 Hz), snare/clap body and crack (1-4 kHz), hats (6 kHz up).
  auto flux = [&](double lo, double hi) {
    const int k0 = std::max(1, static_cast<int>(lo / f.bin_hz)), k1 = std::min(f.bins - 1, static_cast<int>(hi / f.bin_hz));
    double s = 0.0;
    for (int k = k0; k <= k1; ++k) s += std::max(0.0f, f.log_mag[k] - prev_logmag_[k]);
    return static_cast<float>(s / std::max(1, k1 - k0 + 1) * kLog2e);  // in log2 units
  };
  flux_low_.push_back(flux(40, 150));
  flux_snare_.push_back(flux(1000, 4000));
  flux_high_.push_back(flux(6000, 11000));
  std::copy(f.log_mag, f.log_mag + f.bins, prev_logmag_.begin());
}

nlohmann::json DrumOnsets::finish(const TimbreSpan& span) const {
  using timbre_detail::round_to;
  return {{"kick", round_to(onset_rate(flux_low_, span.active, span.frame_rate, 0.01), 0.01)},
          {"snare", round_to(onset_rate(flux_snare_, span.active, span.frame_rate, 0.004), 0.01)},
          {"hat", round_to(onset_rate(flux_high_, span.active, span.frame_rate, 0.002), 0.01)}};
}

}  // namespace codex::analysis
