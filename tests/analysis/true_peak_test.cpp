#include "codex/analysis/true_peak.h"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>

#include "codex/demo/synth.h"

namespace codex::analysis {
namespace {

double db(double v) { return 20.0 * std::log10(v); }

// libebur128's full 4x-oversampled true peak, as the reference.
double reference_true_peak(const std::vector<float>& x, int channels, int rate) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(rate),
                                   EBUR128_MODE_TRUE_PEAK);
  ebur128_add_frames_float(st, x.data(), x.size() / static_cast<size_t>(channels));
  double peak = 0.0;
  for (int c = 0; c < channels; ++c) {
    double p = 0.0;
    ebur128_true_peak(st, static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  ebur128_destroy(&st);
  return peak;
}

double ours(const std::vector<float>& x, int channels, int rate, size_t block_frames = 4096) {
  TruePeakMeter m(channels, rate);
  const size_t frames = x.size() / static_cast<size_t>(channels);
  for (size_t i = 0; i < frames; i += block_frames) {
    m.add(x.data() + i * static_cast<size_t>(channels), static_cast<int64_t>(std::min(block_frames, frames - i)));
  }
  return m.true_peak();
}

TEST(TruePeak, QuarterRateSineAt45DegreesHidesThreeDecibels) {
  // A full-scale sine at fs/4 sampled 45 degrees off its peaks: samples reach only -3.01 dBFS.
  std::vector<float> x(48000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(0.5 * std::sin(M_PI / 2 * i + M_PI / 4));
  TruePeakMeter m(1, 48000);
  m.add(x.data(), static_cast<int64_t>(x.size()));
  EXPECT_NEAR(db(m.sample_peak()), db(0.5) - 3.01, 0.01);
  EXPECT_NEAR(db(m.true_peak()), db(0.5), 0.25);
}

TEST(TruePeak, AgreesWithLibebur128OnMusicAndNoise) {
  demo::TrackSpec spec;
  spec.seconds = 20;
  spec.gain_db = -1;  // hard into the limiter: many near-peak samples
  const demo::Rendered r = demo::render_track(spec);
  EXPECT_NEAR(db(ours(r.samples, 2, 44100)), db(reference_true_peak(r.samples, 2, 44100)), 0.2);
  EXPECT_NEAR(db(ours(r.samples, 2, 44100, 333)), db(ours(r.samples, 2, 44100)), 1e-9) << "block size must not matter";

  demo::Rng rng(3);
  std::vector<float> noise(48000 * 4);
  for (auto& v : noise) v = 0.3f * rng.noise();
  EXPECT_NEAR(db(ours(noise, 1, 48000)), db(reference_true_peak(noise, 1, 48000)), 0.2);
}

TEST(TruePeak, SilenceIsZero) {
  std::vector<float> x(44100 * 2, 0.0f);
  TruePeakMeter m(2, 44100);
  m.add(x.data(), 44100);
  EXPECT_EQ(m.true_peak(), 0.0);
}

}  // namespace
}  // namespace codex::analysis
