// Next-track recommendation over CODEX-schema features (the "features" mode: transparent rules,
// no learned model). Hard constraints first — a mixable tempo (±6%, counting half and double
// time) and a harmonically compatible key, as the intent adjusts them, relaxed step by step when
// too few tracks pass — then a score in [0, 1] from weighted factors (energy trajectory, key,
// tempo, vibe, genre, groove, narrative flow, mixability, vocals, moods), each with a short reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/embed/feature_embedding.h"
#include "codex/music/key.h"
#include "codex/prompt/intent.h"
#include "codex/schema/record.h"

namespace codex::rank {

struct TrackFeatures {
  std::string track_id, title, artist, file_path, genre;
  std::optional<double> bpm;
  std::optional<music::Key> key;
  std::optional<double> energy;  // 1-10
  std::optional<std::string> vibe, vocal_presence, intensity, groove;
  std::optional<double> mix_in, mix_out;
  std::vector<std::string> moods;
};

// Reads the schema fields a recommendation uses; missing or malformed fields stay empty.
TrackFeatures features_from_record(const schema::TrackRecord& record);

// Finds the current track by id, unique id prefix, file path, or a loose "artist - title" / title.
Result<size_t> find_track(const std::vector<TrackFeatures>& library, const std::string& query);

struct Factor {
  const char* name;
  double weight;
};
// The weights of the rule-based prior, in factor order: energy, key, tempo, vibe, genre, mix,
// vocals, mood, groove, narrative.
const std::vector<Factor>& default_weights();
// Weights from a JSON file {"format": "codex-rank-weights", "version": 1, "weights": {"energy": 0.3,
// ...}} — what a trained model writes. Unnamed factors keep their default; unknown names, negative
// or non-numeric weights, and a wrong format or version are errors.
Result<std::vector<Factor>> load_weights(const std::string& path);

struct Recommendation {
  size_t index = 0;  // into the library
  double score = 0.0;
  std::vector<std::string> reasons;
};

// The attributes the hard constraints read, packed (9 bytes a track) so that filtering a large
// library is a short linear scan rather than a walk through every TrackFeatures.
struct PackedAttributes {
  std::vector<float> bpm;    // NaN when unknown
  std::vector<int8_t> key;   // tonic * 2 + minor, -1 when unknown
  std::vector<uint32_t> id_hash;  // id_hash32(track_id): exclusions are checked without the strings
};
uint32_t id_hash32(const std::string& track_id);
PackedAttributes pack_attributes(const std::vector<TrackFeatures>& library);

enum class Mode {
  kFeatures,   // rules over features only
  kEmbedding,  // similarity to the current track's embedding steered by the intent, within the constraints
  kFull,       // rules plus embedding similarity (the learned rank model replaces the rules later)
};

struct RecommendOptions {
  size_t top = 10;
  std::vector<std::string> exclude;  // track ids already played
  Mode mode = Mode::kFeatures;
  const std::vector<embed::Vector>* embeddings = nullptr;  // one per library entry; needed by kEmbedding/kFull
  const std::vector<schema::TrackRecord>* records = nullptr;  // the current track's record steers the intent
  const std::vector<embed::Compact>* compact = nullptr;     // optional 8-bit copies for large libraries
  const PackedAttributes* packed = nullptr;                 // optional, from pack_attributes(library)
  const std::vector<Factor>* weights = nullptr;             // default_weights() when null
};

struct RecommendResult {
  std::vector<Recommendation> results;
  std::vector<std::string> relaxed;  // constraints that were relaxed, in order
};

RecommendResult recommend(const std::vector<TrackFeatures>& library, size_t current, const prompt::Intent& intent,
                          const RecommendOptions& options = {});

}  // namespace codex::rank
