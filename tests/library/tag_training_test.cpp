// `codex train key` / `codex train tempo`: adaptations fitted to the DJ's tags on stored results,
// measured on held-out tracks, installed with the stored results rewritten (tags untouched),
// removed again, and applied by `codex analyze` to what it analyses afterwards.
#include "codex/library/tag_training.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "codex/corpus/sqlite.h"
#include "codex/demo/synth.h"
#include "codex/library/analyze_job.h"
#include "support/test_util.h"

namespace codex::library {
namespace {

using nlohmann::json;

int index_of(const music::Key& k) { return k.tonic * 2 + (k.minor ? 1 : 0); }

json key_result(const music::Key& first, const music::Key& second, std::mt19937& rng) {
  std::uniform_real_distribution<double> small(0.0, 0.3), margin(0.01, 0.1);
  json profile = json::array();
  for (int i = 0; i < 24; ++i) profile.push_back(small(rng));
  profile[static_cast<size_t>(index_of(first))] = 0.8 + margin(rng);
  profile[static_cast<size_t>(index_of(second))] = 0.8;
  return {{"key", first.camelot()}, {"key_name", first.name()}, {"key_open", first.open_key()},
          {"key_evidence", {{"profile", profile}, {"learned_weight", 0.0}}}};
}

json tempo_result(double bpm) {
  json beats = json::array();
  for (int i = 0; i < 16; ++i) beats.push_back(std::round(1000.0 * i * 60.0 / bpm) / 1000.0);
  return {{"bpm", bpm},
          {"bpm_alternatives", json::array({{{"bpm", bpm * 2}, {"score", 0.7}, {"relation", "double"}},
                                            {{"bpm", bpm / 2}, {"score", 0.5}, {"relation", "half"}}})},
          {"beats", beats},
          {"downbeats", json::array({beats[0], beats[4], beats[8], beats[12]})},
          {"beat_grid", {{"bpm", bpm}}}};
}

class TagTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = corpus::Corpus::open(dir_.file("c.db"));
    ASSERT_TRUE(c);
    corpus_ = std::move(*c);
  }
  void add(const std::string& id, const std::string& artist, const std::string& genre, std::optional<std::string> tag_key,
           std::optional<double> tag_bpm, const json& key, const json& tempo, const std::string& comment = "") {
    corpus::TrackWrite w;
    w.track_id = id;
    w.file = {dir_.file(id + ".mp3"), 100, 1};
    w.title = id;
    w.artist = artist;
    w.genre = genre;
    w.tag_key = tag_key;
    w.tag_bpm = tag_bpm;
    w.duration_s = 200;
    if (!comment.empty()) w.tags["comment"] = comment;
    if (!key.is_null()) w.results.push_back({{"key", 5, "h"}, 0.5, key});
    if (!tempo.is_null()) w.results.push_back({{"tempo", 5, "h"}, 0.5, tempo});
    ASSERT_TRUE(corpus_->tracks().store(w));
  }
  json stored(const std::string& id, const std::string& analyzer) {
    auto all = corpus_->analyses().of(id);
    EXPECT_TRUE(all);
    for (const auto& a : *all) {
      if (a.analyzer == analyzer) return a.result;
    }
    return nullptr;
  }
  // A library whose analyzer reads 70% of its minor tracks as their relative major, as the DJ's
  // tags (all minor) show.
  std::map<std::string, json> relative_major_library(int n) {
    std::mt19937 rng(3);
    std::map<std::string, json> originals;
    for (int i = 0; i < n; ++i) {
      const music::Key minor{(i * 5) % 12, true}, relative{(minor.tonic + 3) % 12, false};
      const bool wrong = i % 10 < 7;
      const json k = wrong ? key_result(relative, minor, rng) : key_result(minor, relative, rng);
      const std::string id = "t" + std::to_string(i);
      add(id, "artist " + std::to_string(i % 17), "", minor.camelot(), std::nullopt, k, nullptr);
      originals[id] = k;
    }
    return originals;
  }
  test::TempDir dir_;
  std::unique_ptr<corpus::Corpus> corpus_;
};

TEST_F(TagTraining, KeyLearnsTheTagsMinorAndInstallsOnlyWhatHelpsOnHeldOutTracks) {
  const auto originals = relative_major_library(60);
  auto r = train_key_from_tags(*corpus_, {});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ((*r)["used"], 60);
  const double before = (*r)["held_out"]["before"]["mirex"], after = (*r)["held_out"]["after"]["mirex"];
  EXPECT_NEAR(before, 0.3 * 1.0 + 0.7 * 0.3, 1e-9);
  EXPECT_GT(after, 0.95);
  EXPECT_EQ((*r)["held_out"]["before"]["relations"]["relative"], 42);
  ASSERT_EQ((*r)["installed"], true);
  EXPECT_EQ((*r)["changed"], 42);
  // The stored keys are the tags' now, the analyzer's kept beside them; the tags are untouched.
  const json t0 = stored("t0", "key");
  EXPECT_EQ(t0["key"], music::Key({0, true}).camelot());
  EXPECT_EQ(t0["key_analyzed"]["key"], music::Key({3, false}).camelot());
  auto row = corpus_->tracks().row("t0");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->tag_key, music::Key({0, true}).camelot());
  auto installed = load_adaptations(*corpus_);
  ASSERT_TRUE(installed);
  ASSERT_TRUE(installed->key);
  EXPECT_EQ(installed->key->id(), (*r)["id"]);
  EXPECT_FALSE(installed->tempo);

  // --reset: every stored result back to the analyzer's own, the adaptation gone.
  TagTrainOptions reset;
  reset.reset = true;
  auto back = train_key_from_tags(*corpus_, reset);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["changed"], 42);
  for (const auto& [id, k] : originals) EXPECT_EQ(stored(id, "key"), k) << id;
  installed = load_adaptations(*corpus_);
  ASSERT_TRUE(installed);
  EXPECT_FALSE(installed->key);
}

TEST_F(TagTraining, AKeyAdaptationThatDoesNotHelpIsNotInstalled) {
  // The analyzer already agrees with every tag: nothing to gain.
  std::mt19937 rng(5);
  for (int i = 0; i < 30; ++i) {
    const music::Key k{i % 12, i % 3 == 0}, other{(i + 7) % 12, i % 3 == 0};
    add("t" + std::to_string(i), "a" + std::to_string(i), "", k.name(), std::nullopt, key_result(k, other, rng), nullptr);
  }
  auto r = train_key_from_tags(*corpus_, {});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ((*r)["installed"], false);
  EXPECT_FALSE((*r)["reason"].get<std::string>().empty());
  auto installed = load_adaptations(*corpus_);
  ASSERT_TRUE(installed);
  EXPECT_FALSE(installed->key);
}

TEST_F(TagTraining, TooFewTagsIsAnErrorAndDisagreeingSourcesAreLeftOut) {
  std::mt19937 rng(9);
  const music::Key am{9, true}, c{0, false};
  for (int i = 0; i < 12; ++i) add("t" + std::to_string(i), "", "", "8A", std::nullopt, key_result(am, c, rng), nullptr);
  add("untagged", "", "", std::nullopt, std::nullopt, key_result(am, c, rng), nullptr);
  add("old", "", "", "8A", std::nullopt, {{"key", "8A"}}, nullptr);  // analysed before the evidence was kept
  add("junk", "", "", "not a key", std::nullopt, key_result(am, c, rng), nullptr);
  // Its key tag is CODEX's own, written by `codex tag --write`: no label.
  add("ours", "", "", "8A", std::nullopt, key_result(am, c, rng), nullptr, "8A - Energy 6 (CODEX) | from the shop");
  // A DJ program that files t0 in another key than its file tag does.
  auto s = corpus_->dj().replace_import("/x.xml", "rekordbox", {[] {
                                          corpus::DjTrackRow d;
                                          d.source = "rekordbox";
                                          d.path = "/t0.mp3";
                                          d.track_id = "t0";
                                          d.key = "5A";
                                          return d;
                                        }()},
                                        {});
  ASSERT_TRUE(s) << s.message();
  TagTrainOptions opt;
  opt.min_tracks = 20;
  auto r = train_key_from_tags(*corpus_, opt);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("11 analysed track(s) have a key"), std::string::npos) << r.status().message();
  opt.min_tracks = 5;
  r = train_key_from_tags(*corpus_, opt);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ((*r)["tagged_tracks"], 13);
  EXPECT_EQ((*r)["conflicting_tags"], 1);
  EXPECT_EQ((*r)["without_evidence"], 1);
  EXPECT_EQ((*r)["unreadable_tags"], 1);
  EXPECT_EQ((*r)["used"], 11);
}

TEST_F(TagTraining, TempoLearnsTheGenresOctaveFromTheTags) {
  // Drum & bass read at half its tagged 172-176; house read right at 122-128.
  for (int i = 0; i < 40; ++i) {
    const double dnb = 172.0 + i % 5, house = 122.0 + i % 7;
    add("d" + std::to_string(i), "dnb artist " + std::to_string(i % 13), "Drum & Bass", std::nullopt, dnb, nullptr,
        tempo_result(dnb / 2));
    add("h" + std::to_string(i), "house artist " + std::to_string(i % 11), "House", std::nullopt, house, nullptr,
        tempo_result(house));
  }
  auto r = train_tempo_from_tags(*corpus_, {});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ((*r)["used"], 80);
  EXPECT_NEAR((*r)["held_out"]["before"]["acc1"].get<double>(), 0.5, 1e-9);
  EXPECT_GT((*r)["held_out"]["after"]["acc1"].get<double>(), 0.95);
  ASSERT_EQ((*r)["installed"], true);
  EXPECT_EQ((*r)["changed"], 40);
  const json d0 = stored("d0", "tempo");
  EXPECT_DOUBLE_EQ(d0["bpm"].get<double>(), 172.0);
  EXPECT_EQ(d0["beats"].size(), 31u);
  EXPECT_DOUBLE_EQ(d0["tempo_analyzed"]["bpm"].get<double>(), 86.0);
  EXPECT_EQ(stored("h0", "tempo"), tempo_result(122.0));
  auto row = corpus_->tracks().row("d0");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->tag_bpm, 172.0);
}

TEST_F(TagTraining, ADamagedAdaptationStopsAnalysisWithOneClearError) {
  {
    auto db = corpus::Database::open(dir_.file("c.db"));
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("INSERT INTO adaptations VALUES('key', '{\"format\":\"codex-tag-adaptation\"}', 'now')"));
  }
  auto loaded = load_adaptations(*corpus_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.status().message().find("codex train key --reset"), std::string::npos);
  const AnalyzeSummary s = analyze_files(*corpus_, {dir_.file("none.wav")}, {});
  EXPECT_NE(s.corpus_error.find("key adaptation is damaged"), std::string::npos) << s.corpus_error;
}

TEST_F(TagTraining, AnalyzeAppliesTheInstalledTempoAdaptationToWhatItStores) {
  test::write_audio(dir_.file("clicks.wav"), test::to_stereo(demo::render_clicks(120, 12.0, 44100)), 2, 44100);
  analysis::TempoAdaptation faster;
  faster.theta = {0, 0, 0, 0, 10};
  faster.library = {200.0};
  faster.analyzer_version = 4;  // fitted on an older tempo analyzer: not applied to this one's results
  ASSERT_TRUE(corpus_->analyses().install_adaptation("tempo", faster.to_json(), nullptr));
  AnalyzeSummary old = analyze_files(*corpus_, {dir_.file("clicks.wav")}, {});
  ASSERT_EQ(old.analyzed, 1u) << old.corpus_error;
  auto first = corpus_->tracks().rows();
  ASSERT_TRUE(first && first->size() == 1u);
  EXPECT_NEAR(stored((*first)[0].track_id, "tempo")["bpm"].get<double>(), 120.0, 0.5);
  faster.analyzer_version = 5;  // the tempo analyzer's
  ASSERT_TRUE(corpus_->analyses().install_adaptation("tempo", faster.to_json(), nullptr));
  AnalyzeOptions force;
  force.force = true;
  const AnalyzeSummary s = analyze_files(*corpus_, {dir_.file("clicks.wav")}, force);
  ASSERT_EQ(s.analyzed, 1u) << s.corpus_error;
  auto rows = corpus_->tracks().rows();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const json t = stored((*rows)[0].track_id, "tempo");
  EXPECT_NEAR(t["bpm"].get<double>(), 240.0, 1.0);
  EXPECT_NEAR(t["tempo_analyzed"]["bpm"].get<double>(), 120.0, 0.5);
  EXPECT_EQ(t["bpm_adapted"], faster.id());
  const json k = stored((*rows)[0].track_id, "key");
  EXPECT_FALSE(k.contains("key_analyzed"));  // no key adaptation installed
}

}  // namespace
}  // namespace codex::library
