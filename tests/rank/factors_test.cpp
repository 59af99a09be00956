// Each ranking factor, alone: two candidates that differ in one attribute only; the better match
// must score strictly higher and rank first, whichever of the two the library lists first (a factor
// that stopped looking at its attribute — a constant — leaves a tie, which fails).
#include <gtest/gtest.h>

#include <optional>

#include "codex/embed/feature_embedding.h"
#include "codex/rank/recommend.h"

namespace codex::rank {
namespace {

TrackFeatures base(const std::string& id) {
  TrackFeatures t;
  t.track_id = id;
  t.title = "Title " + id;
  t.artist = "Artist";
  t.genre = "techno";
  t.bpm = 124;
  t.key = music::Key{9, true};  // A minor (8A)
  t.energy = 6;
  t.vibe = "hypnotic";
  t.vocal_presence = "instrumental";
  t.intensity = "journey";
  t.groove = "four-on-floor";
  t.mix_in = 6;
  t.mix_out = 6;
  t.moods = {"warm"};
  t.valence = 0.1;
  t.arousal = 0.3;
  return t;
}

// The first suggestion after `current` among [better, worse] listed in both orders; both must be it.
void expect_first(const TrackFeatures& current, TrackFeatures better, TrackFeatures worse, const std::string& prompt,
                  const std::string& factor, Mode mode = Mode::kFeatures) {
  better.track_id = "better";
  worse.track_id = "worse";
  for (int swap = 0; swap < 2; ++swap) {
    std::vector<TrackFeatures> lib = {current, swap ? worse : better, swap ? better : worse};
    // A few more neutral tracks, so that nothing is relaxed for want of candidates.
    for (int i = 0; i < 4; ++i) {
      TrackFeatures filler = base("filler" + std::to_string(i));
      filler.genre = "ambient";
      filler.vibe = "chill";
      filler.energy = 2;
      filler.bpm = 124;
      filler.key = music::Key{2, false};  // far from 8A: clashes, so never near the top
      filler.groove = "swung";
      lib.push_back(filler);
    }
    std::vector<schema::TrackRecord> records;
    std::vector<embed::Vector> emb;
    for (const auto& t : lib) {
      nlohmann::json j = {{"bpm", *t.bpm}, {"key", t.key->camelot()}, {"energy", *t.energy}, {"vibe", *t.vibe},
                          {"genre", t.genre}, {"vocal_presence", *t.vocal_presence}, {"mood_tags", t.moods}};
      records.push_back(schema::from_json(j));
      emb.push_back(embed::embed_record(records.back()));
    }
    RecommendOptions o;
    o.top = lib.size();
    o.mode = mode;
    o.records = &records;
    o.embeddings = &emb;
    const auto r = recommend(lib, 0, prompt::parse_intent(prompt), o);
    std::optional<double> b, w;
    for (const auto& x : r.results) {
      if (lib[x.index].track_id == "better") b = x.score;
      if (lib[x.index].track_id == "worse") w = x.score;
    }
    ASSERT_TRUE(b && w) << factor << ": both must be suggested";
    EXPECT_GT(*b, *w + 1e-9) << factor << " (" << (swap ? "worse" : "better") << " listed first): " << *b << " vs " << *w;
  }
}

TEST(Factors, EachFactorPrefersTheBetterMatch) {
  const TrackFeatures cur = base("current");
  TrackFeatures better = base("b"), worse = base("w");

  worse = base("w"), worse.energy = 8;
  expect_first(cur, base("b"), worse, "", "energy: hold it");
  better = base("b"), better.energy = 8, worse = base("w"), worse.energy = 5;
  expect_first(cur, better, worse, "more energy", "energy: up");

  worse = base("w"), worse.key = music::Key{4, true};  // 9A: adjacent, 0.9
  expect_first(cur, base("b"), worse, "", "key: the same key over an adjacent one");
  better = base("b"), better.key = music::Key{4, true};  // E minor, 9A: 0.9
  worse = base("w"), worse.key = music::Key{11, true};   // B minor, 10A: two steps, 0.7
  expect_first(cur, better, worse, "", "key: soft compatibility (adjacent over a clash)");

  worse = base("w"), worse.bpm = 128;
  expect_first(cur, base("b"), worse, "", "tempo: the closer BPM");

  worse = base("w"), worse.vibe = "euphoric";
  expect_first(cur, base("b"), worse, "", "vibe: the same vibe");
  better = base("b"), better.vibe = "dark";
  expect_first(cur, better, base("w"), "darker", "vibe: the vibe asked for");

  worse = base("w"), worse.genre = "house";
  expect_first(cur, base("b"), worse, "", "genre: the same genre");
  better = base("b"), better.genre = "house";
  expect_first(cur, better, base("w"), "change up the genre", "genre: a change asked for");

  better = base("b"), better.mix_in = 9, worse = base("w"), worse.mix_in = 2;
  expect_first(cur, better, worse, "", "mixability: the easier way in");

  better = base("b"), better.vocal_presence = "female";
  expect_first(cur, better, base("w"), "with vocals", "vocals asked for");

  worse = base("w"), worse.groove = "broken";
  expect_first(cur, base("b"), worse, "", "groove: the same groove");

  worse = base("w"), worse.intensity = "opener";  // a step back in the set
  expect_first(cur, base("b"), worse, "", "narrative: the same stage over an earlier one");

  worse = base("w"), worse.valence = -0.7, worse.arousal = -0.5;
  expect_first(cur, base("b"), worse, "", "mood: the nearer point on the plane");
  better = base("b"), better.valence = -0.4, worse = base("w"), worse.valence = 0.6;
  expect_first(cur, better, worse, "sadder", "mood: the move asked for");
}

TEST(Factors, FullModeBlendsTheEmbeddingIn) {
  // Identical features; only the records behind the embedding differ: the one that sounds like the
  // current track (the same mood tags and vocals in its record) must lead in full mode.
  const TrackFeatures cur = base("current");
  TrackFeatures better = base("b"), worse = base("w");
  worse.moods = {"melancholic", "tense", "eerie"};
  worse.vocal_presence = "male";
  // The features differ in moods and vocals too, but with no prompt neither is a factor's concern.
  expect_first(cur, better, worse, "", "embedding blend", Mode::kFull);
}

}  // namespace
}  // namespace codex::rank
