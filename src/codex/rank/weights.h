// The weights of the rule-based prior's factors, and reading a trained model's weights file.
#pragma once

#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::rank {

struct Factor {
  const char* name;
  double weight;
};

// In factor order: energy, key, tempo, vibe, genre, mix, vocals, mood (the mood tags), groove,
// narrative, affect (the mood held on the valence/arousal plane), affect_move (moved as the prompt asks).
const std::vector<Factor>& default_weights();

// Weights from a JSON file {"format": "codex-rank-weights", "version": 1, "weights": {"energy": 0.3,
// ...}} — what a trained model writes. Unnamed factors keep their default; unknown names, negative
// or non-numeric weights, and a wrong format or version are errors.
Result<std::vector<Factor>> load_weights(const std::string& path);

}  // namespace codex::rank
