// The mood model: valence and arousal heard in a stretch of sound, read off its acoustic summary
// (analysis/acoustic_summary.h: the same 90 numbers for a whole track and for each 10-s window, so
// a track is also read section by section). Three logistic regressions over the standardised
// summary, fitted on real mood-labelled song clips (bench/mood_fit.py; models/MOOD_MODEL.md is the
// model card): arousal p (calm -1 .. excited +1 as 2p - 1), and valence (sad/tense -1 .. happy/serene
// +1) from two heads, one fitted on excited clips and one on calm ones, mixed by p. The weights are immutable; reading is a pure function.
// The model shipped with CODEX is compiled into the binary (models/mood.json); a file of the same
// format is checked field by field (format, version, input, dims, every number finite).
#pragma once

#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::semantic {

struct MoodEstimate {
  double valence = 0, arousal = 0;  // -1 .. 1
  double confidence = 0;            // 0 .. 1: how far both are from their boundary
};

class MoodModel {
 public:
  static Result<MoodModel> parse(const std::string& text);
  // The model shipped with CODEX (parsed once; a broken embedded file is a build error caught by tests).
  static const MoodModel& builtin();
  // The model in use: the built-in one, or the file CODEX_MOOD_MODEL names (for evaluation: a model
  // fitted on part of a labelled set, read on the rest). check_override() says whether that file loads.
  static const MoodModel& active();
  static Status check_override();
  // The built-in model's file, as compiled in (for tests and `codex models`).
  static const char* builtin_text();

  // `summary` holds dims() numbers (a track's or a window's acoustic summary).
  MoodEstimate read(const float* summary) const;
  int dims() const { return static_cast<int>(mean_.size()); }
  // A short id (hash of the weights) that goes into cache stamps.
  const std::string& id() const { return id_; }

 private:
  std::vector<double> mean_, scale_, arousal_w_, valence_high_w_, valence_low_w_;
  double arousal_b_ = 0, valence_high_b_ = 0, valence_low_b_ = 0;
  std::string id_;
};

}  // namespace codex::semantic
