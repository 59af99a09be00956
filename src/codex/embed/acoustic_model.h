// The acoustic block of codex-embed: a track's acoustic summary (analysis/acoustic_summary.h, 90
// numbers) becomes a kAcousticDims unit vector. Two kinds:
//  - learned: standardise with the training library's statistics, then add a two-layer
//    perceptron's output (ReLU hidden layer, linear output) to the standardised summary and
//    L2-normalise; the perceptron is trained with InfoNCE (embed/train.h). The block is the sum of
//    that unit vector and the fallback's, normalised: on real libraries the learned part alone
//    finds other windows of the same track far better, but it also pulls apart tracks of one
//    style that the standardised summary keeps together (bench/embed_eval.py; figures in
//    docs/ARCHITECTURE.md), so each gets an equal share;
//  - summary (the fallback without a trained model): the standardised summary itself, each value
//    clipped to +-4 standard deviations, padded to kAcousticDims and normalised. Its statistics
//    come from the library at hand, so it is never zeros and never a fixed guess.
// A model is immutable once built; its id is a hash of what it computes (statistics and weights), so a stored vector names the
// model that made it. The file format: magic "CDXEMBED", format version, shape, training facts,
// float32 arrays, and a checksum; load() checks every one of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::embed {

inline constexpr int kAcousticDims = 96;
inline constexpr int kSummaryDims = 90;  // analysis/acoustic_summary.h kDims (checked in the library)
inline constexpr float kLearnedShare = 1.0f;  // the learned unit vector's weight beside the fallback's

struct Standardiser {
  std::vector<float> mean, scale;  // kSummaryDims each; scale = 1 / standard deviation
  bool empty() const { return mean.empty(); }
};
// Mean and deviation of each dimension over `summaries` (row-major, n x kSummaryDims). A dimension
// that does not vary gets scale 0 (it carries nothing).
Standardiser fit_standardiser(const float* summaries, size_t n);

struct ModelInfo {
  uint64_t trained_tracks = 0, trained_windows = 0;
  int64_t trained_at = 0;  // unix seconds
  double train_seconds = 0, final_loss = 0, window_top1 = 0;  // window_top1: on the training tracks (train.h)
};

class AcousticModel {
 public:
  static constexpr uint32_t kFormatVersion = 1;
  AcousticModel() = default;
  // The fallback: statistics only.
  static AcousticModel summary(Standardiser st);
  // A learned model with the given weights (w1: hidden x kSummaryDims, w2: kAcousticDims x hidden).
  static AcousticModel learned(Standardiser st, int hidden, std::vector<float> w1, std::vector<float> b1,
                               std::vector<float> w2, std::vector<float> b2, ModelInfo info);

  bool valid() const { return !st_.empty(); }
  bool is_learned() const { return hidden_ > 0; }
  const std::string& id() const { return id_; }
  int hidden() const { return hidden_; }
  const Standardiser& standardiser() const { return st_; }
  const ModelInfo& info() const { return info_; }
  const std::vector<float>& w1() const { return w1_; }
  const std::vector<float>& b1() const { return b1_; }
  const std::vector<float>& w2() const { return w2_; }
  const std::vector<float>& b2() const { return b2_; }

  // The standardised input (clipped to +-4).
  std::vector<float> standardise(const float* summary) const;
  // The unit vector of one summary (kAcousticDims); all zero only when the model is not valid.
  std::vector<float> embed(const float* summary) const;

  Status save(const std::string& path) const;
  static Result<AcousticModel> load(const std::string& path);

 private:
  void make_id();
  Standardiser st_;
  int hidden_ = 0;
  std::vector<float> w1_, b1_, w2_, b2_;
  ModelInfo info_;
  std::string id_;
};

}  // namespace codex::embed
