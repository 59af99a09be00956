// The local fill: CODEX-schema fields inferred from CODEX's own analysis, with provenance
// "local" and a confidence per field, for tracks no LLM has listened to. Measured values (bpm,
// key, energy, duration) come straight from the analyzers; descriptive ones (vibe, moods,
// intensity, danceability, groove, mixability, fidelity, description) are rules over the
// measurements — honest about being guesses through their confidence. Vocals, instrumentation and
// production come from the timbre analyzer (moving partials for a voice, band energies and onset
// rates for drums, bass and pads, roll-off, flatness and crest for the production); a genre is
// guessed from tempo and groove only when the file has no genre tag; similar artists are the
// artists nearest in the user's own library (similar_artists.h, over all records). Structure comes
// from the loudness envelope read bar by bar: quieter opening and closing bars are the intro and
// outro, a quiet run of bars in the middle is a breakdown, and the loud section after it a drop.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/schema/record.h"

namespace codex::semantic {

// Changes whenever the local fill's rules change, so cached records are rebuilt.
inline constexpr const char* kLocalFillVersion = "fill-7";

// What the local fill reads: the analyzers' typed results (the record builder copies them from
// analysis::Results) and the track's tags and format.
// What the acoustic analyzer heard, as the mood reading uses it (named values of its track summary,
// analysis/acoustic_summary.h; the record builder fills them).
struct SoundEvidence {
  double major_lean = 0;     // best major minus best minor profile correlation of the mean chroma
  double key_clarity = 0;    // best profile correlation
  double centroid_log2 = 0;  // spectral centroid, log2 Hz
  double flatness_db = 0;    // spectral flatness (<= 0; towards 0 = noisy, distorted)
  double onset_log = 0;      // log onset density
  double beat_repeat = 0;    // onset autocorrelation one beat later (0..1)
  double bass_pulse = 0;     // the bass band's periodicity at one beat
  double tempo_log2 = 0;     // log2(beat rate / 120 BPM)
  double level_db = 0;       // mean frame level
};

// What the timbre analyzer measured, as the local fill uses it (analysis::Timbre in
// analysis/results.h; the record builder copies it).
struct TimbreEvidence {
  double sub = 0, bass = 0, low_mid = 0, mid = 0, high_mid = 0, high = 0;  // energy share per band
  double kick_hz = 0, snare_hz = 0, hat_hz = 0;                             // onset rate per drum
  double stable_partial_share = 0, rolloff_spread_oct = 0, flatness = 0, crest_db = 0, bandwidth_hz = 0;
  std::optional<std::string> vocal_presence;  // male | female | voice | instrumental | unknown
  std::string vocal_style = "none";
  double vocal_confidence = 0.3;
};

struct Measurements {
  std::optional<double> bpm, bpm_confidence, energy, energy_score, centroid_hz, onset_rate_hz, lufs,
      loudness_range_lu, true_peak_dbtp, periodicity, duration_s, key_confidence;
  std::optional<std::string> key;         // Camelot
  std::optional<std::string> tempo_feel;  // straight | half-time | double-time
  // The tempo analyzer heard half-time drums (its tempo_feel is the schema's "half-time").
  bool half_time() const { return tempo_feel && *tempo_feel == schema::TempoFeel::named("half-time").name(); }
  std::optional<bool> steady_grid;
  std::optional<double> kick_every_beat, intro_pulse, outro_pulse;  // tempo analyzer's groove evidence
  std::optional<double> first_beat_s;
  std::vector<double> envelope_db;  // loudness per envelope_hop_s
  double envelope_hop_s = 1.0;
  std::optional<TimbreEvidence> timbre;               // absent: no timbre analysis (an old corpus)
  std::optional<SoundEvidence> sound;                 // the acoustic analyzer's summary, named values
  std::vector<float> acoustic_track;                  // ... the whole summary (kDims numbers)
  std::vector<float> acoustic_windows;                // ... and its 10-s windows' (kDims each, in time order)
  std::string codec, genre_tag, title, artist;
  int64_t bit_rate = 0;
  int sample_rate = 0;
};


// What the local fill inferred: a typed record holding the fields it set (the rest absent; the
// mood's valence, arousal and sections in `extra`, as records keep them) and its confidence in each
// field (0..1, by field name: the record's field_confidence).
struct Filled {
  schema::TrackRecord record;
  std::map<std::string, double> confidence;

  template <class T, class V>
  void set(schema::Value<T> schema::TrackRecord::*field, const char* name, V&& value, double conf) {
    (record.*field).set(T{std::forward<V>(value)});
    confide(name, conf);
  }
  template <class T>
  void set_null(schema::Value<T> schema::TrackRecord::*field, const char* name, double conf) {
    (record.*field).set_null();
    confide(name, conf);
  }
  void set_extra(const char* name, nlohmann::json value, double conf) {
    record.extra[name] = std::move(value);
    confide(name, conf);
  }
  void confide(const char* name, double conf) { confidence[name] = std::round(conf * 100.0) / 100.0; }
  // The fields set, as record JSON.
  nlohmann::json fields() const { return schema::to_json(record); }
};
// Sets schema field `field` of Filled `f` (the member and its name spelled once).
#define CODEX_FILL(f, field, value, conf) (f).set(&::codex::schema::TrackRecord::field, #field, value, conf)

Filled local_fill(const Measurements& m);

// Valence (-1 sad/tense .. 1 happy/serene) and arousal (-1 calm .. 1 excited) heard in the sound by
// the mood model (mood_model.h), and the vibe they point to with its confidence (the distance from
// the nearest boundary): the vibe is read off the same two numbers, so the word and the numbers
// never disagree.
struct MoodReading {
  double valence = 0, arousal = 0;
  double confidence = 0;  // of valence and arousal (the model's)
  schema::Vibe vibe = schema::Vibe::named("dark");
  double vibe_confidence = 0;
};
MoodReading read_mood(const std::vector<float>& acoustic_summary, const SoundEvidence& sound);

// The vibe of a point on the plane (and the sound's repetition, for hypnotic) with its confidence.
std::pair<schema::Vibe, double> vibe_of(double valence, double arousal, const SoundEvidence& sound);

// Sections of a track whose mood differs (a quadrant change held for a window or more), from the
// windows' summaries: [{start_s, end_s, valence, arousal}]; empty when the mood holds throughout.
nlohmann::json mood_sections(const std::vector<float>& windows, double duration_s);


}  // namespace codex::semantic
