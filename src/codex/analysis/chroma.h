// Pitch-class content for key detection. Streaming: each 8192-sample frame (hop 4096 at 22.05 kHz)
// is reduced to a log-frequency spectrum at a third of a semitone (MIDI 33-96), and spectral peaks
// vote for the tuning (the reference pitch is often not 440 Hz). At the end, the stored spectra
// are read at the estimated tuning, cleared of harmonic leakage, log-compressed, whitened across frequency (which removes the
// broadband energy of drums and noise), median-filtered over time (which removes transients:
// a harmonic/percussive split by medians), and folded into 12 pitch classes per frame (local
// maxima along pitch only: notes, not the slopes between them).
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "codex/analysis/fft.h"

namespace codex::analysis {

using Chroma = std::array<double, 12>;  // index 0 = C

class ChromaExtractor {
 public:
  // `harmonic_suppression` scales how much of each pitch's expected 2nd-5th partials is taken
  // away from the pitches above it (0 = none).
  explicit ChromaExtractor(int rate_hz, int frame = 8192, int hop = 4096, double harmonic_suppression = 2.0);
  void process(const float* mono, int64_t n);

  // Call once after the last block.
  void finish();
  double tuning_semitones() const { return tuning_; }  // in [-0.5, 0.5)
  double frame_seconds() const { return static_cast<double>(hop_) / rate_; }
  const std::vector<Chroma>& frames() const { return chroma_; }  // per frame, after finish()
  const std::vector<double>& tonal_energy() const { return tonal_; }  // per frame, after finish()
  // Pitch classes of the bass register only (up to E3), summed over the track, after finish():
  // the tonic sits in the bass more than anywhere else.
  const Chroma& bass() const { return bass_; }
  // Per frame, the tonal energy of each semitone from MIDI `kLowMidi` up (`kSemitones` per frame),
  // after whitening and the median: what the chroma folds. After finish().
  static constexpr int kLowMidi = 33;  // A1, 55 Hz
  static constexpr int kSemitones = 64;
  const std::vector<float>& pitch() const { return pitch_; }
  // The same grid before any of that: linear energy per semitone read at the tuning.
  const std::vector<float>& raw_pitch() const { return raw_pitch_; }

 private:
  void analyse_frame(const float* x);
  int rate_, frame_, hop_;
  double harmonic_suppression_;
  std::unique_ptr<RealFft> fft_;
  std::vector<float> window_;
  std::vector<float> pending_;
  std::vector<int> bin_lo_sub_;      // per FFT bin: lower sub-bin index (or -1)
  std::vector<float> bin_frac_;      // per FFT bin: share going to the upper sub-bin
  int first_bin_ = 0, last_bin_ = 0;
  std::vector<float> spectra_;       // frames x kSubBins
  double tune_cos_ = 0.0, tune_sin_ = 0.0;
  double tuning_ = 0.0;
  std::vector<Chroma> chroma_;
  std::vector<float> pitch_, raw_pitch_;
  std::vector<double> tonal_;
  Chroma bass_{};
};

}  // namespace codex::analysis
