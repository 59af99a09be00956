// The one place that turns what the corpus holds — analyses, tags, LLM replies, imported records —
// into CODEX records (schema::TrackRecord). An analysed track's record is CODEX's own measurements
// (tempo, key, loudness) plus the local fill's inferences, all with provenance "local"; an LLM
// reply replaces the local guesses (measured tempo and key win over the LLM's, and a disagreement
// is kept); similar artists come from the whole library. Built records are cached in the corpus as
// blobs, stamped with the local fill's version and everything they were built from.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/analysis/results.h"
#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/embed/acoustic_model.h"
#include "codex/schema/record.h"
#include "codex/semantic/local_fill.h"

namespace codex::library {

// What the local fill reads, from the analyzers' typed results and the track row.
semantic::Measurements measurements_of(const analysis::Results& results, const corpus::TrackRow& track);

// The record (JSON) of a track from its analyses (analyzer id -> result) and track row, as the
// corpus would build it (without an LLM reply); with a learned model, its acoustic block too.
nlohmann::json record_from_analyses(const std::string& track_id, const corpus::TrackRow& row,
                                    const nlohmann::json& analyses, const embed::AcousticModel* model);

// The record CODEX builds for one analysed track (no similar artists: they need the library).
Result<schema::TrackRecord> build_record(corpus::Corpus& corpus, const std::string& track_id);

enum class RecordDetail {
  kFull,  // everything
  kRank,  // without the provenance and field confidence of analysed tracks (what recommend does not
          // read), which makes a large library quicker to load
};

// Every record: the imported ones and one per analysed track without an imported record, ordered
// by track_id, similar artists filled in from the library.
Result<std::vector<schema::TrackRecord>> all_records(corpus::Corpus& corpus, RecordDetail detail = RecordDetail::kFull);


// The space a corpus's records are in: its learned model, else the summary fallback of the records
// recommend and export read (an error when it has neither: nothing to standardise with).
Result<embed::AcousticModel> embedding_space_for(corpus::Corpus& corpus);

}  // namespace codex::library
