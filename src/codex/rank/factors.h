// The score of a candidate in [0, 1]: twelve factors (energy trajectory, key, tempo, vibe, genre,
// mixability, vocals, mood tags, groove, narrative flow, and the valence/arousal plane: the mood held
// by default, or moved as the prompt asks), each in [0, 1], weighted — the factors the
// prompt talks about four times as much as the rest — and, in the embedding modes, blended with
// the embedding similarity. With `explain`, the evidence for the reasons is collected too.
#pragma once

#include <array>
#include <vector>

#include "codex/prompt/intent.h"
#include "codex/rank/constraints.h"
#include "codex/rank/features.h"
#include "codex/rank/reasons.h"
#include "codex/rank/weights.h"

namespace codex::rank {

enum class Mode {
  kFeatures,   // rules over features only
  kEmbedding,  // similarity to the current track's embedding steered by the intent, within the constraints
  kFull,       // rules plus embedding similarity (the learned rank model replaces the rules later)
};

inline constexpr size_t kFactors = 12;

// Factor multipliers: 4 for the factors the prompt talks about, else 1.
std::array<double, kFactors> boosts_for(const prompt::Intent& intent);

struct ScoreContext {
  const TrackFeatures& current;
  const prompt::Intent& intent;
  const Plan& plan;
  const std::vector<Factor>& weights;  // kFactors of them
  std::array<double, kFactors> boost;
  Mode mode = Mode::kFeatures;
  bool use_embedding = false;
};

// `similarity` in [0, 1] (0.5 when there is no embedding). `why` may be null (no reasons wanted).
double score(const ScoreContext& context, const TrackFeatures& track, double similarity, Evidence* why);

}  // namespace codex::rank
