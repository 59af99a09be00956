// The acoustic summary: a fixed-length description of how a stretch of a track sounds, made from
// per-frame features, for the acoustic embedding (embed/acoustic_model.h). One summary per 10-s
// window and their mean for the whole track. Layout (kDims values, offsets below):
//   timbre     MFCC 0-19 mean and standard deviation over the window; the standard deviation of
//              their frame-to-frame change (deltas, 0-12); spectral contrast in 7 octave bands;
//              flatness, centroid and 85% roll-off (mean and deviation)
//   harmony    key clarity (best correlation with a major/minor profile), major-minor lean, chroma
//              entropy, how fast the chroma changes, and the strength of the chroma's fifths, minor
//              thirds and major thirds cycles (transposition-invariant)
//   rhythm     the onset autocorrelation in beats (1/4, 1/3, 1/2, 3/4, 1, 3/2 and 2 beats at the
//              window's own beat period, so 124 and 128 BPM tracks with the same pattern agree),
//              onset density and burstiness, log2 of the beat rate against 120 BPM, the bass
//              band's periodicity at one beat and the high band's at half a beat
//   dynamics   level (dB) mean, deviation, range (95th - 10th percentile), crest factor, and the
//              slope of the level across the window (build-ups)
// The per-frame series and the summariser are plain data and a plain function, tested on their own.
#pragma once

#include <cstddef>
#include <vector>

namespace codex::analysis::acoustic {

inline constexpr int kMfcc = 20, kDeltas = 13, kContrastBands = 7;
// Offsets of the summary's groups.
inline constexpr int kMfccMean = 0, kMfccStd = 20, kDeltaStd = 40, kContrast = 53, kSpectral = 60,
                     kHarmony = 66, kRhythm = 73, kDynamics = 85, kDims = 90;
inline constexpr double kWindowSeconds = 10.0;

// Per STFT frame (frame_rate frames per second).
struct FrameSeries {
  double frame_rate = 0.0;
  std::vector<float> mfcc;       // kMfcc per frame
  std::vector<float> contrast;   // kContrastBands per frame, dB
  std::vector<float> flatness;   // dB (<= 0)
  std::vector<float> centroid;   // log2 Hz
  std::vector<float> rolloff;    // log2 Hz
  std::vector<float> chroma;     // 12 per frame, summing to 1 (all zero in a silent frame)
  std::vector<float> bass_flux;  // positive change of the low mel bands (dB)
  std::vector<float> high_flux;  // ... of the high mel bands
  std::vector<float> level_db;   // frame mean square, dB
  size_t frames() const { return level_db.size(); }
};

// A finer onset envelope (envelope_rate per second) and the sample peak per envelope step.
struct Envelope {
  double rate = 0.0;
  std::vector<float> onset;
  std::vector<float> peak;
};

// The summary of frames [f0, f1) and envelope steps [e0, e1) (the same stretch of time).
std::vector<float> summarise(const FrameSeries& s, size_t f0, size_t f1, const Envelope& e, size_t e0, size_t e1);

// The windows of a track of `frames` frames: [start, end) frame ranges of kWindowSeconds, the last
// kept when at least half a window long; a track shorter than a window is one window.
std::vector<std::pair<size_t, size_t>> windows_of(size_t frames, double frame_rate);

}  // namespace codex::analysis::acoustic
