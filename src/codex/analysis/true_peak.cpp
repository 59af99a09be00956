#include "codex/analysis/true_peak.h"

#include <algorithm>
#include <cmath>

namespace codex::analysis {
namespace {
// Pass band as a fraction of the original Nyquist frequency: content right at Nyquist is not
// music, and meters following BS.1770 roll it off before it can inflate the reading.
constexpr double kCutoff = 0.95;
}  // namespace

TruePeakMeter::TruePeakMeter(int channels, int rate_hz)
    : channels_(channels), factor_(rate_hz < 96000 ? 4 : rate_hz < 192000 ? 2 : 1), taps_per_phase_(12) {
  // Windowed-sinc low-pass at the original Nyquist, evaluated at the fractional offsets p/factor.
  const int half = taps_per_phase_ / 2;
  coeffs_.assign(static_cast<size_t>(factor_ * taps_per_phase_), 0.0f);
  for (int p = 1; p < factor_; ++p) {
    const double frac = static_cast<double>(p) / factor_;
    double sum = 0.0;
    for (int k = 0; k < taps_per_phase_; ++k) {
      // Tap k multiplies x[n - k]; the interpolated point lies at n - (half - 1) - ... : place it
      // between x[n-half] and x[n-half+1], at distance frac after x[n-half].
      const double t = static_cast<double>(half - k) - frac;  // position of x[n-k] relative to the point
      const double u = kCutoff * t;
      const double sinc = std::fabs(u) < 1e-12 ? 1.0 : std::sin(M_PI * u) / (M_PI * u);
      const double w = 0.5 + 0.5 * std::cos(M_PI * t / (half + 1));  // Hann over the support
      coeffs_[static_cast<size_t>(p * taps_per_phase_ + k)] = static_cast<float>(sinc * w);
      sum += sinc * w;
    }
    for (int k = 0; k < taps_per_phase_; ++k) coeffs_[static_cast<size_t>(p * taps_per_phase_ + k)] /= static_cast<float>(sum);
  }
  history_.assign(static_cast<size_t>(channels_ * taps_per_phase_), 0.0f);
  peak_.assign(static_cast<size_t>(channels_), 0.0);
  sample_peak_.assign(static_cast<size_t>(channels_), 0.0);
}

void TruePeakMeter::add(const float* x, int64_t frames) {
  const int T = taps_per_phase_, half = T / 2;
  // Work per channel over a buffer [history | block] so the filter sees contiguous samples.
  if (work_.size() < static_cast<size_t>(T + frames)) work_.resize(static_cast<size_t>(T + frames));
  float* buf = work_.data();
  for (int c = 0; c < channels_; ++c) {
    float* h = history_.data() + static_cast<size_t>(c * T);
    std::copy(h, h + T, buf);
    float sp = static_cast<float>(sample_peak_[c]);
    for (int64_t i = 0; i < frames; ++i) {
      const float v = x[i * channels_ + c];
      buf[static_cast<size_t>(T + i)] = v;
      sp = std::max(sp, std::fabs(v));
    }
    sample_peak_[c] = sp;
    double peak = std::max(peak_[c], static_cast<double>(sp));
    const float gate = static_cast<float>(0.5 * peak);
    // Newest sample index j in buf; the interpolated points lie between buf[j-half] and buf[j-half+1].
    for (int64_t j = T - 1; j < T + frames - 1; ++j) {
      const float a = std::fabs(buf[static_cast<size_t>(j - half + 1)]);
      const float b = std::fabs(buf[static_cast<size_t>(j - half + 2)]);
      if (std::max(a, b) < gate) continue;
      const float* newest = buf + j + 1;  // x[n] with n = j + 1
      for (int p = 1; p < factor_; ++p) {
        const float* cf = coeffs_.data() + p * T;
        float acc = 0.0f;
        for (int k = 0; k < T; ++k) acc += cf[k] * newest[-k];
        peak = std::max(peak, static_cast<double>(std::fabs(acc)));
      }
    }
    peak_[c] = peak;
    std::copy(buf + frames, buf + frames + T, h);
  }
}

double TruePeakMeter::true_peak() const { return *std::max_element(peak_.begin(), peak_.end()); }
double TruePeakMeter::sample_peak() const { return *std::max_element(sample_peak_.begin(), sample_peak_.end()); }

}  // namespace codex::analysis
