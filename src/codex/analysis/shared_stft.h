// One short-time Fourier transform of the analysis-rate mono signal, shared by the analyzers that
// read the same frames (energy and timbre: 2048 points, hop 1024, Hann), so each frame is windowed
// and transformed once. For each block it yields the frames that completed in that block: the
// power spectrum (bins 0..frame/2, scaled so a full-scale sine's bin reads about 1), its log
// magnitude ln(1 + 100 |X|) (what both spectral-flux readers use) and the frame's mean square. Consumers see the same blocks in the same order (the pass feeds every
// analyzer each block); whichever consumer reaches a block first computes its frames and the others
// get the same frames. A consumer alone (the others not running) computes every block itself.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "codex/analysis/fft.h"
#include "codex/audio/pcm.h"

namespace codex::analysis {

class SharedStft {
 public:
  SharedStft(int frame, int hop);
  int frame() const { return frame_; }
  int hop() const { return hop_; }
  int bins() const { return frame_ / 2 + 1; }

  int add_consumer() {  // returns the consumer's id
    consumed_.push_back(0);
    return static_cast<int>(consumed_.size()) - 1;
  }
  void start();  // a new stream (idempotent until the first block)

  struct Frame {
    const float* power;    // bins() values
    const float* log_mag;  // bins() values: ln(1 + 100 * sqrt(power))
    double mean_square;
  };
  const std::vector<Frame>& frames_for(const audio::AudioBlock& block, int consumer);

 private:
  int frame_, hop_;
  std::vector<int64_t> consumed_;  // samples each consumer has passed in
  int64_t ingested_ = 0;           // samples transformed so far
  std::unique_ptr<RealFft> fft_;
  std::vector<float> window_, pending_, store_, log_store_;
  std::vector<Frame> frames_;
};

// An analyzer's link to its frames: the shared transform when one of the same frame and hop was
// given, else one of its own. Registers with the shared transform once, at construction.
class StftLink {
 public:
  explicit StftLink(std::shared_ptr<SharedStft> shared)
      : shared_(std::move(shared)), shared_id_(shared_ ? shared_->add_consumer() : 0) {}
  void start(int frame, int hop);  // chooses the transform for this stream and resets it
  const std::vector<SharedStft::Frame>& frames(const audio::AudioBlock& b) { return stft_->frames_for(b, id_); }

 private:
  std::shared_ptr<SharedStft> shared_, stft_;
  int shared_id_ = 0, id_ = 0;
};

}  // namespace codex::analysis
