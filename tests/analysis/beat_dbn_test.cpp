// The beat-period state-space decoder on onset-strength series built by hand (100 frames/s).
#include "codex/analysis/beat_dbn.h"

#include <gtest/gtest.h>

#include <cmath>

#include "codex/analysis/beat_tracker.h"

namespace codex::analysis {
namespace {

// Onsets at the given frame times (fractional), each a short decaying pulse, over light noise.
std::vector<float> onsets_at(const std::vector<double>& frames, size_t n) {
  std::vector<float> odf(n, 0.0f);
  uint32_t x = 7;
  for (auto& v : odf) {
    x = x * 1664525u + 1013904223u;
    v = 0.05f * static_cast<float>(x >> 8) / 16777216.0f;
  }
  for (double f : frames) {
    const auto i = static_cast<size_t>(std::lround(f));
    for (size_t k = 0; k < 3 && i + k < n; ++k) odf[i + k] += std::pow(0.4f, static_cast<float>(k));
  }
  return odf;
}

double recall(const std::vector<double>& est, const std::vector<double>& truth, double tol) {
  size_t hit = 0;
  for (double t : truth) {
    for (double e : est) {
      if (std::fabs(e - t) <= tol) {
        ++hit;
        break;
      }
    }
  }
  return truth.empty() ? 0.0 : static_cast<double>(hit) / static_cast<double>(truth.size());
}

TEST(BeatDbn, SteadyPulseIsFollowedExactly) {
  std::vector<double> truth;
  for (double f = 30.0; f < 3000.0; f += 50.0) truth.push_back(f);  // 120 BPM
  const auto beats = dbn_beat_frames(onsets_at(truth, 3000));
  EXPECT_GT(recall(beats, truth, 1.0), 0.97);
  EXPECT_LE(beats.size(), truth.size() + 1);
}

TEST(BeatDbn, FollowsATempoThatWanders) {
  // Rubato: the beat period swings between 0.5 and 0.62 s over the piece (a played performance),
  // where one fixed period cannot stay on the beats.
  std::vector<double> truth;
  double f = 20.0;
  for (int b = 0; f < 6000.0; ++b) {
    truth.push_back(f);
    f += 56.0 + 6.0 * std::sin(b / 6.0);
  }
  const auto odf = onsets_at(truth, 6000);
  BeatDbnOptions o;
  o.min_period_frames = 40;
  o.max_period_frames = 75;
  const auto beats = dbn_beat_frames(odf, o);
  EXPECT_GT(recall(beats, truth, 7.0), 0.95);  // within 70 ms
  const auto dp = dp_beat_frames(odf, 56.0, 100.0);
  EXPECT_GE(recall(beats, truth, 7.0), recall(dp, truth, 7.0));
}

TEST(BeatDbn, DegenerateInput) {
  EXPECT_TRUE(dbn_beat_frames({}).empty());
  BeatDbnOptions o;
  o.min_period_frames = 50;
  o.max_period_frames = 50;
  EXPECT_TRUE(dbn_beat_frames(std::vector<float>(500, 0.0f), o).empty());
  const auto silent = dbn_beat_frames(std::vector<float>(500, 0.0f));  // no onsets: any path is as good
  for (size_t i = 1; i < silent.size(); ++i) EXPECT_GT(silent[i], silent[i - 1]);
}

}  // namespace
}  // namespace codex::analysis
