#include "codex/analysis/loudness.h"

#include <ebur128.h>

#include <cmath>

namespace codex::analysis {
namespace {
ebur128_state* st(void* p) { return static_cast<ebur128_state*>(p); }
double round2(double v) { return std::round(v * 100.0) / 100.0; }
}  // namespace

LoudnessAnalyzer::LoudnessAnalyzer()
    : BasicAnalyzer("loudness", 1, {{"lra", "measure loudness range (EBU Tech 3342); 0 = off", 0.0, 1.0, 1.0}}) {}

LoudnessAnalyzer::~LoudnessAnalyzer() {
  if (state_) {
    ebur128_state* s = st(state_);
    ebur128_destroy(&s);
  }
}

Status LoudnessAnalyzer::start(const StreamFormat& format) {
  if (state_) {
    ebur128_state* s = st(state_);
    ebur128_destroy(&s);
    state_ = nullptr;
  }
  int mode = EBUR128_MODE_I;
  if (params_.get("lra") >= 0.5) mode |= EBUR128_MODE_LRA;
  peak_ = std::make_unique<TruePeakMeter>(format.native_channels, format.native_rate_hz);
  state_ = ebur128_init(static_cast<unsigned>(format.native_channels), static_cast<unsigned long>(format.native_rate_hz),
                        mode);
  if (!state_) return Status::Error("cannot initialise loudness meter");
  if (format.native_channels == 1) ebur128_set_channel(st(state_), 0, EBUR128_DUAL_MONO);
  seconds_ = 0.0;
  rate_ = format.native_rate_hz;
  return Status::Ok();
}

void LoudnessAnalyzer::process(const audio::AudioBlock& b) {
  if (b.native_frames > 0) {
    ebur128_add_frames_float(st(state_), b.native, static_cast<size_t>(b.native_frames));
    peak_->add(b.native, b.native_frames);
  }
  seconds_ += static_cast<double>(b.native_frames) / rate_;
}

AnalyzerOutput LoudnessAnalyzer::finish() {
  AnalyzerOutput out;
  double lufs = -HUGE_VAL, lra = 0.0;
  ebur128_loudness_global(st(state_), &lufs);
  if (params_.get("lra") >= 0.5) ebur128_loudness_range(st(state_), &lra);
  const double sample_peak = peak_->sample_peak(), true_peak = peak_->true_peak();
  const bool measured = std::isfinite(lufs) && lufs > -70.0;
  out.values["integrated_lufs"] = measured ? nlohmann::json(round2(lufs)) : nlohmann::json(nullptr);
  out.values["loudness_range_lu"] = measured ? round2(lra) : 0.0;
  out.values["sample_peak_dbfs"] = sample_peak > 0 ? round2(20.0 * std::log10(sample_peak)) : -200.0;
  out.values["true_peak_dbtp"] = true_peak > 0 ? round2(20.0 * std::log10(true_peak)) : -200.0;
  // Gating needs at least one 400 ms block; LRA needs several seconds to mean much.
  out.confidence = !measured ? 0.0 : seconds_ < 3.0 ? 0.3 : seconds_ < 10.0 ? 0.7 : 1.0;
  if (!measured) out.values["reason"] = "no programme above the -70 LUFS gate";
  return out;
}

}  // namespace codex::analysis
