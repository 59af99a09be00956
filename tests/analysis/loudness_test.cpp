#include "codex/analysis/loudness.h"

#include <gtest/gtest.h>

#include "codex/analysis/pass.h"
#include "codex/demo/synth.h"
#include "support/test_util.h"

namespace codex::analysis {
namespace {

AnalyzerOutput measure(const std::vector<float>& interleaved, int channels, int rate) {
  LoudnessAnalyzer a;
  EXPECT_TRUE(a.start({22050, rate, channels}).ok());
  audio::AudioBlock b;
  b.native = interleaved.data();
  b.native_frames = static_cast<int64_t>(interleaved.size()) / channels;
  b.native_channels = channels;
  a.process(b);
  return a.finish();
}

TEST(Loudness, StereoSineAtMinus20dBFS) {
  // A 997 Hz sine with -20 dBFS peak in both channels reads about -20 LUFS (BS.1770: K-weighting is
  // ~+0.7 dB at 1 kHz, the -0.691 constant takes it back, and two channels add 3 dB to -23 dB RMS).
  const auto mono = demo::render_sine(997.0, 0.1, 10.0, 48000);
  const AnalyzerOutput out = measure(test::to_stereo(mono), 2, 48000);
  ASSERT_TRUE(out.values["integrated_lufs"].is_number());
  EXPECT_NEAR(out.values["integrated_lufs"].get<double>(), -20.0, 0.2);
  EXPECT_NEAR(out.values["sample_peak_dbfs"].get<double>(), -20.0, 0.1);
  EXPECT_NEAR(out.values["true_peak_dbtp"].get<double>(), -20.0, 0.2);
  EXPECT_LT(out.values["loudness_range_lu"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(out.confidence, 1.0);
}

TEST(Loudness, MonoIsMeasuredAsDualMono) {
  const auto mono = demo::render_sine(997.0, 0.1, 10.0, 44100);
  const AnalyzerOutput m = measure(mono, 1, 44100);
  const AnalyzerOutput s = measure(test::to_stereo(mono), 2, 44100);
  EXPECT_NEAR(m.values["integrated_lufs"].get<double>(), s.values["integrated_lufs"].get<double>(), 0.05);
}

TEST(Loudness, SixDecibelsQuieterReadsSixLower) {
  const AnalyzerOutput a = measure(test::to_stereo(demo::render_sine(500.0, 0.2, 8.0, 44100)), 2, 44100);
  const AnalyzerOutput b = measure(test::to_stereo(demo::render_sine(500.0, 0.1, 8.0, 44100)), 2, 44100);
  EXPECT_NEAR(a.values["integrated_lufs"].get<double>() - b.values["integrated_lufs"].get<double>(), 6.02, 0.05);
}

TEST(Loudness, SilenceHasNoLoudness) {
  const AnalyzerOutput out = measure(std::vector<float>(2 * 44100 * 5, 0.0f), 2, 44100);
  EXPECT_TRUE(out.values["integrated_lufs"].is_null());
  EXPECT_EQ(out.confidence, 0.0);
  EXPECT_TRUE(out.values.contains("reason"));
}

TEST(Loudness, LoudnessRangeSeesDynamics) {
  // 10 s at -30 dBFS then 10 s at -10 dBFS: LRA must be large.
  auto quiet = demo::render_sine(440.0, 0.0316, 10.0, 44100);
  auto loud = demo::render_sine(440.0, 0.316, 10.0, 44100);
  quiet.insert(quiet.end(), loud.begin(), loud.end());
  const AnalyzerOutput out = measure(test::to_stereo(quiet), 2, 44100);
  EXPECT_GT(out.values["loudness_range_lu"].get<double>(), 15.0);
}

}  // namespace
}  // namespace codex::analysis
