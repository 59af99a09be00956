// Loudness per ITU-R BS.1770-4 / EBU R128 with libebur128, on the native rate and channels:
// integrated loudness (LUFS), loudness range (LU), true peak (dBTP) and sample peak (dBFS).
// A mono file is measured as dual mono (as it plays on two speakers). Integrated loudness and
// loudness range come from libebur128; true and sample peak from TruePeakMeter, which gives the
// same figure at a fraction of the cost of libebur128's full 4x oversampling.
#pragma once

#include <memory>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/true_peak.h"

namespace codex::analysis {

class LoudnessAnalyzer final : public BasicAnalyzer {
 public:
  LoudnessAnalyzer();
  ~LoudnessAnalyzer() override;
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  void* state_ = nullptr;  // ebur128_state (opaque here)
  std::unique_ptr<TruePeakMeter> peak_;
  double seconds_ = 0.0;
  int rate_ = 0;
};

}  // namespace codex::analysis
