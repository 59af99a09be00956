// The default analyzer set. Tempo and key analyzers join here (issues 3 and 4).
#include "codex/analysis/analyzer.h"
#include "codex/analysis/duration.h"
#include "codex/analysis/energy.h"
#include "codex/analysis/loudness.h"

namespace codex::analysis {

std::vector<std::unique_ptr<Analyzer>> default_analyzers() {
  std::vector<std::unique_ptr<Analyzer>> v;
  v.push_back(std::make_unique<DurationAnalyzer>());
  v.push_back(std::make_unique<LoudnessAnalyzer>());
  v.push_back(std::make_unique<EnergyAnalyzer>());
  return v;
}

}  // namespace codex::analysis
