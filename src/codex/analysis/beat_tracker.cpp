#include "codex/analysis/beat_tracker.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace codex::analysis {
namespace {

// Least-squares line through (index, time): returns slope (period) and intercept.
void fit_line(const std::vector<double>& t, size_t lo, size_t hi, double* period, double* first) {
  const double n = static_cast<double>(hi - lo);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = lo; i < hi; ++i) {
    const double x = static_cast<double>(i);
    sx += x;
    sy += t[i];
    sxx += x * x;
    sxy += x * t[i];
  }
  const double den = n * sxx - sx * sx;
  *period = den != 0 ? (n * sxy - sx * sy) / den : 0.0;
  *first = (sy - *period * sx) / n;
}

// Weighted least-squares line through (index, time) over beats with weight > 0.
bool fit_weighted(const std::vector<double>& t, const std::vector<double>& w, double* period, double* first) {
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  size_t used = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (w[i] <= 0) continue;
    const double x = static_cast<double>(i);
    sw += w[i];
    sx += w[i] * x;
    sy += w[i] * t[i];
    sxx += w[i] * x * x;
    sxy += w[i] * x * t[i];
    ++used;
  }
  const double den = sw * sxx - sx * sx;
  if (used < 4 || den <= 0) return false;
  *period = (sw * sxy - sx * sy) / den;
  *first = (sy - *period * sx) / sw;
  return true;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::vector<double> dp_beat_frames(const std::vector<float>& odf, double period, double tightness) {
  const auto n = static_cast<int>(odf.size());
  if (n == 0 || period < 2.0) return {};
  // Normalise the onset strength so the tightness means the same for any track.
  double mean = 0, sq = 0;
  for (float v : odf) {
    mean += v;
    sq += static_cast<double>(v) * v;
  }
  mean /= n;
  const double sd = std::sqrt(std::max(1e-12, sq / n - mean * mean));
  std::vector<double> local(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) local[i] = (odf[i] - mean) / sd;

  std::vector<double> score(static_cast<size_t>(n));
  std::vector<int> back(static_cast<size_t>(n), -1);
  const int lo = std::max(1, static_cast<int>(std::floor(period * 0.5)));
  const int hi = static_cast<int>(std::ceil(period * 2.0));
  std::vector<double> penalty(static_cast<size_t>(hi + 1));
  for (int d = lo; d <= hi; ++d) {
    const double l = std::log(d / period);
    penalty[d] = -tightness * l * l;
  }
  for (int i = 0; i < n; ++i) {
    double best = 0.0;  // starting a new chain here scores only the local strength
    int arg = -1;
    for (int d = lo; d <= hi && d <= i; ++d) {
      const double s = score[i - d] + penalty[d];
      if (s > best) {
        best = s;
        arg = i - d;
      }
    }
    score[i] = local[i] + best;
    back[i] = arg;
  }
  // End at the best-scoring frame within the last period, then backtrack.
  int end = n - 1;
  for (int i = std::max(0, n - static_cast<int>(std::ceil(period))); i < n; ++i) {
    if (score[i] > score[end]) end = i;
  }
  std::vector<double> beats;
  for (int i = end; i >= 0; i = back[i]) beats.push_back(i);
  std::reverse(beats.begin(), beats.end());
  // Sub-frame refinement: parabola through the onset strength at each beat's frame.
  for (double& b : beats) {
    const auto i = static_cast<int>(b);
    if (i <= 0 || i + 1 >= n) continue;
    const double a = odf[i - 1], c = odf[i], e = odf[i + 1];
    const double den = a - 2 * c + e;
    if (c >= a && c >= e && den < 0) b = i + std::clamp(0.5 * (a - e) / den, -0.5, 0.5);
  }
  return beats;
}

BeatGrid build_grid(std::vector<double> t, const std::vector<double>& evidence, const BeatTrackerOptions& opt) {
  BeatGrid g;
  g.beats = std::move(t);
  const size_t n = g.beats.size();
  if (n < 4) {
    g.steady = false;
    return g;
  }
  // Local tempo from 8-beat windows.
  std::vector<double> local;
  const size_t w = std::min<size_t>(8, n - 1);
  for (size_t i = 0; i + w < n; ++i) local.push_back(w / (g.beats[i + w] - g.beats[i]) * 60.0);
  const double med = median(local);
  double lo = med, hi = med;
  // Ignore the outer 10% so one odd bar at an edge does not break the grid.
  std::vector<double> sorted = local;
  std::sort(sorted.begin(), sorted.end());
  if (!sorted.empty()) {
    lo = sorted[sorted.size() / 10];
    hi = sorted[sorted.size() - 1 - sorted.size() / 10];
  }
  g.steady = (hi - lo) / med <= opt.steady_tolerance;

  if (g.steady) {
    // Weight beats by their bass-onset evidence: kicks anchor the grid, while beats the tracker
    // placed on pad onsets in a beatless intro or breakdown count little.
    // Evidence is capped at its 90th percentile: one loud hit (a crash, the last chord) must not
    // outweigh every kick and drag the first fit off the beats, after which the robust refits
    // would drop the good beats instead of it.
    std::vector<double> ev(evidence.begin(), evidence.begin() + static_cast<std::ptrdiff_t>(std::min(n, evidence.size())));
    if (!ev.empty()) {
      std::vector<double> sorted_ev = ev;
      const size_t k = (sorted_ev.size() - 1) * 9 / 10;
      std::nth_element(sorted_ev.begin(), sorted_ev.begin() + static_cast<std::ptrdiff_t>(k), sorted_ev.end());
      for (double& e : ev) e = std::min(e, sorted_ev[k]);
    }
    double mean_sq = 0.0;
    for (double e : ev) mean_sq += e * e;
    mean_sq = ev.empty() ? 0.0 : mean_sq / static_cast<double>(ev.size());
    std::vector<double> base(n, 1.0);
    if (mean_sq > 0) {
      for (size_t i = 0; i < n; ++i) {
        const double e = i < ev.size() ? ev[i] : 0.0;
        base[i] = e * e + 0.02 * mean_sq;
      }
    }
    double period = 0, first = 0;
    fit_weighted(g.beats, base, &period, &first);
    // Robust refits: drop beats more than 40 ms, then 15 ms, off the previous fit (a fill, a
    // missed kick, a beat on a pad onset).
    for (const double tolerance : {0.04, 0.015}) {
      std::vector<double> w = base;
      size_t kept = 0;
      for (size_t i = 0; i < n; ++i) {
        if (std::fabs(g.beats[i] - (first + period * static_cast<double>(i))) >= tolerance) w[i] = 0.0;
        else ++kept;
      }
      if (kept < n / 2) break;
      double p2 = period, f2 = first;
      if (fit_weighted(g.beats, w, &p2, &f2)) {
        period = p2;
        first = f2;
      }
    }
    // Productions sit on whole BPM: when the fit is within 0.05 BPM of one, take it exactly and
    // re-centre the phase on the well-supported beats.
    const double whole = std::round(60.0 / period);
    if (std::fabs(60.0 / period - whole) <= opt.snap_bpm) {
      period = 60.0 / whole;
      double sw = 0.0, sr = 0.0;
      for (size_t i = 0; i < n; ++i) {
        const double r = g.beats[i] - (first + period * static_cast<double>(i));
        if (std::fabs(r) >= 0.015) continue;
        sw += base[i];
        sr += base[i] * (g.beats[i] - period * static_cast<double>(i));
      }
      if (sw > 0) first = sr / sw;
    }
    double sq = 0;
    for (size_t i = 0; i < n; ++i) {
      const double grid = first + period * static_cast<double>(i);
      sq += (g.beats[i] - grid) * (g.beats[i] - grid);
      g.beats[i] = grid;  // a steady track gets an exact grid
    }
    g.jitter_ms = 1000.0 * std::sqrt(sq / static_cast<double>(n));
    g.bpm = 60.0 / period;
    g.first_beat_s = first;
    while (g.first_beat_s - period >= -1e-9) g.first_beat_s -= period;  // earliest grid line
    g.segments.push_back({g.beats.front(), g.beats.back() + period, g.bpm});
  } else {
    g.bpm = med;
    g.first_beat_s = g.beats.front();
    // Segments: split where the local tempo moves more than the tolerance from the segment start.
    size_t seg_start = 0;
    for (size_t i = 1; i <= local.size(); ++i) {
      const bool split = i == local.size() || std::fabs(local[i] - local[seg_start]) / local[seg_start] > 2 * opt.steady_tolerance;
      if (!split) continue;
      const size_t b0 = seg_start, b1 = std::min(n - 1, i + w / 2);
      double period = 0, first = 0;
      fit_line(g.beats, b0, std::max(b0 + 2, b1 + 1), &period, &first);
      g.segments.push_back({g.beats[b0], g.beats[b1], period > 0 ? 60.0 / period : 0.0});
      seg_start = i;
    }
  }

  // Downbeats: the bar phase whose beats carry the most bass onset strength.
  const int bpb = opt.beats_per_bar;
  std::vector<double> phase_score(static_cast<size_t>(bpb), 0.0);
  for (size_t i = 0; i < n && i < evidence.size(); ++i) phase_score[i % bpb] += evidence[i];
  const auto phase = static_cast<size_t>(std::max_element(phase_score.begin(), phase_score.end()) - phase_score.begin());
  for (size_t i = phase; i < n; i += static_cast<size_t>(bpb)) g.downbeats.push_back(g.beats[i]);
  return g;
}

}  // namespace codex::analysis
