#include "codex/analysis/onset.h"

#include <algorithm>
#include <cmath>

namespace codex::analysis {

OnsetDetector::OnsetDetector(int rate_hz, const OnsetOptions& options) : rate_(rate_hz), options_(options) {
  fft_ = std::make_unique<RealFft>(options_.frame);
  window_ = hann_window(options_.frame);
  const double bin_hz = static_cast<double>(rate_) / options_.frame;
  const int nyquist_bin = options_.frame / 2;
  const double step = std::pow(2.0, 1.0 / options_.bands_per_octave);
  int prev_hi = -1;
  for (double f = options_.min_hz; f < std::min(options_.max_hz, rate_ / 2.0); f *= step) {
    int lo = static_cast<int>(std::lround(f / bin_hz));
    int hi = static_cast<int>(std::lround(f * step / bin_hz));
    lo = std::max(lo, prev_hi);
    hi = std::min(std::max(hi, lo + 1), nyquist_bin + 1);
    if (lo >= hi) continue;
    band_lo_.push_back(lo);
    band_hi_.push_back(hi);
    if (f * step <= options_.low_band_hz) low_bands_ = static_cast<int>(band_lo_.size());
    if (f < options_.high_band_hz) high_from_ = static_cast<int>(band_lo_.size());
    prev_hi = hi;
  }
  history_.assign(static_cast<size_t>(options_.lag + 1), std::vector<float>(band_lo_.size(), 0.0f));
  pending_.reserve(static_cast<size_t>(options_.frame) * 8);
}

double OnsetDetector::frame_time(double i) const {
  // The flux of frame i responds to a transient once it is inside the window's rising half;
  // the peak sits about a quarter window after the frame start (calibrated on click tracks).
  return (i * options_.hop + 0.5 * options_.frame + 0.5 * options_.hop) / rate_;
}

double OnsetDetector::frame_at(double seconds) const {
  return (seconds * rate_ - 0.5 * options_.frame - 0.5 * options_.hop) / options_.hop;
}

void OnsetDetector::process(const float* mono, int64_t n) {
  pending_.insert(pending_.end(), mono, mono + n);
  size_t pos = 0;
  while (pending_.size() - pos >= static_cast<size_t>(options_.frame)) {
    analyse_frame(pending_.data() + pos);
    pos += static_cast<size_t>(options_.hop);
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pos));
}

void OnsetDetector::analyse_frame(const float* x) {
  float* in = fft_->input();
  for (int i = 0; i < options_.frame; ++i) in[i] = x[i] * window_[i];
  fft_->execute();
  const std::complex<float>* X = fft_->output();
  const size_t nb = band_lo_.size();
  std::vector<float>& cur = history_[frame_index_ % history_.size()];
  const std::vector<float>& old = history_[(frame_index_ + 1) % history_.size()];  // lag frames ago
  const float norm = 2.0f / static_cast<float>(options_.frame);
  double energy = 0.0;
  for (size_t b = 0; b < nb; ++b) {
    float e = 0.0f;
    for (int k = band_lo_[b]; k < band_hi_[b]; ++k) e += std::norm(X[k]);
    energy += e;
    cur[b] = std::log1p(1000.0f * norm * std::sqrt(e));
  }
  double flux = 0.0, low = 0.0, high = 0.0;
  if (frame_index_ >= static_cast<size_t>(options_.lag)) {
    for (size_t b = 0; b < nb; ++b) {
      float ref = old[b];
      if (b > 0) ref = std::max(ref, old[b - 1]);
      if (b + 1 < nb) ref = std::max(ref, old[b + 1]);
      const float d = cur[b] - ref;
      if (d > 0) {
        flux += d;
        if (static_cast<int>(b) < low_bands_) low += d;
        if (static_cast<int>(b) >= high_from_) high += d;
      }
    }
  }
  flux_.push_back(static_cast<float>(flux));
  low_.push_back(static_cast<float>(low));
  high_.push_back(static_cast<float>(high));
  level_.push_back(static_cast<float>(10.0 * std::log10(energy * norm * norm + 1e-12)));
  ++frame_index_;
}

std::vector<float> combine_onsets(const std::vector<float>& full, const std::vector<float>& low) {
  auto rms = [](const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += static_cast<double>(x) * x;
    return v.empty() ? 0.0 : std::sqrt(s / static_cast<double>(v.size()));
  };
  const double rf = rms(full), rl = rms(low);
  std::vector<float> out(full.size());
  for (size_t i = 0; i < full.size(); ++i) {
    out[i] = static_cast<float>((rf > 0 ? full[i] / rf : 0.0) + (rl > 1e-3 * rf ? low[i] / rl : 0.0));
  }
  return out;
}


double max_near(const std::vector<float>& series, double frame, int radius) {
  const long c = std::lround(frame);
  double m = 0.0;
  for (long k = std::max(0L, c - radius); k <= c + radius && k < static_cast<long>(series.size()); ++k) {
    m = std::max(m, static_cast<double>(series[static_cast<size_t>(k)]));
  }
  return m;
}

}  // namespace codex::analysis
