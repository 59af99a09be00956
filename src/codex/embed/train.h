// codex-train for the acoustic block: InfoNCE on the DJ's own library. Each step takes `batch`
// tracks; each gives two views — two different 10-s windows of the track (or, for a track the DJ
// keeps with others — same album, played next to it in a set — sometimes a window of one of
// those), each augmented
// in feature space (gain, EQ tilt, tempo shift, noise, dropped values). The model must pick each
// view's partner among the batch's other views (in-batch negatives; some batches are built from
// one track's nearest neighbours, so their negatives are hard). The gradients of the perceptron,
// the normalisation and the symmetric InfoNCE loss are written out by hand (info_nce below, checked
// against finite differences in the tests); Adam with weight decay; one seed makes it repeatable.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "codex/core/status.h"
#include "codex/embed/acoustic_model.h"

namespace codex::embed {

// A two-layer perceptron's weights: w1 is hidden x in, w2 is out x hidden (row-major). Its output
// is the perceptron's plus the input itself (in the first `in` of `out` values), normalised: a
// residual on the standardised summary, so that training adds to what the fallback already has.
struct MlpParams {
  int in = 0, hidden = 0, out = 0;
  std::vector<float> w1, b1, w2, b2;
  void zero_like(const MlpParams& p);
};

// The symmetric InfoNCE loss of `batch` pairs of inputs (xa[i] and xb[i] are views of the same
// track; row-major batch x in), at `temperature`; adds its gradient to *grad when grad is not null.
double info_nce(const MlpParams& p, const float* xa, const float* xb, int batch, float temperature, MlpParams* grad);

struct TrainTrack {
  std::vector<float> windows;      // n x kSummaryDims raw summaries (at least one)
  std::vector<uint32_t> partners;  // tracks the DJ keeps with this one (indices into the same list):
                                   // the same album, or played one after the other in a set
};

// On fewer tracks of two windows or more, instance discrimination learns the few tracks apart
// rather than how music differs (on the 97-item dev set it halved style retrieval).
inline constexpr size_t kMinTrainTracks = 100;

struct TrainOptions {
  int hidden = 256;
  int batch = 256;
  int steps = 0;  // 0: chosen from the library's size
  float temperature = 0.1f;
  float learning_rate = 2e-3f;
  float weight_decay = 1e-4f;
  uint64_t seed = 1;
  bool augment = true;
  double hard_fraction = 0.25;   // share of batches made of nearest neighbours
  double group_positive = 0.25;  // chance that a track's second view comes from one of its partners
  size_t min_tracks = kMinTrainTracks;  // tracks with two windows or more needed to train
  // Called now and then; return false to stop (the model so far is kept).
  std::function<bool(int step, int steps, double loss)> progress;
};

// Trains on `tracks` (their summaries are standardised with statistics of all their windows).
// Needs at least options.min_tracks tracks with two or more windows (see kMinTrainTracks).
Result<AcousticModel> train_acoustic(const std::vector<TrainTrack>& tracks, const TrainOptions& options);

// The share of `tracks` whose first window finds the track's own last window first among all the
// last windows: a check of what training achieved on the training tracks themselves (not held out:
// bench/embed_eval.py measures retrieval).
double window_top1(const AcousticModel& model, const std::vector<TrainTrack>& tracks);

}  // namespace codex::embed
