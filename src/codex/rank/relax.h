// Relaxation: while too few tracks pass the hard constraints, widen the tempo window to ±10%, then
// drop the key constraint, then the tempo constraint — each step named, so the reasons can say
// which suggestion lies outside what was asked. When the prompt moves the mood ("calmer",
// "sadder"), "too few" also counts the tracks that move that way on the valence/arousal plane (by
// at least half a step): a DJ who asks for calmer wants calmer first, the tightest mix second — but
// still a mix: for the mood, the tempo window only widens (±10%, or further down for calmer) and the
// key may go, never the tempo constraint itself.
#pragma once

#include <string>
#include <vector>

#include "codex/rank/constraints.h"

namespace codex::rank {

struct Pool {
  std::vector<size_t> ids;           // library positions that passed, in order
  Window window;                     // the constraints they passed
  std::vector<std::string> relaxed;  // the steps taken, in order
};

// `current_mood`: the playing track's valence and arousal, when known.
Pool select_pool(const PackedAttributes& packed, const Plan& plan, const Exclusion& exclusion, size_t wanted,
                 const prompt::Intent* intent = nullptr, const std::optional<std::pair<double, double>>& current_mood = {});

}  // namespace codex::rank
