#include "codex/semantic/local_fill.h"
#include "codex/semantic/mood_model.h"
#include "codex/semantic/similar_artists.h"
#include "codex/library/records.h"

#include <gtest/gtest.h>

#include "codex/analysis/pass.h"
#include "codex/demo/synth.h"
#include "codex/schema/schema.h"
#include "support/test_util.h"

namespace codex::semantic {
namespace {

// The local fill over real analyzer output: read the way the record builder reads it.
Measurements measurements_from(const nlohmann::json& analyses, const nlohmann::json& track) {
  corpus::TrackRow row;
  row.codec = track.value("codec", "");
  row.genre = track.value("genre", "");
  return library::measurements_of(analysis::read_results(analyses), row);
}

void fill_similar_artists_json(std::vector<nlohmann::json>& records) {
  std::vector<schema::TrackRecord> typed;
  for (const auto& j : records) typed.push_back(schema::from_json(j));
  fill_similar_artists(typed);
  for (size_t i = 0; i < records.size(); ++i) records[i] = schema::to_json(typed[i]);
}


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

TEST(LocalFill, WithoutTheAcousticSummaryVibeFollowsModeBrightnessAndEnergy) {
  Measurements m = base();
  EXPECT_EQ(local_fill(m).fields()["vibe"], "dark");  // minor, dark timbre
  m.energy = 8;
  EXPECT_EQ(local_fill(m).fields()["vibe"], "aggressive");
  m.key = "8B";
  EXPECT_EQ(local_fill(m).fields()["vibe"], "euphoric");
  m.energy = 5;
  EXPECT_EQ(local_fill(m).fields()["vibe"], "bright");
  m.energy = 2;
  EXPECT_EQ(local_fill(m).fields()["vibe"], "chill");
  EXPECT_EQ(local_fill(m).fields()["intensity"], "opener");
}

// A sound at the middle of the real recordings' spread on every cue (local_fill_mood.cpp).
SoundEvidence middle() {
  SoundEvidence s;
  s.key_clarity = 0.6, s.major_lean = 0.0, s.centroid_log2 = 8.2, s.flatness_db = -11, s.onset_log = 0.0;
  s.beat_repeat = 0.4, s.bass_pulse = 0.25, s.tempo_log2 = -0.05, s.level_db = -17;
  return s;
}

TEST(LocalFillMood, TheVibeIsReadOffTheValenceArousalPlane) {
  const SoundEvidence s = middle();
  SoundEvidence harsh = middle(), loop = middle();
  harsh.flatness_db = -4, harsh.onset_log = 0.6;
  loop.beat_repeat = 0.85;
  EXPECT_EQ(vibe_of(0.6, 0.7, s).first.name(), "euphoric");
  EXPECT_EQ(vibe_of(-0.6, 0.7, s).first.name(), "dark") << "tense but neither noisy nor dense";
  EXPECT_EQ(vibe_of(-0.6, 0.7, harsh).first.name(), "aggressive");
  EXPECT_EQ(vibe_of(0.5, -0.7, s).first.name(), "chill");
  EXPECT_EQ(vibe_of(-0.5, -0.7, s).first.name(), "dark");
  EXPECT_EQ(vibe_of(0.5, 0.0, s).first.name(), "bright");
  EXPECT_EQ(vibe_of(0.05, 0.5, loop).first.name(), "hypnotic");
  EXPECT_EQ(vibe_of(0.05, 0.0, loop).first.name(), "hypnotic");
  for (double v : {-0.9, -0.3, 0.0, 0.3, 0.9}) {
    for (double a : {-0.9, -0.3, 0.0, 0.3, 0.9}) {
      for (const auto& e : {s, harsh, loop}) {
        const auto [vibe, conf] = vibe_of(v, a, e);
        EXPECT_GE(conf, 0.2);
        EXPECT_LE(conf, 0.6 + 1e-9);
        EXPECT_LT(vibe.index(), schema::Vibe::kCount);
      }
    }
  }
  EXPECT_GT(vibe_of(0.9, 0.9, s).second, vibe_of(0.05, 0.3, s).second) << "far from a boundary is surer";
}

// A summary the mood model reads as excited (or calm): the model's mean moved along its arousal
// head's weights (semantic/mood_model.h), `k` standard deviations per unit of weight.
std::vector<float> summary_along_arousal(double k) {
  const auto j = nlohmann::json::parse(std::string(MoodModel::builtin_text()));
  std::vector<float> v(90);
  for (size_t i = 0; i < 90; ++i) {
    v[i] = static_cast<float>(j["mean"][i].get<double>() + k * j["scale"][i].get<double>() * j["arousal"]["weights"][i].get<double>());
  }
  return v;
}

TEST(LocalFillMood, TheFillHearsValenceAndArousalAndTheWordsAgree) {
  Measurements m = base();
  m.sound = middle();
  m.energy = 8;
  m.duration_s = 60;
  m.acoustic_track = summary_along_arousal(3.0);
  Filled f = local_fill(m);
  ASSERT_TRUE(f.fields().contains("valence") && f.fields().contains("arousal"));
  const double v = f.fields()["valence"].get<double>(), a = f.fields()["arousal"].get<double>();
  EXPECT_GT(a, 0.5) << "the model's own excited direction";
  EXPECT_GE(v, -1.0);
  EXPECT_LE(v, 1.0);
  EXPECT_EQ(f.fields()["vibe"], vibe_of(v, a, middle()).first.str()) << "the vibe is read off the same two numbers";
  EXPECT_GT(f.confidence.at("arousal"), 0.4);
  m.acoustic_track = summary_along_arousal(-3.0);
  f = local_fill(m);
  EXPECT_LT(f.fields()["arousal"].get<double>(), -0.5);
  const auto moods = f.fields()["mood_tags"].get<std::vector<std::string>>();
  EXPECT_GE(moods.size(), 3u);
  EXPECT_LE(moods.size(), 7u);
  EXPECT_EQ(std::find(moods.begin(), moods.end(), "energetic"), moods.end()) << "calm sound is not called energetic";
  // Without the summary there are no valence and arousal (nothing is made up).
  m.acoustic_track.clear();
  EXPECT_FALSE(local_fill(m).fields().contains("valence"));
  // A steadier groove dances at least as well.
  const int steady = local_fill(m).fields()["danceability"].get<int>();
  SoundEvidence loop = middle();
  loop.beat_repeat = 0.9, loop.bass_pulse = 0.6;
  m.sound = loop;
  EXPECT_GE(local_fill(m).fields()["danceability"].get<int>(), steady);
}

TEST(LocalFillMood, SectionsWhereTheMoodChanges) {
  // Six 10-s windows: three excited, three calm -> two sections at 0 s and 30 s.
  std::vector<float> windows;
  for (double k : {3.0, 3.0, 3.0, -3.0, -3.0, -3.0}) {
    const auto w = summary_along_arousal(k);
    windows.insert(windows.end(), w.begin(), w.end());
  }
  const auto sections = mood_sections(windows, 60.0);
  ASSERT_EQ(sections.size(), 2u) << sections.dump();
  EXPECT_EQ(sections[0]["start_s"].get<double>(), 0.0);
  EXPECT_NEAR(sections[1]["start_s"].get<double>(), 30.0, 0.2);
  EXPECT_NEAR(sections[1]["end_s"].get<double>(), 60.0, 0.2);
  EXPECT_GT(sections[0]["arousal"].get<double>(), 0.5);
  EXPECT_LT(sections[1]["arousal"].get<double>(), -0.5);
  // One odd window between two of the same mood is not a section; a steady mood has none.
  std::vector<float> odd;
  for (double k : {3.0, 3.0, -3.0, 3.0, 3.0}) {
    const auto w = summary_along_arousal(k);
    odd.insert(odd.end(), w.begin(), w.end());
  }
  EXPECT_TRUE(mood_sections(odd, 50.0).empty());
  EXPECT_TRUE(mood_sections(std::vector<float>(90, 0.0f), 10.0).empty());
  EXPECT_TRUE(mood_sections(std::vector<float>(181, 0.0f), 20.0).empty()) << "a damaged length";
  // A long track keeps 16 windows spread over it: 300 s has 30 windows, so the kept ones start
  // every 29/15 windows (0, 10, 30, 50 ... 290 s); a change at the 9th kept window starts at 160 s.
  std::vector<float> spread;
  for (int k = 0; k < 16; ++k) {
    const auto w = summary_along_arousal(k < 8 ? 3.0 : -3.0);
    spread.insert(spread.end(), w.begin(), w.end());
  }
  const auto long_sections = mood_sections(spread, 300.0);
  ASSERT_EQ(long_sections.size(), 2u) << long_sections.dump();
  EXPECT_NEAR(long_sections[1]["start_s"].get<double>(), 8 * 29 / 15 * 10.0, 0.6);
  EXPECT_NEAR(long_sections[1]["end_s"].get<double>(), 300.0, 0.6);
}

TEST(LocalFill, EveryFilledFieldIsValidSchemaWithAConfidence) {
  for (const char* key : {"8A", "3B"}) {
    for (double energy : {1.0, 5.0, 9.0}) {
      Measurements m = base();
      m.key = key;
      m.energy = energy;
      const Filled f = local_fill(m);
      nlohmann::json record = f.fields();
      record["track_id"] = "x";
      record["title"] = "t";
      record["artist"] = "a";
      record["bpm"] = 126;
      record["key"] = key;
      for (const auto& issue : schema::validate(record, schema::Mode::kImport)) {
        ADD_FAILURE() << issue.field << " " << issue.message;
      }
      const nlohmann::json fields = f.fields();
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        ASSERT_TRUE(f.confidence.contains(it.key())) << it.key();
        EXPECT_GT(f.confidence.at(it.key()), 0.0);
        EXPECT_LE(f.confidence.at(it.key()), 1.0);
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
  EXPECT_EQ(f.fields()["groove_style"], "four-on-floor");
  EXPECT_EQ(f.fields()["mix_in_ease"], 10);
  EXPECT_LE(f.fields()["mix_out_ease"].get<int>(), 5);
  m.kick_every_beat = 0.5;
  EXPECT_EQ(local_fill(m).fields()["groove_style"], "syncopated");
  m.tempo_feel = "half-time";
  EXPECT_EQ(local_fill(m).fields()["groove_style"], "broken");
  m.steady_grid = false;
  EXPECT_LT(local_fill(m).fields()["mix_in_ease"].get<int>(), 10);
}

TEST(LocalFill, FidelityFromTheEncoding) {
  Measurements m = base();
  EXPECT_EQ(local_fill(m).fields()["audio_fidelity"], 9);
  m.codec = "mp3";
  m.bit_rate = 96000;
  EXPECT_EQ(local_fill(m).fields()["audio_fidelity"], 4);
  m.bit_rate = 320000;
  EXPECT_EQ(local_fill(m).fields()["audio_fidelity"], 8);
}

TEST(LocalFill, BeatlessAndAtonalMaterialStillGetsEveryDerivedField) {
  Measurements m;
  m.energy = 2;
  const Filled f = local_fill(m);
  for (const char* k : {"vibe", "mood_tags", "danceability", "intensity", "audio_fidelity", "description"}) {
    EXPECT_TRUE(f.fields().contains(k)) << k;
  }
  EXPECT_EQ(f.fields()["danceability"], 1);
}

// Renders `spec` to FLAC, runs the default analyzers over it, and returns their results by id.
nlohmann::json analyses_of(const demo::TrackSpec& spec, std::string* codec) {
  test::TempDir dir;
  test::write_audio(dir.file("t.flac"), demo::render_track(spec).samples, 2, 44100, audio::Format::kFlac);
  auto analyzers = analysis::default_analyzers();
  auto r = analysis::analyze_file(dir.file("t.flac"), analyzers);
  EXPECT_TRUE(r.ok());
  nlohmann::json analyses = nlohmann::json::object();
  if (!r.ok()) return analyses;
  for (const auto& a : r->results) analyses[a.stamp.id] = a.output.values;
  *codec = r->info.codec;
  return analyses;
}

TEST(LocalFill, FromARealAnalysis) {
  demo::TrackSpec spec;
  spec.seconds = 30;
  spec.key = music::Key{4, true};
  std::string codec;
  const nlohmann::json analyses = analyses_of(spec, &codec);
  const Measurements m = measurements_from(analyses, {{"codec", codec}, {"genre", "house"}});
  EXPECT_NEAR(m.bpm.value_or(0), 128.0, 0.05);
  EXPECT_EQ(m.key.value_or(""), "9A");
  const Filled f = local_fill(m);
  EXPECT_EQ(f.fields()["genre"], "house");
  EXPECT_EQ(f.fields()["groove_style"], "four-on-floor");
  EXPECT_TRUE(f.fields().contains("mix_in_ease"));
  EXPECT_NE(f.fields()["description"].get<std::string>().find("128 BPM"), std::string::npos);
  EXPECT_NE(f.fields()["description"].get<std::string>().find("E minor"), std::string::npos);
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
  EXPECT_EQ(f.fields()["structure"], nlohmann::json({"intro", "instrumental", "breakdown", "drop", "outro"}));
  ASSERT_TRUE(f.fields()["drop_intensity"].is_number());
  EXPECT_GE(f.fields()["drop_intensity"].get<int>(), 2);
  // A flat signal has one section and no drop.
  Measurements flat;
  flat.envelope_db.assign(60, -12.0);
  const Filled g = local_fill(flat);
  EXPECT_EQ(g.fields()["structure"], nlohmann::json({"instrumental"}));
  EXPECT_TRUE(g.fields()["drop_intensity"].is_null());
}

}  // namespace
}  // namespace codex::semantic

namespace codex::semantic {
namespace {

TEST(LocalFill, EveryRequiredFieldFromARealAnalysisOfASungTrack) {
  demo::TrackSpec spec;
  spec.seconds = 60;
  spec.key = music::Key{0, false};  // C major
  spec.voice = demo::Voice::kFemale;
  std::string codec;
  const nlohmann::json analyses = analyses_of(spec, &codec);
  // No genre tag: the genre is guessed from tempo and groove.
  const Filled f = local_fill(measurements_from(analyses, {{"codec", codec}}));
  EXPECT_EQ(f.fields()["vocal_presence"], "female") << f.fields();
  EXPECT_EQ(f.fields()["vocal_style"], "singing");
  const std::string genre = f.fields()["genre"];
  EXPECT_TRUE(genre == "house" || genre == "techno") << genre << ": 128 BPM four-on-floor";
  const auto inst = f.fields()["instrumentation"].get<std::vector<std::string>>();
  for (const char* want : {"female vocals", "kick drum", "bass"}) {
    EXPECT_NE(std::find(inst.begin(), inst.end(), want), inst.end()) << want << " in " << f.fields()["instrumentation"];
  }
  EXPECT_NE(f.fields()["mixability_notes"].get<std::string>().find("beat"), std::string::npos) << f.fields()["mixability_notes"];

  // Every required field but identity, bookkeeping and similar_artists (which needs the library).
  static const std::vector<std::string> kNotLocal = {"track_id", "title", "artist", "file_path", "duration_seconds",
                                                     "created_at", "updated_at", "analyzer_version",
                                                     "codex_schema_version", "similar_artists", "bpm", "key"};
  nlohmann::json record = f.fields();
  for (const auto& field : schema::fields()) {
    if (!field.required || std::find(kNotLocal.begin(), kNotLocal.end(), field.name) != kNotLocal.end()) continue;
    EXPECT_TRUE(f.fields().contains(field.name)) << field.name;
  }
  record["track_id"] = "x";
  record["title"] = "t";
  record["artist"] = "a";
  record["file_path"] = "/x.flac";
  record["duration_seconds"] = 60;
  record["bpm"] = 128;
  record["key"] = "8B";
  record["similar_artists"] = {"b", "c"};
  record["created_at"] = record["updated_at"] = "2026-11-25T00:00:00Z";
  record["analyzer_version"] = "codex";
  record["codex_schema_version"] = "1.0";
  for (const auto& issue : schema::validate(record, schema::Mode::kComplete)) {
    ADD_FAILURE() << issue.field << " " << issue.message;
  }
}

TEST(LocalFill, GenreGuessOnlyWithoutATag) {
  Measurements m = base();
  m.genre_tag.clear();
  m.kick_every_beat = 0.8;
  EXPECT_EQ(local_fill(m).fields()["genre"], "techno");  // 126 four-on-floor, minor
  m.key = "8B";
  m.bpm = 122;
  EXPECT_EQ(local_fill(m).fields()["genre"], "house");
  m.bpm = 174;
  m.tempo_feel = "half-time";
  EXPECT_EQ(local_fill(m).fields()["genre"], "drum & bass");
  m.bpm.reset();
  EXPECT_EQ(local_fill(m).fields()["genre"], "ambient");
  EXPECT_LT(local_fill(m).confidence.at("genre"), 0.3);
  m = base();
  EXPECT_EQ(local_fill(m).fields()["genre"], "Techno") << "a tag wins";
}

TimbreEvidence timbre(double bandwidth, const char* presence, const char* style) {
  TimbreEvidence t;
  t.sub = 0.1, t.bass = 0.3, t.low_mid = 0.3, t.mid = 0.2, t.high_mid = 0.05, t.high = 0.05;
  t.flatness = 0.01;
  t.rolloff_spread_oct = 1.0;
  t.bandwidth_hz = bandwidth;
  t.crest_db = 13;
  t.stable_partial_share = 0.6;
  t.kick_hz = 2.0, t.snare_hz = 1.0, t.hat_hz = 3.0;
  t.vocal_presence = presence;
  t.vocal_style = style;
  t.vocal_confidence = 0.4;
  return t;
}

TEST(LocalFill, UncertainVocalCallsAreLeftToTheLlm) {
  Measurements m = base();
  m.timbre = timbre(11025, "voice", "singing");  // a voice of unknown register
  Filled f = local_fill(m);
  EXPECT_FALSE(f.fields().contains("vocal_presence")) << f.fields()["vocal_presence"];
  EXPECT_EQ(f.fields()["vocal_style"], "singing");
  auto inst = f.fields()["instrumentation"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(inst.begin(), inst.end(), "vocals"), inst.end());
  m.timbre = timbre(11025, "unknown", "none");  // too little evidence either way
  f = local_fill(m);
  EXPECT_FALSE(f.fields().contains("vocal_presence"));
  EXPECT_FALSE(f.fields().contains("vocal_style"));
  EXPECT_FALSE(f.fields().contains("language"));
}

TEST(LocalFill, VocalsInstrumentationAndProductionFromTimbre) {
  Measurements m = base();
  m.lufs = -9;
  m.loudness_range_lu = 5;
  m.timbre = timbre(11025, "male", "rap");
  Filled f = local_fill(m);
  EXPECT_EQ(f.fields()["vocal_presence"], "male");
  EXPECT_EQ(f.fields()["vocal_style"], "rap");
  auto inst = f.fields()["instrumentation"].get<std::vector<std::string>>();
  EXPECT_GE(inst.size(), 3u);
  EXPECT_LE(inst.size(), 8u);
  EXPECT_NE(std::find(inst.begin(), inst.end(), "rap vocals"), inst.end());
  EXPECT_NE(std::find(inst.begin(), inst.end(), "kick drum"), inst.end());
  EXPECT_NE(f.fields()["production_style"], "lo-fi");
  EXPECT_FALSE(f.fields().contains("language")) << "a voice's language is the LLM's to name";
  EXPECT_TRUE(f.fields()["subgenre"].get<std::string>().find("techno") != std::string::npos) << f.fields()["subgenre"];
  const int full_quality = f.fields()["production_quality"];

  m.timbre = timbre(4000, "instrumental", "none");
  f = local_fill(m);
  EXPECT_EQ(f.fields()["vocal_presence"], "instrumental");
  EXPECT_EQ(f.fields()["vocal_style"], "none");
  ASSERT_TRUE(f.fields().contains("language"));
  EXPECT_TRUE(f.fields()["language"].is_null()) << "an instrumental has no language";
  EXPECT_EQ(f.fields()["production_style"], "lo-fi") << "a 4 kHz top end";
  EXPECT_LT(f.fields()["production_quality"].get<int>(), full_quality);
  inst = f.fields()["instrumentation"].get<std::vector<std::string>>();
  EXPECT_EQ(std::find(inst.begin(), inst.end(), "rap vocals"), inst.end());

  // Without a timbre analysis (an old corpus) those fields are simply not guessed.
  m.timbre.reset();
  f = local_fill(m);
  EXPECT_FALSE(f.fields().contains("vocal_presence"));
  EXPECT_FALSE(f.fields().contains("instrumentation"));
  // Beatless material: the notes say how to use it.
  m.bpm.reset();
  EXPECT_NE(local_fill(m).fields()["mixability_notes"].get<std::string>().find("No steady beat"), std::string::npos);
}

nlohmann::json rec(const std::string& artist, double bpm, int energy, const char* vibe, const char* genre) {
  return {{"artist", artist}, {"bpm", bpm},     {"energy", energy}, {"vibe", vibe},
          {"genre", genre},   {"key", "8A"},    {"provenance", nlohmann::json::object()},
          {"field_confidence", nlohmann::json::object()}};
}

TEST(SimilarArtists, NearestArtistsOfTheLibrary) {
  std::vector<nlohmann::json> records = {
      rec("Techno A", 130, 8, "dark", "techno"),      rec("Techno A", 132, 8, "dark", "techno"),
      rec("Techno B", 131, 8, "dark", "techno"),      rec("Hip-hop C", 90, 5, "chill", "hip-hop"),
      rec("Hip-hop D", 88, 5, "chill", "hip-hop"),    rec("House E", 122, 6, "bright", "house"),
  };
  records.push_back(rec("Techno B", 130, 8, "dark", "techno"));
  records.back()["similar_artists"] = {"Somebody", "Else"};  // its own (e.g. from the LLM) is kept
  fill_similar_artists_json(records);
  ASSERT_TRUE(records[0].contains("similar_artists"));
  const auto a = records[0]["similar_artists"].get<std::vector<std::string>>();
  ASSERT_GE(a.size(), 2u);
  EXPECT_LE(a.size(), 5u);
  EXPECT_EQ(a[0], "Techno B");
  EXPECT_EQ(std::find(a.begin(), a.end(), "Techno A"), a.end()) << "never the artist themself";
  EXPECT_EQ(records[3]["similar_artists"][0], "Hip-hop D");
  EXPECT_EQ(records[0]["provenance"]["similar_artists"], "local");
  EXPECT_EQ(records.back()["similar_artists"], nlohmann::json({"Somebody", "Else"}));

  std::vector<nlohmann::json> two = {rec("X", 120, 5, "dark", "house"), rec("Y", 120, 5, "dark", "house")};
  fill_similar_artists_json(two);
  EXPECT_FALSE(two[0].contains("similar_artists")) << "needs at least two other artists";
}

}  // namespace
}  // namespace codex::semantic
