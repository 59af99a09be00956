#include "codex/corpus/corpus.h"

#include <gtest/gtest.h>

#include "codex/corpus/schema.h"
#include "support/test_util.h"

namespace codex::corpus {
namespace {

analysis::TrackAnalysis fake_analysis(double duration, int version = 1) {
  analysis::TrackAnalysis a;
  a.info.container = "wav";
  a.info.codec = "pcm_s16le";
  a.info.native_rate_hz = 44100;
  a.info.source_channels = 2;
  a.info.tags = {{"title", "Song"}, {"artist", "Band"}, {"tbpm", "128"}, {"initialkey", "8A"}};
  a.stats.duration_s = duration;
  analysis::AnalyzerResult r;
  r.stamp = {"energy", version, "00000000000000aa"};
  r.output.values = {{"energy", 7}};
  r.output.confidence = 0.9;
  a.results.push_back(r);
  return a;
}

TEST(Corpus, CreatesSchemaAndReopens) {
  test::TempDir dir;
  const std::string path = dir.file("sub/dir/corpus.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ((*c)->schema_version(), static_cast<int>(migrations().size()));
    EXPECT_EQ((*c)->track_count(), 0);
  }
  auto again = Corpus::open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->schema_version(), static_cast<int>(migrations().size()));
}

TEST(Corpus, RefusesANewerSchemaAndGarbageFiles) {
  test::TempDir dir;
  {
    auto db = Database::open(dir.file("new.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("PRAGMA user_version=999").ok());
  }
  auto c = Corpus::open(dir.file("new.db"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("newer"), std::string::npos);
  test::write_bytes(dir.file("junk.db"), std::string(4096, 'x'));
  EXPECT_FALSE(Corpus::open(dir.file("junk.db")).ok());
}

TEST(Corpus, StoreFindListAndCurrency) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  const FileStamp f{"/music/a.wav", 1000, 42};
  ASSERT_TRUE(corpus.store("00112233aabbccdd", f, fake_analysis(61.5)).ok());
  EXPECT_EQ(corpus.track_count(), 1);
  EXPECT_EQ(corpus.track_for_file(f).value_or(""), "00112233aabbccdd");
  EXPECT_FALSE(corpus.track_for_file({"/music/a.wav", 1001, 42}).has_value()) << "size changed";
  EXPECT_FALSE(corpus.track_for_file({"/music/a.wav", 1000, 43}).has_value()) << "mtime changed";

  EXPECT_TRUE(corpus.is_current("00112233aabbccdd", {{"energy", 1, "00000000000000aa"}}));
  EXPECT_FALSE(corpus.is_current("00112233aabbccdd", {{"energy", 2, "00000000000000aa"}}));
  EXPECT_FALSE(corpus.is_current("00112233aabbccdd", {{"energy", 1, "00000000000000bb"}}));
  EXPECT_FALSE(corpus.is_current("00112233aabbccdd", {{"energy", 1, "00000000000000aa"}, {"tempo", 1, "x"}}));
  EXPECT_FALSE(corpus.is_current("ffffffffffffffff", {{"energy", 1, "00000000000000aa"}}));

  auto d = corpus.find("0011");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->summary.title, "Song");
  EXPECT_EQ(d->summary.artist, "Band");
  EXPECT_EQ(d->track["tag_bpm"].get<double>(), 128.0);
  EXPECT_EQ(d->track["tag_key"].get<std::string>(), "8A");
  EXPECT_EQ(d->analyses["energy"]["result"]["energy"].get<int>(), 7);
  EXPECT_TRUE(corpus.find("/music/a.wav").ok());
  EXPECT_FALSE(corpus.find("/music/other.wav").ok());
  EXPECT_FALSE(corpus.find("").ok());

  const auto list = corpus.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].energy.value_or(0), 7.0);
  EXPECT_FALSE(list[0].bpm.has_value());
}

TEST(Corpus, RestoringUpdatesInPlaceAndLocationsAccumulate) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  ASSERT_TRUE(corpus.store("aaaaaaaaaaaaaaaa", {"/m/a.mp3", 1, 1}, fake_analysis(60)).ok());
  ASSERT_TRUE(corpus.store("aaaaaaaaaaaaaaaa", {"/m/a.mp3", 1, 1}, fake_analysis(60, 2)).ok());
  ASSERT_TRUE(corpus.add_location("aaaaaaaaaaaaaaaa", {"/backup/a.mp3", 1, 1}).ok());
  EXPECT_EQ(corpus.track_count(), 1);
  EXPECT_EQ(corpus.location_count(), 2);
  auto d = corpus.find("aaaaaaaaaaaaaaaa");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->locations.size(), 2u);
  EXPECT_EQ(d->analyses["energy"]["version"].get<int>(), 2);
  // A path that now holds other audio moves to the new track.
  ASSERT_TRUE(corpus.store("bbbbbbbbbbbbbbbb", {"/m/a.mp3", 2, 2}, fake_analysis(30)).ok());
  EXPECT_EQ(corpus.location_count(), 2);
  EXPECT_EQ(corpus.find("/m/a.mp3")->summary.track_id, "bbbbbbbbbbbbbbbb");
}

TEST(Corpus, FailuresAreRecordedAndClearedBySuccess) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->record_failure("/m/bad.mp3", "not valid audio").ok());
  ASSERT_EQ((*c)->failures().size(), 1u);
  ASSERT_TRUE((*c)->store("cccccccccccccccc", {"/m/bad.mp3", 5, 5}, fake_analysis(10)).ok());
  EXPECT_TRUE((*c)->failures().empty());
}

TEST(Corpus, NonUtf8PathsAreStoredVerbatim) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  const std::string weird = "/m/caf\xe9 \xff.wav";
  ASSERT_TRUE((*c)->store("dddddddddddddddd", {weird, 5, 5}, fake_analysis(10)).ok());
  auto d = (*c)->find(weird);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->locations.size(), 1u);
  EXPECT_EQ(d->locations[0], weird);
}

}  // namespace
}  // namespace codex::corpus

namespace codex::corpus {
namespace {

analysis::TrackAnalysis with_energy(int energy) {
  analysis::TrackAnalysis a = fake_analysis(120.0);
  a.results[0].output.values = {{"energy", energy}, {"energy_score", energy}};
  return a;
}

TEST(Corpus, RecordsBuiltFromAnalysesAreCachedAndRebuiltWhenTheyChange) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  ASSERT_TRUE(corpus.store("aaaaaaaaaaaaaaaa", {"/m/a.wav", 1, 1}, with_energy(3)).ok());
  ASSERT_TRUE(corpus.store("bbbbbbbbbbbbbbbb", {"/m/b.wav", 1, 1}, with_energy(8)).ok());
  auto first = corpus.export_records();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["energy"], 3);
  EXPECT_TRUE(first[0].contains("provenance"));

  // Read back from the cache: the same records; the rank view leaves out provenance.
  auto again = corpus.export_records();
  EXPECT_EQ(again, first);
  auto slim = corpus.export_records(Corpus::RecordDetail::kRank);
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
  EXPECT_EQ(corpus.export_records(), first);
  {
    auto db = Database::open(dir.file("c.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("UPDATE local_records SET record = x'ff00ff', meta = x'00'").ok());
  }
  EXPECT_EQ(corpus.export_records(), first);

  // A new analysis, a new location and an imported record each show at once.
  ASSERT_TRUE(corpus.store("aaaaaaaaaaaaaaaa", {"/m/a.wav", 1, 1}, with_energy(6)).ok());
  ASSERT_TRUE(corpus.add_location("bbbbbbbbbbbbbbbb", {"/a/first.wav", 1, 1}).ok());
  auto changed = corpus.export_records();
  EXPECT_EQ(changed[0]["energy"], 6);
  EXPECT_EQ(changed[1]["file_path"], "/a/first.wav");
  Corpus::LlmReply reply;
  reply.track_id = "aaaaaaaaaaaaaaaa";
  reply.model = "m";
  reply.prompt_version = "p";
  reply.ok = true;
  reply.record = {{"vibe", "euphoric"}};
  ASSERT_TRUE(corpus.put_llm_reply(reply).ok());
  const auto described = corpus.export_records();
  EXPECT_EQ(described[0]["vibe"], "euphoric");
  EXPECT_EQ(described[0]["provenance"]["vibe"], "llm:m");
  ASSERT_TRUE(corpus.put_records({{{"track_id", "0000000000000000"}, {"title", "Imported"}, {"artist", "X"},
                                   {"bpm", 120}, {"key", "8A"}, {"energy", 5}}},
                                 "import")
                  .ok());
  const auto merged = corpus.export_records();
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0]["title"], "Imported") << "ordered by track id";
  EXPECT_EQ(merged[1]["track_id"], "aaaaaaaaaaaaaaaa");
}

}  // namespace
}  // namespace codex::corpus
