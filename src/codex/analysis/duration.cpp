#include "codex/analysis/duration.h"

#include <cmath>

namespace codex::analysis {

DurationAnalyzer::DurationAnalyzer()
    : BasicAnalyzer("duration", 1, {{"short_s", "tracks shorter than this are flagged 'short'", 0.0, 60.0, 2.0},
               {"silence_dbfs", "tracks whose peak stays below this level are flagged 'silent'", -140.0, 0.0,
                -70.0}}) {}

Status DurationAnalyzer::start(const StreamFormat& format) {
  format_ = format;
  native_frames_ = 0;
  peak_ = sum_sq_ = 0.0;
  samples_ = 0;
  return Status::Ok();
}

void DurationAnalyzer::process(const audio::AudioBlock& b) {
  native_frames_ += b.native_frames;
  const int64_t n = b.native_frames * b.native_channels;
  double peak = peak_, ss = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = b.native[i];
    ss += v * v;
    peak = std::max(peak, std::fabs(v));
  }
  peak_ = peak;
  sum_sq_ += ss;
  samples_ += n;
}

AnalyzerOutput DurationAnalyzer::finish() {
  AnalyzerOutput out;
  const double duration_s = static_cast<double>(native_frames_) / format_.native_rate_hz;
  const double peak_db = peak_ > 0 ? 20.0 * std::log10(peak_) : -200.0;
  const double rms = samples_ > 0 ? std::sqrt(sum_sq_ / static_cast<double>(samples_)) : 0.0;
  out.values["duration_s"] = std::round(duration_s * 1000.0) / 1000.0;
  out.values["peak_dbfs"] = std::round(std::max(peak_db, -200.0) * 100.0) / 100.0;
  out.values["rms_dbfs"] = rms > 0 ? std::round(20.0 * std::log10(rms) * 100.0) / 100.0 : -200.0;
  out.confidence = 1.0;
  if (duration_s < params_.get("short_s")) out.flags.push_back("short");
  if (peak_db < params_.get("silence_dbfs")) out.flags.push_back("silent");
  return out;
}

}  // namespace codex::analysis
