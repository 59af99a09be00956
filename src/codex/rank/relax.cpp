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
    return prompt::moves(d) && std::fabs(target - from) >= 0.05;
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
  // First, too few tracks at all: widen the tempo window, drop the key, drop the tempo.
  out.ids = passing(packed, plan, c, exclusion);
  for (int stage = 0; stage < 3 && out.ids.size() < wanted; ++stage) {
    if (stage == 0 && c.tempo) {
      c.tempo_lo_pct = std::min(c.tempo_lo_pct, -10.0);
      c.tempo_hi_pct = std::max(c.tempo_hi_pct, 10.0);
      out.relaxed.push_back("tempo window widened to " + window_text(c));
    } else if (c.key) {
      c.key = false;
      out.relaxed.push_back("key constraint dropped");
    } else if (c.tempo) {
      c.tempo = false;
      out.relaxed.push_back("tempo constraint dropped");
    } else {
      break;
    }
    out.ids = passing(packed, plan, c, exclusion);
  }
  // Then, for a mood move, too few tracks that move the mood: the tempo window may widen to ±10%
  // (further down for calmer) and the key may go — never what the prompt named, never the tempo
  // constraint itself (a track a quarter slower cannot be mixed in, however sad it is). The
  // shortest run of those steps that finds enough such tracks is taken, or the one that finds the
  // most; none when no step finds more than the window already holds.
  if (!mood_move) return out;
  size_t movers = moving(packed, out.ids, plan, *in, *current_mood);
  if (movers >= wanted) return out;
  std::vector<std::pair<Window, std::string>> chain;
  Window w = c;
  if (w.tempo && !tempo_asked && (w.tempo_lo_pct > -10.0 || w.tempo_hi_pct < 10.0)) {
    w.tempo_lo_pct = std::min(w.tempo_lo_pct, -10.0);
    w.tempo_hi_pct = std::max(w.tempo_hi_pct, 10.0);
    chain.push_back({w, "tempo window widened to " + window_text(w)});
  }
  if (w.key && !key_asked) {
    w.key = false;
    chain.push_back({w, "key constraint dropped"});
  }
  int best = -1;
  std::vector<size_t> best_ids;
  for (size_t k = 0; k < chain.size(); ++k) {
    std::vector<size_t> ids = passing(packed, plan, chain[k].first, exclusion);
    const size_t m = moving(packed, ids, plan, *in, *current_mood);
    if (m > movers) best = static_cast<int>(k), movers = m, best_ids = std::move(ids);
    if (movers >= wanted) break;
  }
  if (best < 0) return out;
  for (int k = 0; k <= best; ++k) {
    out.relaxed.push_back(chain[static_cast<size_t>(k)].second + (k == 0 ? " (too few tracks that move the mood as asked)" : ""));
  }
  c = chain[static_cast<size_t>(best)].first;
  out.ids = std::move(best_ids);
  return out;
}

}  // namespace codex::rank
