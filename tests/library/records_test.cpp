// Building records: analysed tracks get CODEX's own measurements plus the local fill, cached in the
// corpus and rebuilt when anything they were built from changes; LLM replies and imported records
// are merged in track-id order.
#include "codex/library/records.h"

#include <gtest/gtest.h>

#include "codex/library/analyze_job.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

using corpus::Corpus;
using corpus::Database;
using nlohmann::json;

analysis::TrackAnalysis with_energy(int energy) {
  analysis::TrackAnalysis a;
  a.info.container = "wav";
  a.info.codec = "pcm_s16le";
  a.info.native_rate_hz = 44100;
  a.info.source_channels = 2;
  a.info.tags = {{"title", "Song"}, {"artist", "Band"}};
  a.stats.duration_s = 120.0;
  analysis::AnalyzerResult r;
  r.stamp = {"energy", 1, "00000000000000aa"};
  r.output.values = {{"energy", energy}, {"energy_score", energy}};
  r.output.confidence = 0.9;
  a.results.push_back(r);
  return a;
}

std::vector<json> export_all(Corpus& corpus, RecordDetail detail = RecordDetail::kFull) {
  auto records = all_records(corpus, detail);
  EXPECT_TRUE(records.ok()) << records.status().message();
  std::vector<json> out;
  if (records.ok()) {
    for (const auto& r : *records) out.push_back(schema::to_json(r));
  }
  return out;
}

TEST(Records, BuiltFromAnalysesAreCachedAndRebuiltWhenTheyChange) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  ASSERT_TRUE(corpus.tracks().store(track_write("aaaaaaaaaaaaaaaa", {"/m/a.wav", 1, 1}, with_energy(3))).ok());
  ASSERT_TRUE(corpus.tracks().store(track_write("bbbbbbbbbbbbbbbb", {"/m/b.wav", 1, 1}, with_energy(8))).ok());
  auto first = export_all(corpus);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["energy"], 3);
  EXPECT_TRUE(first[0].contains("provenance"));

  // Read back from the cache: the same records; the rank view leaves out provenance.
  auto again = export_all(corpus);
  EXPECT_EQ(again, first);
  auto slim = export_all(corpus, RecordDetail::kRank);
  ASSERT_EQ(slim.size(), 2u);
  EXPECT_FALSE(slim[0].contains("provenance"));
  EXPECT_FALSE(slim[0].contains("field_confidence"));
  EXPECT_EQ(slim[1]["energy"], 8);
  {
    auto db = Database::open(dir.file("c.db"));
    ASSERT_TRUE(db.ok());
    auto n = (*db)->prepare("SELECT COUNT(*) FROM local_records");
    ASSERT_TRUE(n.ok() && n->step());
    EXPECT_EQ(n->int64(0), 2);
  }

  // A damaged cache entry is rebuilt, not trusted.
  {
    auto db = Database::open(dir.file("c.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("UPDATE local_records SET meta = x'ff'").ok());
  }
  EXPECT_EQ(export_all(corpus), first);
  {
    auto db = Database::open(dir.file("c.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("UPDATE local_records SET record = x'ff00ff', meta = x'00'").ok());
  }
  EXPECT_EQ(export_all(corpus), first);

  // A new analysis, a new location and an imported record each show at once.
  ASSERT_TRUE(corpus.tracks().store(track_write("aaaaaaaaaaaaaaaa", {"/m/a.wav", 1, 1}, with_energy(6))).ok());
  ASSERT_TRUE(corpus.tracks().add_location("bbbbbbbbbbbbbbbb", {"/a/first.wav", 1, 1}).ok());
  auto changed = export_all(corpus);
  EXPECT_EQ(changed[0]["energy"], 6);
  EXPECT_EQ(changed[1]["file_path"], "/a/first.wav");
  corpus::LlmReply reply;
  reply.track_id = "aaaaaaaaaaaaaaaa";
  reply.model = "m";
  reply.prompt_version = "p";
  reply.ok = true;
  // An LLM reply replaces guesses, never what was measured or derived here (nor the sound).
  reply.record = {{"vibe", "euphoric"}, {"acoustic_summary", "AAAA"}, {"acoustic", {{"model", "x"}, {"vector", "AAAA"}}},
                  {"embedding", "no"}};
  ASSERT_TRUE(corpus.llm_replies().put(reply).ok());
  const auto described = export_all(corpus);
  EXPECT_EQ(described[0]["vibe"], "euphoric");
  EXPECT_EQ(described[0]["provenance"]["vibe"], "llm:m");
  EXPECT_FALSE(described[0].contains("acoustic_summary")) << "this track has no acoustic analysis";
  EXPECT_FALSE(described[0].contains("acoustic"));
  EXPECT_FALSE(described[0].contains("embedding"));
  ASSERT_TRUE(corpus.records().put({{{"track_id", "0000000000000000"}, {"title", "Imported"}, {"artist", "X"},
                                   {"bpm", 120}, {"key", "8A"}, {"energy", 5}}},
                                 "import")
                  .ok());
  const auto merged = export_all(corpus);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0]["title"], "Imported") << "ordered by track id";
  EXPECT_EQ(merged[1]["track_id"], "aaaaaaaaaaaaaaaa");
}


TEST(Records, AMeasuredTempoOutsideTheSchemaRangeIsKeptBesideANullBpm) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  analysis::TrackAnalysis a = with_energy(5);
  analysis::AnalyzerResult t;
  t.stamp = {"tempo", 1, "x"};
  t.output.values = {{"bpm", 230.0}, {"bpm_confidence", 0.4}, {"beat_grid", {{"first_beat_s", 0.25}}}};
  a.results.push_back(t);
  ASSERT_TRUE((*c)->tracks().store(track_write("aaaaaaaaaaaaaaaa", {"/m/a.wav", 1, 1}, a)).ok());
  auto r = build_record(**c, "aaaaaaaaaaaaaaaa");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->bpm.is_null());
  EXPECT_EQ(r->extra["bpm_measured"], 230.0);
  EXPECT_EQ(r->extra["beat_grid"]["first_beat_s"], 0.25);
  EXPECT_EQ(r->provenance->at("bpm"), "local");
  EXPECT_EQ(*r->energy, 5);
}

TEST(Records, MeasurementsComeFromTheTypedResultsAndTheTrackRow) {
  corpus::TrackRow row;
  row.codec = "mp3";
  row.genre = "house";
  row.bit_rate = 128000;
  row.sample_rate = 44100;
  const auto results = analysis::read_results(
      {{"tempo", {{"bpm", 124.0}, {"tempo_feel", "straight"}, {"beat_grid", {{"steady", true}}}}},
       {"key", {{"key", "8A"}, {"key_confidence", 0.7}}},
       {"loudness", {{"integrated_lufs", nullptr}}},
       {"energy", {{"energy", 6}, {"envelope_db", {-10.0, "x", -12.0}}, {"envelope_hop_s", 0.5}}},
       {"timbre", {{"band_share", {{"sub", 0.11}, {"bass", 0.12}, {"low_mid", 0.13}, {"mid", 0.14}, {"high_mid", 0.15},
                                   {"high", 0.16}}},
                   {"onset_rate_hz", {{"kick", 1.1}, {"snare", 1.2}, {"hat", 1.3}}},
                   {"stable_partial_share", 0.21}, {"rolloff_spread_oct", 0.22}, {"flatness", 0.23}, {"crest_db", 11.5},
                   {"bandwidth_hz", 9000}, {"vocals", {{"presence", "female"}, {"style", "singing"}}}}}});
  const semantic::Measurements m = measurements_of(results, row);
  EXPECT_EQ(m.bpm.value_or(0), 124.0);
  EXPECT_EQ(m.steady_grid.value_or(false), true);
  EXPECT_EQ(m.key.value_or(""), "8A");
  EXPECT_FALSE(m.lufs.has_value());
  EXPECT_TRUE(results.has_loudness);
  EXPECT_EQ(m.envelope_db.size(), 2u) << "non-numbers are skipped";
  EXPECT_EQ(m.envelope_hop_s, 0.5);
  EXPECT_EQ(m.codec, "mp3");
  EXPECT_EQ(m.genre_tag, "house");
  EXPECT_EQ(m.bit_rate, 128000);
  ASSERT_TRUE(m.timbre.has_value());
  // Every field its own value, so a field copied into another's place shows.
  const semantic::TimbreEvidence& t = *m.timbre;
  EXPECT_EQ(std::vector<double>({t.sub, t.bass, t.low_mid, t.mid, t.high_mid, t.high}),
            std::vector<double>({0.11, 0.12, 0.13, 0.14, 0.15, 0.16}));
  EXPECT_EQ(std::vector<double>({t.kick_hz, t.snare_hz, t.hat_hz}), std::vector<double>({1.1, 1.2, 1.3}));
  EXPECT_EQ(std::vector<double>({t.stable_partial_share, t.rolloff_spread_oct, t.flatness, t.crest_db, t.bandwidth_hz}),
            std::vector<double>({0.21, 0.22, 0.23, 11.5, 9000}));
  EXPECT_EQ(m.timbre->vocal_presence.value_or(""), "female");
  EXPECT_EQ(m.timbre->vocal_style, "singing");
  EXPECT_EQ(m.timbre->vocal_confidence, 0.3) << "the analyzer's default when it wrote none";
}

}  // namespace
}  // namespace codex::library
