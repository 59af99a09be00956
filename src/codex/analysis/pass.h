// One decode pass over a file feeding every analyzer. Progress and cancellation are checked
// between blocks. The pass knows files and decoding; it knows nothing of the corpus.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "codex/analysis/analyzer.h"
#include "codex/audio/decoder.h"
#include "codex/core/status.h"

namespace codex::analysis {

struct AnalyzerResult {
  AnalyzerStamp stamp;
  AnalyzerOutput output;
};

struct TrackAnalysis {
  audio::AudioInfo info;
  audio::DecodeStats stats;
  std::vector<AnalyzerResult> results;
  std::vector<std::string> flags;  // union of analyzer flags, plus "truncated"
};

struct PassOptions {
  audio::DecodeOptions decode;
  // Called between blocks with the seconds decoded so far; return false to cancel.
  std::function<bool(double seconds_done)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

Result<TrackAnalysis> analyze_file(const std::string& path, std::vector<std::unique_ptr<Analyzer>>& analyzers,
                                   const PassOptions& options = {});

}  // namespace codex::analysis
