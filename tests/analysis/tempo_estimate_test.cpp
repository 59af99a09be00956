// The metrical-level decisions of the tempo estimator on onset-strength series built by hand
// (100 frames per second). (Swing jazz at 160-190, read at half, is a known miss: its ride
// pattern is the same rhythm as swung hip-hop sixteenths at 80-95, which must stay.)
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

TEST(TempoEstimate, AShuffleStaysAtItsTempo) {
  for (double bpm : {82.0, 88.0}) {
    const Pattern p = shuffle(bpm, 40.0);
    const TempoEstimate e = estimate_tempo(p.full, kFps, {}, &p.high);
    EXPECT_NEAR(e.bpm, bpm, 0.02 * bpm) << "thirds " << e.swing_thirds << " half " << e.swing_half;
    EXPECT_GE(e.swing_thirds, 0.1) << "the swing is heard";
  }
}

}  // namespace
}  // namespace codex::analysis
