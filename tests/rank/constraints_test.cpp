// The hard constraints and their relaxation, unit by unit.
#include "codex/rank/constraints.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "codex/rank/relax.h"

namespace codex::rank {
namespace {

TrackFeatures track(const std::string& id, std::optional<double> bpm, std::optional<music::Key> key) {
  TrackFeatures t;
  t.track_id = id;
  t.bpm = bpm;
  t.key = key;
  return t;
}

const music::Key k8A{9, true}, k9A{4, true}, k3B{1, false}, k3A{10, true};

TEST(Constraints, TheKeyRuleBecomesATableOverTheWheel) {
  const TrackFeatures cur = track("c", 128, k8A);
  Plan p = plan_for(cur, prompt::parse_intent(""));
  EXPECT_FALSE(p.any_key);
  EXPECT_TRUE(key_ok(p, k8A));
  EXPECT_TRUE(key_ok(p, k9A));
  EXPECT_FALSE(key_ok(p, k3B));
  EXPECT_FALSE(key_ok(p, std::nullopt)) << "an unknown key is not a harmonic match";
  p = plan_for(cur, prompt::parse_intent("energy boost"));
  EXPECT_TRUE(key_ok(p, k3A)) << "8A + 7 = 3A";
  EXPECT_FALSE(key_ok(p, k9A));
  p = plan_for(cur, prompt::parse_intent("any key"));
  EXPECT_TRUE(p.any_key);
  EXPECT_TRUE(key_ok(p, std::nullopt));
  // Without a current key, only a named key constrains.
  p = plan_for(track("c", 128, std::nullopt), prompt::parse_intent(""));
  EXPECT_TRUE(p.any_key);
  EXPECT_FALSE(p.window.key);
}

TEST(Constraints, TempoWindowCountsHalfAndDoubleTime) {
  const TrackFeatures cur = track("c", 128, k8A);
  const Plan p = plan_for(cur, prompt::parse_intent(""));
  EXPECT_TRUE(tempo_ok(p, p.window, 130.0));
  EXPECT_TRUE(tempo_ok(p, p.window, 65.0));
  EXPECT_TRUE(tempo_ok(p, p.window, 250.0));
  EXPECT_FALSE(tempo_ok(p, p.window, 140.0));
  EXPECT_FALSE(tempo_ok(p, p.window, std::nullopt));
  const Plan faster = plan_for(cur, prompt::parse_intent("faster"));
  EXPECT_TRUE(tempo_ok(faster, faster.window, 132.0));
  EXPECT_FALSE(tempo_ok(faster, faster.window, 126.0));
  EXPECT_NEAR(tempo_shift_pct(128, 64), 0.0, 1e-9);
}

TEST(Constraints, PassingAppliesTheSameTestsToPackedAttributes) {
  const std::vector<TrackFeatures> lib = {track("cur", 128, k8A), track("a", 129, k9A), track("b", 64.5, k8A),
                                          track("c", 140, k8A),   track("d", std::nullopt, k8A), track("e", 128, k3B),
                                          track("cur", 128, k8A)};
  const auto packed = pack_attributes(lib);
  const Plan p = plan_for(lib[0], prompt::parse_intent(""));
  const Exclusion none(lib, 0, {});
  EXPECT_EQ(passing(packed, p, p.window, none), (std::vector<size_t>{1, 2})) << "and never a duplicate of the current id";
  for (size_t i = 1; i < lib.size(); ++i) {
    const bool pass = tempo_ok(p, p.window, lib[i].bpm) && key_ok(p, lib[i].key) && lib[i].track_id != "cur";
    EXPECT_EQ(pass, i == 1 || i == 2) << i;
  }
  const Exclusion played(lib, 0, {"b"});
  EXPECT_EQ(passing(packed, p, p.window, played), (std::vector<size_t>{1}));
}

TEST(Constraints, PassingAgreesWithTheReasonsTestAtTheWindowEdges) {
  // One tempo test: a track the pool admits is never called "outside the usual tempo window".
  std::vector<TrackFeatures> lib = {track("cur", 100, k8A)};
  for (double b : {94.0, 94.0000001, 106.0, 105.9999999, 99.5, 100.5, 47.0, 53.0, 188.0, 212.0, 212.0000001}) {
    lib.push_back(track("t" + std::to_string(lib.size()), b, k8A));
  }
  const auto packed = pack_attributes(lib);
  const Exclusion none(lib, 0, {});
  for (const char* prompt : {"", "faster", "slower", "keep the tempo"}) {
    const Plan p = plan_for(lib[0], prompt::parse_intent(prompt));
    const auto pool = passing(packed, p, p.window, none);
    for (size_t i = 1; i < lib.size(); ++i) {
      const bool in_pool = std::find(pool.begin(), pool.end(), i) != pool.end();
      EXPECT_EQ(in_pool, tempo_ok(p, p.window, lib[i].bpm)) << prompt << ": " << *lib[i].bpm;
    }
  }
}

TEST(Relax, WidensThenDropsTheKeyThenTheTempo) {
  const std::vector<TrackFeatures> lib = {track("cur", 128, k8A), track("a", 136, k9A), track("b", 150, k3B)};
  const auto packed = pack_attributes(lib);
  const Plan p = plan_for(lib[0], prompt::parse_intent(""));
  const Exclusion none(lib, 0, {});
  Pool pool = select_pool(packed, p, none, 1);
  EXPECT_EQ(pool.ids, (std::vector<size_t>{1}));
  EXPECT_EQ(pool.relaxed, (std::vector<std::string>{"tempo window widened to ±10%"}));
  pool = select_pool(packed, p, none, 2);
  EXPECT_EQ(pool.ids.size(), 2u);
  EXPECT_EQ(pool.relaxed.size(), 3u);
  EXPECT_FALSE(pool.window.key);
  EXPECT_FALSE(pool.window.tempo);
  pool = select_pool(packed, p, none, 5);
  EXPECT_EQ(pool.ids.size(), 2u) << "everything there is";
}

}  // namespace
}  // namespace codex::rank
