#include "codex/schema/schema.h"

#include <gtest/gtest.h>

#include <set>

namespace codex::schema {
namespace {

nlohmann::json complete_record() {
  return {{"track_id", "abc123"},
          {"title", "Night Drive"},
          {"artist", "Someone"},
          {"file_path", "/music/x.mp3"},
          {"duration_seconds", 372.5},
          {"bpm", 126.0},
          {"key", "8A"},
          {"audio_fidelity", 8},
          {"energy", 7},
          {"danceability", 8},
          {"intensity", "peak"},
          {"vibe", "dark"},
          {"mood_tags", {"driving", "tense", "nocturnal"}},
          {"groove_style", "four-on-floor"},
          {"tempo_feel", "straight"},
          {"mix_in_ease", 9},
          {"mix_out_ease", 8},
          {"vocal_presence", "instrumental"},
          {"vocal_style", "none"},
          {"structure", {"intro", "build", "drop", "breakdown", "drop", "outro"}},
          {"drop_intensity", nullptr},
          {"instrumentation", {"kick", "bass", "synth pad"}},
          {"production_style", "polished"},
          {"production_quality", 8},
          {"genre", "techno"},
          {"similar_artists", {"A", "B"}},
          {"description", "A rolling peak-time techno track."},
          {"created_at", "2026-11-25T00:00:00Z"},
          {"updated_at", "2026-11-25T00:00:00Z"},
          {"analyzer_version", "codex 0.1.0"},
          {"codex_schema_version", "1.0"}};
}

TEST(Schema, CompleteRecordIsValidAndExtrasAreAllowed) {
  auto r = complete_record();
  r["beat_grid"] = {{"bpm", 126.0}};
  EXPECT_TRUE(validate(r, Mode::kComplete).empty());
  EXPECT_TRUE(validate(r, Mode::kImport).empty());
}

TEST(Schema, EveryRequiredFieldIsChecked) {
  for (const auto& f : fields()) {
    if (!f.required) continue;
    auto r = complete_record();
    r.erase(f.name);
    const auto issues = validate(r, Mode::kComplete);
    ASSERT_EQ(issues.size(), 1u) << f.name;
    EXPECT_EQ(issues[0].field, f.name);
    EXPECT_EQ(issues[0].message, "is missing");
  }
}

TEST(Schema, ImportNeedsOnlyTheCore) {
  const nlohmann::json minimal = {{"track_id", "x"}, {"title", "T"}, {"artist", "A"}, {"bpm", 128}, {"key", "5A"},
                                  {"energy", 6}};
  EXPECT_TRUE(validate(minimal, Mode::kImport).empty());
  EXPECT_FALSE(validate(minimal, Mode::kComplete).empty());
  nlohmann::json beatless = minimal;
  beatless["bpm"] = nullptr;
  beatless["key"] = nullptr;
  EXPECT_TRUE(validate(beatless, Mode::kImport).empty());
}

TEST(Schema, BadValuesAreNamed) {
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {{{"bpm", "128"}}, "bpm"},          {{{"bpm", 250}}, "bpm"},
      {{{"energy", 7.5}}, "energy"},      {{{"energy", 0}}, "energy"},
      {{{"key", "13A"}}, "key"},          {{{"key", "A minor"}}, "key"},
      {{{"vibe", "moody"}}, "vibe"},      {{{"mood_tags", {"a", "b"}}}, "mood_tags"},
      {{{"mood_tags", {"a", "b", 3}}}, "mood_tags"}, {{{"structure", {"intro", "solo"}}}, "structure"},
      {{{"title", 5}}, "title"},          {{{"track_id", ""}}, "track_id"},
      {{{"duration_seconds", -1}}, "duration_seconds"}, {{{"genre", nullptr}}, "genre"},
      {{{"codex_schema_version", "2.0"}}, "codex_schema_version"},
      {{{"track_id", "../../etc/passwd"}}, "track_id"},      {{{"track_id", "abc\n"}}, "track_id"},
      {{{"track_id", "a\x1b[2J"}}, "track_id"},              {{{"track_id", "a\\b"}}, "track_id"}};
  for (const auto& [patch, field] : cases) {
    auto r = complete_record();
    r.merge_patch(patch);
    const auto issues = validate(r, Mode::kComplete);
    ASSERT_FALSE(issues.empty()) << patch.dump();
    EXPECT_EQ(issues[0].field, field) << patch.dump() << " -> " << issues[0].message;
  }
  EXPECT_FALSE(validate(nlohmann::json::array(), Mode::kImport).empty());
  EXPECT_FALSE(validate("text", Mode::kImport).empty());
  auto long_title = complete_record();
  long_title["title"] = std::string(1001, 'x');
  EXPECT_EQ(validate(long_title, Mode::kComplete)[0].message, "is longer than 1000 bytes");
  auto ok_id = complete_record();
  ok_id["track_id"] = "rekordbox:1234-abcd.E";
  EXPECT_TRUE(validate(ok_id, Mode::kComplete).empty()) << "ids from other software stay welcome";
}

TEST(Schema, JsonSchemaListsEveryField) {
  const auto js = json_schema();
  std::set<std::string> names;
  for (const auto& f : fields()) names.insert(f.name);
  EXPECT_EQ(js["properties"].size(), names.size());
  EXPECT_EQ(js["properties"]["vibe"]["enum"].size(), 6u);
  EXPECT_EQ(js["properties"]["energy"]["type"], "integer");
  EXPECT_EQ(names.size(), fields().size()) << "field names are unique";
}

TEST(Schema, WhatAnalyzeStoresFitsWhatImportAccepts) {
  // A two-hour-ten mix, a title of 600 two-byte characters (1200 bytes), a genre tag of 300 bytes.
  std::string title;
  for (int i = 0; i < 600; ++i) title += "\xC3\xA9";  // é
  nlohmann::json r = {{"track_id", "t1"}, {"title", title},      {"artist", "A"},   {"duration_seconds", 7800},
                      {"bpm", 124},       {"key", "8A"},          {"energy", 6},     {"genre", std::string(300, 'g')}};
  const auto before = validate(r, Mode::kImport);
  EXPECT_EQ(before.size(), 2u) << "title and genre too long; 7800 s is a valid length";
  fit_to_limits(r);
  EXPECT_TRUE(validate(r, Mode::kImport).empty()) << validate(r, Mode::kImport)[0].field;
  EXPECT_EQ(r["title"].get<std::string>().size(), 1000u);
  EXPECT_EQ(r["title"].get<std::string>(), title.substr(0, 1000)) << "cut between characters";
  EXPECT_EQ(r["genre"].get<std::string>().size(), 200u);
  EXPECT_EQ(r["duration_seconds"], 7800);
  // An odd limit falls inside a character: the cut moves back to its start.
  r["title"] = "x" + title;
  fit_to_limits(r);
  EXPECT_EQ(r["title"].get<std::string>().size(), 999u);
  r["structure"] = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) r["structure"].push_back(i % 2 ? "drop" : "breakdown");
  fit_to_limits(r);
  EXPECT_EQ(r["structure"].size(), 64u);
  EXPECT_EQ(r["structure"][63], "drop");
  r["duration_seconds"] = 200000;
  fit_to_limits(r);
  EXPECT_EQ(r["duration_seconds"], 86400);
  EXPECT_TRUE(validate(r, Mode::kImport).empty());
}

}  // namespace
}  // namespace codex::schema
