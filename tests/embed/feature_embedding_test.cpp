#include "codex/embed/feature_embedding.h"

#include <gtest/gtest.h>

#include <cmath>

namespace codex::embed {
namespace {

schema::TrackRecord rec(double bpm, const char* key, int energy, const char* vibe, const char* genre) {
  return schema::from_json({{"track_id", "x"}, {"bpm", bpm}, {"key", key}, {"energy", energy}, {"vibe", vibe},
                            {"genre", genre}, {"mood_tags", {"driving", "night", "warm"}}});
}

TEST(FeatureEmbedding, UnitLengthDeterministicAndSimilarityMakesSense) {
  const auto a = embed_record(rec(128, "8A", 7, "dark", "techno"));
  EXPECT_NEAR(dot(a, a), 1.0f, 1e-5);
  EXPECT_EQ(a, embed_record(rec(128, "8A", 7, "dark", "techno")));
  const float near = dot(a, embed_record(rec(127, "9A", 7, "dark", "techno")));
  const float far = dot(a, embed_record(rec(90, "2B", 2, "chill", "hip-hop")));
  EXPECT_GT(near, 0.85f);
  EXPECT_LT(far, 0.4f);
  EXPECT_GT(dot(a, embed_record(rec(128, "8B", 7, "dark", "techno"))),
            dot(a, embed_record(rec(128, "2B", 7, "dark", "techno"))))
      << "the relative key is nearer than a clash";
  const auto empty = embed_record(schema::TrackRecord{});
  EXPECT_EQ(dot(empty, empty), 0.0f) << "no features, no vector";
}

TEST(FeatureEmbedding, IntentDirectionMovesTowardsIt) {
  const auto cur_rec = rec(128, "8A", 5, "hypnotic", "techno");
  const auto cur = embed_record(cur_rec);
  const auto darker = prompt::parse_intent("darker, more energy");
  const auto q = steer(cur, intent_direction(darker, cur_rec), 1.0f);
  const auto dark_hot = embed_record(rec(128, "8A", 6, "dark", "techno"));
  const auto hyp_same = embed_record(rec(128, "8A", 5, "hypnotic", "techno"));
  EXPECT_GT(dot(q, dark_hot), dot(q, hyp_same));
  EXPECT_LT(dot(cur, dark_hot), dot(cur, hyp_same)) << "without the intent the same track would win";
  EXPECT_EQ(steer(cur, intent_direction(prompt::parse_intent(""), cur_rec), 1.0f), cur);
}

}  // namespace
}  // namespace codex::embed
