// The acoustic embedding as the library uses it: where a corpus's trained model lives, training it
// on the corpus (`codex train embed`), and giving every record its acoustic block.
//
// A record's acoustic block (record.extra["acoustic"] = {"model": id, "vector": base64 float16}) is
// in the library's active space: the learned model beside the corpus when there is one, else the
// summary fallback (the acoustic summaries standardised with this library's statistics). It is
// computed from the record's "acoustic_summary" (written by the record builder from the acoustic
// analyzer, and carried by exports); a record without one (an import from elsewhere) keeps an
// exported block only when it is in the same space. Blocks of another space are dropped: they
// cannot be compared. A value under "acoustic" that is not of the block's shape is somebody
// else's field: kept as given, never read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/embed/acoustic_model.h"
#include "codex/embed/feature_embedding.h"
#include "codex/embed/train.h"
#include "codex/schema/record.h"

namespace codex::library {

// models/<corpus file name>.embed.cxm beside the corpus ("" for an in-memory corpus).
std::string model_path_for(const std::string& db_path);
std::string models_dir_for(const std::string& db_path);
// The corpus's trained model: nullopt when none is installed; an error when the file is damaged.
Result<std::optional<embed::AcousticModel>> load_model_for(const std::string& db_path);

struct TrainEmbedReport {
  std::string path;
  embed::AcousticModel model;
  size_t partnered_tracks = 0;  // tracks with partners: album-mates, neighbours in any history, crate-mates
};
// Trains on every analysed track's windows and installs the model (atomically) beside the corpus.
Result<TrainEmbedReport> train_embed(corpus::Corpus& corpus, const embed::TrainOptions& options);

// The summary fallback of these records (their summaries' statistics); nullopt with fewer than 2.
std::optional<embed::AcousticModel> summary_space(const std::vector<schema::TrackRecord>& records);


// Gives each record its acoustic block in the active space (see above). `learned` may be null.
void attach_acoustic(std::vector<schema::TrackRecord>& records, const embed::AcousticModel* learned);

// Directions in the acoustic block that go with more energy and with each vibe in this library
// (what the prompt's "more energy" or "darker" moves the query along).
embed::AcousticDirections acoustic_directions(const std::vector<schema::TrackRecord>& records);

}  // namespace codex::library
