#include "codex/analysis/timbre.h"

#include <algorithm>
#include <cmath>

#include "codex/analysis/fast_math.h"
#include "codex/analysis/timbre_common.h"

namespace codex::analysis {
namespace {

constexpr double kTimbreActiveGateDb = -60.0;  // frames above it are active (as the energy analyzer counts them)

}  // namespace

TimbreAnalyzer::TimbreAnalyzer(std::shared_ptr<SharedStft> shared)
    : BasicAnalyzer("timbre", 2,
                    {{"frame", "STFT frame length in samples at the analysis rate", 512, 4096, 2048},
                     {"hop", "STFT hop in samples at the analysis rate", 128, 2048, 1024},
                     {"peak_prominence_db", "how far a partial must rise above the local spectrum", 3, 30, 9},
                     {"moving_cents", "frame-to-frame pitch change that counts as moving", 2, 50, 7},
                     {"vocal_gate", "share of frames with moving partials, over half a second, that marks a vocal frame", 0.02, 0.9, 0.25}}),
      stft_(std::move(shared)) {}

Status TimbreAnalyzer::start(const StreamFormat& format) {
  rate_ = format.analysis_rate_hz;
  frame_ = static_cast<int>(params_.get("frame"));
  hop_ = static_cast<int>(params_.get("hop"));
  if (hop_ > frame_) return Status::Error("hop must not exceed frame");
  if (frame_ % 8 != 0) return Status::Error("frame must be a multiple of 8");
  bin_hz_ = static_cast<double>(rate_) / frame_;
  stft_.start(frame_, hop_);
  const int bins = frame_ / 2 + 1;
  db_.assign(static_cast<size_t>(bins), -120.0f);
  power_.clear();
  peak_abs_ = 0.0;
  shape_.start(bins);
  drums_.start(bins);
  vocals_.start(bins, static_cast<float>(params_.get("peak_prominence_db")),
                static_cast<float>(params_.get("moving_cents")));
  return Status::Ok();
}

void TimbreAnalyzer::process(const audio::AudioBlock& blk) {
  for (int i = 0; i < blk.mono_frames; ++i) peak_abs_ = std::max(peak_abs_, static_cast<double>(std::fabs(blk.mono[i])));
  const int bins = frame_ / 2 + 1;
  for (const SharedStft::Frame& fr : stft_.frames(blk)) {
    double total = 0.0;
    for (int k = 1; k < bins; ++k) {
      const float p = fr.power[k];
      db_[k] = 3.0103f * fast_log2(p + 1e-12f);
      total += p;
    }
    const TimbreFrame f{fr.power, fr.log_mag, db_.data(), bins, bin_hz_, total};
    shape_.frame(f);
    drums_.frame(f);
    vocals_.frame(f);
    power_.push_back(static_cast<float>(fr.mean_square));
  }
}

AnalyzerOutput TimbreAnalyzer::finish() {
  using timbre_detail::round_to;
  AnalyzerOutput out;
  const size_t n = power_.size();
  const double frame_rate = static_cast<double>(rate_) / hop_;
  const double gate = std::pow(10.0, kTimbreActiveGateDb / 10.0);
  std::vector<bool> active(n);
  size_t n_active = 0;
  double psum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    active[i] = power_[i] >= gate;
    if (active[i]) {
      ++n_active;
      psum += power_[i];
    }
  }
  if (n_active < 10) {
    out.values["vocals"] = {{"presence", nullptr}, {"style", nullptr}, {"ratio", 0.0}};
    // Too little sound to describe. Silent only when most frames are below the gate: half a
    // second of loud noise is short (the duration analyzer says so), not silent.
    if (n >= 10 && 2 * n_active < n) out.flags.push_back("silent");
    out.confidence = 0.0;
    return out;
  }
  const std::vector<bool> banded = shape_.banded(active);
  const TimbreSpan span{active, n_active, frame_rate, banded};
  shape_.finish(span, bin_hz_, &out.values);
  const double rms = std::sqrt(psum / static_cast<double>(n_active));
  out.values["crest_db"] = round_to(20.0 * std::log10(std::max(peak_abs_, 1e-9) / std::max(rms, 1e-9)), 0.1);
  out.values["onset_rate_hz"] = drums_.finish(span);
  vocals_.finish(span, params_.get("vocal_gate"), &out.values);
  out.confidence = std::min(1.0, static_cast<double>(n_active) / frame_rate / 30.0);
  return out;
}

}  // namespace codex::analysis
