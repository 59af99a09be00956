// The prompt suite over a synthetic corpus of 3000 feature records: for every category of DJ
// language, the top 5 satisfy the intent and the default hard constraints (or say why not).
#include "codex/rank/recommend.h"

#include <gtest/gtest.h>

#include <cmath>

#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::rank {
namespace {

const char* kGenres[] = {"techno", "house", "drum & bass", "hip-hop", "trance"};
const char* kVibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
const char* kVocals[] = {"instrumental", "female", "male", "mixed"};

std::vector<TrackFeatures> corpus(size_t n) {
  demo::Rng rng(77);
  std::vector<TrackFeatures> lib;
  for (size_t i = 0; i < n; ++i) {
    TrackFeatures t;
    // (append, not operator+: GCC 12 warns falsely about the latter, PR 105329)
    t.track_id = std::string("t").append(std::to_string(i));
    t.title = std::string("Title ").append(std::to_string(i));
    t.artist = std::string("Artist ").append(std::to_string(i % 97));
    const int g = static_cast<int>(rng.next() % 5);
    t.genre = kGenres[g];
    const double base[] = {130, 124, 174, 90, 138};
    t.bpm = std::round(base[g] + rng.uniform(-6, 6));
    t.key = music::Key{static_cast<int>(rng.next() % 12), rng.uniform() < 0.6};
    t.energy = static_cast<double>(1 + rng.next() % 10);
    t.vibe = kVibes[rng.next() % 6];
    t.vocal_presence = kVocals[rng.next() % 4];
    t.mix_in = static_cast<double>(1 + rng.next() % 10);
    t.mix_out = static_cast<double>(1 + rng.next() % 10);
    t.moods = {rng.uniform() < 0.3 ? "driving" : "warm", "night"};
    const char* stages[] = {"opener", "journey", "peak", "closer"};
    const char* grooves[] = {"four-on-floor", "broken", "swung"};
    t.intensity = stages[rng.next() % 4];
    t.groove = grooves[rng.next() % 3];
    lib.push_back(t);
  }
  // A well-defined current track: techno, 130 BPM, 8A, energy 6, hypnotic.
  lib[0].genre = "techno";
  lib[0].bpm = 130;
  lib[0].key = music::Key{9, true};
  lib[0].energy = 6;
  lib[0].vibe = "hypnotic";
  return lib;
}

class PromptSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lib_ = new std::vector<TrackFeatures>(corpus(3000)); }
  static void TearDownTestSuite() { delete lib_; }
  std::vector<const TrackFeatures*> top5(const std::string& prompt, RecommendResult* res = nullptr) {
    prompt::Vocabulary v{{"techno", "house", "drum & bass", "hip-hop", "trance"}, {"driving", "warm", "night"}};
    RecommendOptions o;
    o.top = 5;
    const RecommendResult r = recommend(*lib_, 0, prompt::parse_intent(prompt, v), o);
    std::vector<const TrackFeatures*> out;
    for (const auto& x : r.results) {
      out.push_back(&(*lib_)[x.index]);
      EXPECT_GE(x.score, 0.0);
      EXPECT_LE(x.score, 1.0);
      EXPECT_FALSE(x.reasons.empty());
    }
    EXPECT_EQ(out.size(), 5u) << prompt;
    if (res) *res = r;
    return out;
  }
  static double tempo_pct(double from, double to) {
    double best = 1e9;
    for (double m : {0.5, 1.0, 2.0}) {
      const double p = (to * m / from - 1.0) * 100.0;
      if (std::fabs(p) < std::fabs(best)) best = p;
    }
    return best;
  }
  const TrackFeatures& cur() const { return (*lib_)[0]; }
  static std::vector<TrackFeatures>* lib_;
};
std::vector<TrackFeatures>* PromptSuite::lib_ = nullptr;

TEST_F(PromptSuite, DefaultHardConstraints) {
  RecommendResult r;
  for (const auto* t : top5("", &r)) {
    EXPECT_NE(t->track_id, cur().track_id);
    EXPECT_LE(std::fabs(tempo_pct(*cur().bpm, *t->bpm)), 6.0);
    EXPECT_GE(music::camelot_compatibility(*cur().key, *t->key), 0.6);
  }
  EXPECT_TRUE(r.relaxed.empty());
  EXPECT_EQ(r.results[0].reasons[0].find("relaxed"), std::string::npos);
}

TEST_F(PromptSuite, Energy) {
  for (const auto* t : top5("more energy")) EXPECT_GT(*t->energy, *cur().energy);
  for (const auto* t : top5("crank it up")) EXPECT_GT(*t->energy, *cur().energy);
  for (const auto* t : top5("bring it down")) EXPECT_LT(*t->energy, *cur().energy);
  for (const auto* t : top5("keep the energy")) EXPECT_EQ(*t->energy, *cur().energy);
  for (const auto* t : top5("keep it rolling")) EXPECT_EQ(*t->energy, *cur().energy);
}

TEST_F(PromptSuite, VibeAndMood) {
  for (const auto* t : top5("darker")) EXPECT_EQ(*t->vibe, "dark");
  for (const auto* t : top5("more aggressive but same tempo")) {
    EXPECT_EQ(*t->vibe, "aggressive");
    EXPECT_LE(std::fabs(tempo_pct(*cur().bpm, *t->bpm)), 2.0);
  }
  for (const auto* t : top5("darker but keep the energy")) {
    EXPECT_EQ(*t->vibe, "dark");
    EXPECT_EQ(*t->energy, *cur().energy);
  }
  for (const auto* t : top5("euphoric")) EXPECT_EQ(*t->vibe, "euphoric");
  for (const auto* t : top5("driving")) EXPECT_EQ(t->moods[0], "driving");
}

TEST_F(PromptSuite, Tempo) {
  for (const auto* t : top5("faster")) EXPECT_GT(tempo_pct(*cur().bpm, *t->bpm), 0.0);
  for (const auto* t : top5("slower")) EXPECT_LT(tempo_pct(*cur().bpm, *t->bpm), 0.0);
  for (const auto* t : top5("same tempo")) EXPECT_LE(std::fabs(tempo_pct(*cur().bpm, *t->bpm)), 2.0);
  for (const auto* t : top5("128 BPM")) EXPECT_LE(std::fabs(tempo_pct(128.0, *t->bpm)), 6.0);
  for (const auto* t : top5("+4 bpm")) EXPECT_LE(std::fabs(tempo_pct(134.0, *t->bpm)), 6.0);
  for (const auto* t : top5("not slower")) EXPECT_GE(tempo_pct(*cur().bpm, *t->bpm), -0.5);
}

TEST_F(PromptSuite, Key) {
  for (const auto* t : top5("same key")) EXPECT_EQ(*t->key, *cur().key);
  for (const auto* t : top5("minor key")) EXPECT_TRUE(t->key->minor);
  for (const auto* t : top5("in 9A")) EXPECT_EQ(t->key->camelot(), "9A");
  for (const auto* t : top5("harmonic")) EXPECT_GE(music::camelot_compatibility(*cur().key, *t->key), 0.6);
  for (const auto* t : top5("energy boost")) EXPECT_EQ(music::camelot_relation(*cur().key, *t->key), "energy boost");
  RecommendResult r;
  top5("any key", &r);
  EXPECT_TRUE(r.relaxed.empty());
}

TEST_F(PromptSuite, Vocals) {
  for (const auto* t : top5("instrumental")) EXPECT_EQ(*t->vocal_presence, "instrumental");
  for (const auto* t : top5("no vocals")) EXPECT_EQ(*t->vocal_presence, "instrumental");
  for (const auto* t : top5("avoid vocals")) EXPECT_EQ(*t->vocal_presence, "instrumental");
  for (const auto* t : top5("with vocals")) EXPECT_NE(*t->vocal_presence, "instrumental");
  for (const auto* t : top5("female vocals")) EXPECT_EQ(*t->vocal_presence, "female");
}

TEST_F(PromptSuite, GenreNarrativeSimilarity) {
  for (const auto* t : top5("more techno")) EXPECT_EQ(t->genre, "techno");
  for (const auto* t : top5("same genre")) EXPECT_EQ(t->genre, "techno");
  for (const auto* t : top5("change up the genre")) EXPECT_NE(t->genre, "techno");
  for (const auto* t : top5("peak time")) {
    EXPECT_GE(*t->energy, 7.0);
    EXPECT_EQ(*t->intensity, "peak");
  }
  for (const auto* t : top5("closer")) EXPECT_EQ(*t->intensity, "closer");
  for (const auto* t : top5("build toward a peak")) EXPECT_GT(*t->energy, *cur().energy);
  for (const auto* t : top5("wind down")) EXPECT_LT(*t->energy, *cur().energy);
  for (const auto* t : top5("warm-up")) {
    EXPECT_LE(*t->energy, 6.0);
    EXPECT_EQ(*t->intensity, "opener");
  }
  for (const auto* t : top5("more of the same")) EXPECT_EQ(t->genre, "techno");
}

TEST_F(PromptSuite, UnknownWordsStillRecommend) {
  for (const auto* t : top5("gimme wonky flurbs")) {
    EXPECT_GE(music::camelot_compatibility(*cur().key, *t->key), 0.6);
  }
}

TEST(Recommend, FullModeRetrievesByEmbeddingAndStillHonoursThePrompt) {
  const auto lib = corpus(3000);
  std::vector<schema::TrackRecord> records;
  std::vector<embed::Vector> emb;
  for (const auto& t : lib) {
    records.push_back(schema::from_json({{"bpm", *t.bpm}, {"key", t.key->camelot()}, {"energy", *t.energy},
                                         {"vibe", *t.vibe}, {"genre", t.genre}, {"vocal_presence", *t.vocal_presence},
                                         {"mood_tags", t.moods}}));
    emb.push_back(embed::embed_record(records.back()));
  }
  RecommendOptions o;
  o.top = 5;
  o.mode = Mode::kFull;
  o.embeddings = &emb;
  o.records = &records;
  auto check = [&](const char* p, auto pred) {
    const auto r = recommend(lib, 0, prompt::parse_intent(p), o);
    ASSERT_EQ(r.results.size(), 5u) << p;
    for (const auto& x : r.results) EXPECT_TRUE(pred(lib[x.index])) << p << ": " << lib[x.index].track_id;
  };
  check("darker", [](const TrackFeatures& t) { return *t.vibe == "dark"; });
  check("more energy", [&](const TrackFeatures& t) { return *t.energy > *lib[0].energy; });
  check("no vocals", [](const TrackFeatures& t) { return *t.vocal_presence == "instrumental"; });
  check("", [&](const TrackFeatures& t) { return music::camelot_compatibility(*lib[0].key, *t.key) >= 0.6; });
  o.mode = Mode::kEmbedding;
  check("darker", [](const TrackFeatures& t) { return *t.vibe == "dark"; });
}

TEST(Recommend, PackedAttributesAndTheCompactIndexGiveTheSameAnswers) {
  const auto lib = corpus(3000);
  std::vector<embed::Vector> emb;
  auto small = index::make_compact_index(embed::kDims);
  for (const auto& t : lib) {
    emb.push_back(embed::embed_record(schema::from_json(
        {{"bpm", *t.bpm}, {"key", t.key->camelot()}, {"energy", *t.energy}, {"vibe", *t.vibe}, {"genre", t.genre}})));
    small->add(static_cast<uint32_t>(emb.size() - 1), emb.back().data());
  }
  const PackedAttributes packed = pack_attributes(lib);
  for (const char* p : {"", "darker", "same key", "energy boost", "128 bpm", "faster", "minor key", "any key"}) {
    RecommendOptions plain;
    plain.top = 10;
    plain.mode = Mode::kFull;
    plain.embeddings = &emb;
    RecommendOptions fast = plain;
    fast.packed = &packed;
    const auto a = recommend(lib, 0, prompt::parse_intent(p), plain);
    const auto b = recommend(lib, 0, prompt::parse_intent(p), fast);
    ASSERT_EQ(a.results.size(), b.results.size()) << p;
    for (size_t i = 0; i < a.results.size(); ++i) EXPECT_EQ(a.results[i].index, b.results[i].index) << p;
    fast.index = small.get();  // 8-bit pre-selection: the top results may differ only in near ties
    const auto c = recommend(lib, 0, prompt::parse_intent(p), fast);
    size_t same = 0;
    for (const auto& x : c.results) {
      for (const auto& y : a.results) same += x.index == y.index;
    }
    EXPECT_GE(same, 8u) << p;
    // Exclusions (checked on packed id hashes first) give the same answers too.
    plain.exclude = fast.exclude = {a.results[0].index < lib.size() ? lib[a.results[0].index].track_id : "",
                                    lib[a.results[2].index].track_id};
    fast.index = nullptr;
    const auto d = recommend(lib, 0, prompt::parse_intent(p), plain);
    const auto e = recommend(lib, 0, prompt::parse_intent(p), fast);
    ASSERT_EQ(d.results.size(), e.results.size()) << p;
    for (size_t i = 0; i < d.results.size(); ++i) {
      EXPECT_EQ(d.results[i].index, e.results[i].index) << p;
      EXPECT_NE(d.results[i].index, a.results[0].index) << "excluded";
      EXPECT_NE(d.results[i].index, a.results[2].index) << "excluded";
    }
  }
}

TEST(RankWeights, LoadsValidFilesAndRejectsMalformedOnes) {
  test::TempDir dir;
  auto load = [&](const std::string& text) {
    test::write_bytes(dir.file("w.json"), text);
    return load_weights(dir.file("w.json"));
  };
  auto ok = load(R"({"format":"codex-rank-weights","version":1,"weights":{"energy":0.5,"vibe":0}})");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ((*ok)[0].weight, 0.5);
  EXPECT_EQ((*ok)[3].weight, 0.0);
  EXPECT_EQ((*ok)[1].weight, default_weights()[1].weight);
  for (const char* bad : {"", "not json", "[1,2]", R"({"version":1,"weights":{}})",
                          R"({"format":"codex-rank-weights","version":2,"weights":{}})",
                          R"({"format":"codex-rank-weights","version":1})",
                          R"({"format":"codex-rank-weights","version":1,"weights":{"bogus":1}})",
                          R"({"format":"codex-rank-weights","version":1,"weights":{"energy":-1}})",
                          R"({"format":"codex-rank-weights","version":1,"weights":{"energy":"high"}})",
                          R"({"format":"codex-rank-weights","version":1,"weights":{"energy":1e308,"key":1e308}})",
                          "{\"format\":\"codex-rank-weights\xff\"}"}) {
    auto r = load(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
    }
  }
  EXPECT_FALSE(load_weights(dir.file("missing.json")).ok());
  // Weights change the ranking: with only the tempo factor, the nearest tempo wins.
  const auto lib = corpus(500);
  std::vector<Factor> tempo_only = default_weights();
  for (auto& f : tempo_only) f.weight = std::string(f.name) == "tempo" ? 1.0 : 0.0;
  RecommendOptions o;
  o.top = 1;
  o.weights = &tempo_only;
  const auto r = recommend(lib, 0, prompt::parse_intent(""), o);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(*lib[r.results[0].index].bpm, *lib[0].bpm);
}

TEST(Recommend, RelaxesAndSaysSoWhenNothingFits) {
  std::vector<TrackFeatures> lib(4);
  for (size_t i = 0; i < lib.size(); ++i) {
    lib[i].track_id = std::string("x").append(std::to_string(i));
    lib[i].bpm = 100.0 + 20.0 * i;  // 100, 120, 140, 160: none within 6% of 100
    lib[i].key = music::Key{static_cast<int>(i * 2), false};
    lib[i].energy = 5;
  }
  const RecommendResult r = recommend(lib, 0, prompt::parse_intent(""), {3, {}});
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_FALSE(r.relaxed.empty());
  bool said = false;
  for (const auto& s : r.results[0].reasons) said |= s.find("relaxed") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(Recommend, ExcludesPlayedTracksAndFindsTheCurrentOne) {
  auto lib = corpus(200);
  lib[5].artist = "Mara Voss";
  lib[5].title = "Velvet Motion";
  EXPECT_EQ(*find_track(lib, "t5"), 5u);
  EXPECT_EQ(*find_track(lib, "mara voss - velvet motion"), 5u);
  EXPECT_EQ(*find_track(lib, "Velvet Motion"), 5u);
  EXPECT_FALSE(find_track(lib, "nothing like this").ok());
  EXPECT_EQ(*find_track(lib, "Title 1"), 1u) << "an exact title wins over the titles it is part of";
  const auto ambiguous = find_track(lib, "Title");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("matches"), std::string::npos);
  // A whole id is the track; a unique start of an id that is also another track's title is
  // refused, never picked silently.
  lib[7].title = "t199";
  EXPECT_EQ(*find_track(lib, "t199"), 199u);
  lib[7].title = "Kick 47";
  lib[8].title = "47";
  lib[9].track_id = "47ab";
  const auto clash = find_track(lib, "47");
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("start of track id 47ab"), std::string::npos) << clash.status().message();
  EXPECT_EQ(*find_track(lib, "47ab"), 9u);
  RecommendOptions o;
  o.top = 50;
  const auto first = recommend(lib, 0, prompt::parse_intent(""), o);
  ASSERT_FALSE(first.results.empty());
  o.exclude = {lib[first.results[0].index].track_id};
  const auto second = recommend(lib, 0, prompt::parse_intent(""), o);
  for (const auto& r : second.results) EXPECT_NE(lib[r.index].track_id, o.exclude[0]);
}

}  // namespace
}  // namespace codex::rank
