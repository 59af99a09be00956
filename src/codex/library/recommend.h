// Recommendation over a library view — records loaded in memory (the demo) or the snapshot (the
// library service, live.h): find the current track, parse the prompt, apply the crate and the DJ's
// history, leave out the tracks asked, rank. A set's rules (what it played and skipped) are the
// library service's: a request with a session is refused here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/embed/feature_embedding.h"
#include "codex/index/vector_index.h"
#include "codex/library/embedding.h"
#include "codex/library/records.h"
#include "codex/library/snapshot.h"
#include "codex/prompt/intent.h"
#include "codex/rank/recommend.h"
#include "codex/schema/record.h"

namespace codex::library {

struct LoadedLibrary {
  std::vector<schema::TrackRecord> records;
  std::vector<rank::TrackFeatures> features;      // one per record
  rank::PackedAttributes packed;                  // of the features
  std::shared_ptr<const index::VectorIndex> index;  // the records' embeddings, ids = positions
  prompt::Vocabulary vocabulary;                  // the library's genres and moods
  embed::AcousticDirections directions;           // "more energy", "darker" ... in the acoustic block
};

Result<LoadedLibrary> load_library(corpus::Corpus& corpus, RecordDetail detail = RecordDetail::kRank);
LoadedLibrary load_library(std::vector<schema::TrackRecord> records);

struct RecommendRequest {
  std::string current;  // track id, id prefix, path, or "artist - title"
  std::string prompt;
  size_t top = 10;
  rank::Mode mode = rank::Mode::kFull;
  std::vector<std::string> exclude;  // track ids
  std::string session;  // a set: LiveLibrary::recommend applies its rule (see live.h); refused below
  const std::vector<rank::Factor>* weights = nullptr;
  std::string crate;     // only tracks of this imported crate or playlist (or CODEX set)
  bool history = true;   // the DJ's history (what followed the current track, when tracks were last played) counts
};

struct RecommendResponse {
  size_t current = 0;  // index into the library
  prompt::Intent intent;
  rank::RecommendResult ranked;
  rank::TrackFeatures current_track;
  std::vector<rank::TrackFeatures> tracks;  // of each result, in order
};

// Needs a non-empty library; `corpus` for a crate and the DJ's history (without it, the
// history is not used).
Result<RecommendResponse> recommend(const LoadedLibrary& library, const RecommendRequest& request,
                                    corpus::Corpus* corpus = nullptr);
// The same over a mapped snapshot. An error when a vector it read was damaged (the snapshot must
// then be rebuilt: LiveLibrary::recommend does).
Result<RecommendResponse> recommend(const Snapshot& library, const RecommendRequest& request,
                                    corpus::Corpus* corpus = nullptr);

}  // namespace codex::library
