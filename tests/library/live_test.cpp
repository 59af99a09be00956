// The library service: one set rule, one track resolver, error codes, analysis jobs that are
// joined and cancel at once, and a snapshot that answers from a folder it cannot write.
#include "codex/library/live.h"

#include <gtest/gtest.h>
#include <dirent.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "codex/library/jsonl.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

// Eight tracks at 124-126 BPM in neighbouring keys: any of them may follow any other.
void write_library(const std::string& db) {
  test::TempDir tmp;
  {
    std::ofstream f(tmp.file("in.jsonl"));
    const char* titles[] = {"Hollow Signal", "Night Drive", "Tidal", "47", "Ember", "Glass", "Harbour", "Night Drive"};
    const char* artists[] = {"DJ Kestrel", "Mara", "Mara", "Oskar", "Lune", "Lune", "Oskar", "Vey"};
    for (int i = 0; i < 8; ++i) {
      nlohmann::json r = {{"track_id", std::string(i == 3 ? "ab" : "t") + std::to_string(470 + i)},
                          {"title", titles[i]},
                          {"artist", artists[i]},
                          {"bpm", 124 + (i % 3)},
                          {"key", std::to_string(8 + i % 2) + "A"},
                          {"energy", 5 + i % 4},
                          {"vibe", i % 2 ? "dark" : "hypnotic"},
                          {"genre", "Techno"},
                          {"duration_seconds", 300}};
      f << r.dump() << "\n";
    }
  }
  auto c = corpus::Corpus::open(db);
  ASSERT_TRUE(c.ok());
  auto rep = import_jsonl(**c, tmp.file("in.jsonl"));
  ASSERT_TRUE(rep.ok());
  ASSERT_EQ(rep->imported, 8u);
}

std::vector<std::string> ids_of(const LiveLibrary::Answer& a) {
  std::vector<std::string> out;
  for (const auto& t : a.response.tracks) out.push_back(t.track_id);
  return out;
}

class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_library(dir_.file("c.db"));
    auto lib = LiveLibrary::open(dir_.file("c.db"));
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(lib).value();
  }
  test::TempDir dir_;
  std::unique_ptr<LiveLibrary> lib_;
};

TEST_F(LiveTest, OneResolverForEveryFrontEnd) {
  auto id = [&](const std::string& q) {
    auto r = lib_->resolve_id(q);
    return r ? *r : "error " + std::to_string(static_cast<int>(r.status().code())) + ": " + r.status().message();
  };
  EXPECT_EQ(id("t470"), "t470");
  EXPECT_EQ(id("DJ Kestrel - Hollow Signal"), "t470");
  EXPECT_EQ(id("dj kestrel - hollow signal"), "t470");
  EXPECT_EQ(id("Hollow Signal"), "t470");
  EXPECT_EQ(id("Mara - Night Drive"), "t471");
  EXPECT_EQ(id("t47"), "error " + std::to_string(static_cast<int>(Code::kAmbiguous)) + ": " +
                           "'t47' matches 7 tracks (DJ Kestrel - Hollow Signal (t470); Mara - Night Drive (t471); "
                           "Mara - Tidal (t472); Lune - Ember (t474); Lune - Glass (t475); ...); give more of the title "
                           "or the track id")
      << "an ambiguous query names its candidates";
  auto both = lib_->resolve_id("Night Drive");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), Code::kAmbiguous);
  EXPECT_NE(both.status().message().find("Vey - Night Drive"), std::string::npos) << both.status().message();
  auto none = lib_->resolve_id("Nothing Like It");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kNotFound);
  // "47" is the start of no id here (ab473 is titled "47"), so the title wins.
  EXPECT_EQ(id("47"), "ab473");
  EXPECT_EQ(lib_->resolve_id("").status().code(), Code::kInvalid);
}

TEST_F(LiveTest, OneSetRule) {
  // Played, accepted and skipped tracks are left out; "current" is the last play.
  ASSERT_TRUE(lib_->record("gig", "t470", SetAction::kPlayed).ok());
  ASSERT_TRUE(lib_->record("gig", "t471", SetAction::kSkipped, "t470").ok());
  ASSERT_TRUE(lib_->record("gig", "t472", SetAction::kAccepted, "t470").ok());
  auto set = lib_->set("gig");
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->plays.size(), 2u) << "an accept plays the track; a skip does not";
  EXPECT_EQ(set->plays.back().track_id, "t472");
  ASSERT_EQ(set->feedback.size(), 2u);
  EXPECT_EQ(set->feedback[0].action, "skip");
  EXPECT_EQ(set->feedback[1].action, "accept");

  RecommendRequest req;
  req.session = "gig";
  req.top = 10;
  auto a = lib_->recommend(req);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->response.current_track.track_id, "t472");
  const auto ids = ids_of(*a);
  EXPECT_EQ(ids.size(), 5u);
  for (const char* gone : {"t470", "t471", "t472"}) EXPECT_EQ(std::count(ids.begin(), ids.end(), gone), 0) << gone;
  // Asking never changes the set, even from another track (the booth previews suggestions so).
  req.current = "Lune - Ember";
  auto b = lib_->recommend(req);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->response.current_track.track_id, "t474");
  EXPECT_EQ(lib_->set("gig")->plays.size(), 2u);
  // A play of the track already playing records nothing; another track becomes the last play.
  ASSERT_TRUE(lib_->record("gig", "t472", SetAction::kPlayed).ok());
  EXPECT_EQ(lib_->set("gig")->plays.size(), 2u);
  ASSERT_TRUE(lib_->record("gig", "t474", SetAction::kPlayed).ok());
  EXPECT_EQ(lib_->set("gig")->plays.back().track_id, "t474");
  // Without a set nothing is recorded, and nothing is left out but the current track.
  RecommendRequest plain;
  plain.current = "t470";
  plain.top = 10;
  auto c = lib_->recommend(plain);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(ids_of(*c).size(), 7u);

  // Errors carry their codes.
  RecommendRequest empty_set;
  empty_set.session = "new";
  EXPECT_EQ(lib_->recommend(empty_set).status().code(), Code::kInvalid) << "nothing is playing";
  RecommendRequest long_name;
  long_name.session = std::string(201, 's');
  long_name.current = "t470";
  EXPECT_EQ(lib_->recommend(long_name).status().code(), Code::kInvalid);
  RecommendRequest no_crate = plain;
  no_crate.crate = "Nope";
  EXPECT_EQ(lib_->recommend(no_crate).status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->record("gig", "t999", SetAction::kPlayed).code(), Code::kNotFound);
  EXPECT_EQ(lib_->record("", "t470", SetAction::kPlayed).code(), Code::kInvalid);
  EXPECT_FALSE(set_action_from("love"));
  EXPECT_EQ(set_action_from("accept"), SetAction::kAccepted);
}

size_t thread_count() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) n += e.is_directory() ? 1 : 0;
  return n;
}

TEST_F(LiveTest, JobsAreJoinedAndTheirRecordsBounded) {
  std::filesystem::create_directory(dir_.file("empty"));
  EXPECT_EQ(lib_->start_analysis(dir_.file("missing")).status().code(), Code::kInvalid);
  const size_t threads_before = thread_count();
  int last = 0;
  for (int i = 0; i < 30; ++i) {
    auto job = lib_->start_analysis(dir_.file("empty"));
    ASSERT_TRUE(job.ok()) << job.status().message();
    last = job->id;
    for (int k = 0; k < 500; ++k) {
      auto j = lib_->job(last);
      ASSERT_TRUE(j.ok());
      if (j->state == "done") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(lib_->job(last)->state, "done");
  }
  EXPECT_EQ(last, 30) << "ids go on counting";
  // Each finished job's thread is joined when the next starts: at most the last one is left.
  EXPECT_LE(thread_count(), threads_before + 1);
  EXPECT_LE(lib_->jobs().size(), 21u);
  EXPECT_EQ(lib_->jobs().back().id, 30);
  EXPECT_EQ(lib_->job(1).status().code(), Code::kNotFound) << "the oldest records are dropped";
  EXPECT_EQ(lib_->job(999).status().code(), Code::kNotFound);
}

TEST_F(LiveTest, CancelStopsAFolderWalkAtOnce) {
  // 20 000 folders take a while to walk; a cancel must not wait for the walk to end.
  for (int i = 0; i < 200; ++i) {
    for (int k = 0; k < 100; ++k) std::filesystem::create_directories(dir_.file("tree/" + std::to_string(i) + "/" + std::to_string(k)));
  }
  auto job = lib_->start_analysis(dir_.file("tree"));
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(lib_->job(job->id, true).ok());
  const auto t0 = std::chrono::steady_clock::now();
  std::string state;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    state = lib_->job(job->id)->state;
    if (state != "scanning" && state != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(state, "cancelled");
  // (The whole walk takes seconds; a loaded machine or a sanitizer build is given room.)
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  // While one runs, another is refused as busy.
  auto long_job = lib_->start_analysis(dir_.file("tree"));
  ASSERT_TRUE(long_job.ok());
  auto second = lib_->start_analysis(dir_.file("tree"));
  if (lib_->job(long_job->id)->state == "scanning") {
    EXPECT_EQ(second.status().code(), Code::kBusy);
  }
  (void)lib_->job(long_job->id, true);
}

TEST_F(LiveTest, AFolderItCannotWriteStillServes) {
  // A stale snapshot that cannot be replaced (a folder in its place stands for a read-only folder,
  // which root could write): the service builds one in memory and answers.
  lib_.reset();
  const std::string snap = snapshot_path_for(dir_.file("c.db"));
  std::filesystem::remove(snap);
  std::filesystem::create_directory(snap);
  auto lib = LiveLibrary::open(dir_.file("c.db"));
  ASSERT_TRUE(lib.ok());
  auto s = (*lib)->snapshot();
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ((*s)->size(), 8u);
  RecommendRequest req;
  req.current = "t470";
  EXPECT_TRUE((*lib)->recommend(req).ok());
}

}  // namespace
}  // namespace codex::library
