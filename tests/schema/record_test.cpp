// The typed record: JSON in and out is lossless, values that do not fit their field are kept
// verbatim, enums parse only their own values, and the FieldSpec table comes from the same list.
#include "codex/schema/record.h"

#include <gtest/gtest.h>

#include "codex/schema/schema.h"

namespace codex::schema {
namespace {

using nlohmann::json;

json full_record() {
  return json::parse(R"({
    "track_id": "abc", "title": "T", "artist": "A", "file_path": null, "duration_seconds": 301.5,
    "bpm": 127.9, "key": "8A", "audio_fidelity": 8, "energy": 7, "danceability": 8, "intensity": "peak",
    "vibe": "dark", "mood_tags": ["dark", "driving", "tense"], "groove_style": "four-on-floor",
    "tempo_feel": "straight", "mix_in_ease": 8, "mix_out_ease": 7, "mixability_notes": "long intro",
    "vocal_presence": "instrumental", "vocal_style": "none", "structure": ["intro", "drop", "outro"],
    "drop_intensity": null, "instrumentation": ["kick", "bass", "pad"], "production_style": "minimal",
    "production_quality": 8, "genre": "techno", "similar_artists": ["X", "Y"], "description": "Dark.",
    "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
    "analyzer_version": "codex 0.1.0", "codex_schema_version": "1.0",
    "beat_grid": {"first_beat_s": 0.1}, "key_confidence": 0.82,
    "provenance": {"bpm": "local", "vibe": "llm:gemini"}, "field_confidence": {"vibe": 0.35}
  })");
}

TEST(Record, JsonRoundTripIsLossless) {
  const json j = full_record();
  const TrackRecord r = from_json(j);
  EXPECT_EQ(to_json(r), j);
  ASSERT_TRUE(r.bpm);
  EXPECT_DOUBLE_EQ(*r.bpm, 127.9);
  ASSERT_TRUE(r.key);
  EXPECT_EQ(r.key->camelot(), "8A");
  EXPECT_EQ(r.vibe->name(), "dark");
  EXPECT_EQ(r.vibe->index(), 0u);
  EXPECT_EQ(*r.energy, 7);
  ASSERT_EQ(r.structure->size(), 3u);
  EXPECT_EQ((*r.structure)[1], Section::named("drop"));
  EXPECT_TRUE(r.drop_intensity.is_null());
  EXPECT_TRUE(r.file_path.is_null());
  EXPECT_FALSE(r.language.present());
  EXPECT_EQ(r.provenance->at("vibe"), "llm:gemini");
  EXPECT_DOUBLE_EQ(r.field_confidence->at("vibe"), 0.35);
  EXPECT_EQ(r.extra["beat_grid"]["first_beat_s"], 0.1);
  EXPECT_EQ(r.extra.size(), 2u) << "only the fields the schema does not name";
}

TEST(Record, ValuesThatDoNotFitAreKeptVerbatim) {
  json j = {{"track_id", "t"}, {"vibe", "sparkly"}, {"energy", 7.5}, {"key", "A minor"}, {"bpm", "fast"},
            {"structure", {"intro", "solo"}}, {"mood_tags", {"a", 3}}, {"provenance", {{"bpm", 1}}}};
  const TrackRecord r = from_json(j);
  EXPECT_FALSE(r.vibe.present());
  EXPECT_FALSE(r.energy.present());
  EXPECT_FALSE(r.key.present()) << "only the Camelot spelling is a key value";
  EXPECT_FALSE(r.bpm.present());
  EXPECT_FALSE(r.structure.present());
  EXPECT_FALSE(r.mood_tags.present());
  EXPECT_FALSE(r.provenance.has_value());
  EXPECT_EQ(to_json(r), j);
}

TEST(Record, NumbersAreReadWhateverTheirJsonSpellingAndWrittenBackTheSameWay) {
  const nlohmann::json j = {{"bpm", 128}, {"duration_seconds", 300.5}, {"energy", 7.0}, {"drop_intensity", 9},
                            {"field_confidence", {{"vibe", 1}}}};
  const TrackRecord r = from_json(j);
  EXPECT_DOUBLE_EQ(*r.bpm, 128.0);
  EXPECT_EQ(*r.energy, 7);
  EXPECT_EQ(*r.drop_intensity, 9);
  // Byte for byte: an export of an imported record is the record that was imported.
  EXPECT_EQ(to_json(r).dump(), j.dump());
  TrackRecord built;
  built.bpm.set(128.0);
  built.energy.set(7);
  EXPECT_EQ(to_json(built).dump(), R"({"bpm":128.0,"energy":7})") << "values set in code keep their own type";
}

TEST(Record, EnumsParseOnlyTheirOwnValues) {
  EXPECT_TRUE(Groove::parse("four-on-floor"));
  EXPECT_FALSE(Groove::parse("four on floor"));
  EXPECT_FALSE(Vibe::parse(""));
  EXPECT_EQ(Intensity::named("closer").index(), 3u);
  static_assert(Intensity::named("opener").index() == 0, "a value named is its place in the table");
  EXPECT_EQ(Section::at(9).name(), "instrumental");
}

TEST(Record, NonObjectsGiveAnEmptyRecord) {
  for (const json& j : {json(nullptr), json(3), json::array({1}), json("x")}) {
    EXPECT_EQ(to_json(from_json(j)), json::object());
  }
}

TEST(Record, FieldSpecsComeFromTheSameTable) {
  const FieldSpec* vibe = find_field("vibe");
  ASSERT_NE(vibe, nullptr);
  ASSERT_EQ(vibe->values.size(), kVibes.size());
  EXPECT_EQ(vibe->values[5], "aggressive");
  EXPECT_EQ(find_field("structure")->values.size(), kSections.size());
  EXPECT_EQ(fields().size(), 35u);
  EXPECT_TRUE(validate(full_record(), Mode::kComplete).empty());
}

}  // namespace
}  // namespace codex::schema
