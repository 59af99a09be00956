// Duration and signal level from decoded samples (never from headers), with flags for material
// too short or too quiet to analyse meaningfully.
#pragma once

#include "codex/analysis/analyzer.h"

namespace codex::analysis {

class DurationAnalyzer final : public BasicAnalyzer {
 public:
  DurationAnalyzer();
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  StreamFormat format_;
  int64_t native_frames_ = 0;
  double peak_ = 0.0;
  double sum_sq_ = 0.0;
  int64_t samples_ = 0;
};

}  // namespace codex::analysis
