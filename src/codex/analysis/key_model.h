// A learned key model over the key analyzer's own pitch features (models/key.json, fitted by
// bench/key_learn.py; model card models/KEY_MODEL.md). The tonal and raw semitone energies are
// pooled over windows of frames and folded into pitch classes per octave band; a key is scored by
// rotating the window so that its tonic sits at pitch class 0 and passing it through one small
// perceptron shared by all twelve tonics (transposition-equivariant); the model is a few such
// perceptrons, their log-probabilities averaged. The track's score for a key is the sum of its
// windows' log-probabilities.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "codex/core/status.h"
#include "codex/music/key.h"

namespace codex::analysis {

class KeyModel {
 public:
  static constexpr int kKeys = 24;  // index tonic * 2 + (minor ? 1 : 0)
  static Result<KeyModel> parse(std::string_view text);
  // The model compiled into CODEX.
  static const KeyModel& builtin();

  // Per key, the log-probability summed over the windows of `frames` frames of `semitones`
  // energies each (tonal: after whitening and the median; raw: linear energy at the tuning), and
  // the number of windows read. All -inf when there are no frames. The share of minor keys in what
  // the model learned from is replaced by the share the model file expects (`expected_minor_share`;
  // 0.5 when absent, as if major and minor were equally common), so that a mostly minor training
  // set need not read every major track as its relative minor.
  struct Scores {
    std::array<double, kKeys> log_prob{};
    int windows = 0;
  };
  Scores score(const std::vector<float>& tonal, const std::vector<float>& raw, size_t frames) const;

  static music::Key key_of(int index) { return music::Key{index / 2, index % 2 == 1}; }
  const std::string& id() const { return id_; }
  // The pitch grid the model reads: `semitones` per frame from MIDI `low_midi` up.
  int low_midi() const { return low_midi_; }
  int semitones() const { return semitones_; }

 private:
  struct Member {  // one perceptron of the ensemble
    std::vector<double> w1, b1, w2, b2;  // w1: inputs x hidden, w2: hidden x 2
  };
  int low_midi_ = 33, semitones_ = 64, bands_ = 6, window_ = 32, hop_ = 16, hidden_ = 0;
  double minor_share_ = 0.5;  // of the windows it learned from
  // The share of minor keys expected in the music it reads: each window's log-probability is moved
  // from the training prior to this one (0.5: as if major and minor were equally common).
  double expected_minor_share_ = 0.5;
  std::vector<Member> members_;
  std::string id_;
};

}  // namespace codex::analysis
