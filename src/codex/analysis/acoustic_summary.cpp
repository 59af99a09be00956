#include "codex/analysis/acoustic_summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>

namespace codex::analysis::acoustic {
namespace {

struct Moments {
  double sum = 0, sum2 = 0;
  size_t n = 0;
  void add(double x) { sum += x, sum2 += x * x, ++n; }
  double mean() const { return n ? sum / static_cast<double>(n) : 0.0; }
  double sd() const {
    if (n < 2) return 0.0;
    const double m = mean();
    return std::sqrt(std::max(0.0, sum2 / static_cast<double>(n) - m * m));
  }
};

// Krumhansl-Kessler probe-tone profiles, C major and C minor.
constexpr std::array<double, 12> kMajor = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinor = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

double correlation(const std::array<double, 12>& chroma, const std::array<double, 12>& profile, int shift) {
  double mc = 0, mp = 0;
  for (int i = 0; i < 12; ++i) mc += chroma[i], mp += profile[i];
  mc /= 12, mp /= 12;
  double num = 0, dc = 0, dp = 0;
  for (int i = 0; i < 12; ++i) {
    const double c = chroma[(i + shift) % 12] - mc, p = profile[i] - mp;
    num += c * p, dc += c * c, dp += p * p;
  }
  return dc > 0 && dp > 0 ? num / std::sqrt(dc * dp) : 0.0;
}

// Linear interpolation of a series at a fractional index (0 beyond its end).
double at(const std::vector<double>& r, double x) {
  if (x < 0 || x >= static_cast<double>(r.size() - 1)) return 0.0;
  const auto i = static_cast<size_t>(x);
  const double f = x - static_cast<double>(i);
  return r[i] * (1 - f) + r[i + 1] * f;
}

// Autocorrelation of the mean-removed series for lags 0..max_lag, normalised by lag 0 (all zero
// for a constant series).
std::vector<double> autocorrelation(const float* x, size_t n, size_t max_lag) {
  std::vector<double> r(max_lag + 1, 0.0);
  if (n < 2) return r;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += x[i];
  mean /= static_cast<double>(n);
  std::vector<double> d(n);
  for (size_t i = 0; i < n; ++i) d[i] = x[i] - mean;
  for (size_t lag = 0; lag <= max_lag && lag < n; ++lag) {
    double s = 0;
    for (size_t i = lag; i < n; ++i) s += d[i] * d[i - lag];
    r[lag] = s / static_cast<double>(n - lag);
  }
  if (r[0] <= 1e-12) return std::vector<double>(max_lag + 1, 0.0);
  const double r0 = r[0];
  for (double& v : r) v /= r0;
  return r;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  const auto k = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

std::vector<std::pair<size_t, size_t>> windows_of(size_t frames, double frame_rate) {
  std::vector<std::pair<size_t, size_t>> w;
  const auto len = std::max<size_t>(1, static_cast<size_t>(std::lround(kWindowSeconds * frame_rate)));
  if (frames == 0) return w;
  if (frames <= len) return {{0, frames}};
  for (size_t s = 0; s < frames; s += len) {
    const size_t e = std::min(frames, s + len);
    if (e - s >= len / 2) w.push_back({s, e});
  }
  return w;
}

namespace {

// Writes one summary's dimensions; a value that is not finite is written as 0.
struct Dims {
  std::vector<float>& out;
  void put(int at, double v) const { out[static_cast<size_t>(at)] = static_cast<float>(std::isfinite(v) ? v : 0.0); }
};

// Timbre: MFCC means and spreads, their change, spectral contrast and shape.
void summarise_timbre(const FrameSeries& s, const std::vector<size_t>& active, size_t f0, size_t f1, const Dims& d) {
  for (int c = 0; c < kMfcc; ++c) {
    Moments m;
    for (size_t f : active) m.add(s.mfcc[f * kMfcc + c]);
    d.put(kMfccMean + c, m.mean());
    d.put(kMfccStd + c, m.sd());
  }
  for (int c = 0; c < kDeltas; ++c) {
    Moments m;
    for (size_t f = f0 + 1; f + 1 < f1; ++f) m.add(0.5 * (s.mfcc[(f + 1) * kMfcc + c] - s.mfcc[(f - 1) * kMfcc + c]));
    d.put(kDeltaStd + c, m.sd());
  }
  for (int b = 0; b < kContrastBands; ++b) {
    Moments m;
    for (size_t f : active) m.add(s.contrast[f * kContrastBands + b]);
    d.put(kContrast + b, m.mean());
  }
  Moments fl, ce, ro;
  for (size_t f : active) fl.add(s.flatness[f]), ce.add(s.centroid[f]), ro.add(s.rolloff[f]);
  d.put(kSpectral + 0, fl.mean());
  d.put(kSpectral + 1, fl.sd());
  d.put(kSpectral + 2, ce.mean());
  d.put(kSpectral + 3, ce.sd());
  d.put(kSpectral + 4, ro.mean());
  d.put(kSpectral + 5, ro.sd());
}

// Harmony: how well the mean chroma fits a key, major against minor, its spread, how fast the
// chroma changes, and the magnitudes of its interval (Fourier) coefficients.
void summarise_harmony(const FrameSeries& s, const std::vector<size_t>& active, const Dims& d) {
  std::array<double, 12> mean{};
  double change = 0;
  size_t n_change = 0;
  const float* prev = nullptr;
  for (size_t f : active) {
    const float* c = &s.chroma[f * 12];
    double tot = 0;
    for (int i = 0; i < 12; ++i) mean[i] += c[i], tot += c[i];
    if (tot <= 0) continue;
    if (prev) {
      double dot = 0, na = 0, nb = 0;
      for (int i = 0; i < 12; ++i) dot += c[i] * prev[i], na += c[i] * c[i], nb += prev[i] * prev[i];
      if (na > 0 && nb > 0) change += 1.0 - dot / std::sqrt(na * nb), ++n_change;
    }
    prev = c;
  }
  double tot = 0;
  for (double v : mean) tot += v;
  if (tot <= 0) return;
  for (double& v : mean) v /= tot;
  double best_major = -1, best_minor = -1, entropy = 0;
  for (int k = 0; k < 12; ++k) {
    best_major = std::max(best_major, correlation(mean, kMajor, k));
    best_minor = std::max(best_minor, correlation(mean, kMinor, k));
  }
  for (double v : mean) {
    if (v > 0) entropy -= v * std::log(v);
  }
  d.put(kHarmony + 0, std::max(best_major, best_minor));
  d.put(kHarmony + 1, best_major - best_minor);
  d.put(kHarmony + 2, entropy / std::log(12.0));
  d.put(kHarmony + 3, n_change ? change / static_cast<double>(n_change) : 0.0);
  // Magnitudes of the chroma's Fourier coefficients: 7 = fifths (same magnitude as 5),
  // 3 = minor thirds, 4 = major thirds. Transposition only turns their phase.
  int slot = 4;
  for (int k : {5, 4, 3}) {
    std::complex<double> z;
    for (int i = 0; i < 12; ++i) z += mean[i] * std::polar(1.0, -2.0 * M_PI * k * i / 12.0);
    d.put(kHarmony + slot++, std::abs(z));
  }
}

// Rhythm, on the finer onset envelope: the beat period's autocorrelation at fractions and
// multiples of a beat, the tempo, onset density and spread, and the bass and high bands' pulse.
void summarise_rhythm(const FrameSeries& s, size_t f0, size_t f1, const Envelope& env, size_t e0, size_t e1,
                      const Dims& d) {
  e1 = std::min(e1, env.onset.size());
  if (e1 <= e0 + 8 || env.rate <= 0) return;
  const size_t n = e1 - e0;
  const auto max_lag = std::min(n / 2, static_cast<size_t>(2.6 * env.rate));
  // Smoothed a little, so a beat that falls between two envelope steps still meets itself.
  std::vector<float> onset(env.onset.begin() + static_cast<std::ptrdiff_t>(e0), env.onset.begin() + static_cast<std::ptrdiff_t>(e1));
  for (size_t i = 1; i + 1 < n; ++i) onset[i] = 0.25f * env.onset[e0 + i - 1] + 0.5f * env.onset[e0 + i] + 0.25f * env.onset[e0 + i + 1];
  const std::vector<double> r = autocorrelation(onset.data(), n, max_lag);
  // The beat period: the strongest autocorrelation between 60 and 200 BPM, leaning to 120 BPM.
  double best = -1e9, period = 0;
  for (size_t lag = static_cast<size_t>(0.3 * env.rate); lag <= max_lag && lag <= static_cast<size_t>(1.0 * env.rate); ++lag) {
    const double octaves = std::log2(static_cast<double>(lag) / env.rate / 0.5);
    const double score = r[lag] * std::exp(-0.5 * octaves * octaves / (0.9 * 0.9));
    if (score > best) best = score, period = static_cast<double>(lag);
  }
  if (period > 0) {
    // Refine to a fractional lag (parabola through the peak).
    const auto p = static_cast<size_t>(period);
    if (p > 0 && p + 1 <= max_lag) {
      const double a = r[p - 1], b = r[p], c = r[p + 1], den = a - 2 * b + c;
      if (den < 0) period += std::clamp(0.5 * (a - c) / den, -0.5, 0.5);
    }
    int slot = 0;
    for (double beats : {0.25, 1.0 / 3.0, 0.5, 0.75, 1.0, 1.5, 2.0}) d.put(kRhythm + slot++, at(r, beats * period));
    d.put(kRhythm + 9, std::log2(60.0 * env.rate / period / 120.0));
    // The bass and high bands' periodicity on the STFT frames, at the same period.
    const size_t m = f1 - f0;
    const double fperiod = period / env.rate * s.frame_rate;
    const auto flag = std::min(m / 2, static_cast<size_t>(std::ceil(fperiod)) + 2);
    if (m > 8) {
      d.put(kRhythm + 10, at(autocorrelation(s.bass_flux.data() + f0, m, flag), fperiod));
      d.put(kRhythm + 11, at(autocorrelation(s.high_flux.data() + f0, m, flag), 0.5 * fperiod));
    }
  }
  Moments o;
  for (size_t i = e0; i < e1; ++i) o.add(env.onset[i]);
  d.put(kRhythm + 7, std::log(1e-3 + o.mean()));
  d.put(kRhythm + 8, o.mean() > 1e-9 ? o.sd() / o.mean() : 0.0);
}

// Dynamics: level and spread, loudness range, crest factor, and the level's trend.
void summarise_dynamics(const FrameSeries& s, const std::vector<size_t>& active, size_t f0, const Envelope& env,
                        size_t e0, size_t e1, const Dims& d) {
  Moments lv;
  std::vector<double> levels;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, ms = 0;
  for (size_t f : active) {
    const double y = s.level_db[f], x = static_cast<double>(f - f0) / s.frame_rate;
    lv.add(y), levels.push_back(y);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
    ms += std::pow(10.0, y / 10.0);
  }
  const double n = static_cast<double>(active.size());
  d.put(kDynamics + 0, lv.mean());
  d.put(kDynamics + 1, lv.sd());
  d.put(kDynamics + 2, percentile(levels, 0.95) - percentile(levels, 0.10));
  float peak = 0;
  for (size_t i = e0; i < std::min(e1, env.peak.size()); ++i) peak = std::max(peak, env.peak[i]);
  const double rms = std::sqrt(ms / std::max(1.0, n));
  d.put(kDynamics + 3, peak > 0 && rms > 0 ? 20.0 * std::log10(peak / rms) : 0.0);
  const double den = n * sxx - sx * sx;
  d.put(kDynamics + 4, den > 1e-9 ? 10.0 * (n * sxy - sx * sy) / den : 0.0);  // dB per 10 s
}

}  // namespace

std::vector<float> summarise(const FrameSeries& s, size_t f0, size_t f1, const Envelope& env, size_t e0, size_t e1) {
  std::vector<float> out(kDims, 0.0f);
  f1 = std::min(f1, s.frames());
  if (f0 >= f1) return out;
  // Frames that sound; all of them when none does (the summary of silence is still defined).
  std::vector<size_t> active;
  for (size_t f = f0; f < f1; ++f) {
    if (s.level_db[f] > -60.0f) active.push_back(f);
  }
  if (active.empty()) {
    for (size_t f = f0; f < f1; ++f) active.push_back(f);
  }
  const Dims d{out};
  summarise_timbre(s, active, f0, f1, d);
  summarise_harmony(s, active, d);
  summarise_rhythm(s, f0, f1, env, e0, e1, d);
  summarise_dynamics(s, active, f0, env, e0, std::min(e1, env.onset.size()), d);
  return out;
}

}  // namespace codex::analysis::acoustic
