#include "codex/library/snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "codex/library/jsonl.h"
#include "codex/library/live.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

const char* kVibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
const char* kGenres[] = {"Techno", "House", "Drum & Bass", "Ambient"};
const char* kMoods[] = {"driving", "melancholic", "uplifting", "tense"};

nlohmann::json record_json(int i, std::mt19937& rng) {
  std::uniform_real_distribution<double> bpm(118, 132);
  std::uniform_int_distribution<int> key(1, 12), energy(1, 10), pick(0, 100);
  nlohmann::json r = {{"track_id", "t" + std::to_string(1000 + i)},
                      {"title", "Title " + std::to_string(i)},
                      {"artist", "Artist " + std::to_string(i % 7)},
                      {"key", std::to_string(key(rng)) + (pick(rng) % 2 ? "A" : "B")},
                      {"energy", energy(rng)},
                      {"vibe", kVibes[pick(rng) % 6]},
                      {"genre", kGenres[pick(rng) % 4]},
                      {"mood_tags", {kMoods[i % 4], kMoods[(i + 1) % 4], kMoods[(i + 2) % 4]}},
                      {"duration_seconds", 200 + pick(rng)}};
  r["bpm"] = i % 9 != 0 ? nlohmann::json(std::round(bpm(rng) * 10) / 10) : nlohmann::json(nullptr);  // some unknown
  if (i % 5 == 0) r["vocal_presence"] = "female";
  if (i % 3 == 0) r["mix_in_ease"] = 1 + pick(rng) % 10;
  return r;
}

std::vector<schema::TrackRecord> library_of(int n, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::vector<schema::TrackRecord> out;
  for (int i = 0; i < n; ++i) out.push_back(schema::from_json(record_json(i, rng)));
  return out;
}

void write_jsonl(const std::string& path, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::ofstream f(path);
  for (int i = 0; i < n; ++i) f << record_json(i, rng).dump() << "\n";
}

std::vector<std::pair<std::string, double>> answer(const Result<RecommendResponse>& r) {
  std::vector<std::pair<std::string, double>> out;
  if (!r.ok()) return {{"error: " + r.status().message(), 0}};
  for (size_t k = 0; k < r->ranked.results.size(); ++k) out.push_back({r->tracks[k].track_id, r->ranked.results[k].score});
  return out;
}

// A corpus at dir/c.db holding `n` imported records (ids t1000...).
Result<std::unique_ptr<corpus::Corpus>> imported_corpus(test::TempDir& dir, int n, unsigned seed) {
  write_jsonl(dir.file("in.jsonl"), n, seed);
  auto c = corpus::Corpus::open(dir.file("c.db"));
  if (!c) return c.status();
  auto rep = import_jsonl(**c, dir.file("in.jsonl"));
  if (!rep) return rep.status();
  return c;
}

// What `codex recommend` does: through the library service over the corpus at `db`.
Result<RecommendResponse> live_recommend(const std::string& db, const RecommendRequest& req) {
  auto lib = LiveLibrary::open(db);
  if (!lib) return lib.status();
  auto a = (*lib)->recommend(req);
  if (!a) return a.status();
  return std::move(a->response);
}

void flip_byte(const std::string& path, size_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(&c, 1);
}

TEST(Snapshot, HoldsWhatTheRecordsSayAndRecommendsTheSame) {
  test::TempDir dir;
  const auto records = library_of(300);
  ASSERT_TRUE(write_snapshot(dir.file("s"), "stamp1", records).ok());
  auto snap = Snapshot::map(dir.file("s"), "stamp1");
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  ASSERT_EQ((*snap)->size(), records.size());
  const LoadedLibrary loaded = load_library(records);
  for (size_t i = 0; i < records.size(); ++i) {
    const rank::TrackFeatures a = (*snap)->features(i), &b = loaded.features[i];
    EXPECT_EQ(a.track_id, b.track_id);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.genre, b.genre);
    EXPECT_EQ(a.bpm, b.bpm);
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.energy, b.energy);
    EXPECT_EQ(a.vibe, b.vibe);
    EXPECT_EQ(a.vocal_presence, b.vocal_presence);
    EXPECT_EQ(a.mix_in, b.mix_in);
    EXPECT_EQ(a.moods, b.moods);
    const embed::Vector v = embed::embed_record(records[i]);
    embed::Vector m{};
    ASSERT_TRUE((*snap)->index().vector(static_cast<uint32_t>(i), m.data()));
    EXPECT_EQ(v, m);
  }
  EXPECT_EQ((*snap)->vocabulary().genres, loaded.vocabulary.genres);
  EXPECT_EQ((*snap)->vocabulary().moods, loaded.vocabulary.moods);
  int compared = 0;
  for (const char* prompt : {"", "darker", "more energy", "something chill, any key", "techno with vocals"}) {
    for (const char* mode : {"full", "features", "embedding"}) {
      for (size_t cur : {0, 17, 123, 299}) {
        RecommendRequest req;
        req.current = records[cur].track_id.value_or("");
        req.prompt = prompt;
        req.top = 8;
        req.mode = std::string(mode) == "full"       ? rank::Mode::kFull
                   : std::string(mode) == "features" ? rank::Mode::kFeatures
                                                     : rank::Mode::kEmbedding;
        const auto from_memory = answer(recommend(loaded, req));
        EXPECT_EQ(answer(recommend(**snap, req)), from_memory) << prompt << " / " << mode << " / " << cur;
        EXPECT_FALSE(from_memory.empty());
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 60);
}

TEST(Snapshot, AnyDamageOrAnotherStampIsRefused) {
  test::TempDir dir;
  const std::string path = dir.file("s");
  ASSERT_TRUE(write_snapshot(path, "stamp1", library_of(50)).ok());
  const std::string good = test::read_bytes(path);
  auto stale = Snapshot::map(path, "stamp2");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().message(), "stale");
  EXPECT_EQ(Snapshot::map(dir.file("none"), "stamp1").status().message(), "missing");
  // Every 61st byte flipped in turn: the map is refused, or (in the float vectors, checked when
  // read) recommend reports the damage; never a silently different answer.
  size_t refused = 0, caught_later = 0, padding = 0;
  for (size_t at = 0; at < good.size(); at += 61) {
    test::write_bytes(path, good);
    flip_byte(path, at);
    auto s = Snapshot::map(path, "stamp1");
    if (!s.ok()) {
      EXPECT_EQ(s.status().message().find('\n'), std::string::npos);
      ++refused;
      continue;
    }
    bool all_fine = true;
    embed::Vector v{};
    for (uint32_t i = 0; i < (*s)->size(); ++i) all_fine = (*s)->index().vector(i, v.data()) && all_fine;
    if (!all_fine) {
      EXPECT_TRUE((*s)->index().damaged());
      ++caught_later;
    } else {
      ++padding;  // between sections, where nothing is read
    }
  }
  EXPECT_GT(refused, 50u);
  EXPECT_LT(padding, refused / 10);
  EXPECT_GT(caught_later, 5u);
  // Truncated anywhere.
  for (size_t len : {size_t{0}, size_t{100}, size_t{511}, size_t{600}, good.size() / 2, good.size() - 1}) {
    test::write_bytes(path, good.substr(0, len));
    EXPECT_FALSE(Snapshot::map(path, "stamp1").ok()) << len;
  }
}

TEST(Snapshot, TheCorpusSnapshotIsBuiltOnceAndRebuiltWhenStaleOrDamaged) {
  test::TempDir dir;
  write_jsonl(dir.file("in.jsonl"), 120, 3);
  auto c = corpus::Corpus::open(dir.file("c.db"));
  ASSERT_TRUE(c.ok());
  auto rep = import_jsonl(**c, dir.file("in.jsonl"));
  ASSERT_TRUE(rep.ok());
  ASSERT_EQ(rep->imported, 120u) << (rep->errors.empty() ? "" : rep->errors[0].reason);
  SnapshotInfo info;
  ASSERT_TRUE(open_snapshot(**c, &info).ok());
  EXPECT_TRUE(info.rebuilt);
  EXPECT_EQ(info.why, "missing");
  info = {};
  auto again = open_snapshot(**c, &info);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(info.rebuilt) << info.why;
  EXPECT_EQ((*again)->size(), 120u);

  RecommendRequest req;
  req.current = "t1005";
  req.prompt = "darker";
  const auto before = answer(live_recommend(dir.file("c.db"), req));
  auto loaded = load_library(**c);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(before, answer(recommend(*loaded, req)));

  // A new import makes it stale.
  write_jsonl(dir.file("in.jsonl"), 130, 3);
  ASSERT_TRUE(import_jsonl(**c, dir.file("in.jsonl")).ok());
  info = {};
  auto grown = open_snapshot(**c, &info);
  ASSERT_TRUE(grown.ok());
  EXPECT_TRUE(info.rebuilt);
  EXPECT_EQ(info.why, "stale");
  EXPECT_EQ((*grown)->size(), 130u);
  grown->reset();

  // Damage across every section is refused when mapped: recommend rebuilds and answers as before.
  const std::string path = snapshot_path_for(dir.file("c.db"));
  const auto full = answer(live_recommend(dir.file("c.db"), req));
  const std::string bytes = test::read_bytes(path);
  for (size_t at = 512; at + 4 < bytes.size(); at += 4096) flip_byte(path, at);
  EXPECT_EQ(answer(live_recommend(dir.file("c.db"), req)), full);
  info = {};
  ASSERT_TRUE(open_snapshot(**c, &info).ok());
  EXPECT_FALSE(info.rebuilt) << "rebuilt by the recommend above";

  // Damage in the float vectors only: the map is accepted (they are checked as they are read),
  // the damaged vector is found by recommend, which rebuilds the snapshot and asks again.
  auto mapped = open_snapshot(**c);
  ASSERT_TRUE(mapped.ok());
  const auto [vec_at, vec_bytes] = (*mapped)->vectors_range();
  const size_t current = *(*mapped)->find("t1005");
  mapped->reset();
  const size_t row = sizeof(float) * static_cast<size_t>(embed::kDims);
  flip_byte(path, vec_at + current * row + 17);  // the current track's own vector
  for (size_t at = vec_at + 1; at < vec_at + vec_bytes; at += row) flip_byte(path, at);  // and every other one
  auto damaged = Snapshot::map(path, *snapshot_stamp(**c));
  ASSERT_TRUE(damaged.ok()) << damaged.status().message();
  embed::Vector v{};
  EXPECT_FALSE((*damaged)->index().vector(static_cast<uint32_t>(current), v.data()));
  EXPECT_TRUE((*damaged)->index().damaged());
  EXPECT_FALSE(recommend(**damaged, req).ok()) << "a damaged vector is never used";
  damaged->reset();
  RecommendRequest in_set = req;
  in_set.session = "gig";
  EXPECT_EQ(answer(live_recommend(dir.file("c.db"), in_set)), full);
  auto plays = c->get()->history().plays("gig");
  ASSERT_TRUE(plays.ok());
  EXPECT_EQ(plays->size(), 0u) << "asking never writes the set (library/live.h)";
  info = {};
  ASSERT_TRUE(open_snapshot(**c, &info).ok());
  EXPECT_FALSE(info.rebuilt);

  // A run killed while writing the snapshot left its temporary file: the next build removes it
  // (its process is gone), never one of a process still running.
  test::write_bytes(path + ".tmp-4194300", "half a snapshot");
  test::write_bytes(path + ".tmp-1", "pid 1 is alive");
  std::remove(path.c_str());
  info = {};
  ASSERT_TRUE(open_snapshot(**c, &info).ok());
  EXPECT_TRUE(info.rebuilt);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp-4194300"));
  EXPECT_TRUE(std::filesystem::exists(path + ".tmp-1"));
  std::remove((path + ".tmp-1").c_str());
}

TEST(Snapshot, WhenItCannotBeWrittenItIsKeptInMemory) {
  test::TempDir dir;
  auto c = imported_corpus(dir, 40, 5);
  ASSERT_TRUE(c.ok());
  // A folder where the snapshot should be: it can be neither read nor replaced (as in a read-only
  // folder, which root could still write).
  std::filesystem::create_directory(snapshot_path_for(dir.file("c.db")));
  SnapshotInfo info;
  auto snap = open_snapshot(**c, &info);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_EQ((*snap)->size(), 40u);
  EXPECT_NE(info.why.find("kept in memory"), std::string::npos) << info.why;
  EXPECT_TRUE(std::filesystem::is_directory(snapshot_path_for(dir.file("c.db"))));
  RecommendRequest req;
  req.current = "t1003";
  auto loaded = load_library(**c);
  ASSERT_TRUE(loaded.ok());
  const auto expected = answer(recommend(*loaded, req));
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(answer(recommend(**snap, req)), expected);
  EXPECT_EQ(answer(live_recommend(dir.file("c.db"), req)), expected);
  // Its vectors are read from the in-memory copy (a memfd), never from the corpus's folder.
  embed::Vector v{};
  EXPECT_TRUE((*snap)->index().vector(0, v.data()));
}

TEST(Snapshot, ATruncatedOrForeignFileNeverCrashesAReader) {
  test::TempDir dir;
  auto c = imported_corpus(dir, 60, 9);
  ASSERT_TRUE(c.ok());
  auto snap = open_snapshot(**c);
  ASSERT_TRUE(snap.ok());
  const std::string path = snapshot_path_for(dir.file("c.db"));
  RecommendRequest req;
  req.current = "t1004";
  const auto before = answer(recommend(**snap, req));
  // Cut to 1 KiB while loaded (a mapped file would now raise SIGBUS at the next touch): the loaded
  // fields still answer, and the first vector read short marks it damaged.
  ASSERT_EQ(::truncate(path.c_str(), 1024), 0);
  EXPECT_EQ((*snap)->field(5, SnapField::kArtist), "Artist 5");
  EXPECT_FALSE(answer(recommend(**snap, req)) == before) << "a vector read short is never used";
  EXPECT_TRUE((*snap)->index().damaged());
  // The service rebuilds it and answers as before.
  EXPECT_EQ(answer(live_recommend(dir.file("c.db"), req)), before);
  // A FIFO at the snapshot's path is not waited on: it is replaced.
  std::remove(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  SnapshotInfo info;
  auto again = open_snapshot(**c, &info);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_NE(info.why.find("not a regular file"), std::string::npos) << info.why;
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
}

}  // namespace
}  // namespace codex::library
