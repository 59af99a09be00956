#include "codex/corpus/corpus.h"

#include <gtest/gtest.h>

#include "codex/corpus/check.h"
#include "support/faults.h"
#include "codex/corpus/schema.h"
#include "support/test_util.h"

namespace codex::corpus {
namespace {

TrackWrite fake_track(const std::string& id, const FileStamp& file, double duration, int version = 1) {
  TrackWrite w;
  w.track_id = id;
  w.file = file;
  w.title = "Song";
  w.artist = "Band";
  w.tag_bpm = 128;
  w.tag_key = "8A";
  w.container = "wav";
  w.codec = "pcm_s16le";
  w.sample_rate = 44100;
  w.channels = 2;
  w.tags = {{"title", "Song"}, {"artist", "Band"}, {"tbpm", "128"}, {"initialkey", "8A"}};
  w.duration_s = duration;
  w.results.push_back({{"energy", version, "00000000000000aa"}, 0.9, {{"energy", 7}}});
  return w;
}

TEST(Corpus, CreatesSchemaAndReopens) {
  test::TempDir dir;
  const std::string path = dir.file("sub/dir/corpus.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ((*c)->schema_version().value(), static_cast<int>(migrations().size()));
    EXPECT_EQ((*c)->tracks().count().value(), 0);
  }
  auto again = Corpus::open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->schema_version().value(), static_cast<int>(migrations().size()));
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
  ASSERT_TRUE(corpus.tracks().store(fake_track("00112233aabbccdd", f, 61.5)).ok());
  EXPECT_EQ(corpus.tracks().count().value(), 1);
  EXPECT_EQ(corpus.tracks().track_for_file(f).value().value_or(""), "00112233aabbccdd");
  EXPECT_FALSE(corpus.tracks().track_for_file({"/music/a.wav", 1001, 42}).value().has_value()) << "size changed";
  EXPECT_FALSE(corpus.tracks().track_for_file({"/music/a.wav", 1000, 43}).value().has_value()) << "mtime changed";

  EXPECT_TRUE(*corpus.analyses().is_current("00112233aabbccdd", {{"energy", 1, "00000000000000aa"}}));
  EXPECT_FALSE(*corpus.analyses().is_current("00112233aabbccdd", {{"energy", 2, "00000000000000aa"}}));
  EXPECT_FALSE(*corpus.analyses().is_current("00112233aabbccdd", {{"energy", 1, "00000000000000bb"}}));
  EXPECT_FALSE(*corpus.analyses().is_current("00112233aabbccdd", {{"energy", 1, "00000000000000aa"}, {"tempo", 1, "x"}}));
  EXPECT_FALSE(*corpus.analyses().is_current("ffffffffffffffff", {{"energy", 1, "00000000000000aa"}}));

  EXPECT_EQ(corpus.tracks().resolve("0011").value(), std::vector<std::string>{"00112233aabbccdd"});
  auto row = corpus.tracks().row("00112233aabbccdd");
  ASSERT_TRUE(row.ok() && row->has_value()) << row.status().message();
  EXPECT_EQ((*row)->title, "Song");
  EXPECT_EQ((*row)->artist, "Band");
  EXPECT_EQ((*row)->tag_bpm.value_or(0), 128.0);
  EXPECT_EQ((*row)->tag_key.value_or(""), "8A");
  EXPECT_EQ((*row)->first_path, "/music/a.wav");
  auto stored = corpus.analyses().of("00112233aabbccdd");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].result["energy"].get<int>(), 7);
  EXPECT_EQ((*stored)[0].version, 1);
  EXPECT_EQ(corpus.tracks().resolve("/music/a.wav")->size(), 1u);
  EXPECT_TRUE(corpus.tracks().resolve("/music/other.wav")->empty());
  EXPECT_TRUE(corpus.tracks().resolve("zz")->empty()) << "not hex: no prefix search";
  EXPECT_FALSE(corpus.tracks().row("ffff").value().has_value());
  std::vector<std::string> seen;
  ASSERT_TRUE(corpus.analyses()
                  .for_each_result({"energy", "tempo"},
                                   [&](const std::string& id, const std::string& analyzer, nlohmann::json&& r) {
                                     seen.push_back(id + "/" + analyzer + "/" + r["energy"].dump());
                                   })
                  .ok());
  EXPECT_EQ(seen, std::vector<std::string>{"00112233aabbccdd/energy/7"}) << "no tempo result stored";
  ASSERT_EQ(corpus.tracks().rows()->size(), 1u);
}

TEST(Corpus, RestoringUpdatesInPlaceAndLocationsAccumulate) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  ASSERT_TRUE(corpus.tracks().store(fake_track("aaaaaaaaaaaaaaaa", {"/m/a.mp3", 1, 1}, 60)).ok());
  ASSERT_TRUE(corpus.tracks().store(fake_track("aaaaaaaaaaaaaaaa", {"/m/a.mp3", 1, 1}, 60, 2)).ok());
  ASSERT_TRUE(corpus.tracks().add_location("aaaaaaaaaaaaaaaa", {"/backup/a.mp3", 1, 1}).ok());
  EXPECT_EQ(corpus.tracks().count().value(), 1);
  EXPECT_EQ(corpus.tracks().location_count().value(), 2);
  EXPECT_EQ(corpus.tracks().locations("aaaaaaaaaaaaaaaa")->size(), 2u);
  EXPECT_EQ(corpus.analyses().of("aaaaaaaaaaaaaaaa")->at(0).version, 2);
  // A path that now holds other audio moves to the new track.
  ASSERT_TRUE(corpus.tracks().store(fake_track("bbbbbbbbbbbbbbbb", {"/m/a.mp3", 2, 2}, 30)).ok());
  EXPECT_EQ(corpus.tracks().location_count().value(), 2);
  EXPECT_EQ(corpus.tracks().resolve("/m/a.mp3").value(), std::vector<std::string>{"bbbbbbbbbbbbbbbb"});
}

TEST(Corpus, FailuresAreRecordedAndClearedBySuccess) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->tracks().record_failure("/m/bad.mp3", "not valid audio").ok());
  ASSERT_EQ((*c)->tracks().failures()->size(), 1u);
  ASSERT_TRUE((*c)->tracks().store(fake_track("cccccccccccccccc", {"/m/bad.mp3", 5, 5}, 10)).ok());
  EXPECT_TRUE((*c)->tracks().failures()->empty());
}

TEST(Corpus, NonUtf8PathsAreStoredVerbatim) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  const std::string weird = "/m/caf\xe9 \xff.wav";
  ASSERT_TRUE((*c)->tracks().store(fake_track("dddddddddddddddd", {weird, 5, 5}, 10)).ok());
  auto ids = (*c)->tracks().resolve(weird);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  auto locations = (*c)->tracks().locations(ids->front());
  ASSERT_TRUE(locations.ok());
  ASSERT_EQ(locations->size(), 1u);
  EXPECT_EQ((*locations)[0], weird);
}

TEST(Corpus, LlmRepliesAndHistory) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  Corpus& corpus = **c;
  EXPECT_FALSE(corpus.llm_replies().has("t", "m", "p").value());
  EXPECT_FALSE(corpus.llm_replies().newest("t").value().has_value());
  LlmReply reply;
  reply.track_id = "t";
  reply.model = "m";
  reply.prompt_version = "p";
  reply.ok = true;
  reply.record = {{"vibe", "dark"}};
  ASSERT_TRUE(corpus.llm_replies().put(reply).ok());
  EXPECT_TRUE(corpus.llm_replies().has("t", "m", "p").value());
  EXPECT_FALSE(corpus.llm_replies().has("t", "m", "other").value());
  EXPECT_EQ(corpus.llm_replies().newest("t").value()->record["vibe"], "dark");
  ASSERT_TRUE(corpus.history().record_play("fri", "t").ok());
  ASSERT_TRUE(corpus.history().record_play("fri", "t").ok());
  EXPECT_EQ(corpus.history().played("fri").value(), std::vector<std::string>{"t"});
  EXPECT_TRUE(corpus.history().played("sat").value().empty());
}

TEST(Corpus, ImportedRecordsNeedAStringTrackId) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE((*c)->records().put({{{"title", "no id"}}}, "import").ok());
  EXPECT_FALSE((*c)->records().put({{{"track_id", 7}}}, "import").ok());
  EXPECT_EQ((*c)->records().count().value(), 0) << "nothing of a failed batch is written";
  ASSERT_TRUE((*c)->records().put({{{"track_id", "x"}, {"energy", 5}}}, "import").ok());
  std::vector<nlohmann::json> back;
  ASSERT_TRUE((*c)->records().for_each_imported([&](nlohmann::json&& r) { back.push_back(std::move(r)); }).ok());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["energy"], 5);
}

TEST(Corpus, ReadsOfADamagedCorpusAreErrorsNotEmptyAnswers) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 300; ++i) {
      char id[17];
      std::snprintf(id, sizeof id, "%016x", i);
      ASSERT_TRUE((*c)->tracks().store(fake_track(id, {"/m/" + std::string(id) + ".wav", 1, 1}, 10)).ok());
    }
  }
  {
    // Zero the tracks table's root page, as a bad disk block would.
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    auto st = (*db)->prepare("SELECT rootpage FROM sqlite_master WHERE name='tracks'");
    ASSERT_TRUE(st.ok() && st->step());
    const int64_t root = st->int64(0);
    auto ps = (*db)->prepare("PRAGMA page_size");
    ASSERT_TRUE(ps.ok() && ps->step());
    const int64_t page = ps->int64(0);
    *st = Statement();
    *ps = Statement();
    ASSERT_TRUE((*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    (*db).reset();
    std::string bytes = test::read_bytes(path);
    ASSERT_GE(static_cast<int64_t>(bytes.size()), root * page);
    std::fill(bytes.begin() + (root - 1) * page, bytes.begin() + root * page, '\0');
    test::write_bytes(path, bytes);
  }
  auto c = Corpus::open(path);
  ASSERT_TRUE(c.ok()) << "the schema pages are intact";
  auto rows = (*c)->tracks().rows();
  EXPECT_FALSE(rows.ok()) << "a damaged table must not read as " << (rows.ok() ? rows->size() : 0) << " rows";
  EXPECT_FALSE((*c)->tracks().row("0000000000000005").ok());
}

}  // namespace
}  // namespace codex::corpus


namespace codex::corpus {
namespace {

// Sets a fault plan for one test and always clears it, even when an assertion returns early.
struct FaultPlan {
  explicit FaultPlan(faults::Plan p) { faults::set(p); }
  ~FaultPlan() { faults::set({}); }
};

// A corpus at `path` holding `n` fake tracks (ids id1000, id1001, ...).
void store_fake_tracks(const std::string& path, int n) {
  auto c = Corpus::open(path);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < n; ++i) {
    const std::string id = "id" + std::to_string(1000 + i);
    ASSERT_TRUE((*c)->tracks().store(fake_track(id, {"/m/" + id + ".wav", 10, 1}, 60)).ok());
  }
}

TEST(Faults, PlansParseAndBadOnesAreRefused) {
  auto p = faults::parse("full@12");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, faults::Kind::kFull);
  EXPECT_EQ(p->after, 12);
  EXPECT_FALSE(p->once);
  p = faults::parse("corrupt@0+once");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, faults::Kind::kCorrupt);
  EXPECT_TRUE(p->once);
  EXPECT_EQ(faults::describe(*p), "corrupt@0+once");
  EXPECT_EQ(faults::parse("none")->kind, faults::Kind::kNone);
  for (const char* bad : {"full", "full@", "full@-1", "full@1x", "disk@3", "@3", "full@3+twice",
                          "full@99999999999999999999", "read@3+once+once"}) {
    EXPECT_FALSE(faults::parse(bad).ok()) << bad;
  }
}

TEST(Faults, AnInjectedFullDiskFailsTheWriteAndLeavesTheCorpusAsItWas) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->tracks().store(fake_track("aaaa", {"/m/a.wav", 10, 1}, 60)).ok());
  }
  {
    FaultPlan plan({faults::Kind::kFull, 0, false});
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok()) << c.status().message();
    const Status s = (*c)->tracks().store(fake_track("bbbb", {"/m/b.wav", 10, 1}, 60));
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("full"), std::string::npos) << s.message();
    EXPECT_GT(faults::injected(), 0);
  }
  EXPECT_EQ(faults::vfs_name(), nullptr);
  auto c = Corpus::open(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->tracks().count().value(), 1);
}

TEST(Faults, AZeroedPageIsAnErrorNeverAShortAnswer) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  ASSERT_NO_FATAL_FAILURE(store_fake_tracks(path, 200));
  // The corpus opens whole; then every page read of the database file comes back zeroed.
  faults::install();
  auto c = Corpus::open(path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  FaultPlan plan({faults::Kind::kCorrupt, 0, false});
  auto n = (*c)->tracks().count();
  EXPECT_GT(faults::injected(), 0) << "no page was read: the test proved nothing";
  ASSERT_FALSE(n.ok()) << "a count of " << *n << " from zeroed pages";
  EXPECT_NE(n.status().message().find("malformed"), std::string::npos) << n.status().message();
}

}  // namespace
}  // namespace codex::corpus

namespace codex::corpus {
namespace {

void zeroed_leaf_loses_only_its_rows(bool first_leaf) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  ASSERT_NO_FATAL_FAILURE(store_fake_tracks(path, 400));
  // Zero one leaf page of the tracks table, in the middle: the page holding rowid 200.
  int64_t page = 0, page_size = 0;
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    auto st = (*db)->prepare("SELECT pageno FROM dbstat WHERE name='tracks' AND pagetype='leaf' ORDER BY pageno");
    ASSERT_TRUE(st.ok()) << "SQLite built without dbstat";
    std::vector<int64_t> leaves;
    while (st->step()) leaves.push_back(st->int64(0));
    ASSERT_GE(leaves.size(), 3u);
    page = first_leaf ? leaves.front() : leaves[leaves.size() / 2];
    auto ps = (*db)->prepare("PRAGMA page_size");
    ASSERT_TRUE(ps->step());
    page_size = ps->int64(0);
  }
  std::string bytes = test::read_bytes(path);
  std::fill(bytes.begin() + (page - 1) * page_size, bytes.begin() + page * page_size, '\0');
  test::write_bytes(path, bytes);

  auto damaged = check(path);
  ASSERT_TRUE(damaged.ok());
  EXPECT_FALSE(damaged->ok);
  EXPECT_FALSE(damaged->problems.empty());

  auto r = salvage(path, dir.file("fresh.db"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const TableSalvage& tracks = r->tables.at(0);
  EXPECT_EQ(tracks.table, "tracks");
  EXPECT_EQ(tracks.damaged, 1);
  EXPECT_GT(tracks.kept, 300) << "one page lost more than its rows";
  EXPECT_LT(tracks.kept, 400);
  // The locations of the lost tracks come back as files to analyse again.
  EXPECT_EQ(static_cast<int64_t>(r->orphan_paths.size()), 400 - tracks.kept);
  auto fresh = check(dir.file("fresh.db"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->ok);
  EXPECT_EQ(fresh->tracks, tracks.kept);
  // Salvage never overwrites.
  EXPECT_FALSE(salvage(path, dir.file("fresh.db")).ok());
}

TEST(Salvage, AZeroedLeafPageLosesOnlyItsRows) { zeroed_leaf_loses_only_its_rows(false); }
// The first leaf holds the lowest rowids: stepping over it must still reach the rest (rowids start
// far above the smallest int64 where the search begins).
TEST(Salvage, AZeroedFirstLeafLosesOnlyItsRows) { zeroed_leaf_loses_only_its_rows(true); }

TEST(Salvage, AnIoErrorStopsItInsteadOfDroppingRows) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->tracks().store(fake_track("aaaa", {"/m/a.wav", 10, 1}, 60)).ok());
  }
  // One failed read at every point in turn: salvage either copies everything or stops with the
  // error; an I/O error is never taken for damage (rows dropped, ranges skipped).
  for (int n = 0; n < 60; ++n) {
    SCOPED_TRACE(n);
    std::filesystem::remove(dir.file("fresh.db"));
    FaultPlan plan({faults::Kind::kReadError, n, true});
    auto r = salvage(path, dir.file("fresh.db"));
    if (r.ok()) {
      EXPECT_EQ(r->tables.at(0).kept, 1);
      EXPECT_EQ(r->tables.at(0).damaged, 0);
    } else {
      EXPECT_NE(r.status().message().find("I/O"), std::string::npos) << r.status().message();
    }
  }
}

// A corpus from before a table existed: the table is skipped, not called damaged, and the rows
// of the others are kept. A row whose track is lost is dropped and its path kept.
TEST(Salvage, ACorpusFromBeforeATableExistedKeepsEverythingElse) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->tracks().store(fake_track("aaaa", {"/m/a.wav", 10, 1}, 60)).ok());
    ASSERT_TRUE((*c)->tracks().store(fake_track("bbbb", {"/m/b.wav", 10, 1}, 60)).ok());
  }
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("PRAGMA foreign_keys=OFF").ok());
    ASSERT_TRUE((*db)->exec("DROP TABLE transitions").ok());
    ASSERT_TRUE((*db)->exec("DELETE FROM tracks WHERE track_id = 'bbbb'").ok());
  }
  auto r = salvage(path, dir.file("fresh.db"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  bool saw_transitions = false;
  for (const TableSalvage& t : r->tables) {
    EXPECT_FALSE(t.unreadable) << t.table;
    EXPECT_EQ(t.damaged, 0) << t.table;
    if (t.table == "transitions") saw_transitions = true;
    if (t.table == "tracks") EXPECT_EQ(t.kept, 1);
    if (t.table == "locations") {
      EXPECT_EQ(t.kept, 1);
      EXPECT_EQ(t.dropped, 1);
    }
  }
  EXPECT_TRUE(saw_transitions);
  EXPECT_EQ(r->orphan_paths, std::vector<std::string>{"/m/b.wav"});
  auto fresh = check(dir.file("fresh.db"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->ok);
  EXPECT_EQ(fresh->tracks, 1);
}

TEST(Adaptations, InstalledWithTheirResultsRemovedAndKeptBySalvage) {
  test::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto c = Corpus::open(path);
    ASSERT_TRUE(c.ok());
    TrackWrite w;
    w.track_id = "t";
    w.file = {"/m/t.wav", 1, 1};
    w.results.push_back({{"tempo", 5, "h"}, 0.5, {{"bpm", 87.0}}});
    ASSERT_TRUE((*c)->tracks().store(w));
    auto none = (*c)->analyses().adaptation("tempo");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->is_null());
    const nlohmann::json model = {{"format", "x"}, {"theta", {1, 2}}};
    auto changed = (*c)->analyses().install_adaptation(
        "tempo", model, [](const std::string& id, const nlohmann::json& r) -> std::optional<nlohmann::json> {
          if (id != "t" || r["bpm"] != 87.0) return std::nullopt;
          return nlohmann::json{{"bpm", 174.0}};
        });
    ASSERT_TRUE(changed);
    EXPECT_EQ(*changed, 1u);
    EXPECT_EQ(*(*c)->analyses().adaptation("tempo"), model);
    EXPECT_EQ((*(*c)->analyses().of("t"))[0].result["bpm"], 174.0);
  }
  auto r = salvage(path, dir.file("fresh.db"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto fresh = Corpus::open(dir.file("fresh.db"));
  ASSERT_TRUE(fresh.ok());
  auto kept = (*fresh)->analyses().adaptation("tempo");
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)["theta"], nlohmann::json({1, 2}));
  ASSERT_TRUE((*fresh)->analyses().install_adaptation("tempo", nullptr, nullptr));
  EXPECT_TRUE((*fresh)->analyses().adaptation("tempo")->is_null());
}

}  // namespace
}  // namespace codex::corpus

namespace codex::corpus {
namespace {

TEST(Transitions, FromSessionsAndTheBoothsAccepts) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  HistoryStore& h = (*c)->history();
  ASSERT_TRUE(h.record_play("Friday", "a"));
  ASSERT_TRUE(h.record_play("Friday", "b"));
  ASSERT_TRUE(h.record_play("Friday", "b"));  // the same track again is no transition
  ASSERT_TRUE(h.record_play("Saturday", "c"));  // another set: nothing before it
  ASSERT_TRUE(h.record_feedback("Friday", {"d", "accept", "b", ""}));
  ASSERT_TRUE(h.record_feedback("Friday", {"e", "skip", "b", ""}));  // a skip is no transition
  auto from_a = (*c)->dj().transitions_from("a");
  ASSERT_TRUE(from_a);
  ASSERT_EQ(from_a->size(), 1u);
  EXPECT_EQ((*from_a)[0].to, "b");
  EXPECT_EQ((*from_a)[0].source, "codex");
  EXPECT_EQ((*from_a)[0].set, "Friday");
  auto from_b = (*c)->dj().transitions_from("b");
  ASSERT_TRUE(from_b);
  ASSERT_EQ(from_b->size(), 1u);
  EXPECT_EQ((*from_b)[0].to, "d");
  EXPECT_EQ((*from_b)[0].source, "booth");
  auto n = (*c)->dj().transition_count();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  auto last = (*c)->dj().last_played();
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->count("a") && last->count("c") && last->count("d"));
  EXPECT_FALSE(last->count("e"));
}

TEST(DjStore, ImportReplacesASourceAndMatchesLater) {
  test::TempDir dir;
  auto c = Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  DjStore& dj = (*c)->dj();
  std::vector<DjTrackRow> tracks(2);
  tracks[0].path = "/m/a.mp3";
  tracks[0].location = "file://localhost/m/a.mp3";
  tracks[0].track_id = "A";
  tracks[0].bpm = 128;
  tracks[1].path = "/m/b.mp3";
  tracks[1].location = "/m/b.mp3";
  DjListRow hist;
  hist.kind = "history";
  hist.name = "2024-05-01";
  hist.date = "2024-05-01";
  hist.entries = {{"/m/a.mp3", "A", "2024-05-01T21:00:00Z"}, {"/m/b.mp3", std::nullopt, ""}};
  ASSERT_TRUE(dj.replace_import("/dj/collection.nml", "traktor", tracks, {hist}));
  ASSERT_TRUE(dj.replace_import("/dj/collection.nml", "traktor", tracks, {hist}));  // twice: still one of each
  auto rows = dj.tracks();
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 2u);
  auto lists = dj.lists(true);
  ASSERT_TRUE(lists);
  ASSERT_EQ(lists->size(), 1u);
  EXPECT_EQ((*lists)[0].entries.size(), 2u);
  EXPECT_EQ(*dj.transition_count(), 0);
  EXPECT_EQ(*dj.unmatched_paths(), std::vector<std::string>{"/m/b.mp3"});
  ASSERT_TRUE(dj.set_matches({{"/m/b.mp3", "B"}}));
  auto from = dj.transitions_from("A");
  ASSERT_TRUE(from);
  ASSERT_EQ(from->size(), 1u);
  EXPECT_EQ((*from)[0].to, "B");
  EXPECT_EQ((*from)[0].at, "2024-05-01");  // B's own time is unknown: the set's date
  EXPECT_TRUE(dj.unmatched_paths()->empty());
  EXPECT_EQ(dj.tracks_of("B")->size(), 1u);
  // The pairs and co-members the embedding trains on: the history is a pair, not a crate.
  EXPECT_EQ(*dj.all_transition_pairs(), (std::vector<std::pair<std::string, std::string>>{{"A", "B"}}));
  EXPECT_TRUE(dj.co_members(100)->empty());
  DjListRow crate;
  crate.kind = "crate";
  crate.name = "Peak";
  crate.entries = {{"/m/a.mp3", "A", ""}, {"/m/b.mp3", "B", ""}, {"/m/c.mp3", std::nullopt, ""}};
  ASSERT_TRUE(dj.replace_import("/dj/_Serato_", "serato", {}, {crate}));
  EXPECT_EQ(*dj.co_members(100), (std::vector<std::vector<std::string>>{{"A", "B"}}));
  EXPECT_TRUE(dj.co_members(2)->empty()) << "a list longer than the limit says little";
  EXPECT_EQ(*dj.members("peak"), (std::vector<std::string>{"A", "B"}));
}

}  // namespace
}  // namespace codex::corpus
