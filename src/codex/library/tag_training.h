// `codex train key` and `codex train tempo`: the key and tempo decisions adapted to the DJ's own
// tags. The keys and BPMs that the files' tags and the imported DJ programs hold (often Mixed In
// Key's or the DJ's own corrections) are weak labels: a track whose sources disagree is left out,
// one whose sources agree counts more. A choice model over each stored result's evidence
// (analysis/tag_adapt.h) is fitted to them, measured first on held-out tagged tracks (folds by
// artist, so one artist's tracks are never on both sides), and installed only when it agrees with
// the held-out tags more often than the analyzer does. Installing rewrites the stored results of
// that analyzer in one transaction (the analyzer's own answer kept beside each), and `codex
// analyze` applies it to every track it analyses afterwards. Tags are never written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/analysis/tag_adapt.h"
#include "codex/core/status.h"
#include "codex/corpus/corpus.h"

namespace codex::library {

struct TagTrainOptions {
  bool reset = false;       // remove the adaptation: every stored result back to the analyzer's own
  int folds = 5;
  double ridge = 2.0;       // pull toward the analyzer's own weighting (more tags move it further)
  size_t min_tracks = 20;   // tagged, analysed tracks needed
};

// The report (printed by the command): counts, held-out agreement before and after, whether it
// was installed and how many stored results changed. An error when there are too few tagged tracks.
Result<nlohmann::json> train_key_from_tags(corpus::Corpus& corpus, const TagTrainOptions& options);
Result<nlohmann::json> train_tempo_from_tags(corpus::Corpus& corpus, const TagTrainOptions& options);

// The adaptations installed in a corpus, for the analyze job to apply to what it stores.
struct InstalledAdaptations {
  std::optional<analysis::KeyAdaptation> key;
  std::optional<analysis::TempoAdaptation> tempo;
  bool empty() const { return !key && !tempo; }
};
Result<InstalledAdaptations> load_adaptations(corpus::Corpus& corpus);
// Applies them to a track's fresh result of `analyzer` at `version` before it is stored. An
// adaptation fitted on another version of the analyzer is not applied: what its evidence means may
// have changed (`codex train` again fits it to the new one).
void adapt_result(const InstalledAdaptations& a, const std::string& analyzer, int version, const std::string& genre,
                  nlohmann::json& values);

}  // namespace codex::library
