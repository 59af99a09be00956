// Onset strength at ~100 frames per second: a SuperFlux-style spectral flux over a log-frequency,
// log-magnitude filterbank (12 bands per octave, 40 Hz - 10 kHz). Each band is compared with the
// maximum of its neighbours `lag` frames earlier, which suppresses vibrato and slow pitch glides;
// the flux is split into a low band (< 200 Hz: kick and bass) and the full range. Streaming: feed
// mono blocks, then take the series.
#pragma once

#include <memory>
#include <vector>

#include "codex/analysis/fft.h"

namespace codex::analysis {

struct OnsetOptions {
  int frame = 1024;          // STFT frame at the analysis rate
  int hop = 220;             // ~100 frames/s at 22.05 kHz
  int lag = 2;               // frames between compared spectra
  double min_hz = 40.0;
  double max_hz = 10000.0;
  int bands_per_octave = 12;
  double low_band_hz = 200.0;
  double high_band_hz = 5000.0;
};

class OnsetDetector {
 public:
  OnsetDetector(int rate_hz, const OnsetOptions& options = {});
  void process(const float* mono, int64_t n);

  double frames_per_second() const { return static_cast<double>(rate_) / options_.hop; }
  // Time in seconds of frame i's onset (calibrated so a click at t peaks at frame time t).
  double frame_time(double i) const;
  double frame_at(double seconds) const;  // inverse of frame_time
  const std::vector<float>& flux() const { return flux_; }      // full range
  const std::vector<float>& low_flux() const { return low_; }   // kick/bass range
  const std::vector<float>& high_flux() const { return high_; } // hats and cymbals (>= 5 kHz)
  const std::vector<float>& level() const { return level_; }    // frame log energy (for gating)
  int band_count() const { return static_cast<int>(band_lo_.size()); }

 private:
  void analyse_frame(const float* x);
  int rate_;
  OnsetOptions options_;
  std::unique_ptr<RealFft> fft_;
  std::vector<float> window_;
  std::vector<int> band_lo_, band_hi_;  // FFT bin ranges [lo, hi) per band
  int low_bands_ = 0;
  int high_from_ = 0;  // first band at or above high_band_hz
  std::vector<float> pending_;
  std::vector<std::vector<float>> history_;  // last `lag` + 1 band spectra, ring
  size_t frame_index_ = 0;
  std::vector<float> flux_, low_, high_, level_;
};

// Kick and bass onsets define the beat in most dance music, while the full-range flux is dominated
// by hats: the onset strength for tempo and beats is the sum of both, each scaled to unit RMS.
std::vector<float> combine_onsets(const std::vector<float>& full, const std::vector<float>& low);

// The largest value of an onset series within `radius` frames of (the nearest frame to) `frame`;
// 0 outside the series.
double max_near(const std::vector<float>& series, double frame, int radius = 2);

}  // namespace codex::analysis
