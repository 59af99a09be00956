#include "codex/rank/relax.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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
  const bool tempo_asked = in && (in->tempo != Direction::kNone || in->target_bpm || in->bpm_delta || in->not_slower ||
                                  in->not_faster || in->tempo_free);
  const bool key_asked = in && in->key_rule != prompt::KeyRule::kHarmonic;
  auto window_text = [](const Window& w) {
    char b[64];
    if (-w.tempo_lo_pct == w.tempo_hi_pct) std::snprintf(b, sizeof b, "±%.0f%%", w.tempo_hi_pct);
    else std::snprintf(b, sizeof b, "%+.0f%%…%+.0f%%", w.tempo_lo_pct, w.tempo_hi_pct);
    return std::string(b);
  };
  out.ids = passing(packed, plan, c, exclusion);
  size_t movers = mood_move ? moving(packed, out.ids, plan, *in, *current_mood) : 0;
  bool mood_said = false;
  for (int stage = 0; stage < 4; ++stage) {
    const bool for_mood = out.ids.size() >= wanted;
    if (for_mood && (!mood_move || movers >= wanted)) break;
    // One step: widen the tempo window, drop the key, drop the tempo (for a mood move, never what
    // the prompt named).
    Window next = c;
    std::string what;
    if (stage == 0 && c.tempo && !(for_mood && tempo_asked)) {
      next.tempo_lo_pct = std::min(c.tempo_lo_pct, -10.0);
      next.tempo_hi_pct = std::max(c.tempo_hi_pct, 10.0);
      what = "tempo window widened to " + window_text(next);
    } else if (stage <= 1 && c.key && !(for_mood && key_asked)) {
      next.key = false;
      what = "key constraint dropped";
    } else if (c.tempo && !(for_mood && tempo_asked)) {
      next.tempo = false;
      what = "tempo constraint dropped";
    } else if (for_mood && c.key && !key_asked) {
      next.key = false;
      what = "key constraint dropped";
    } else {
      break;
    }
    std::vector<size_t> ids = passing(packed, plan, next, exclusion);
    if (for_mood) {
      // A step taken for the mood must bring tracks that move it; else it is not taken.
      const size_t more = moving(packed, ids, plan, *in, *current_mood);
      if (more <= movers) continue;
      movers = more;
      if (!mood_said) what += " (too few tracks that move the mood as asked)", mood_said = true;
    } else if (mood_move) {
      movers = moving(packed, ids, plan, *in, *current_mood);
    }
    c = next;
    out.ids = std::move(ids);
    out.relaxed.push_back(what);
  }
  return out;
}

}  // namespace codex::rank
