// The metrical-level decisions of the tempo estimator on onset-strength series built by hand
// (100 frames per second), so each rule is exercised by the pattern it is about.
#include "codex/analysis/tempo_estimate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace codex::analysis {
namespace {

constexpr double kFps = 100.0;

// Adds a decaying onset of height `h` at time `t_s` (seconds).
void hit(std::vector<float>& odf, double t_s, float h) {
  const auto i = static_cast<long>(std::lround(t_s * kFps));
  for (long k = 0; k < 4 && i + k < static_cast<long>(odf.size()); ++k) {
    if (i + k >= 0) odf[static_cast<size_t>(i + k)] += h * std::pow(0.5f, static_cast<float>(k));
  }
}

struct Pattern {
  std::vector<float> full, high;
};

// Swing jazz at `bpm`: ride on every beat with a swung skip note two thirds into every other
// beat ("ding, ding-a ding"), the hi-hat foot and a strong bass note on 2 and 4 (which the comb
// reads as the beat, at half the tempo), a feathered kick on every beat.
Pattern swing(double bpm, double seconds) {
  Pattern p{std::vector<float>(static_cast<size_t>(seconds * kFps)), {}};
  p.high.assign(p.full.size(), 0.0f);
  const double beat = 60.0 / bpm;
  for (int b = 0; b * beat < seconds; ++b) {
    const double t = b * beat;
    hit(p.high, t, 1.0f);
    hit(p.full, t, 0.4f);
    if (b % 2 == 1) {
      hit(p.high, t + 2.0 * beat / 3.0, 0.7f);
      hit(p.full, t + 2.0 * beat / 3.0, 0.3f);
      hit(p.full, t, 2.0f);  // hi-hat foot and bass on 2 and 4
    }
  }
  return p;
}

// A shuffle at `bpm`: swung eighths (on the beat and two thirds into it) in the hats, kick on 1
// and 3, snare on 2 and 4.
Pattern shuffle(double bpm, double seconds) {
  Pattern p{std::vector<float>(static_cast<size_t>(seconds * kFps)), {}};
  p.high.assign(p.full.size(), 0.0f);
  const double beat = 60.0 / bpm;
  for (int b = 0; b * beat < seconds; ++b) {
    const double t = b * beat;
    hit(p.high, t, 1.0f);
    hit(p.high, t + 2.0 * beat / 3.0, 0.7f);
    hit(p.full, t, b % 2 == 0 ? 2.0f : 1.6f);
    hit(p.full, t + 2.0 * beat / 3.0, 0.3f);
  }
  return p;
}

TEST(TempoEstimate, SwingIsFeltAtTheRideCymbalsTempo) {
  for (double bpm : {164.0, 176.0}) {
    const Pattern p = swing(bpm, 40.0);
    const TempoEstimate e = estimate_tempo(p.full, kFps, {}, &p.high);
    EXPECT_NEAR(e.bpm, bpm, 0.02 * bpm) << "comb read " << e.slow_bpm << " thirds " << e.swing_thirds << " half "
                                        << e.swing_half;
  }
}

TEST(TempoEstimate, AShuffleStaysAtItsTempo) {
  for (double bpm : {82.0, 88.0}) {
    const Pattern p = shuffle(bpm, 40.0);
    const TempoEstimate e = estimate_tempo(p.full, kFps, {}, &p.high);
    EXPECT_NEAR(e.bpm, bpm, 0.02 * bpm) << "thirds " << e.swing_thirds << " half " << e.swing_half;
    EXPECT_FALSE(e.swing_double);
  }
}

}  // namespace
}  // namespace codex::analysis
