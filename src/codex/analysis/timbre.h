// Timbre: what the track is made of, measured for the local fill of the CODEX schema (vocals,
// instrumentation, production). From a 2048-point STFT (hop 1024 by default at 22.05 kHz), three
// concerns fed the same frames (timbre_parts.h):
//  - the spectral shape: power share per band, flatness, roll-off and its movement, bandwidth,
//    and the crest factor;
//  - the drums: onset rates in the kick, snare and hat bands;
//  - the vocal tracker: partials matched frame to frame; a voice moves them together, which marks
//    vocal frames, their register and their style.
// One analyzer (one id, version and result object) so that stored results keep their shape.
#pragma once

#include <memory>
#include <vector>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/shared_stft.h"
#include "codex/analysis/timbre_parts.h"

namespace codex::analysis {

class TimbreAnalyzer final : public BasicAnalyzer {
 public:
  // With `shared`, STFT frames of the same size and hop come from it (computed once for every
  // analyzer that shares it); otherwise the analyzer runs its own.
  explicit TimbreAnalyzer(std::shared_ptr<SharedStft> shared = nullptr);
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  int rate_ = 22050, frame_ = 2048, hop_ = 512;
  double bin_hz_ = 0.0;
  StftLink stft_;
  std::vector<float> db_;      // the current frame in dB
  std::vector<float> power_;   // mean square per frame (the silence gate)
  double peak_abs_ = 0.0;      // sample peak (crest factor)
  SpectralShape shape_;
  DrumOnsets drums_;
  VocalTracker vocals_;
};

}  // namespace codex::analysis
