// Repairing a damaged corpus: salvage what can be read into a new file, keep the damaged file
// beside it, put the new one in its place, then analyse again every track whose results were lost
// (and every file whose track row was lost) from the audio files the corpus knows.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/check.h"
#include "codex/library/analyze_job.h"

namespace codex::library {

struct RepairSummary {
  corpus::SalvageReport salvage;
  std::string damaged_copy;              // where the damaged file (and its journal) was kept
  std::vector<std::string> to_analyse;   // files analysed again
  std::vector<std::string> missing;      // files that needed it but are gone
  AnalyzeSummary analyze;
};

// SQLite's integrity and foreign-key checks of the corpus at `path` (`codex check`).
inline Result<corpus::CheckReport> check_corpus(const std::string& path) { return corpus::check(path); }

// `path` must be a corpus that check_corpus found damaged. Nothing of it is deleted.
Result<RepairSummary> repair_corpus(const std::string& path, const AnalyzeOptions& options,
                                    const AnalyzeCallbacks& callbacks = {},
                                    const std::atomic<bool>* cancel = nullptr);

}  // namespace codex::library
