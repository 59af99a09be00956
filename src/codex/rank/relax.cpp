#include "codex/rank/relax.h"

#include <algorithm>
#include <cmath>

namespace codex::rank {

namespace {

// How many of `ids` move the way the prompt asks on the valence/arousal plane.
size_t moving(const PackedAttributes& packed, const std::vector<size_t>& ids, const Plan& plan,
              const prompt::Intent& in, std::pair<double, double> from) {
  using prompt::Direction;
  const double step_v = std::fabs(plan.target_valence.value_or(from.first) - from.first);
  const double step_a = std::fabs(plan.target_arousal.value_or(from.second) - from.second);
  size_t n = 0;
  for (size_t i : ids) {
    const double v = packed.mood[2 * i], a = packed.mood[2 * i + 1];
    if (!std::isfinite(v) || !std::isfinite(a)) continue;
    auto fits = [](double cand, double cur, double step, Direction d) {
      if (step < 0.05) return true;  // no room to move on this axis
      if (d == Direction::kUp) return cand - cur >= 0.5 * step;
      if (d == Direction::kDown) return cur - cand >= 0.5 * step;
      return true;
    };
    n += fits(v, from.first, step_v, in.valence) && fits(a, from.second, step_a, in.arousal);
  }
  return n;
}

}  // namespace

Pool select_pool(const PackedAttributes& packed, const Plan& plan, const Exclusion& exclusion, size_t wanted,
                 const prompt::Intent* in, const std::optional<std::pair<double, double>>& current_mood) {
  using prompt::Direction;
  // A move the current track's place allows: at the end of an axis ("sadder" from the saddest
  // reading) there is nothing further to find, and nothing is relaxed for it.
  auto room = [&](Direction d, double target, double from) {
    return (d == Direction::kUp || d == Direction::kDown) && std::fabs(target - from) >= 0.05;
  };
  const bool mood_move = in && current_mood && packed.mood.size() == 2 * packed.bpm.size() &&
                         (room(in->valence, plan.target_valence.value_or(current_mood->first), current_mood->first) ||
                          room(in->arousal, plan.target_arousal.value_or(current_mood->second), current_mood->second));
  Pool out;
  Window& c = out.window;
  c = plan.window;
  // What the prompt itself asked of tempo and key is not given up for a mood move (only for a pool
  // too small to recommend from at all).
  const bool tempo_asked = in && (in->tempo != Direction::kNone || in->target_bpm || in->bpm_delta);
  const bool key_asked = in && in->key_rule != prompt::KeyRule::kHarmonic;
  for (int stage = 0; stage < 4; ++stage) {
    out.ids = passing(packed, plan, c, exclusion);
    std::string why;
    bool for_mood = false;
    if (out.ids.size() >= wanted) {
      if (!mood_move || moving(packed, out.ids, plan, *in, *current_mood) >= wanted) break;
      // Said once, on the first step it causes.
      why = out.relaxed.empty() ? " (too few tracks that move the mood as asked)" : "";
      for_mood = true;
    }
    if (stage == 0 && c.tempo && !(for_mood && tempo_asked)) {
      c.tempo_lo_pct = std::min(c.tempo_lo_pct, -10.0);
      c.tempo_hi_pct = std::max(c.tempo_hi_pct, 10.0);
      out.relaxed.push_back("tempo window widened to ±10%" + why);
    } else if (stage <= 1 && c.key && !(for_mood && key_asked)) {
      c.key = false;
      out.relaxed.push_back("key constraint dropped" + why);
    } else if (c.tempo && !(for_mood && tempo_asked)) {
      c.tempo = false;
      out.relaxed.push_back("tempo constraint dropped" + why);
    } else if (for_mood && c.key && !key_asked) {
      c.key = false;
      out.relaxed.push_back("key constraint dropped" + why);
    } else {
      break;
    }
  }
  return out;
}

}  // namespace codex::rank
