#include "codex/analysis/beat_dbn.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace codex::analysis {

std::vector<double> dbn_beat_frames(const std::vector<float>& odf, const BeatDbnOptions& opt) {
  const size_t n = odf.size();
  const int p_lo = std::max(2, static_cast<int>(std::ceil(opt.min_period_frames)));
  const int p_hi = static_cast<int>(std::floor(opt.max_period_frames));
  if (n < 2 || p_hi < p_lo + 1) return {};
  const int periods = p_hi - p_lo + 1;

  // Activation in [0, 1]: the onset strength over its 99th percentile.
  std::vector<float> sorted(odf);
  const size_t k = std::min(n - 1, n * 99 / 100);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
  const double scale = sorted[k] > 0 ? 1.0 / sorted[k] : 1.0;
  constexpr double kEps = 1e-6;
  std::vector<float> log_beat(n), log_other(n);
  for (size_t f = 0; f < n; ++f) {
    const double a = std::clamp(odf[f] * scale, 0.0, 1.0);
    log_beat[f] = static_cast<float>(std::log(std::max(a, kEps)));
    log_other[f] = static_cast<float>(std::log(std::max((1.0 - a) / (opt.beat_fraction - 1), kEps)));
  }

  // State layout: period p (index t = p - p_lo) owns positions 0..p-1 at offset[t].
  std::vector<size_t> offset(static_cast<size_t>(periods) + 1, 0);
  for (int t = 0; t < periods; ++t) offset[t + 1] = offset[t] + static_cast<size_t>(p_lo + t);
  const size_t states = offset.back();
  // Log transition from the end of period a to the start of period b.
  std::vector<float> trans(static_cast<size_t>(periods * periods));
  for (int a = 0; a < periods; ++a) {
    double norm = 0.0;
    for (int b = 0; b < periods; ++b) {
      norm += std::exp(-opt.transition_lambda * std::fabs(static_cast<double>(p_lo + b) / (p_lo + a) - 1.0));
    }
    for (int b = 0; b < periods; ++b) {
      const double w = std::exp(-opt.transition_lambda * std::fabs(static_cast<double>(p_lo + b) / (p_lo + a) - 1.0));
      trans[static_cast<size_t>(a * periods + b)] = static_cast<float>(std::log(std::max(w / norm, 1e-30)));
    }
  }
  auto observed = [&](int t, size_t pos, size_t f) {
    const size_t beat_positions = std::max<size_t>(1, static_cast<size_t>((p_lo + t) / opt.beat_fraction));
    return pos < beat_positions ? log_beat[f] : log_other[f];
  };

  // Viterbi. Within a period the predecessor is fixed (position - 1), so only the period chosen
  // at each beat start is stored: one entry per period per frame.
  std::vector<float> score(states), next(states);
  std::vector<uint16_t> back(n * static_cast<size_t>(periods));
  const float start = -static_cast<float>(std::log(static_cast<double>(states)));
  for (int t = 0; t < periods; ++t) {
    for (size_t pos = 0; pos < static_cast<size_t>(p_lo + t); ++pos) score[offset[t] + pos] = start + observed(t, pos, 0);
  }
  for (size_t f = 1; f < n; ++f) {
    for (int b = 0; b < periods; ++b) {
      float best = -std::numeric_limits<float>::infinity();
      int arg = b;
      for (int a = 0; a < periods; ++a) {
        const float s = score[offset[a + 1] - 1] + trans[static_cast<size_t>(a * periods + b)];
        if (s > best) {
          best = s;
          arg = a;
        }
      }
      next[offset[b]] = best + observed(b, 0, f);
      back[f * static_cast<size_t>(periods) + static_cast<size_t>(b)] = static_cast<uint16_t>(arg);
      for (size_t pos = 1; pos < static_cast<size_t>(p_lo + b); ++pos) {
        next[offset[b] + pos] = score[offset[b] + pos - 1] + observed(b, pos, f);
      }
    }
    std::swap(score, next);
  }
  // Backtrack from the best final state.
  size_t s = static_cast<size_t>(std::max_element(score.begin(), score.end()) - score.begin());
  int t = static_cast<int>(std::upper_bound(offset.begin(), offset.end(), s) - offset.begin()) - 1;
  size_t pos = s - offset[t];
  std::vector<double> beats;
  for (size_t f = n - 1;; --f) {
    if (pos == 0) {
      beats.push_back(static_cast<double>(f));
      if (f == 0) break;
      t = back[f * static_cast<size_t>(periods) + static_cast<size_t>(t)];
      pos = static_cast<size_t>(p_lo + t) - 1;
    } else {
      if (f == 0) break;
      --pos;
    }
  }
  std::reverse(beats.begin(), beats.end());
  // Sub-frame refinement: the onset peak within a frame of each beat, by a parabola.
  for (double& b : beats) {
    auto i = static_cast<size_t>(b);
    if (i > 0 && odf[i - 1] > odf[i]) --i;
    if (i + 1 < n && odf[i + 1] > odf[i]) ++i;
    b = static_cast<double>(i);
    if (i == 0 || i + 1 >= n) continue;
    const double l = odf[i - 1], c = odf[i], r = odf[i + 1];
    const double den = l - 2 * c + r;
    if (den < 0) b = static_cast<double>(i) + std::clamp(0.5 * (l - r) / den, -0.5, 0.5);
  }
  return beats;
}

}  // namespace codex::analysis
