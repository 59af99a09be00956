// The acoustic analyzer on synthesised signals with known answers: its windows, what a change of
// level does (only the level features move, by the right amount), tempo normalisation (the same
// groove at 124 and 128 BPM gives the same rhythm pattern and a tempo value 0.046 octave apart), a
// click track's beat period, major against minor harmony, noise against a tone, and silence.
#include "codex/analysis/acoustic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "codex/core/half.h"
#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::analysis {
namespace {

namespace ac = acoustic;

struct Measured {
  AnalyzerOutput out;
  std::vector<float> track, windows;
  size_t n_windows = 0;
};

Measured measure(const std::vector<float>& mono) {
  AcousticAnalyzer a;
  Measured m;
  m.out = test::run_mono(a, mono);
  if (m.out.values.contains("track")) {
    m.track = halves_from_base64(m.out.values["track"].get<std::string>()).value();
    m.windows = halves_from_base64(m.out.values["windows"].get<std::string>()).value();
    m.n_windows = m.out.values["n_windows"].get<size_t>();
  }
  return m;
}

std::vector<float> track(double bpm, double seconds, uint64_t seed, music::Key key = {9, true}, double gain_db = -8.0) {
  demo::TrackSpec s;
  s.bpm = bpm;
  s.seconds = seconds;
  s.seed = seed;
  s.key = key;
  s.gain_db = gain_db;
  s.intro_bars = 0;
  s.breakdown = false;
  return test::to_mono(demo::render_track(s, 22050).samples);
}

TEST(AcousticWindows, TenSecondWindowsTheLastKeptWhenHalfLong) {
  const double rate = 22050.0 / 1024;
  EXPECT_EQ(ac::windows_of(0, rate).size(), 0u);
  EXPECT_EQ(ac::windows_of(static_cast<size_t>(8 * rate), rate).size(), 1u) << "shorter than a window: one";
  EXPECT_EQ(ac::windows_of(static_cast<size_t>(35 * rate), rate).size(), 4u) << "10+10+10+5";
  EXPECT_EQ(ac::windows_of(static_cast<size_t>(34 * rate), rate).size(), 3u) << "the last 4 s are dropped";
  for (const auto& [s, e] : ac::windows_of(static_cast<size_t>(95 * rate), rate)) EXPECT_LE(e - s, static_cast<size_t>(10 * rate + 1));
}

TEST(Acoustic, StoresASummaryPerWindowAndTheirMean) {
  const Measured m = measure(track(128, 45, 1));
  ASSERT_EQ(m.track.size(), static_cast<size_t>(ac::kDims));
  EXPECT_EQ(m.n_windows, 5u) << "10+10+10+10+5";
  ASSERT_EQ(m.windows.size(), m.n_windows * ac::kDims);
  for (int d = 0; d < ac::kDims; ++d) {
    double mean = 0;
    for (size_t w = 0; w < m.n_windows; ++w) mean += m.windows[w * ac::kDims + d] / static_cast<double>(m.n_windows);
    EXPECT_NEAR(m.track[d], mean, 0.01 * std::max(1.0, std::fabs(mean))) << "dimension " << d;
  }
  EXPECT_GT(m.out.confidence, 0.9);
}

TEST(Acoustic, ALongTrackKeepsAtMostSixteenWindows) {
  const Measured m = measure(track(124, 200, 2));
  EXPECT_EQ(m.n_windows, static_cast<size_t>(AcousticAnalyzer::kMaxWindows));
}

TEST(Acoustic, LevelMovesOnlyTheLevelFeatures) {
  // With a noise floor (-40 dB), as recordings have, so that no band comes near the analyzer's
  // own floor (-100 dB per bin), where a level change cannot move it.
  std::vector<float> loud = track(126, 30, 3), quiet;
  std::mt19937 rng(3);
  std::normal_distribution<float> floor(0.0f, 1e-2f);
  for (float& x : loud) x += floor(rng);
  quiet = loud;
  const float g = std::pow(10.0f, -6.0f / 20.0f);
  for (float& x : quiet) x *= g;
  const Measured a = measure(loud), b = measure(quiet);
  ASSERT_FALSE(a.track.empty());
  // The mel bands all drop 6 dB: MFCC 0 by 6 * sqrt(40), the level mean by 6.
  EXPECT_NEAR(a.track[ac::kMfccMean] - b.track[ac::kMfccMean], 6.0 * std::sqrt(40.0), 0.5);
  EXPECT_NEAR(a.track[ac::kDynamics] - b.track[ac::kDynamics], 6.0, 0.1);
  for (int d = 0; d < ac::kDims; ++d) {
    if (d == ac::kMfccMean || d == ac::kDynamics) continue;
    EXPECT_NEAR(a.track[d], b.track[d], 0.02 * std::max(1.0f, std::fabs(a.track[d])) + 0.02) << "dimension " << d;
  }
}

TEST(Acoustic, TheSameGrooveAtAnotherTempoHasTheSameRhythmPattern) {
  const Measured a = measure(track(124, 40, 4)), b = measure(track(128, 40, 4));
  for (int d = ac::kRhythm; d < ac::kRhythm + 7; ++d) EXPECT_NEAR(a.track[d], b.track[d], 0.08) << "beat-lag " << d - ac::kRhythm;
  EXPECT_NEAR(b.track[ac::kRhythm + 9] - a.track[ac::kRhythm + 9], std::log2(128.0 / 124.0), 0.015);
}

TEST(Acoustic, AClickTrackAt128BpmHasItsBeatPeriod) {
  const Measured m = measure(demo::render_clicks(128, 30, 22050));
  EXPECT_NEAR(m.track[ac::kRhythm + 9], std::log2(128.0 / 120.0), 0.01);
  EXPECT_GT(m.track[ac::kRhythm + 4], 0.5) << "one beat later the clicks come again";
  EXPECT_GT(m.track[ac::kRhythm + 6], 0.5) << "and two beats later";
  EXPECT_LT(m.track[ac::kRhythm + 1], 0.2) << "nothing a third of a beat later";
  EXPECT_LT(m.track[ac::kRhythm + 2], m.track[ac::kRhythm + 4]) << "nothing on the half beat";
}

TEST(Acoustic, MajorLeansMajorAndMinorLeansMinor) {
  const Measured major = measure(track(120, 30, 5, music::Key{0, false}));  // C major
  const Measured minor = measure(track(120, 30, 5, music::Key{9, true}));   // A minor
  EXPECT_GT(major.track[ac::kHarmony + 1], minor.track[ac::kHarmony + 1]);
  EXPECT_GT(major.track[ac::kHarmony + 0], 0.5) << "a clear key";
  // Transposition keeps the transposition-invariant harmony values.
  const Measured up = measure(track(120, 30, 5, music::Key{2, false}));  // D major
  for (int d = ac::kHarmony + 4; d < ac::kHarmony + 7; ++d) EXPECT_NEAR(major.track[d], up.track[d], 0.05);
}

TEST(Acoustic, NoiseIsFlatterAndLessTonalThanATone) {
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0.0f, 0.1f);
  std::vector<float> noise(22050 * 20);
  for (float& x : noise) x = n(rng);
  const Measured a = measure(noise), b = measure(demo::render_sine(440.0, 0.3, 20, 22050));
  EXPECT_GT(a.track[ac::kSpectral + 0], b.track[ac::kSpectral + 0] + 10.0) << "flatness, dB";
  EXPECT_GT(a.track[ac::kHarmony + 2], b.track[ac::kHarmony + 2]) << "chroma entropy";
  EXPECT_GT(a.track[ac::kSpectral + 2], b.track[ac::kSpectral + 2]) << "centroid";
}

TEST(Acoustic, SilenceAndTinyInputsGiveFiniteSummaries) {
  const Measured s = measure(std::vector<float>(22050 * 12, 0.0f));
  ASSERT_EQ(s.track.size(), static_cast<size_t>(ac::kDims));
  for (float x : s.track) EXPECT_TRUE(std::isfinite(x));
  EXPECT_EQ(s.out.confidence, 0.0);
  const Measured t = measure(std::vector<float>(100, 0.1f));
  EXPECT_TRUE(t.track.empty()) << "not one frame: nothing to summarise";
  EXPECT_EQ(t.out.confidence, 0.0);
}

}  // namespace
}  // namespace codex::analysis
