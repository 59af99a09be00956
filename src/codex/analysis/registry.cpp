// The default analyzer set, in the order they are run and stored.
#include "codex/analysis/acoustic.h"
#include "codex/analysis/analyzer.h"
#include "codex/analysis/duration.h"
#include "codex/analysis/energy.h"
#include "codex/analysis/key.h"
#include "codex/analysis/loudness.h"
#include "codex/analysis/tempo.h"
#include "codex/analysis/timbre.h"

namespace codex::analysis {

std::vector<std::unique_ptr<Analyzer>> default_analyzers() {
  std::vector<std::unique_ptr<Analyzer>> v;
  v.push_back(std::make_unique<DurationAnalyzer>());
  v.push_back(std::make_unique<LoudnessAnalyzer>());
  // Energy, timbre and acoustic read the same 2048-point, hop-1024 frames: one STFT serves both.
  auto stft = std::make_shared<SharedStft>(2048, 1024);
  v.push_back(std::make_unique<EnergyAnalyzer>(stft));
  v.push_back(std::make_unique<TempoAnalyzer>());
  v.push_back(std::make_unique<KeyAnalyzer>());
  v.push_back(std::make_unique<TimbreAnalyzer>(stft));
  v.push_back(std::make_unique<AcousticAnalyzer>(stft));
  return v;
}

}  // namespace codex::analysis
