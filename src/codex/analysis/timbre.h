// Timbre: what the track is made of, measured for the local fill of the CODEX schema (vocals,
// instrumentation, production). From a 2048-point STFT (hop 512, 43 frames/s at 22.05 kHz):
//  - power share per band (sub, bass, low-mid, mid, high-mid, high), spectral flatness, the 95%
//    roll-off and how much it moves (filter sweeps), the bandwidth (highest frequency within 60 dB
//    of the long-term spectrum's peak), crest factor;
//  - onset rates in the kick, snare and hat bands (peaks of band-wise spectral flux);
//  - partials: spectral peaks 200 Hz-4 kHz, interpolated to a few cents and matched frame to frame.
//    Instruments hold their partials steady; a voice moves them all the time (vibrato, glides,
//    speech intonation). The energy share of moving partials, smoothed over half a second, marks
//    vocal frames. In those, the fundamental comes from the spacing of the moving partials
//    (male and female registers), and whether it holds notes (singing) or slides from syllable to
//    syllable (rap, speech) gives the vocal style.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/shared_stft.h"

namespace codex::analysis {

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
  const char* style = "none";             // singing | rap | both | none
  double confidence = 0.0;
};
VocalCall call_vocals(const VocalEvidence& e);

class TimbreAnalyzer final : public BasicAnalyzer {
 public:
  // With `shared`, STFT frames of the same size and hop come from it (computed once for every
  // analyzer that shares it); otherwise the analyzer runs its own.
  explicit TimbreAnalyzer(std::shared_ptr<SharedStft> shared = nullptr);
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

  struct Peak {
    float hz, power;
  };

 private:
  void analyse_frame(const SharedStft::Frame& frame);

  int rate_ = 22050, frame_ = 2048, hop_ = 512;
  double bin_hz_ = 0.0;
  StftLink stft_;
  std::vector<float> db_, power_bins_, prev_logmag_, prefix_;
  std::vector<double> spectrum_sum_;  // long-term power spectrum
  std::vector<Peak> peaks_, prev_peaks_;
  double peak_abs_ = 0.0;
  // per-frame series
  std::vector<std::array<float, 6>> band_;
  std::vector<float> power_, flux_low_, flux_snare_, flux_high_, flatness_, rolloff_, moving_share_, f0_, stable_share_, common_cents_;
};

}  // namespace codex::analysis
