#include "codex/analysis/key_estimate.h"

#include <algorithm>
#include <cmath>

namespace codex::analysis {
namespace {

// Key profiles (index 0 = tonic): the diatonic scale with the tonic triad emphasised (tonic 2,
// third and fifth 1.5, other scale degrees 1; in the minor profile the minor seventh weighs 0.8 and
// the raised seventh of harmonic minor is added at 0.4). tests/analysis/key_test.cpp builds these
// from this description. On synthesised progressions with real instrument samples this measured better
// than Krumhansl-Kessler (1982) and Temperley (1999) profiles, alone or averaged (bench/README).
constexpr double kMajor[12] = {2, 0, 1, 0, 1.5, 1, 0, 1.5, 0, 1, 0, 1};
constexpr double kMinor[12] = {2, 0, 1, 1.5, 0, 1, 0, 1.5, 1, 0, 0.8, 0.4};

struct Profiles {
  std::array<double, 12> major, minor;
  Profiles() {
    for (int i = 0; i < 12; ++i) {
      major[i] = kMajor[i];
      minor[i] = kMinor[i];
    }
  }
};

double correlate(const Chroma& c, const std::array<double, 12>& profile, int tonic) {
  double mc = 0, mp = 0;
  for (int i = 0; i < 12; ++i) {
    mc += c[i];
    mp += profile[i];
  }
  mc /= 12;
  mp /= 12;
  double num = 0, dc = 0, dp = 0;
  for (int i = 0; i < 12; ++i) {
    const double a = c[(i + tonic) % 12] - mc, b = profile[i] - mp;
    num += a * b;
    dc += a * a;
    dp += b * b;
  }
  return dc > 0 && dp > 0 ? num / std::sqrt(dc * dp) : 0.0;
}

}  // namespace

std::vector<KeyScore> score_keys(const Chroma& chroma, const KeyScoring& scoring) {
  static const Profiles profiles;
  const Chroma* bass = scoring.bass;
  double bass_max = 0.0;
  if (bass) bass_max = *std::max_element(bass->begin(), bass->end());
  auto bass_evidence = [&](int tonic) {
    if (!bass || bass_max <= 0) return 0.0;
    return ((*bass)[tonic] + 0.5 * (*bass)[(tonic + 7) % 12]) / (1.5 * bass_max);
  };
  std::vector<KeyScore> out;
  for (int t = 0; t < 12; ++t) {
    const double b = scoring.bass_weight * bass_evidence(t);
    const double rmaj = correlate(chroma, profiles.major, t), rmin = correlate(chroma, profiles.minor, t);
    out.push_back({music::Key{t, false}, rmaj + b, rmaj});
    out.push_back({music::Key{t, true}, rmin + scoring.minor_bias + b, rmin});
  }
  std::sort(out.begin(), out.end(), [](const KeyScore& a, const KeyScore& b) { return a.score > b.score; });
  return out;
}

std::optional<EdgeChord> edge_chord(const std::vector<Chroma>& frames, const std::vector<double>& tonal,
                                    double frame_s, bool at_end, double span_s) {
  const size_t n = std::min(frames.size(), tonal.size());
  if (n < 4 || frame_s <= 0) return std::nullopt;
  std::vector<double> t(tonal.begin(), tonal.begin() + static_cast<std::ptrdiff_t>(n));
  std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(n / 2), t.end());
  const double gate = 0.25 * t[n / 2];
  if (gate <= 0) return std::nullopt;
  const auto want = std::max<size_t>(2, static_cast<size_t>(span_s / frame_s));
  Chroma c{};
  size_t used = 0;
  for (size_t k = 0; k < n && used < want; ++k) {
    const size_t f = at_end ? n - 1 - k : k;
    if (tonal[f] < gate) {
      if (used) break;  // the span is contiguous once it has started
      continue;
    }
    for (int i = 0; i < 12; ++i) c[i] += frames[f][i];
    ++used;
  }
  if (used < 2) return std::nullopt;
  EdgeChord best{music::Key{0, false}, -2.0};
  std::array<double, 12> major{}, minor{};
  major[0] = major[4] = major[7] = 1.0;
  minor[0] = minor[3] = minor[7] = 1.0;
  for (int root = 0; root < 12; ++root) {
    for (bool is_minor : {false, true}) {
      const double r = correlate(c, is_minor ? minor : major, root);
      if (r > best.correlation) best = {music::Key{root, is_minor}, r};
    }
  }
  return best;
}

std::vector<KeySegment> key_segments(const std::vector<Chroma>& frames, double frame_s, const KeyScoring& scoring,
                                     double window_s, double min_segment_s) {
  std::vector<KeySegment> out;
  const size_t n = frames.size();
  if (n == 0) return out;
  const auto win = std::max<size_t>(1, static_cast<size_t>(window_s / frame_s));
  const size_t hop = std::max<size_t>(1, win / 2);
  // Per window: scores of the 24 keys (index tonic*2 + minor).
  std::vector<std::array<double, 24>> obs;
  std::vector<double> starts;
  for (size_t s = 0; s < n; s += hop) {
    Chroma c{};
    for (size_t f = s; f < std::min(n, s + win); ++f) {
      for (int i = 0; i < 12; ++i) c[i] += frames[f][i];
    }
    std::array<double, 24> sc{};
    for (const auto& k : score_keys(c, scoring)) sc[k.key.tonic * 2 + (k.key.minor ? 1 : 0)] = k.score;
    obs.push_back(sc);
    starts.push_back(static_cast<double>(s) * frame_s);
    if (s + win >= n) break;
  }
  // Viterbi: staying costs nothing, switching costs `penalty` (in correlation units).
  const double penalty = 0.6;
  const size_t m = obs.size();
  std::vector<std::array<double, 24>> score(m);
  std::vector<std::array<int, 24>> back(m);
  score[0] = obs[0];
  for (size_t t = 1; t < m; ++t) {
    int best_prev = 0;
    for (int k = 1; k < 24; ++k) {
      if (score[t - 1][k] > score[t - 1][best_prev]) best_prev = k;
    }
    for (int k = 0; k < 24; ++k) {
      const double stay = score[t - 1][k], move = score[t - 1][best_prev] - penalty;
      back[t][k] = stay >= move ? k : best_prev;
      score[t][k] = std::max(stay, move) + obs[t][k];
    }
  }
  std::vector<int> path(m);
  path[m - 1] = static_cast<int>(std::max_element(score[m - 1].begin(), score[m - 1].end()) - score[m - 1].begin());
  for (size_t t = m - 1; t > 0; --t) path[t - 1] = back[t][path[t]];
  const double end_s = static_cast<double>(n) * frame_s;
  for (size_t t = 0; t < m; ++t) {
    const music::Key k{path[t] / 2, path[t] % 2 == 1};
    // A window covers [start, start + win); its key is placed on its centre half.
    const double s = t == 0 ? 0.0 : starts[t] + 0.25 * static_cast<double>(win) * frame_s;
    if (out.empty() || !(out.back().key == k)) {
      if (!out.empty()) out.back().end_s = s;
      out.push_back({s, end_s, k});
    }
  }
  // Merge segments shorter than the minimum into their neighbour.
  for (size_t i = 0; i < out.size() && out.size() > 1;) {
    if (out[i].end_s - out[i].start_s >= min_segment_s) {
      ++i;
      continue;
    }
    if (i > 0) {
      out[i - 1].end_s = out[i].end_s;
    } else {
      out[i + 1].start_s = out[i].start_s;
    }
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
    // re-merge equal neighbours
    for (size_t j = 1; j < out.size();) {
      if (out[j].key == out[j - 1].key) {
        out[j - 1].end_s = out[j].end_s;
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        ++j;
      }
    }
    i = 0;
  }
  return out;
}

}  // namespace codex::analysis
