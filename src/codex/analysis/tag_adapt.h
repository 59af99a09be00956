// Adapting the key and tempo decisions to a DJ's own tags (`codex train key`, `codex train tempo`).
// A stored key result keeps its evidence (each key's profile score and the learned model's mean
// log-probability: key.cpp's "key_evidence"); a stored tempo result keeps its octave alternatives
// and their comb scores. A small choice model (choice_model.h) over that evidence, fitted to the
// keys and BPMs the DJ's tags and DJ programs hold, re-decides each track without decoding it
// again. These are the pure parts: the features, the adaptations as JSON, and applying one to a
// stored result (the analyzer's own answer kept beside it, so an adaptation can be replaced or
// removed). The tags themselves are only read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/music/key.h"

namespace codex::analysis {

// The text of a string field, or "" when it is absent or not a string (stored JSON may be damaged).
std::string string_field(const nlohmann::json& j, const char* key);

// The analyzer's own `fields` of a stored result back in place (from the object `kept_as` an
// adaptation saved them in; a field it did not have is removed), and the adaptation's `marker` gone.
void restore_analyzed(nlohmann::json& values, const char* kept_as, const char* marker, const std::vector<const char*>& fields);
// The analyzer's own `fields` saved under `kept_as` before an adaptation changes them.
void keep_analyzed(nlohmann::json& values, const char* kept_as, const std::vector<const char*>& fields);

// What every adaptation file holds besides its own fields: format "codex-tag-adaptation", its kind
// and version 1 (checked), the analyzer version, `features` finite weights, and the report.
struct AdaptationCommon {
  int analyzer_version = 0;
  std::vector<double> theta;
  nlohmann::json report = nlohmann::json::object();
};
Result<AdaptationCommon> parse_adaptation_common(const nlohmann::json& j, const std::string& kind, size_t features);
// "PREFIX-" and 12 hex digits of a checksum of the numbers.
std::string adaptation_id(const char* prefix, const std::vector<double>& numbers);

// MIREX key score of an estimate against a reference: 1 same key, 0.5 a fifth away in the same
// mode, 0.3 relative, 0.2 parallel, else 0.
double mirex_key_score(const music::Key& estimate, const music::Key& reference);

// ---- Key -------------------------------------------------------------------------------------

// Per key (index tonic * 2 + minor) its features, times `scale`: the profile score; the model's
// weighted mean log-probability; minor or not; the relative key's profile and model scores; the two
// fifths' profile and model scores summed; and the opening/closing chord's evidence for it.
inline constexpr int kKeyFeatures = 8;
// nullopt when the result holds no evidence (analysed before it was kept, or no key found).
std::optional<std::vector<std::vector<double>>> key_features(const nlohmann::json& values, double scale);
// Weights that rank the keys as the analyzer's fused score does (before its relative-key tie-break).
std::vector<double> analyzer_key_theta();

// analyzer_version: the key analyzer whose evidence it was fitted on (it reads only that); theta:
// kKeyFeatures weights; report: what training measured (figures, counts, when).
struct KeyAdaptation : AdaptationCommon {
  double scale = 1.0;          // the evidence's temperature (fitted first, with the analyzer's weights)

  std::string id() const;      // "ka-" and a hash of scale and theta
  nlohmann::json to_json() const;
  static Result<KeyAdaptation> parse(const nlohmann::json& j);
  // The key it picks from a stored result's evidence; nullopt without evidence.
  std::optional<music::Key> decide(const nlohmann::json& values) const;
};

// The analyzer's own key of a stored result (before any adaptation); nullopt for "no key".
std::optional<music::Key> analyzed_key(const nlohmann::json& values);
// The result with the adaptation's key in place of the analyzer's (which is kept under
// "key_analyzed"), or, with no adaptation, the analyzer's own answer restored. Unchanged when the
// result has no evidence.
nlohmann::json apply_key_adaptation(const nlohmann::json& values, const KeyAdaptation* adaptation);

// ---- Tempo -----------------------------------------------------------------------------------

// The octave candidates of a stored tempo result, in order: the analyzer's BPM, half, double; each
// with its features: whether it is the analyzer's pick, the log of its comb score relative to the
// pick, log2(BPM / 120) and its square, and whether it lies in the octave window of the track's
// genre (or, where the genre has none, the library's).
inline constexpr int kTempoFeatures = 5;
// A one-octave range of BPMs [lo, 2 lo) in which a genre's (or the whole library's) tags lie.
struct TempoWindow {
  double lo = 0.0;
  bool contains(double bpm) const { return lo > 0 && bpm >= lo && bpm < 2.0 * lo; }
};
// The octave window, centred (in log tempo) on the tags it holds, that holds the most of `bpms`;
// lo = 0 when there are none.
TempoWindow fit_tempo_window(std::vector<double> bpms);
// Lower-case, trimmed: the key genre windows are filed under.
std::string genre_key(const std::string& genre);

// analyzer_version: the tempo analyzer whose results it was fitted on; theta: kTempoFeatures weights.
struct TempoAdaptation : AdaptationCommon {
  TempoWindow library;                         // where the library's tags lie
  std::map<std::string, TempoWindow> genres;   // genre_key -> window, for genres with enough tags

  std::string id() const;  // "ta-" and a hash
  nlohmann::json to_json() const;
  static Result<TempoAdaptation> parse(const nlohmann::json& j);
  // Per candidate (the analyzer's BPM, half, double): its BPM and features; empty without a BPM.
  struct Candidates {
    std::vector<double> bpm;
    std::vector<std::vector<double>> features;
  };
  Candidates candidates(const nlohmann::json& values, const std::string& genre) const;
  // The BPM it picks; nullopt without one.
  std::optional<double> decide(const nlohmann::json& values, const std::string& genre) const;
};
std::vector<double> analyzer_tempo_theta();

// The analyzer's own BPM of a stored result (before any adaptation).
std::optional<double> analyzed_bpm(const nlohmann::json& values);
// The result at the adaptation's octave (beats, downbeats, grid and segments moved with it; the
// analyzer's own kept under "tempo_analyzed"), or with none, the analyzer's own restored.
nlohmann::json apply_tempo_adaptation(const nlohmann::json& values, const TempoAdaptation* adaptation,
                                      const std::string& genre);

}  // namespace codex::analysis
