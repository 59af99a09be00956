#include "codex/analysis/fft.h"

#include <fftw3.h>

#include <cmath>
#include <mutex>

namespace codex::analysis {
namespace {
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

RealFft::RealFft(int size) : n_(size) {
  std::lock_guard<std::mutex> lock(planner_mutex());
  in_ = fftwf_alloc_real(static_cast<size_t>(n_));
  out_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<size_t>(n_ / 2 + 1)));
  plan_ = fftwf_plan_dft_r2c_1d(n_, in_, reinterpret_cast<fftwf_complex*>(out_), FFTW_ESTIMATE);
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
  fftwf_free(in_);
  fftwf_free(out_);
}

void RealFft::execute() { fftwf_execute(static_cast<fftwf_plan>(plan_)); }

std::vector<float> hann_window(int n) {
  std::vector<float> w(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) w[i] = 0.5f - 0.5f * std::cos(2.0 * M_PI * i / n);
  return w;
}

}  // namespace codex::analysis
