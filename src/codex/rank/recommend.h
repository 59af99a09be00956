// Next-track recommendation over CODEX-schema features (docs/ARCHITECTURE.md section 2): the hard
// constraints first (constraints.h) — a mixable tempo (±6%, counting half and double time) and a
// harmonically compatible key, as the intent adjusts them — relaxed step by step when too few
// tracks pass (relax.h); then, in the embedding modes, retrieval of the ~50 candidates nearest the
// current track steered by the intent, through a vector index (index/); then a score in [0, 1]
// from weighted factors (factors.h), each suggestion with its reasons (reasons.h).
#pragma once

#include <optional>
#include <string>
#include <string>
#include <unordered_map>
#include <vector>

#include "codex/embed/feature_embedding.h"
#include "codex/index/vector_index.h"
#include "codex/prompt/intent.h"
#include "codex/rank/factors.h"
#include "codex/rank/features.h"
#include "codex/rank/weights.h"
#include "codex/schema/record.h"

namespace codex::rank {

struct Recommendation {
  size_t index = 0;  // into the library
  double score = 0.0;
  std::vector<std::string> reasons;
};

// The DJ's own history around the current track, from every history CODEX knows (imported sets,
// `recommend --session`, the booth's accepts).
struct History {
  std::unordered_map<size_t, int> played_after;   // position -> sets in which it followed the current track
  std::unordered_map<size_t, double> days_since;  // position -> days since it was last played (absent: never)
  std::string source_name;                        // where the history came from, for reasons ("your sets")
};

// What the history adds to a candidate's score (outside the factor mix, which stays in [0, 1]):
// a track the DJ has played after this one gains up to 0.10 by default (saturating at three sets),
// 0.5 when the prompt asks for "what I usually play" (and those tracks are then listed first); with "something I haven't played in a while"
// a track never played gains 0.25, one played yesterday nothing, by how long ago (half a year = all).
double history_bonus(const History& history, size_t position, prompt::HistoryRule rule);

struct RecommendOptions {
  size_t top = 10;
  std::vector<std::string> exclude;  // track ids already played
  Mode mode = Mode::kFeatures;
  // The embedding modes need an index over the library's embeddings (ids = library positions) and
  // the current track's vector: from `embeddings` when given, else embedded from `records`. Without
  // an index, one is built from `embeddings` for this call.
  const index::VectorIndex* index = nullptr;
  const std::vector<embed::Vector>* embeddings = nullptr;
  const std::vector<schema::TrackRecord>* records = nullptr;  // the current track's record steers the intent
  const PackedAttributes* packed = nullptr;                    // optional, from pack_attributes(library)
  const std::vector<Factor>* weights = nullptr;                // default_weights() when null
  const embed::AcousticDirections* directions = nullptr;       // the library's acoustic directions
  // Instead of `embeddings`/`records` (a mapped snapshot has neither): the current track's vector
  // and the record fields that steer the intent (energy, vibe).
  const embed::Vector* current_vector = nullptr;
  const schema::TrackRecord* current_record = nullptr;
  const History* history = nullptr;       // the DJ's history (none: scored as before)
  const std::vector<bool>* only = nullptr;  // positions that may be suggested (a crate); null: all
};

struct RecommendResult {
  std::vector<Recommendation> results;
  std::vector<std::string> relaxed;  // constraints that were relaxed, in order
};

RecommendResult recommend(const TrackTable& library, size_t current, const prompt::Intent& intent,
                          const RecommendOptions& options = {});
RecommendResult recommend(const std::vector<TrackFeatures>& library, size_t current, const prompt::Intent& intent,
                          const RecommendOptions& options = {});

}  // namespace codex::rank
