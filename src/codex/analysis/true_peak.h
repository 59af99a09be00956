// True peak (ITU-R BS.1770-4 Annex 2): the peak of the signal oversampled 4x (2x at 96 kHz and
// above) through a windowed-sinc interpolator. Interpolation is only evaluated between samples
// within 6 dB of the running peak, since only there can an inter-sample peak raise the maximum;
// this keeps the cost a small fraction of libebur128's full oversampling, with the same result.
#pragma once

#include <cstdint>
#include <vector>

namespace codex::analysis {

class TruePeakMeter {
 public:
  TruePeakMeter(int channels, int rate_hz);
  // `interleaved` holds frames * channels samples.
  void add(const float* interleaved, int64_t frames);
  double true_peak() const;    // linear, max over channels
  double sample_peak() const;  // linear

 private:
  int channels_;
  int factor_;
  int taps_per_phase_;
  std::vector<float> coeffs_;       // [phase][tap], phases 1..factor-1
  std::vector<float> history_;      // per channel ring of the last taps_per_phase samples (linearised)
  std::vector<double> peak_;        // per channel true peak (linear)
  std::vector<double> sample_peak_;
  std::vector<float> work_;          // [history | block] for one channel, reused
};

}  // namespace codex::analysis
