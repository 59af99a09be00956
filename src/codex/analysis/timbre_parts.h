// The three concerns of the timbre analyzer (timbre.h), each fed the same STFT frames and summed up
// over the track's sounding frames: the spectral shape, the drums' onset rates, and the vocal
// tracker. Internal to the analyzer; split so each can be read and tested on its own.
#pragma once

#include <array>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex::analysis {

// One STFT frame as the parts see it; `db` is 10 log10 of `power` (bin 0 left at -120 dB).
struct TimbreFrame {
  const float* power;    // per bin
  const float* log_mag;  // natural log magnitude per bin
  const float* db;       // per bin
  int bins;
  double bin_hz;
  double total_power;  // sum of power over bins 1..bins-1
};

// What is summed over: which frames sound, at what frame rate.
struct TimbreSpan {
  const std::vector<bool>& active;  // frames above the silence gate
  size_t n_active;
  double frame_rate;
  const std::vector<bool>& banded;  // active frames with power in the bands (SpectralShape::banded)
};

// Power share per band (sub, bass, low-mid, mid, high-mid, high), spectral flatness, the 95%
// roll-off and how much it moves (filter sweeps), the bandwidth of the long-term spectrum.
class SpectralShape {
 public:
  void start(int bins);
  void frame(const TimbreFrame& f);
  // Which of the `active` frames have power in the bands (the frames the shares are taken over).
  std::vector<bool> banded(const std::vector<bool>& active) const;
  // Adds band_share, flatness, rolloff_hz, bandwidth_hz and rolloff_spread_oct to `out`.
  void finish(const TimbreSpan& span, double bin_hz, nlohmann::json* out) const;

 private:
  std::vector<double> spectrum_sum_;  // long-term power spectrum
  std::vector<std::array<float, 6>> band_;
  std::vector<float> flatness_, rolloff_;
};

// Onsets per second in the kick (40-150 Hz), snare/clap (1-4 kHz) and hat (6 kHz up) bands: peaks
// of band-wise positive spectral flux.
class DrumOnsets {
 public:
  void start(int bins);
  void frame(const TimbreFrame& f);
  nlohmann::json finish(const TimbreSpan& span) const;  // {"kick", "snare", "hat"}

 private:
  std::vector<float> prev_logmag_;
  std::vector<float> flux_low_, flux_snare_, flux_high_;
};

// What the frames of a track add up to; a plain function of the per-frame series so the decision
// rules are testable on their own.
struct VocalEvidence {
  double ratio = 0.0;         // share of active frames that are vocal
  double f0_median_hz = 0.0;  // over vocal frames with a pitch
  double low_share = 0.0;     // share of pitched vocal frames below 170 Hz
  double high_share = 0.0;    // ... above 185 Hz
  double steadiness = 0.0;    // share of pitched vocal frames within 60 cents of the local median pitch
  double segment_s = 0.0;     // median length of a continuous vocal phrase
  double vibrato = 0.0;       // share of successive vocal frames whose pitch move changes direction
};

struct VocalCall {
  // instrumental | male | female | voice (register unknown) | unknown (too little evidence either way)
  const char* presence = "instrumental";
  const char* style = "none";  // singing | rap | both | none
  double confidence = 0.0;
};
VocalCall call_vocals(const VocalEvidence& e);

// Partials (spectral peaks 200 Hz-4 kHz, interpolated to a few cents) matched frame to frame.
// Instruments hold their partials steady; a voice moves them all together (vibrato, glides,
// intonation). The share of moving partials, smoothed over half a second, marks vocal frames; in
// those, the fundamental comes from the spacing of the moving partials (register), and whether it
// holds notes or slides from syllable to syllable gives the style.
class VocalTracker {
 public:
  struct Peak {
    float hz, power;
  };
  void start(int bins, float prominence_db, float moving_cents);
  void frame(const TimbreFrame& f);
  // Adds stable_partial_share and vocals to `out`.
  void finish(const TimbreSpan& span, double vocal_gate, nlohmann::json* out) const;

 private:
  float prominence_db_ = 9.0f, moving_cents_ = 7.0f;
  std::vector<float> prefix_;
  std::vector<Peak> peaks_, prev_peaks_;
  std::vector<float> moving_share_, f0_, stable_share_, common_cents_;
};

}  // namespace codex::analysis
