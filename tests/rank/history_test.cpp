// The DJ's own history in the ranking: what followed the current track in the DJ's sets gains a
// little by default and leads when the prompt asks for "what I usually play"; "something I haven't
// played in a while" favours tracks long unplayed; a crate restricts the candidates.
#include <gtest/gtest.h>

#include "codex/rank/recommend.h"

namespace codex::rank {
namespace {

TrackFeatures track(const std::string& id, double bpm, music::Key key, int64_t energy) {
  TrackFeatures t;
  t.track_id = id;
  t.title = id;
  t.bpm = bpm;
  t.key = key;
  t.energy = energy;
  t.genre = "house";
  return t;
}

const music::Key k8A{9, true}, k9A{4, true}, k3B{1, false};

std::vector<TrackFeatures> library() {
  return {track("cur", 124, k8A, 6), track("near", 124, k8A, 6), track("ok", 125, k9A, 6),
          track("habit", 124, k3B, 5),  // another key: only the DJ's habit brings it
          track("far", 140, k3B, 9), track("also", 123, k8A, 7)};
}

size_t rank_of(const RecommendResult& r, size_t index) {
  for (size_t k = 0; k < r.results.size(); ++k) {
    if (r.results[k].index == index) return k;
  }
  return r.results.size();
}

TEST(History, WhatIUsuallyPlayLeadsAndSaysWhy) {
  const auto lib = library();
  History h;
  h.played_after[3] = 3;
  RecommendOptions opt;
  opt.top = 3;
  opt.history = &h;
  const auto usual = recommend(lib, 0, prompt::parse_intent("what I usually play after this"), opt);
  ASSERT_FALSE(usual.results.empty());
  EXPECT_EQ(usual.results[0].index, 3u);
  EXPECT_EQ(usual.results[0].reasons.at(0), "you played it after this in 3 of your sets");
  // Without the prompt the habit is a small nudge, not a licence to break the key rule.
  const auto plain = recommend(lib, 0, prompt::parse_intent(""), opt);
  EXPECT_EQ(rank_of(plain, 3), plain.results.size()) << "outside the constraints, not a candidate";
  // And without any history the scores are what they were.
  RecommendOptions none = opt;
  none.history = nullptr;
  const auto before = recommend(lib, 0, prompt::parse_intent(""), none);
  h.played_after.clear();
  h.played_after[1] = 1;
  const auto nudged = recommend(lib, 0, prompt::parse_intent(""), opt);
  ASSERT_EQ(before.results.size(), nudged.results.size());
  for (size_t k = 0; k < before.results.size(); ++k) {
    const size_t i = before.results[k].index;
    ASSERT_LT(rank_of(nudged, i), nudged.results.size()) << lib[i].track_id;
    const double gain = nudged.results[rank_of(nudged, i)].score - before.results[k].score;
    EXPECT_NEAR(gain, i == 1 ? 0.05 : 0.0, 0.0011) << lib[i].track_id;
  }
}

TEST(History, HaventPlayedInAWhileFavoursTheLongUnplayed) {
  const auto lib = library();
  History h;
  h.days_since[1] = 0.5;    // played last night
  h.days_since[2] = 400.0;  // over a year ago
  RecommendOptions opt;
  opt.top = 5;
  opt.history = &h;
  const auto r = recommend(lib, 0, prompt::parse_intent("something I haven't played in a while"), opt);
  ASSERT_GE(r.results.size(), 3u);
  EXPECT_GT(rank_of(r, 1), rank_of(r, 2));
  EXPECT_GT(rank_of(r, 1), rank_of(r, 5));
  EXPECT_EQ(r.results[rank_of(r, 5)].reasons.at(0), "not in any set you played");
  EXPECT_EQ(r.results[rank_of(r, 1)].reasons.at(0), "played today");
  EXPECT_NEAR(history_bonus(h, 2, prompt::HistoryRule::kFresh), 0.25, 1e-9);
  EXPECT_NEAR(history_bonus(h, 1, prompt::HistoryRule::kFresh), 0.25 * 0.5 / 180.0, 1e-9);
}

TEST(History, ACrateRestrictsTheCandidates) {
  const auto lib = library();
  std::vector<bool> only(lib.size(), false);
  only[2] = only[5] = true;
  RecommendOptions opt;
  opt.top = 5;
  opt.only = &only;
  const auto r = recommend(lib, 0, prompt::parse_intent(""), opt);
  ASSERT_FALSE(r.results.empty());
  for (const auto& x : r.results) EXPECT_TRUE(x.index == 2 || x.index == 5) << lib[x.index].track_id;
  std::vector<bool> empty(lib.size(), false);
  opt.only = &empty;
  EXPECT_TRUE(recommend(lib, 0, prompt::parse_intent(""), opt).results.empty());
}

TEST(History, ThePhrasesAreRead) {
  using prompt::HistoryRule;
  EXPECT_EQ(prompt::parse_intent("what I usually play after this").history, HistoryRule::kUsual);
  EXPECT_EQ(prompt::parse_intent("my usual").history, HistoryRule::kUsual);
  EXPECT_EQ(prompt::parse_intent("not what I usually play").history, HistoryRule::kFresh);
  EXPECT_EQ(prompt::parse_intent("something I haven't played in a while").history, HistoryRule::kFresh);
  EXPECT_EQ(prompt::parse_intent("not played in a while, darker").history, HistoryRule::kFresh);
  EXPECT_TRUE(prompt::parse_intent("something I haven't played in a while").unknown.empty());
  EXPECT_EQ(prompt::parse_intent("darker").history, HistoryRule::kDefault);
  EXPECT_EQ(prompt::parse_intent("deep cuts").history, HistoryRule::kFresh);
}

}  // namespace
}  // namespace codex::rank
