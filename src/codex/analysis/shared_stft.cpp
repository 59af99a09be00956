#include "codex/analysis/shared_stft.h"

#include <algorithm>
#include <cmath>

#include "codex/analysis/fast_math.h"

namespace codex::analysis {

SharedStft::SharedStft(int frame, int hop)
    : frame_(frame), hop_(hop), fft_(std::make_unique<RealFft>(frame)), window_(hann_window(frame)) {
  pending_.reserve(static_cast<size_t>(frame) * 4);
}

void SharedStft::start() {
  pending_.clear();
  frames_.clear();
  std::fill(consumed_.begin(), consumed_.end(), 0);
  ingested_ = 0;
}

const std::vector<SharedStft::Frame>& SharedStft::frames_for(const audio::AudioBlock& b, int consumer) {
  static const std::vector<Frame> kNone;
  if (consumer < 0 || static_cast<size_t>(consumer) >= consumed_.size()) return kNone;
  consumed_[consumer] += b.mono_frames;
  if (consumed_[consumer] <= ingested_) {
    // Another consumer has transformed this block already; in step, this is the same block.
    return consumed_[consumer] == ingested_ ? frames_ : kNone;
  }
  ingested_ += b.mono_frames;
  frames_.clear();
  pending_.insert(pending_.end(), b.mono, b.mono + b.mono_frames);
  const auto n = static_cast<size_t>(bins());
  size_t count = 0;
  for (size_t pos = 0; pending_.size() - pos >= static_cast<size_t>(frame_); pos += static_cast<size_t>(hop_)) ++count;
  if (store_.size() < count * n) {
    store_.resize(count * n);
    log_store_.resize(count * n);
  }
  size_t pos = 0;
  const float norm = 2.0f / static_cast<float>(frame_);
  for (size_t f = 0; f < count; ++f, pos += static_cast<size_t>(hop_)) {
    const float* __restrict x = pending_.data() + pos;
    float* __restrict in = fft_->input();
    const float* __restrict w = window_.data();
    for (int i = 0; i < frame_; ++i) in[i] = x[i] * w[i];
    float acc[8] = {};
    int i = 0;
    for (; i + 8 <= frame_; i += 8) {
      for (int j = 0; j < 8; ++j) acc[j] += x[i + j] * x[i + j];
    }
    double ss = 0.0;
    for (; i < frame_; ++i) ss += static_cast<double>(x[i]) * x[i];
    for (float a : acc) ss += a;
    fft_->execute();
    const std::complex<float>* X = fft_->output();
    float* p = store_.data() + f * n;
    float* lm = log_store_.data() + f * n;
    for (size_t k = 0; k < n; ++k) {
      const float re = X[k].real() * norm, im = X[k].imag() * norm;
      p[k] = re * re + im * im;
      lm[k] = fast_log1p(100.0f * std::sqrt(p[k]));
    }
    frames_.push_back({p, lm, ss / frame_});
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pos));
  return frames_;
}

}  // namespace codex::analysis

namespace codex::analysis {

void StftLink::start(int frame, int hop) {
  if (shared_ && shared_->frame() == frame && shared_->hop() == hop) {
    stft_ = shared_;
    id_ = shared_id_;
  } else if (!stft_ || stft_ == shared_ || stft_->frame() != frame || stft_->hop() != hop) {
    stft_ = std::make_shared<SharedStft>(frame, hop);
    id_ = stft_->add_consumer();
  }
  stft_->start();
}

}  // namespace codex::analysis
