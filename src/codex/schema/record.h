// The CODEX record of one track (docs/ARCHITECTURE.md section 3), typed. One table below — CODEX_SCHEMA_FIELDS —
// lists every schema field once with its C++ type, JSON type, range, enum values, group and
// description; the TrackRecord struct, its JSON reading and writing, and the schema's FieldSpec table
// (validation, `codex schema`) are all generated from it. The enum value lists are spelled only here.
//
// Every field is a Value<T>: absent, null, or a value. Reading JSON is lossless: a schema field whose
// value does not fit its type (a record from an older or newer writer) is kept verbatim in `extra`
// beside the fields the schema does not name (beat grid, key confidence, loudness ...), and
// to_json writes all of it back. Provenance ("local", "llm:<model>", "user") and the local fill's
// confidence per field travel with the record.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/music/key.h"

namespace codex::schema {

inline constexpr std::array<std::string_view, 4> kIntensities = {"opener", "journey", "peak", "closer"};
inline constexpr std::array<std::string_view, 6> kVibes = {"dark", "bright", "hypnotic", "euphoric", "chill",
                                                           "aggressive"};
inline constexpr std::array<std::string_view, 5> kGrooves = {"four-on-floor", "broken", "swung", "syncopated",
                                                             "linear"};
inline constexpr std::array<std::string_view, 3> kTempoFeels = {"straight", "double-time", "half-time"};
inline constexpr std::array<std::string_view, 5> kVocalPresences = {"instrumental", "male", "female", "mixed",
                                                                    "group"};
inline constexpr std::array<std::string_view, 6> kVocalStyles = {"rap", "singing", "both", "chant", "spoken", "none"};
inline constexpr std::array<std::string_view, 10> kSections = {"intro", "verse",     "prechorus", "chorus", "drop",
                                                               "breakdown", "bridge", "outro",  "build",  "instrumental"};
inline constexpr std::array<std::string_view, 9> kProductionStyles = {
    "clean", "distorted", "filtered", "lo-fi", "polished", "raw", "layered", "minimal", "maximalist"};
inline constexpr std::array<std::string_view, 0> kNoValues = {};

// One value of an enum field: an index into its value list.
template <const auto& Values>
class Choice {
 public:
  static constexpr size_t kCount = Values.size();
  static std::optional<Choice> parse(std::string_view s) {
    for (size_t i = 0; i < Values.size(); ++i) {
      if (Values[i] == s) return Choice(i);
    }
    return std::nullopt;
  }
  // The value named `s`, checked against Values when the program is compiled: a name that is not
  // in the table does not compile. Code that means a particular value spells it this way.
  static consteval Choice named(std::string_view s) {
    for (size_t i = 0; i < Values.size(); ++i) {
      if (Values[i] == s) return Choice(i);
    }
    throw "not a value of this field";  // (at compile time: an error)
  }
  static Choice at(size_t i) { return Choice(i); }
  constexpr std::string_view name() const { return Values[i_]; }
  std::string str() const { return std::string(name()); }
  constexpr size_t index() const { return i_; }
  bool operator==(const Choice&) const = default;

 private:
  explicit constexpr Choice(size_t i) : i_(static_cast<uint8_t>(i)) {}
  uint8_t i_ = 0;
};

using Intensity = Choice<kIntensities>;
using Vibe = Choice<kVibes>;
using Groove = Choice<kGrooves>;
using TempoFeel = Choice<kTempoFeels>;
using VocalPresence = Choice<kVocalPresences>;
using VocalStyle = Choice<kVocalStyles>;
using Section = Choice<kSections>;
using ProductionStyle = Choice<kProductionStyles>;

// A field of a record: absent, null, or a value.
template <typename T>
class Value {
 public:
  Value() = default;
  Value(T v) : present_(true), v_(std::move(v)) {}  // NOLINT: implicit, as with std::optional
  bool present() const { return present_; }
  bool is_null() const { return present_ && !v_; }
  explicit operator bool() const { return v_.has_value(); }
  bool has_value() const { return v_.has_value(); }
  const T& operator*() const { return *v_; }
  T& operator*() { return *v_; }
  const T* operator->() const { return &*v_; }
  const std::optional<T>& opt() const { return v_; }
  T value_or(T d) const { return v_ ? *v_ : d; }
  void set(T v) { present_ = true, v_ = std::move(v); }
  void set_null() { present_ = true, v_.reset(); }
  void clear() { present_ = false, v_.reset(); }
  bool operator==(const Value&) const = default;

 private:
  bool present_ = false;
  std::optional<T> v_;
};

enum class FieldType {
  kString,       // free text
  kNumber,       // real, within [min, max]
  kInteger,      // whole number within [min, max]
  kEnum,         // one of `values`
  kStringArray,  // array of strings, length within [min, max]
  kEnumArray,    // array of `values`, length within [min, max]
  kCamelot,      // "1A".."12B"
};

using Strings = std::vector<std::string>;
using Sections = std::vector<Section>;

// X(name, C++ type, FieldType, required, nullable, min, max, enum values, group, description)
// min/max: a number's range, a string's length or an array's item count.
#define CODEX_SCHEMA_FIELDS(X)                                                                                         \
  X(track_id, std::string, kString, true, false, 1, 256, kNoValues, "identity", "stable id (hash of the audio stream)") \
  X(title, std::string, kString, true, false, 0, 1000, kNoValues, "identity", "track title")                           \
  X(artist, std::string, kString, true, false, 0, 1000, kNoValues, "identity", "artist")                               \
  X(file_path, std::string, kString, false, true, 0, 4096, kNoValues, "identity", "where the file was found")          \
  X(duration_seconds, double, kNumber, true, false, 0, 86400, kNoValues, "identity", "length in seconds")              \
  X(bpm, double, kNumber, true, true, 60, 200, kNoValues, "fundamentals",                                              \
    "felt tempo; null when there is no steady beat")                                                                   \
  X(key, music::Key, kCamelot, true, true, 0, 0, kNoValues, "fundamentals", "Camelot key, 1A..12B; null when atonal")  \
  X(audio_fidelity, int64_t, kInteger, true, false, 1, 10, kNoValues, "fundamentals", "audio quality 1-10")            \
  X(energy, int64_t, kInteger, true, false, 1, 10, kNoValues, "energy", "energy 1-10")                                 \
  X(danceability, int64_t, kInteger, true, false, 1, 10, kNoValues, "energy", "danceability 1-10")                     \
  X(intensity, Intensity, kEnum, true, false, 0, 0, kIntensities, "energy", "place in a set")                          \
  X(vibe, Vibe, kEnum, true, false, 0, 0, kVibes, "vibe", "overall vibe")                                              \
  X(mood_tags, Strings, kStringArray, true, false, 3, 7, kNoValues, "vibe", "3-7 mood words")                          \
  X(groove_style, Groove, kEnum, true, false, 0, 0, kGrooves, "rhythm", "drum groove")                                 \
  X(tempo_feel, TempoFeel, kEnum, true, false, 0, 0, kTempoFeels, "rhythm", "how the tempo feels")                     \
  X(mix_in_ease, int64_t, kInteger, true, false, 1, 10, kNoValues, "mixability", "how easy to mix in, 1-10")           \
  X(mix_out_ease, int64_t, kInteger, true, false, 1, 10, kNoValues, "mixability", "how easy to mix out of, 1-10")      \
  X(mixability_notes, std::string, kString, false, true, 0, 2000, kNoValues, "mixability", "tips for mixing")          \
  X(vocal_presence, VocalPresence, kEnum, true, false, 0, 0, kVocalPresences, "vocals", "who sings")                   \
  X(vocal_style, VocalStyle, kEnum, true, false, 0, 0, kVocalStyles, "vocals", "how")                                  \
  X(language, std::string, kString, false, true, 0, 100, kNoValues, "vocals", "language of the vocals")                \
  X(structure, Sections, kEnumArray, true, false, 1, 64, kSections, "structure", "ordered sections")                   \
  X(drop_intensity, int64_t, kInteger, true, true, 1, 10, kNoValues, "structure", "1-10, or null without a drop")      \
  X(instrumentation, Strings, kStringArray, true, false, 3, 8, kNoValues, "production", "3-8 instruments")             \
  X(production_style, ProductionStyle, kEnum, true, false, 0, 0, kProductionStyles, "production", "production style")  \
  X(production_quality, int64_t, kInteger, true, false, 1, 10, kNoValues, "production", "1-10")                        \
  X(genre, std::string, kString, true, false, 1, 200, kNoValues, "genre", "genre")                                     \
  X(subgenre, std::string, kString, false, true, 0, 200, kNoValues, "genre", "subgenre")                               \
  X(similar_artists, Strings, kStringArray, true, false, 2, 5, kNoValues, "genre", "2-5 artists")                      \
  X(description, std::string, kString, true, false, 1, 2000, kNoValues, "description", "1-3 sentences")                \
  X(created_at, std::string, kString, true, false, 0, 64, kNoValues, "metadata", "ISO 8601")                           \
  X(updated_at, std::string, kString, true, false, 0, 64, kNoValues, "metadata", "ISO 8601")                           \
  X(analyzer_version, std::string, kString, true, false, 0, 64, kNoValues, "metadata", "CODEX version that analysed it") \
  X(analyzer_model, std::string, kString, false, true, 0, 200, kNoValues, "metadata", "LLM model, if any")             \
  X(codex_schema_version, std::string, kString, true, false, 1, 16, kNoValues, "metadata", "\"1.0\"")

// Every field's place in the table, as an enumerator named like the field.
enum class FieldId : uint8_t {
#define CODEX_FIELD_ID(n, ...) n,
  CODEX_SCHEMA_FIELDS(CODEX_FIELD_ID)
#undef CODEX_FIELD_ID
  kCount
};
static_assert(static_cast<int>(FieldId::kCount) <= 64);

struct TrackRecord {
#define CODEX_RECORD_MEMBER(name, type, kind, req, nul, lo, hi, values, group, desc) Value<type> name;
  CODEX_SCHEMA_FIELDS(CODEX_RECORD_MEMBER)
#undef CODEX_RECORD_MEMBER

  // Field name -> "local" | "llm:<model>" | "user"; written as "provenance" when present.
  std::optional<std::map<std::string, std::string>> provenance;
  // Field name -> 0..1, the local fill's confidence; written as "field_confidence" when present.
  std::optional<std::map<std::string, double>> field_confidence;
  // Everything else, and schema fields whose value did not fit their type, verbatim.
  nlohmann::json extra = nlohmann::json::object();
  // Bit FieldId: a number spelled the other way in the JSON it was read from (128 for a real field,
  // 7.0 for an integer one), written back the same way.
  uint64_t other_spelling = 0;

  bool operator==(const TrackRecord&) const = default;
};

// Valence and arousal (-1 .. 1) measured from the sound: the extra fields "valence" and "arousal"
// (numbers, or {"value": number}); nullopt unless both are there, finite and within -1 .. 1.
struct Mood {
  double valence = 0, arousal = 0;
};
std::optional<Mood> mood_of(const TrackRecord& r);

// Lossless: to_json(from_json(j)) == j for every JSON object j. A non-object gives an empty record.
TrackRecord from_json(const nlohmann::json& j);
nlohmann::json to_json(const TrackRecord& r);

}  // namespace codex::schema
