// Real FFT of a fixed size (FFTW3, single precision). Plans are made under a process-wide lock
// (FFTW's planner is not thread-safe); executing is lock-free. Make one per analyzer in start().
#pragma once

#include <complex>
#include <vector>

namespace codex::analysis {

class RealFft {
 public:
  explicit RealFft(int size);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return n_; }
  float* input() { return in_; }                         // n_ real samples
  const std::complex<float>* output() const { return out_; }  // n_/2 + 1 bins
  void execute();

 private:
  int n_;
  float* in_;
  std::complex<float>* out_;
  void* plan_;
};

// A periodic Hann window of n samples.
std::vector<float> hann_window(int n);

}  // namespace codex::analysis
