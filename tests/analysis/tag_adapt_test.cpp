#include "codex/analysis/tag_adapt.h"

#include <cmath>

#include <gtest/gtest.h>

using namespace codex;
using namespace codex::analysis;
using nlohmann::json;

namespace {

int index_of(const music::Key& k) { return k.tonic * 2 + (k.minor ? 1 : 0); }

// A stored key result whose evidence ranks `first` above `second` above every other key.
json key_values(const music::Key& first, const music::Key& second, double margin = 0.05) {
  json profile = json::array();
  for (int i = 0; i < 24; ++i) profile.push_back(0.1);
  profile[static_cast<size_t>(index_of(first))] = 0.7 + margin;
  profile[static_cast<size_t>(index_of(second))] = 0.7;
  json segs = json::array({{{"key", first.camelot()}, {"key_name", first.name()}, {"key_open", first.open_key()},
                            {"start_s", 0.0}, {"end_s", 200.0}}});
  return {{"key", first.camelot()},
          {"key_name", first.name()},
          {"key_open", first.open_key()},
          {"key_confidence", 0.3},
          {"key_segments", segs},
          {"key_evidence", {{"profile", profile}, {"learned_weight", 0.0}}}};
}

KeyAdaptation minor_loving() {
  KeyAdaptation a;
  a.theta = analyzer_key_theta();
  a.theta[2] = 1.0;  // one whole unit of score for a minor key
  return a;
}

json tempo_values(double bpm, std::vector<double> beats, std::vector<double> downbeats) {
  return {{"bpm", bpm},
          {"bpm_alternatives", json::array({{{"bpm", bpm * 2}, {"score", 0.8}, {"relation", "double"}},
                                            {{"bpm", bpm / 2}, {"score", 0.3}, {"relation", "half"}}})},
          {"beats", beats},
          {"downbeats", downbeats},
          {"beat_grid", {{"steady", true}, {"bpm", bpm}, {"first_beat_s", beats.empty() ? 0.0 : beats[0]}}},
          {"tempo_segments", json::array({{{"start_s", 0.0}, {"end_s", 10.0}, {"bpm", bpm}}})}};
}

}  // namespace

TEST(TagAdapt, MirexScoresTheUsualNeighbours) {
  const music::Key am{9, true}, c{0, false}, em{4, true}, dm{2, true}, a{9, false}, fsm{6, true};
  EXPECT_EQ(mirex_key_score(am, am), 1.0);
  EXPECT_EQ(mirex_key_score(em, am), 0.5);
  EXPECT_EQ(mirex_key_score(dm, am), 0.5);
  EXPECT_EQ(mirex_key_score(c, am), 0.3);
  EXPECT_EQ(mirex_key_score(am, c), 0.3);
  EXPECT_EQ(mirex_key_score(a, am), 0.2);
  EXPECT_EQ(mirex_key_score(fsm, am), 0.0);
}

TEST(TagAdapt, KeyFeaturesNeedEvidenceOfTwentyFourKeys) {
  const music::Key c{0, false}, am{9, true};
  EXPECT_TRUE(key_features(key_values(c, am), 1.0));
  json v = key_values(c, am);
  v.erase("key_evidence");
  EXPECT_FALSE(key_features(v, 1.0));
  v = key_values(c, am);
  v["key_evidence"]["profile"].erase(3);
  EXPECT_FALSE(key_features(v, 1.0));
  v = key_values(c, am);
  v["key_evidence"]["profile"][3] = "high";
  EXPECT_FALSE(key_features(v, 1.0));
  v = key_values(c, am);
  v["key_evidence"] = "garbage";
  EXPECT_FALSE(key_features(v, 1.0));
}

TEST(TagAdapt, TheAnalyzersWeightsPickTheAnalyzersKeyAndTheModelCountsAtItsWeight) {
  const music::Key c{0, false}, am{9, true};
  KeyAdaptation plain;
  plain.theta = analyzer_key_theta();
  EXPECT_EQ(plain.decide(key_values(c, am)), c);
  // The model's log-probabilities join at the stored weight: at 0.5, a model sure of A minor wins.
  json v = key_values(c, am);
  json model = json::array();
  for (int i = 0; i < 24; ++i) model.push_back(-3.0);
  model[static_cast<size_t>(index_of(am))] = -0.1;
  v["key_evidence"]["model"] = model;
  v["key_evidence"]["learned_weight"] = 0.5;
  EXPECT_EQ(plain.decide(v), am);
  v["key_evidence"]["learned_weight"] = 0.0;
  EXPECT_EQ(plain.decide(v), c);
}

TEST(TagAdapt, AnAdaptedKeyKeepsTheAnalyzersBesideItAndComesBackWithout) {
  const music::Key c{0, false}, am{9, true};
  const json original = key_values(c, am);
  const KeyAdaptation a = minor_loving();
  const json adapted = apply_key_adaptation(original, &a);
  EXPECT_EQ(adapted["key"], "8A");
  EXPECT_EQ(adapted["key_name"], "A minor");
  EXPECT_EQ(adapted["key_segments"][0]["key"], "8A");
  EXPECT_EQ(adapted["key_analyzed"]["key"], "8B");
  EXPECT_EQ(adapted["key_adapted"], a.id());
  EXPECT_EQ(analyzed_key(adapted), c);
  // Applying again (or a refit) starts from the analyzer's own answer; none restores it exactly.
  EXPECT_EQ(apply_key_adaptation(adapted, &a), adapted);
  EXPECT_EQ(apply_key_adaptation(adapted, nullptr), original);
  // A key the adaptation agrees with is left as it was; "no key" stays "no key".
  EXPECT_EQ(apply_key_adaptation(key_values(am, c), &a), key_values(am, c));
  json none = original;
  none["key"] = nullptr;
  EXPECT_EQ(apply_key_adaptation(none, &a), none);
}

TEST(TagAdapt, AKeyAdaptationRoundTripsAndAMalformedOneIsRefused) {
  KeyAdaptation a = minor_loving();
  a.scale = 4.5;
  auto back = KeyAdaptation::parse(a.to_json());
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->id(), a.id());
  EXPECT_EQ(back->scale, 4.5);
  EXPECT_NE(a.id(), minor_loving().id());
  json j = a.to_json();
  j["kind"] = "tempo";
  EXPECT_FALSE(KeyAdaptation::parse(j));
  j = a.to_json();
  j["theta"].erase(0);
  EXPECT_FALSE(KeyAdaptation::parse(j));
  j = a.to_json();
  j["theta"][0] = "x";
  EXPECT_FALSE(KeyAdaptation::parse(j));
  j = a.to_json();
  j["scale"] = -1.0;
  EXPECT_FALSE(KeyAdaptation::parse(j));
  j = a.to_json();
  j["version"] = 2;
  EXPECT_FALSE(KeyAdaptation::parse(j));
  EXPECT_FALSE(KeyAdaptation::parse(json("text")));
}

TEST(TagAdapt, ATempoWindowHoldsTheOctaveMostTagsAreIn) {
  const TempoWindow dnb = fit_tempo_window({172, 174, 174, 175, 176, 87, 170});
  EXPECT_TRUE(dnb.contains(174.0));
  EXPECT_TRUE(dnb.contains(168.0));  // a reading a little under the lowest tag
  EXPECT_FALSE(dnb.contains(87.0));
  const TempoWindow house = fit_tempo_window({122, 124, 125, 126, 128, 130});
  EXPECT_TRUE(house.contains(124.0));
  EXPECT_FALSE(house.contains(62.0));
  EXPECT_FALSE(house.contains(248.0));
  EXPECT_EQ(fit_tempo_window({}).lo, 0.0);
  EXPECT_EQ(fit_tempo_window({-3, NAN}).lo, 0.0);
}

TEST(TagAdapt, DoublingATempoAddsTheHalfBeatsAndHalvingKeepsTheDownbeatsSide) {
  TempoAdaptation faster;
  faster.theta = {0, 0, 0, 0, 10};
  faster.library = {200.0};  // the tags sit at 200-400
  const json at120 = tempo_values(120, {0.5, 1.0, 1.5, 2.0, 2.5}, {0.5, 2.5});
  const json doubled = apply_tempo_adaptation(at120, &faster, "");
  EXPECT_DOUBLE_EQ(doubled["bpm"].get<double>(), 240.0);
  EXPECT_EQ(doubled["beats"], json({0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5}));
  EXPECT_EQ(doubled["downbeats"], json({0.5, 1.5, 2.5}));
  EXPECT_DOUBLE_EQ(doubled["beat_grid"]["bpm"].get<double>(), 240.0);
  EXPECT_DOUBLE_EQ(doubled["tempo_segments"][0]["bpm"].get<double>(), 240.0);
  EXPECT_EQ(doubled["tempo_analyzed"]["bpm"], 120.0);
  EXPECT_EQ(doubled["bpm_adapted"], faster.id());
  EXPECT_EQ(analyzed_bpm(doubled), 120.0);
  EXPECT_EQ(apply_tempo_adaptation(doubled, nullptr, ""), at120);
  EXPECT_EQ(apply_tempo_adaptation(doubled, &faster, ""), doubled);

  TempoAdaptation slower;
  slower.theta = {0, 0, 0, 0, 10};
  slower.genres["drum & bass"] = {60.0};  // this genre's tags sit at 60-120
  // The first downbeat is the second beat: the kept beats are the downbeat's.
  const json at174 = tempo_values(174, {0.1, 0.445, 0.79, 1.135, 1.48, 1.825, 2.17, 2.515, 2.86, 3.205}, {0.445, 1.825});
  const json halved = apply_tempo_adaptation(at174, &slower, "  Drum & Bass ");
  EXPECT_DOUBLE_EQ(halved["bpm"].get<double>(), 87.0);
  EXPECT_EQ(halved["beats"], json({0.445, 1.135, 1.825, 2.515, 3.205}));
  EXPECT_EQ(halved["downbeats"], json({0.445}));
  EXPECT_DOUBLE_EQ(halved["beat_grid"]["first_beat_s"].get<double>(), 0.445);  // the grid starts on a kept beat
  EXPECT_DOUBLE_EQ(halved["beat_grid"]["bpm"].get<double>(), 87.0);
  // Another genre has no window, nor has the library: the analyzer's reading stays.
  EXPECT_EQ(apply_tempo_adaptation(at174, &slower, "house"), at174);
  // With the library's window, a genre without one of its own reads by that.
  slower.library = {150.0};
  EXPECT_EQ(apply_tempo_adaptation(at174, &slower, "house"), at174);
  EXPECT_DOUBLE_EQ(apply_tempo_adaptation(at174, &slower, "Drum & Bass")["bpm"].get<double>(), 87.0);
  slower.library = {60.0};
  EXPECT_DOUBLE_EQ(apply_tempo_adaptation(at174, &slower, "house")["bpm"].get<double>(), 87.0);
  slower.library = {};
  EXPECT_EQ(apply_tempo_adaptation(halved, nullptr, ""), at174);
  // No BPM ("no steady beat"): nothing to move.
  const json none = {{"bpm", nullptr}, {"beats", json::array()}};
  EXPECT_EQ(apply_tempo_adaptation(none, &faster, ""), none);
}

TEST(TagAdapt, ATempoAdaptationRoundTripsAndAMalformedOneIsRefused) {
  TempoAdaptation a;
  a.theta = {3, 0.5, -0.2, -1, 2};
  a.library = {88.0};
  a.genres["drum & bass"] = {120.0};
  auto back = TempoAdaptation::parse(a.to_json());
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->id(), a.id());
  EXPECT_EQ(back->genres.at("drum & bass").lo, 120.0);
  json j = a.to_json();
  j["genre_window_lo"]["drum & bass"] = "fast";
  EXPECT_FALSE(TempoAdaptation::parse(j));
  j = a.to_json();
  j["library_window_lo"] = -5;
  EXPECT_FALSE(TempoAdaptation::parse(j));
  j = a.to_json();
  j["theta"] = json::array({1, 2});
  EXPECT_FALSE(TempoAdaptation::parse(j));
  j = a.to_json();
  j["format"] = "codex-rank-weights";
  EXPECT_FALSE(TempoAdaptation::parse(j));
  // Fields of the wrong type are refused, never thrown.
  for (const char* field : {"format", "kind", "version", "library_window_lo"}) {
    j = a.to_json();
    j[field] = json::array({1});
    EXPECT_FALSE(TempoAdaptation::parse(j)) << field;
    EXPECT_FALSE(KeyAdaptation::parse(j)) << field;
  }
  j = a.to_json();
  j["version"] = "1";
  EXPECT_FALSE(TempoAdaptation::parse(j));
  EXPECT_FALSE(TempoAdaptation::parse(json::array()));
}

TEST(TagAdapt, DamagedStoredResultsAreReadWithoutThrowing) {
  TempoAdaptation a;
  a.theta = {0, 0, 0, 0, 10};
  a.library = {150.0};
  json t = tempo_values(87, {0.1, 0.79}, {0.1});
  t["bpm_alternatives"].push_back({{"relation", 7}, {"score", "high"}});
  t["bpm_alternatives"].push_back("junk");
  t["beat_grid"] = "junk";
  t["tempo_segments"] = json::array({"junk", {{"bpm", "fast"}}});
  json adapted;
  ASSERT_NO_THROW(adapted = apply_tempo_adaptation(t, &a, ""));
  EXPECT_DOUBLE_EQ(adapted["bpm"].get<double>(), 174.0);
  t["bpm"] = "fast";
  EXPECT_EQ(apply_tempo_adaptation(t, &a, ""), t);
  t["tempo_analyzed"] = "junk";
  ASSERT_NO_THROW(apply_tempo_adaptation(t, &a, ""));

  KeyAdaptation k = minor_loving();
  json v = key_values({0, false}, {9, true});
  v["opening_chord"] = {{"chord", 12}, {"fit", "good"}};
  v["closing_chord"] = "junk";
  v["key_segments"] = "junk";
  json kv;
  ASSERT_NO_THROW(kv = apply_key_adaptation(v, &k));
  EXPECT_EQ(kv["key"], "8A");
  v["key_analyzed"] = "junk";
  ASSERT_NO_THROW(apply_key_adaptation(v, &k));
  v["key_evidence"]["learned_weight"] = "heavy";
  ASSERT_NO_THROW(apply_key_adaptation(v, &k));
}
