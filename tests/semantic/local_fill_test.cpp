#include "codex/semantic/local_fill.h"

#include <gtest/gtest.h>

#include "codex/analysis/pass.h"
#include "codex/demo/synth.h"
#include "codex/schema/schema.h"
#include "support/test_util.h"

namespace codex::semantic {
namespace {

Measurements base() {
  Measurements m;
  m.bpm = 126;
  m.bpm_confidence = 0.7;
  m.periodicity = 0.5;
  m.tempo_feel = "straight";
  m.key = "8A";
  m.energy = 6;
  m.centroid_hz = 700;
  m.onset_rate_hz = 3;
  m.codec = "flac";
  m.genre_tag = "Techno";
  return m;
}

TEST(LocalFill, VibeFollowsModeBrightnessAndEnergy) {
  Measurements m = base();
  EXPECT_EQ(local_fill(m).fields["vibe"], "dark");  // minor, dark timbre
  m.energy = 8;
  EXPECT_EQ(local_fill(m).fields["vibe"], "aggressive");
  m.key = "8B";
  EXPECT_EQ(local_fill(m).fields["vibe"], "euphoric");
  m.energy = 5;
  EXPECT_EQ(local_fill(m).fields["vibe"], "bright");
  m.energy = 2;
  EXPECT_EQ(local_fill(m).fields["vibe"], "chill");
  EXPECT_EQ(local_fill(m).fields["intensity"], "opener");
}

TEST(LocalFill, EveryFilledFieldIsValidSchemaWithAConfidence) {
  for (const char* key : {"8A", "3B"}) {
    for (double energy : {1.0, 5.0, 9.0}) {
      Measurements m = base();
      m.key = key;
      m.energy = energy;
      const Filled f = local_fill(m);
      nlohmann::json record = f.fields;
      record["track_id"] = "x";
      record["title"] = "t";
      record["artist"] = "a";
      record["bpm"] = 126;
      record["key"] = key;
      for (const auto& issue : schema::validate(record, schema::Mode::kImport)) {
        ADD_FAILURE() << issue.field << " " << issue.message;
      }
      for (auto it = f.fields.begin(); it != f.fields.end(); ++it) {
        ASSERT_TRUE(f.confidence.contains(it.key())) << it.key();
        EXPECT_GT(f.confidence[it.key()].get<double>(), 0.0);
        EXPECT_LE(f.confidence[it.key()].get<double>(), 1.0);
      }
    }
  }
}

TEST(LocalFill, GrooveAndMixabilityFromTheBeatEvidence) {
  Measurements m = base();
  m.steady_grid = true;
  m.kick_every_beat = 0.9;
  m.intro_pulse = 1.0;
  m.outro_pulse = 0.1;
  Filled f = local_fill(m);
  EXPECT_EQ(f.fields["groove_style"], "four-on-floor");
  EXPECT_EQ(f.fields["mix_in_ease"], 10);
  EXPECT_LE(f.fields["mix_out_ease"].get<int>(), 5);
  m.kick_every_beat = 0.5;
  EXPECT_EQ(local_fill(m).fields["groove_style"], "syncopated");
  m.tempo_feel = "half-time";
  EXPECT_EQ(local_fill(m).fields["groove_style"], "broken");
  m.steady_grid = false;
  EXPECT_LT(local_fill(m).fields["mix_in_ease"].get<int>(), 10);
}

TEST(LocalFill, FidelityFromTheEncoding) {
  Measurements m = base();
  EXPECT_EQ(local_fill(m).fields["audio_fidelity"], 9);
  m.codec = "mp3";
  m.bit_rate = 96000;
  EXPECT_EQ(local_fill(m).fields["audio_fidelity"], 4);
  m.bit_rate = 320000;
  EXPECT_EQ(local_fill(m).fields["audio_fidelity"], 8);
}

TEST(LocalFill, BeatlessAndAtonalMaterialStillGetsEveryDerivedField) {
  Measurements m;
  m.energy = 2;
  const Filled f = local_fill(m);
  for (const char* k : {"vibe", "mood_tags", "danceability", "intensity", "audio_fidelity", "description"}) {
    EXPECT_TRUE(f.fields.contains(k)) << k;
  }
  EXPECT_EQ(f.fields["danceability"], 1);
}

TEST(LocalFill, FromARealAnalysis) {
  test::TempDir dir;
  demo::TrackSpec spec;
  spec.seconds = 30;
  spec.key = music::Key{4, true};
  test::write_audio(dir.file("t.flac"), demo::render_track(spec).samples, 2, 44100, audio::Format::kFlac);
  auto analyzers = analysis::default_analyzers();
  auto r = analysis::analyze_file(dir.file("t.flac"), analyzers);
  ASSERT_TRUE(r.ok());
  nlohmann::json analyses = nlohmann::json::object();
  for (const auto& a : r->results) analyses[a.stamp.id] = a.output.values;
  const Measurements m = measurements_from(analyses, {{"codec", r->info.codec}, {"genre", "house"}});
  EXPECT_NEAR(m.bpm.value_or(0), 128.0, 0.05);
  EXPECT_EQ(m.key.value_or(""), "9A");
  const Filled f = local_fill(m);
  EXPECT_EQ(f.fields["genre"], "house");
  EXPECT_EQ(f.fields["groove_style"], "four-on-floor");
  EXPECT_TRUE(f.fields.contains("mix_in_ease"));
  EXPECT_NE(f.fields["description"].get<std::string>().find("128 BPM"), std::string::npos);
  EXPECT_NE(f.fields["description"].get<std::string>().find("E minor"), std::string::npos);
}

TEST(LocalFill, StructureFromTheEnvelope) {
  test::TempDir dir;
  demo::TrackSpec spec;
  spec.seconds = 75;
  spec.bpm = 124;
  spec.intro_bars = 8;
  test::write_audio(dir.file("t.wav"), demo::render_track(spec).samples, 2, 44100);
  auto analyzers = analysis::default_analyzers();
  auto r = analysis::analyze_file(dir.file("t.wav"), analyzers);
  ASSERT_TRUE(r.ok());
  nlohmann::json analyses = nlohmann::json::object();
  for (const auto& a : r->results) analyses[a.stamp.id] = a.output.values;
  const Filled f = local_fill(measurements_from(analyses, nlohmann::json::object()));
  EXPECT_EQ(f.fields["structure"], nlohmann::json({"intro", "instrumental", "breakdown", "drop", "outro"}));
  ASSERT_TRUE(f.fields["drop_intensity"].is_number());
  EXPECT_GE(f.fields["drop_intensity"].get<int>(), 2);
  // A flat signal has one section and no drop.
  Measurements flat;
  flat.envelope_db.assign(60, -12.0);
  const Filled g = local_fill(flat);
  EXPECT_EQ(g.fields["structure"], nlohmann::json({"instrumental"}));
  EXPECT_TRUE(g.fields["drop_intensity"].is_null());
}

}  // namespace
}  // namespace codex::semantic
