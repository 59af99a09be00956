#include "codex/demo/synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "codex/audio/decoder.h"
#include "codex/demo/demo_library.h"
#include "support/test_util.h"

namespace codex::demo {
namespace {

TEST(Synth, DeterministicAndBounded) {
  TrackSpec spec;
  spec.seconds = 10;
  const Rendered a = render_track(spec), b = render_track(spec);
  ASSERT_EQ(a.samples.size(), static_cast<size_t>(10 * 44100 * 2));
  EXPECT_EQ(a.samples, b.samples);
  float peak = 0;
  for (float s : a.samples) peak = std::max(peak, std::fabs(s));
  EXPECT_LE(peak, 1.0f);
  EXPECT_GT(peak, 0.1f);
  spec.seed = 2;
  EXPECT_NE(render_track(spec).samples, a.samples);
}

TEST(Synth, BeatGridAndSectionsMatchTheSpec) {
  TrackSpec spec;
  spec.bpm = 174;
  spec.seconds = 60;
  spec.pattern = Pattern::kHalfTime;
  spec.intro_bars = 8;
  const Rendered r = render_track(spec);
  ASSERT_GT(r.beats.size(), 100u);
  for (size_t i = 1; i < r.beats.size(); ++i) EXPECT_NEAR(r.beats[i] - r.beats[i - 1], 60.0 / 174, 1e-9);
  EXPECT_EQ(r.downbeats.size(), (r.beats.size() + 3) / 4);
  ASSERT_FALSE(r.sections.empty());
  EXPECT_EQ(r.sections.front().label, "intro");
  EXPECT_NEAR(r.sections.front().end_s, 8 * 4 * 60.0 / 174, 1e-9);
  EXPECT_EQ(r.sections.back().label, "outro");
  EXPECT_DOUBLE_EQ(r.sections.back().end_s, 60.0);
  bool breakdown = false;
  for (const auto& s : r.sections) breakdown |= s.label == "breakdown";
  EXPECT_TRUE(breakdown);
}

TEST(Synth, ClicksLandOnTheBeat) {
  const auto c = render_clicks(120, 4.0, 44100, 0.25);
  for (double t : {0.25, 0.75, 1.25, 3.75}) {
    EXPECT_GT(std::fabs(c[static_cast<size_t>(t * 44100) + 5]), 0.05f) << t;
  }
  EXPECT_EQ(c[static_cast<size_t>(0.5 * 44100)], 0.0f);
}

TEST(DemoCatalog, CoversTemposKeysFormatsAndLevels) {
  const auto cat = demo_catalog(32);
  ASSERT_EQ(cat.size(), 32u);
  double lo = 1e9, hi = 0;
  std::set<std::string> keys, exts, genres, ids;
  std::set<double> gains;
  int beatless = 0;
  for (const auto& t : cat) {
    EXPECT_TRUE(ids.insert(t.id).second);
    if (t.bpm) {
      lo = std::min(lo, *t.bpm);
      hi = std::max(hi, *t.bpm);
    } else {
      ++beatless;
    }
    keys.insert(t.spec.key.camelot());
    exts.insert(audio::format_extension(t.format));
    genres.insert(t.genre);
    gains.insert(t.spec.gain_db);
    EXPECT_GE(t.spec.seconds, 60);
    EXPECT_LE(t.spec.seconds, 90);
    EXPECT_GE(t.energy_design, 1.0);
    EXPECT_LE(t.energy_design, 10.0);
  }
  EXPECT_LE(lo, 90);
  EXPECT_GE(hi, 170);
  EXPECT_EQ(keys.size(), 24u);
  EXPECT_TRUE(exts.count("mp3") && exts.count("flac") && exts.count("m4a") && exts.count("wav"));
  EXPECT_GE(genres.size(), 8u);
  EXPECT_GE(gains.size(), 3u);
  EXPECT_GE(beatless, 1);
}

TEST(DemoLibrary, WritesDecodableFilesAndGroundTruth) {
  test::TempDir dir;
  auto cat = demo_catalog(4, 8.0, 8.0);
  ASSERT_TRUE(write_demo_library(dir.path(), cat).ok());
  std::ifstream f(dir.file("ground_truth.json"));
  const auto truth = nlohmann::json::parse(f);
  ASSERT_EQ(truth.size(), 4u);
  for (size_t i = 0; i < cat.size(); ++i) {
    const std::string path = dir.file(truth[i]["file"].get<std::string>());
    auto dec = audio::Decoder::open(path);
    ASSERT_TRUE(dec.ok()) << path;
    EXPECT_EQ((*dec)->info().tags.at("title"), cat[i].title);
    audio::DecodeStats st;
    ASSERT_TRUE((*dec)->run([](const audio::AudioBlock&) { return true; }, &st).ok());
    EXPECT_NEAR(st.duration_s, 8.0, 0.06);
    EXPECT_EQ(truth[i]["camelot"], cat[i].spec.key.camelot());
  }
  std::ifstream m(dir.file("manifest.json"));
  const auto manifest = nlohmann::json::parse(m);
  ASSERT_EQ(manifest.size(), 4u);
  EXPECT_TRUE(std::filesystem::exists(dir.file(manifest[0]["beats_file"].get<std::string>())));
}

}  // namespace
}  // namespace codex::demo
