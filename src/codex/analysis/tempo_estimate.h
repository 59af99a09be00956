// Global tempo from an onset-strength series: windowed autocorrelation (10 s windows, each
// normalised, then summed) read through a harmonic comb (a tempo is supported by peaks at 1, 2, 3
// and 4 beat periods), then the metrical level chosen with a broad prior around dance tempi and a
// check for the fast pulse that makes 170-180 BPM felt as such. Pure functions: no files, no state.
#pragma once

#include <vector>

namespace codex::analysis {

struct TempoCandidate {
  double bpm = 0.0;
  double score = 0.0;  // relative to the chosen tempo (1.0 = as strong)
  const char* relation = "";  // "half", "double", "two-thirds", "three-halves"
};

struct TempoEstimate {
  double bpm = 0.0;            // 0 when there is no steady pulse
  double periodicity = 0.0;    // prominence of the autocorrelation peak at the beat period, 0..1
  bool half_time_feel = false; // the drums' backbeat runs at half the reported tempo
  double confidence = 0.0;     // 0..1
  double salience_half = 0.0;  // comb salience of bpm/2 and 2*bpm relative to bpm (no prior)
  double salience_double = 0.0;
  std::vector<TempoCandidate> alternatives;
  // The evidence the metrical-level decision read (autocorrelation at fractions of the slow beat).
  double fast_pulse = 0.0, faster_pulse = 0.0, hat_pulse = 0.0;
  double slow_bpm = 0.0;  // the comb's pick, before the three-against-two and metrical-level decisions
  double pattern_s = 0.0;   // strongest long period (bar or phrase) of the onset autocorrelation
  bool three_two = false;   // the comb's pick was a dotted-beat pulse, replaced by the beat
  // Share of the mid-range (snare, clap) onset strength at the half-beats of the slow reading's
  // tracked beats, against at the beats: about a half or more when the mid range pulses at the
  // double (drum & bass read at half), low when the snare sits on the slow grid's beats (rock,
  // hip-hop).
  // (Measured for slow readings below 92 BPM only; 0 otherwise.)
  double offbeat_snare = 0.0;
};

struct TempoOptions {
  double min_bpm = 55.0;
  double max_bpm = 215.0;
  double prior_center_bpm = 120.0;
  double prior_octaves = 1.0;        // width (1 sigma) of the log-tempo prior
  double min_periodicity = 0.08;     // below this there is no steady pulse
  double double_sixteenths = 0.05;   // autocorrelation at the double's sixteenths that doubles a slow reading
};

// Preprocesses an onset series for periodicity analysis: subtracts a ~1 s moving mean and keeps
// the positive part.
std::vector<float> detrend_onsets(const std::vector<float>& odf, double fps);

// Summed normalised autocorrelation over windows, lags 0..max_lag.
std::vector<double> windowed_autocorrelation(const std::vector<float>& x, int window, int max_lag);

// Comb salience of a tempo from an autocorrelation.
double comb_salience(const std::vector<double>& acf, double fps, double bpm);

// `high_odf` (optional): onset strength of the hats-and-cymbals range, which tells a drum & bass
// hat pulse from a rap's syllables when deciding between a tempo and its double. `mid_odf`
// (optional): onset strength of the range between the kick and the hats (snares, claps), whose
// place on the slow grid (beats or half-beats) is evidence for the double.
TempoEstimate estimate_tempo(const std::vector<float>& odf, double fps, const TempoOptions& options = {},
                             const std::vector<float>* high_odf = nullptr, const std::vector<float>* mid_odf = nullptr);

}  // namespace codex::analysis
