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
