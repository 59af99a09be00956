#include "codex/analysis/acoustic.h"

#include <algorithm>
#include <cmath>

#include "codex/analysis/fast_math.h"
#include "codex/core/half.h"

namespace codex::analysis {
namespace {

constexpr int kMels = 40;
constexpr double kMelLowHz = 30.0;

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }
float db_of(float power) { return 3.0103f * fast_log2(power + 1e-10f); }

}  // namespace

AcousticAnalyzer::AcousticAnalyzer(std::shared_ptr<SharedStft> shared)
    : BasicAnalyzer("acoustic", 1,
                    {{"frame", "STFT frame length in samples at the analysis rate", 512, 4096, 2048},
                     {"hop", "STFT hop in samples at the analysis rate", 128, 2048, 1024}}),
      stft_(std::move(shared)) {}

Status AcousticAnalyzer::start(const StreamFormat& format) {
  rate_ = format.analysis_rate_hz;
  frame_ = static_cast<int>(params_.get("frame"));
  hop_ = static_cast<int>(params_.get("hop"));
  if (hop_ > frame_) return Status::Error("hop must not exceed frame");
  stft_.start(frame_, hop_);
  const int bins = frame_ / 2 + 1;
  const double bin_hz = static_cast<double>(rate_) / frame_, nyquist = rate_ / 2.0;
  // Mel filterbank: triangles between neighbouring centres, kMelLowHz to Nyquist.
  mel_.assign(kMels, {});
  const double m0 = hz_to_mel(kMelLowHz), m1 = hz_to_mel(nyquist);
  std::vector<double> edge(kMels + 2);
  for (int i = 0; i < kMels + 2; ++i) edge[i] = mel_to_hz(m0 + (m1 - m0) * i / (kMels + 1));
  bass_mels_ = 0, high_mel_ = kMels;
  for (int m = 0; m < kMels; ++m) {
    const double lo = edge[m], mid = edge[m + 1], hi = edge[m + 2];
    Band& b = mel_[m];
    b.first = std::max(1, static_cast<int>(std::ceil(lo / bin_hz)));
    for (int k = b.first; k < bins && k * bin_hz < hi; ++k) {
      const double f = k * bin_hz;
      b.weights.push_back(static_cast<float>(f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid)));
    }
    if (b.weights.empty()) {  // narrower than a bin: take the nearest bin
      b.first = std::clamp(static_cast<int>(std::lround(mid / bin_hz)), 1, bins - 1);
      b.weights.push_back(1.0f);
    }
    if (mid < 150.0) bass_mels_ = m + 1;
    if (mid > 5000.0 && high_mel_ == kMels) high_mel_ = m;
  }
  bass_mels_ = std::max(bass_mels_, 1);
  dct_.assign(static_cast<size_t>(acoustic::kMfcc) * kMels, 0.0f);
  for (int c = 0; c < acoustic::kMfcc; ++c) {
    const double scale = std::sqrt((c == 0 ? 1.0 : 2.0) / kMels);
    for (int m = 0; m < kMels; ++m) dct_[c * kMels + m] = static_cast<float>(scale * std::cos(M_PI * c * (m + 0.5) / kMels));
  }
  pitch_class_.assign(bins, -1);
  bin_log2_hz_.assign(bins, 0.0f);
  for (int k = 1; k < bins; ++k) {
    const double f = k * bin_hz;
    bin_log2_hz_[k] = static_cast<float>(std::log2(f));
    if (f >= 180.0 && f <= 5000.0) {
      const long midi = std::lround(12.0 * std::log2(f / 440.0) + 69.0);
      pitch_class_[k] = static_cast<int>(((midi % 12) + 12) % 12);
    }
  }
  contrast_edges_.clear();
  for (double hz : {0.0, 200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0}) {
    contrast_edges_.push_back(std::max(1, static_cast<int>(std::lround(hz / bin_hz))));
  }
  contrast_edges_.push_back(bins);
  mel_db_.assign(kMels, 0.0f);
  prev_mel_db_.assign(kMels, 0.0f);
  scratch_.reserve(static_cast<size_t>(bins));
  series_ = {};
  series_.frame_rate = static_cast<double>(rate_) / hop_;
  env_ = {};
  env_.rate = static_cast<double>(rate_) / env_hop_;
  last_sample_ = 0.0f, prev_env_db_ = 0.0f, env_acc_ = 0.0, env_peak_ = 0.0f, env_fill_ = 0;
  have_prev_env_ = have_prev_mel_ = false;
  return Status::Ok();
}

void AcousticAnalyzer::process(const audio::AudioBlock& blk) {
  // The onset envelope: energy of the first difference per env_hop_ samples, its rise in dB.
  for (int64_t i = 0; i < blk.mono_frames; ++i) {
    const float x = blk.mono[i], d = x - last_sample_;
    last_sample_ = x;
    env_acc_ += static_cast<double>(d) * d;
    env_peak_ = std::max(env_peak_, std::fabs(x));
    if (++env_fill_ == env_hop_) {
      const float db = db_of(static_cast<float>(env_acc_ / env_hop_));
      env_.onset.push_back(have_prev_env_ ? std::max(0.0f, db - prev_env_db_) : 0.0f);
      env_.peak.push_back(env_peak_);
      prev_env_db_ = db, have_prev_env_ = true;
      env_acc_ = 0.0, env_peak_ = 0.0f, env_fill_ = 0;
    }
  }
  const int bins = frame_ / 2 + 1;
  for (const SharedStft::Frame& fr : stft_.frames(blk)) {
    const float* p = fr.power;
    // Mel bands (dB), MFCCs, flatness over the mel bands.
    double log_sum = 0, lin_sum = 0;
    for (int m = 0; m < kMels; ++m) {
      const Band& b = mel_[m];
      float e = 0;
      for (size_t j = 0; j < b.weights.size(); ++j) e += b.weights[j] * p[b.first + static_cast<int>(j)];
      mel_db_[m] = db_of(e);
      log_sum += mel_db_[m];
      lin_sum += e;
    }
    for (int c = 0; c < acoustic::kMfcc; ++c) {
      float v = 0;
      for (int m = 0; m < kMels; ++m) v += dct_[c * kMels + m] * mel_db_[m];
      series_.mfcc.push_back(v);
    }
    const double arith_db = 10.0 * std::log10(lin_sum / kMels + 1e-10);
    series_.flatness.push_back(static_cast<float>(std::max(-60.0, log_sum / kMels - arith_db)));
    // Band flux (positive change of the mel dB) in the bass and the highs.
    float bass = 0, high = 0;
    if (have_prev_mel_) {
      for (int m = 0; m < bass_mels_; ++m) bass += std::max(0.0f, mel_db_[m] - prev_mel_db_[m]);
      for (int m = high_mel_; m < kMels; ++m) high += std::max(0.0f, mel_db_[m] - prev_mel_db_[m]);
    }
    series_.bass_flux.push_back(bass);
    series_.high_flux.push_back(high);
    std::swap(prev_mel_db_, mel_db_);
    have_prev_mel_ = true;
    // Centroid and 85% roll-off (log2 Hz), chroma.
    double total = 0, weighted = 0;
    float chroma[12] = {};
    for (int k = 1; k < bins; ++k) {
      total += p[k];
      weighted += p[k] * bin_log2_hz_[k];
      if (pitch_class_[k] >= 0) chroma[pitch_class_[k]] += std::sqrt(p[k]);
    }
    float rolloff = bin_log2_hz_[bins - 1];
    if (total > 0) {
      double acc = 0;
      for (int k = 1; k < bins; ++k) {
        acc += p[k];
        if (acc >= 0.85 * total) {
          rolloff = bin_log2_hz_[k];
          break;
        }
      }
    }
    series_.centroid.push_back(total > 0 ? static_cast<float>(weighted / total) : 0.0f);
    series_.rolloff.push_back(rolloff);
    float csum = 0;
    for (float c : chroma) csum += c;
    for (float c : chroma) series_.chroma.push_back(csum > 1e-9f ? c / csum : 0.0f);
    // Spectral contrast: mean of the top fifth minus mean of the bottom fifth of each band (dB).
    // Selected on power (the same order as dB), so only the selected bins need a logarithm.
    for (int b = 0; b < acoustic::kContrastBands; ++b) {
      const int k0 = contrast_edges_[b], k1 = std::min(std::max(contrast_edges_[b + 1], k0 + 1), bins);
      if (k1 <= k0) {
        series_.contrast.push_back(0.0f);
        continue;
      }
      // Above 1.6 kHz, neighbouring bins are pooled (2, then 4 above 3.2 kHz) so each band sorts
      // about as many values as the octave below it: the same peaks and valleys at a third of the cost.
      const int pool = b >= 5 ? 4 : b >= 4 ? 2 : 1;
      scratch_.clear();
      for (int k = k0; k < k1; k += pool) {
        float v = 0.0f;
        const int e = std::min(k + pool, k1);
        for (int j = k; j < e; ++j) v += p[j];
        scratch_.push_back(v / static_cast<float>(e - k));
      }
      const size_t n = scratch_.size(), q = std::max<size_t>(1, n / 5);
      std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(q - 1), scratch_.end());
      double lo = 0;
      for (size_t i = 0; i < q; ++i) lo += db_of(scratch_[i]);
      const size_t from = n >= 2 * q ? q : 0;  // past the bottom fifth when the two do not overlap
      std::nth_element(scratch_.begin() + static_cast<std::ptrdiff_t>(from),
                       scratch_.begin() + static_cast<std::ptrdiff_t>(n - q), scratch_.end());
      double hi = 0;
      for (size_t i = n - q; i < n; ++i) hi += db_of(scratch_[i]);
      series_.contrast.push_back(static_cast<float>((hi - lo) / static_cast<double>(q)));
    }
    series_.level_db.push_back(db_of(static_cast<float>(fr.mean_square)));
  }
}

AnalyzerOutput AcousticAnalyzer::finish() {
  AnalyzerOutput out;
  const size_t n = series_.frames();
  const auto windows = acoustic::windows_of(n, series_.frame_rate);
  if (windows.empty()) {
    out.confidence = 0.0;
    return out;
  }
  // Keep at most kMaxWindows, spread evenly over the track.
  std::vector<size_t> keep;
  if (windows.size() <= static_cast<size_t>(kMaxWindows)) {
    for (size_t i = 0; i < windows.size(); ++i) keep.push_back(i);
  } else {
    for (int i = 0; i < kMaxWindows; ++i) keep.push_back(static_cast<size_t>(i) * (windows.size() - 1) / (kMaxWindows - 1));
  }
  const double env_per_frame = env_.rate / series_.frame_rate;
  std::vector<float> all, track(acoustic::kDims, 0.0f);
  for (size_t i : keep) {
    const auto [f0, f1] = windows[i];
    const auto e0 = static_cast<size_t>(std::lround(static_cast<double>(f0) * env_per_frame));
    const auto e1 = static_cast<size_t>(std::lround(static_cast<double>(f1) * env_per_frame)) + 8;
    const std::vector<float> s = acoustic::summarise(series_, f0, f1, env_, e0, e1);
    all.insert(all.end(), s.begin(), s.end());
    for (int d = 0; d < acoustic::kDims; ++d) track[d] += s[d] / static_cast<float>(keep.size());
  }
  size_t sounding = 0;
  for (float l : series_.level_db) sounding += l > -60.0f;
  out.values["dims"] = acoustic::kDims;
  out.values["window_s"] = acoustic::kWindowSeconds;
  out.values["n_windows"] = keep.size();
  out.values["track"] = halves_base64(track);
  out.values["windows"] = halves_base64(all);
  out.confidence = std::min(1.0, static_cast<double>(sounding) / series_.frame_rate / 30.0);
  return out;
}

}  // namespace codex::analysis
