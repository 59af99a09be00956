#include "codex/analysis/energy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>

namespace codex::analysis {
namespace {
constexpr double kActiveGateDb = -60.0;
double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

}  // namespace

double energy_score(const EnergyFeatures& f) {
  if (f.active_ratio <= 0.0) return 1.0;
  // Each feature is mapped to [0, 1] over the range seen in real recordings: level from -30 dBFS
  // (quiet) to -8 dBFS (a loud club master), flux up to a dense drum mix, onsets up to 6 per
  // second, centroid from dark (300 Hz) to bright (2.8 kHz).
  const double loud = clamp01((f.level_db + 30.0) / 22.0);
  const double flux = clamp01(f.flux / 0.03);
  const double onsets = clamp01(f.onset_rate_hz / 6.0);
  const double bright = clamp01((f.centroid_hz - 300.0) / 2500.0);
  return 1.0 + 9.0 * (0.35 * loud + 0.35 * flux + 0.15 * onsets + 0.15 * bright);
}

EnergyAnalyzer::EnergyAnalyzer(std::shared_ptr<SharedStft> shared)
    : BasicAnalyzer("energy", 1, {{"frame", "STFT frame length in samples at the analysis rate", 512, 8192, 2048},
               {"hop", "STFT hop in samples at the analysis rate", 128, 8192, 1024}}),
      stft_(std::move(shared)) {}

Status EnergyAnalyzer::start(const StreamFormat& format) {
  rate_ = format.analysis_rate_hz;
  frame_ = static_cast<int>(params_.get("frame"));
  hop_ = static_cast<int>(params_.get("hop"));
  if (hop_ > frame_) return Status::Error("hop must not exceed frame");
  stft_.start(frame_, hop_);
  prev_log_mag_.assign(static_cast<size_t>(frame_ / 2 + 1), 0.0f);
  power_.clear();
  flux_.clear();
  centroid_.clear();
  return Status::Ok();
}

void EnergyAnalyzer::analyse_frame(const SharedStft::Frame& frame) {
  const int bins = frame_ / 2 + 1;
  double flux = 0.0, wsum = 0.0, fsum = 0.0;
  const double bin_hz = static_cast<double>(rate_) / frame_;
  for (int k = 1; k < bins; ++k) {
    const float d = frame.log_mag[k] - prev_log_mag_[k];
    if (d > 0) flux += d;
    const double p = frame.power[k];
    wsum += p;
    fsum += p * k * bin_hz;
  }
  std::copy(frame.log_mag, frame.log_mag + bins, prev_log_mag_.begin());
  const double mean_square = frame.mean_square;
  power_.push_back(static_cast<float>(mean_square));
  flux_.push_back(static_cast<float>(flux / (bins - 1)));
  centroid_.push_back(wsum > 0 ? static_cast<float>(fsum / wsum) : 0.0f);
}

void EnergyAnalyzer::process(const audio::AudioBlock& b) {
  for (const SharedStft::Frame& f : stft_.frames(b)) analyse_frame(f);
}

AnalyzerOutput EnergyAnalyzer::finish() {
  AnalyzerOutput out;
  const size_t n = power_.size();
  const double gate = std::pow(10.0, kActiveGateDb / 10.0);
  EnergyFeatures f;
  size_t active = 0;
  double psum = 0.0, csum = 0.0, flsum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (power_[i] < gate) continue;
    ++active;
    psum += power_[i];
    csum += centroid_[i];
    flsum += flux_[i];
  }
  const double frame_rate = static_cast<double>(rate_) / hop_;
  if (active > 0) {
    f.level_db = 10.0 * std::log10(psum / static_cast<double>(active));
    f.centroid_hz = csum / static_cast<double>(active);
    f.flux = flsum / static_cast<double>(active);
    f.active_ratio = static_cast<double>(active) / static_cast<double>(n);
    // Onsets: local maxima of flux above a moving median-like threshold (mean of +-8 frames + margin).
    size_t onsets = 0;
    for (size_t i = 1; i + 1 < n; ++i) {
      if (power_[i] < gate || flux_[i] <= flux_[i - 1] || flux_[i] < flux_[i + 1]) continue;
      const size_t lo = i >= 8 ? i - 8 : 0, hi = std::min(n, i + 9);
      double m = 0.0;
      for (size_t j = lo; j < hi; ++j) m += flux_[j];
      m /= static_cast<double>(hi - lo);
      if (flux_[i] > 1.5 * m + 0.005) ++onsets;
    }
    f.onset_rate_hz = static_cast<double>(onsets) / (static_cast<double>(active) / frame_rate);
  }
  // Envelope: RMS level per second.
  nlohmann::json env = nlohmann::json::array();
  const auto per_s = std::max<size_t>(1, static_cast<size_t>(std::lround(frame_rate)));
  for (size_t i = 0; i < n; i += per_s) {
    double s = 0.0;
    const size_t hi = std::min(n, i + per_s);
    for (size_t j = i; j < hi; ++j) s += power_[j];
    const double db = s > 0 ? 10.0 * std::log10(s / static_cast<double>(hi - i)) : -120.0;
    env.push_back(std::round(std::max(db, -120.0) * 10.0) / 10.0);
  }
  const double score = energy_score(f);
  out.values["energy"] = static_cast<int>(std::lround(score));
  out.values["energy_score"] = std::round(score * 100.0) / 100.0;
  out.values["level_db"] = std::round(std::max(f.level_db, -200.0) * 100.0) / 100.0;
  out.values["onset_rate_hz"] = std::round(f.onset_rate_hz * 100.0) / 100.0;
  out.values["spectral_flux"] = std::round(f.flux * 10000.0) / 10000.0;
  out.values["centroid_hz"] = std::round(f.centroid_hz);
  out.values["active_ratio"] = std::round(f.active_ratio * 1000.0) / 1000.0;
  out.values["envelope_hop_s"] = static_cast<double>(per_s) / frame_rate;
  out.values["envelope_db"] = std::move(env);
  const double seconds = static_cast<double>(n) / frame_rate;
  out.confidence = active == 0 ? 0.0 : std::min(1.0, seconds / 30.0) * (0.5 + 0.5 * f.active_ratio);
  return out;
}

}  // namespace codex::analysis
