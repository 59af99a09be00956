// The move on the valence/arousal plane (rank/factors.cpp "affect", rank/relax.cpp): a synthetic
// library of tracks with known valence and arousal, mixable tempi and keys, and a current track in
// the excited, positive quadrant.
#include <gtest/gtest.h>

#include <cmath>

#include "codex/demo/synth.h"
#include "codex/rank/recommend.h"

namespace codex::rank {
namespace {

std::vector<TrackFeatures> library(size_t n, unsigned seed = 5) {
  demo::Rng rng(seed);
  std::vector<TrackFeatures> lib;
  for (size_t i = 0; i < n; ++i) {
    TrackFeatures t;
    t.track_id = std::string("t").append(std::to_string(1000 + i));
    t.title = std::string("Title ").append(std::to_string(i));
    t.artist = "Artist";
    t.genre = "house";
    t.bpm = std::round(124 + rng.uniform(-5, 5));
    t.key = music::Key{static_cast<int>(rng.next() % 12), rng.uniform() < 0.5};
    t.energy = static_cast<double>(3 + rng.next() % 5);
    t.valence = rng.uniform(-1, 1);
    t.arousal = rng.uniform(-1, 1);
    lib.push_back(t);
  }
  lib[0].bpm = 124, lib[0].key = music::Key{9, true}, lib[0].energy = 6, lib[0].valence = 0.5, lib[0].arousal = 0.6;
  return lib;
}

std::vector<const TrackFeatures*> top5(const std::vector<TrackFeatures>& lib, const std::string& prompt,
                                       RecommendResult* out = nullptr) {
  RecommendOptions o;
  o.top = 5;
  const RecommendResult r = recommend(lib, 0, prompt::parse_intent(prompt), o);
  std::vector<const TrackFeatures*> t;
  for (const auto& x : r.results) t.push_back(&lib[x.index]);
  EXPECT_EQ(t.size(), 5u) << prompt;
  if (out) *out = r;
  return t;
}

TEST(Affect, MoodPromptsMoveTheSetTheWayTheyAsk) {
  const auto lib = library(2000);
  const TrackFeatures& cur = lib[0];
  RecommendResult r;
  for (const auto* t : top5(lib, "calmer", &r)) EXPECT_LT(*t->arousal, *cur.arousal - 0.4) << t->track_id;
  bool said = false;
  for (const auto& x : r.results) {
    for (const auto& why : x.reasons) said = said || why.rfind("calmer: arousal 0.60→", 0) == 0;
  }
  EXPECT_TRUE(said) << "the reasons name the move";
  for (const auto* t : top5(lib, "sadder")) EXPECT_LT(*t->valence, *cur.valence - 0.4);
  for (const auto* t : top5(lib, "more melancholic")) EXPECT_LT(*t->valence, *cur.valence - 0.4);
  for (const auto* t : top5(lib, "happier")) EXPECT_GT(*t->valence, *cur.valence);
  for (const auto* t : top5(lib, "more energy")) EXPECT_GT(*t->arousal, *cur.arousal);
  for (const auto* t : top5(lib, "sadder but keep the energy")) {
    EXPECT_LT(*t->valence, *cur.valence - 0.4);
    EXPECT_LT(std::fabs(*t->arousal - *cur.arousal), 0.6);
  }
}

TEST(Affect, TheDefaultKeepsTheMoodAndStrengthScalesTheMove) {
  const auto lib = library(2000);
  const TrackFeatures& cur = lib[0];
  double near = 0;
  for (const auto* t : top5(lib, "")) near += std::hypot(*t->valence - *cur.valence, *t->arousal - *cur.arousal);
  EXPECT_LT(near / 5, 0.35) << "random tracks lie about 1.0 away on average";
  double touch = 0, way = 0;
  for (const auto* t : top5(lib, "a touch calmer")) touch += *cur.arousal - *t->arousal;
  for (const auto* t : top5(lib, "way calmer")) way += *cur.arousal - *t->arousal;
  EXPECT_GT(touch, 0);
  EXPECT_GT(way, touch) << "way calmer moves further than a touch calmer";
}

TEST(Affect, AvoidedMoodsStayOut) {
  const auto lib = library(2000);
  for (const auto* t : top5(lib, "calmer, nothing sad")) EXPECT_GE(*t->valence, -0.2);
  for (const auto* t : top5(lib, "not too happy")) EXPECT_LE(*t->valence, 0.2);
}

TEST(Affect, TooFewCalmerTracksInTheWindowRelaxItAndSaySo) {
  // Every track within the tempo window is excited; the calm ones are 9% faster, in the same key.
  auto lib = library(400);
  for (size_t i = 1; i < lib.size(); ++i) {
    if (*lib[i].arousal < 0.3) lib[i].bpm = 124 * 1.09, lib[i].key = lib[0].key;
  }
  RecommendResult r;
  int calm = 0;
  for (const auto* t : top5(lib, "calmer", &r)) calm += *t->arousal < 0.2;
  EXPECT_GE(calm, 4);
  ASSERT_EQ(r.relaxed.size(), 1u) << "only the step that finds calmer tracks";
  EXPECT_EQ(r.relaxed[0], "tempo window widened to -15%…+10% (too few tracks that move the mood as asked)");
  // Without a mood move nothing is relaxed.
  top5(lib, "", &r);
  EXPECT_TRUE(r.relaxed.empty());
  // Calm tracks a quarter slower cannot be mixed in: the tempo constraint is never dropped for the mood.
  for (size_t i = 1; i < lib.size(); ++i) {
    if (*lib[i].arousal < 0.3) lib[i].bpm = 124 * 0.75;
  }
  for (const auto* t : top5(lib, "calmer", &r)) EXPECT_GT(*t->bpm, 124 * 0.8);
  for (const auto& x : r.relaxed) EXPECT_EQ(x.find("tempo constraint dropped"), std::string::npos) << x;
}

TEST(Affect, AtTheEndOfAnAxisNothingIsRelaxedForIt) {
  auto lib = library(400);
  lib[0].valence = -1.0;  // as sad as a reading gets
  RecommendResult r;
  top5(lib, "sadder", &r);
  EXPECT_TRUE(r.relaxed.empty()) << r.relaxed[0];
}

TEST(Affect, CalmerLetsTheTempoFallAndSaysSo) {
  auto lib = library(600);
  for (size_t i = 1; i < lib.size(); ++i) {
    if (*lib[i].arousal < 0.0) lib[i].bpm = 110, lib[i].key = lib[0].key;  // 11% slower: outside ±6%
  }
  RecommendResult r;
  bool slower = false;
  for (const auto* t : top5(lib, "calmer", &r)) slower = slower || *t->bpm == 110;
  EXPECT_TRUE(slower);
  bool said = false;
  for (const auto& x : r.results) {
    for (const auto& why : x.reasons) said = said || why.find("slower allowed, 124→110 BPM") != std::string::npos;
  }
  EXPECT_TRUE(said);
  for (const auto* t : top5(lib, "calmer, same tempo")) EXPECT_NE(*t->bpm, 110) << "a tempo word wins";
}

TEST(Affect, WhatThePromptSaysOfTempoIsKeptAndAggressionIsNotSlower) {
  auto lib = library(400);
  for (size_t i = 1; i < lib.size(); ++i) {
    if (*lib[i].arousal < 0.3) lib[i].bpm = 124 * 0.84, lib[i].key = lib[0].key;
  }
  RecommendResult r;
  for (const auto* t : top5(lib, "calmer but not slower", &r)) EXPECT_GE(*t->bpm, 124 * 0.99);
  for (const auto& x : r.relaxed) EXPECT_EQ(x.find("tempo"), std::string::npos) << x;
  // "more aggressive" moves valence down and arousal up: no slower tempo for it.
  const Plan p = plan_for(lib[0], prompt::parse_intent("more aggressive"));
  EXPECT_FALSE(p.tempo_widened_down);
  EXPECT_TRUE(plan_for(lib[0], prompt::parse_intent("sadder")).tempo_widened_down);
}

TEST(Affect, ACurrentTrackWithoutAMoodRanksAsIfThePlaneWereNotThere) {
  auto lib = library(500);
  lib[0].valence.reset(), lib[0].arousal.reset();
  RecommendOptions with, without;
  with.top = without.top = 5;
  std::vector<Factor> none = default_weights();
  none[10].weight = none[11].weight = 0.0;
  without.weights = &none;
  const auto intent = prompt::parse_intent("calmer");
  const auto a = recommend(lib, 0, intent, with), b = recommend(lib, 0, intent, without);
  ASSERT_EQ(a.results.size(), b.results.size());
  for (size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].index, b.results[i].index);
    EXPECT_DOUBLE_EQ(a.results[i].score, b.results[i].score);
  }
  // Weights that leave nothing to weigh give a neutral score, never NaN.
  std::vector<Factor> only_move(default_weights().size(), Factor{"", 0.0});
  for (size_t k = 0; k < only_move.size(); ++k) only_move[k].name = default_weights()[k].name;
  only_move[11].weight = 1.0;
  RecommendOptions o;
  o.top = 5;
  o.weights = &only_move;
  for (const auto& x : recommend(lib, 0, prompt::parse_intent(""), o).results) EXPECT_EQ(x.score, 0.5);
}

TEST(Affect, TracksWithoutAMoodAreNeitherFavouredNorLost) {
  auto lib = library(300);
  for (auto& t : lib) t.valence.reset(), t.arousal.reset();
  RecommendResult r;
  EXPECT_EQ(top5(lib, "calmer", &r).size(), 5u);
  EXPECT_TRUE(r.relaxed.empty());
}

}  // namespace
}  // namespace codex::rank
