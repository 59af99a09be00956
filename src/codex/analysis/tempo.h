// The tempo analyzer: onset strength -> global tempo with alternatives -> beats, downbeats and a
// beat grid (or tempo segments). Silence and beatless material get bpm null with a reason.
#pragma once

#include <memory>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/onset.h"

namespace codex::analysis {

class TempoAnalyzer final : public BasicAnalyzer {
 public:
  TempoAnalyzer();
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  std::unique_ptr<OnsetDetector> onsets_;
  double seconds_ = 0.0;
  int rate_ = 22050;
};

}  // namespace codex::analysis
