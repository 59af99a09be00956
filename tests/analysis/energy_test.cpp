#include "codex/analysis/energy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "codex/analysis/pass.h"
#include "codex/demo/demo_library.h"
#include "support/test_util.h"

namespace codex::analysis {
namespace {

AnalyzerOutput energy_of_file(const std::string& path) {
  std::vector<std::unique_ptr<Analyzer>> v;
  v.push_back(std::make_unique<EnergyAnalyzer>());
  auto r = analyze_file(path, v);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r->results[0].output : AnalyzerOutput{};
}

AnalyzerOutput energy_of_track(const demo::TrackSpec& spec) {
  test::TempDir dir;
  const demo::Rendered r = demo::render_track(spec);
  test::write_audio(dir.file("t.wav"), r.samples, 2, r.rate_hz);
  return energy_of_file(dir.file("t.wav"));
}

TEST(Energy, SilenceIsOne) {
  test::TempDir dir;
  test::write_audio(dir.file("s.wav"), std::vector<float>(44100 * 4, 0.0f), 1, 44100);
  const AnalyzerOutput out = energy_of_file(dir.file("s.wav"));
  EXPECT_EQ(out.values["energy"].get<int>(), 1);
  EXPECT_EQ(out.confidence, 0.0);
}

TEST(Energy, EnvelopeHasOneValuePerSecondAndFollowsLevel) {
  test::TempDir dir;
  auto a = demo::render_sine(440.0, 0.01, 5.0, 44100);
  auto b = demo::render_sine(440.0, 0.5, 5.0, 44100);
  a.insert(a.end(), b.begin(), b.end());
  const AnalyzerOutput out = energy_of_file((test::write_audio(dir.file("e.wav"), a, 1, 44100), dir.file("e.wav")));
  const auto& env = out.values["envelope_db"];
  ASSERT_NEAR(static_cast<double>(env.size()), 10.0, 1.0);
  EXPECT_LT(env[2].get<double>() + 25.0, env[7].get<double>());
}

TEST(Energy, LoudDenseBeatsQuietSparse) {
  demo::TrackSpec calm;
  calm.seconds = 20;
  calm.bpm = 90;
  calm.pattern = demo::Pattern::kHalfTime;
  calm.gain_db = -18;
  calm.brightness = 0.2;
  calm.intro_bars = 0;
  calm.breakdown = false;
  demo::TrackSpec peak = calm;
  peak.bpm = 132;
  peak.pattern = demo::Pattern::kFourOnFloor;
  peak.sixteenth_hats = true;
  peak.gain_db = -2;
  peak.brightness = 0.8;
  const double lo = energy_of_track(calm).values["energy_score"].get<double>();
  const double hi = energy_of_track(peak).values["energy_score"].get<double>();
  EXPECT_GT(hi, lo + 2.5) << "calm " << lo << " peak " << hi;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  auto rank = [](const std::vector<double>& v) {
    std::vector<size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
    std::vector<double> r(v.size());
    for (size_t k = 0; k < idx.size(); ++k) r[idx[k]] = static_cast<double>(k);
    return r;
  };
  const auto ra = rank(a), rb = rank(b);
  double d2 = 0;
  for (size_t i = 0; i < a.size(); ++i) d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
  const double n = static_cast<double>(a.size());
  return 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
}

TEST(Energy, RanksTheDemoCatalogueLikeItsDesign) {
  // 20 catalogue tracks, shortened to 24 s: the estimate must order them like the designed energy.
  // The design formula knows nothing of voices, so they are rendered instrumental here.
  auto catalog = demo::demo_catalog(20, 24.0, 24.0);
  std::vector<double> design, measured;
  for (auto& t : catalog) {
    t.spec.intro_bars = 2;
    t.spec.voice = demo::Voice::kNone;
    design.push_back(t.energy_design);
    measured.push_back(energy_of_track(t.spec).values["energy_score"].get<double>());
  }
  EXPECT_GT(spearman(design, measured), 0.75);
}

TEST(EnergyScore, IsMonotoneInEachFeatureAndBounded) {
  EnergyFeatures f;
  f.active_ratio = 1.0;
  f.level_db = -20;
  f.flux = 0.01;
  f.onset_rate_hz = 2;
  f.centroid_hz = 800;
  const double base = energy_score(f);
  EnergyFeatures g = f;
  g.level_db = -10;
  EXPECT_GT(energy_score(g), base);
  g = f;
  g.flux = 0.02;
  EXPECT_GT(energy_score(g), base);
  g = f;
  g.onset_rate_hz = 5;
  EXPECT_GT(energy_score(g), base);
  g = f;
  g.centroid_hz = 2000;
  EXPECT_GT(energy_score(g), base);
  g.level_db = 10;
  g.flux = 1;
  g.onset_rate_hz = 100;
  g.centroid_hz = 20000;
  EXPECT_LE(energy_score(g), 10.0);
  EXPECT_GE(energy_score(EnergyFeatures{}), 1.0);
}

}  // namespace
}  // namespace codex::analysis
