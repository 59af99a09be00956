#include "codex/rank/factors.h"

#include <algorithm>
#include <cmath>

namespace codex::rank {

using prompt::Direction;
using prompt::KeyRule;

std::array<double, kFactors> boosts_for(const prompt::Intent& in) {
  std::array<double, kFactors> boost;
  boost.fill(1.0);
  if (in.energy != Direction::kNone || in.narrative) boost[0] = 4;
  if (in.key_rule != KeyRule::kHarmonic) boost[1] = 4;
  if (in.tempo != Direction::kNone || in.target_bpm || in.bpm_delta) boost[2] = 4;
  if (in.vibe || in.brightness != 0 || !in.avoid_moods.empty() || in.similarity != prompt::Similarity::kDefault) {
    boost[3] = 4;
  }
  if (in.genre_rule != prompt::GenreRule::kAny || in.similarity != prompt::Similarity::kDefault) boost[4] = 4;
  if (in.vocals) boost[6] = 4;
  if (!in.moods.empty()) boost[7] = 4;
  if (in.narrative) boost[9] = 4;
  // The mood: held (factor "affect") unless the prompt moves it ("affect_move"); each counts only
  // in its own case, so their weights are fitted apart (bench/rank_fit.py).
  const bool moving = prompt::moves_mood(in);
  boost[10] = moving ? 0 : (in.arousal == Direction::kHold || in.valence == Direction::kHold || !in.avoid_moods.empty()) ? 4 : 1;
  boost[11] = moving ? 4 : 0;
  return boost;
}

namespace {

// The reasons a score gives, when they are asked for.
class Notes {
 public:
  explicit Notes(Evidence* why) : why_(why) {}
  bool wanted() const { return why_ != nullptr; }
  void add(double importance, std::string text) const {
    if (why_) why_->push_back({importance, std::move(text)});
  }

 private:
  Evidence* why_;
};

// Energy trajectory: near the planned energy; a move the wrong way (or any move when the energy
// should hold) costs most of the factor.
double energy_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  const prompt::Intent& in = ctx.intent;
  if (!t.energy) return 0.5;
  double f = std::clamp(1.0 - std::fabs(*t.energy - ctx.plan.energy_target) / 4.0, 0.0, 1.0);
  const double d = *t.energy - cur.energy.value_or(*t.energy);
  if ((in.energy == Direction::kUp && d <= 0) || (in.energy == Direction::kDown && d >= 0) ||
      (in.energy == Direction::kHold && d != 0)) {
    f *= in.energy == Direction::kHold ? std::max(0.0, 1.0 - std::fabs(d) / 2.0) : 0.3;
  }
  if (cur.energy && notes.wanted()) {
    notes.add(in.energy != Direction::kNone ? 3.0 : 1.0, energy_phrase(*cur.energy, *t.energy));
  }
  return f;
}

// Key: the key the prompt names, else Camelot compatibility with the current track.
double key_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  if (!t.key || !cur.key) return t.key ? 0.5 : 0.3;
  const double f = ctx.intent.key_rule == KeyRule::kSpecific ? (*t.key == *ctx.intent.key ? 1.0 : 0.0)
                                                             : music::camelot_compatibility(*cur.key, *t.key);
  if (notes.wanted()) notes.add(2.0, key_phrase(*cur.key, *t.key));
  return f;
}

// Tempo: near the planned tempo, or the way the prompt moves it.
double tempo_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  if (!t.bpm || !ctx.plan.target_bpm) return 0.3;
  const double pct = tempo_shift_pct(*ctx.plan.target_bpm, *t.bpm);
  double f = std::clamp(1.0 - std::fabs(pct) / 8.0, 0.0, 1.0);
  if (ctx.intent.tempo == Direction::kUp) f = pct > 0 ? std::clamp(0.6 + pct / 10.0, 0.0, 1.0) : 0.2;
  if (ctx.intent.tempo == Direction::kDown) f = pct < 0 ? std::clamp(0.6 - pct / 10.0, 0.0, 1.0) : 0.2;
  if (ctx.current.bpm && notes.wanted()) notes.add(1.5, tempo_phrase(*ctx.current.bpm, *t.bpm));
  return f;
}

// Vibe: the schema's vibe when known, the key's mode as a proxy for darker/brighter otherwise;
// a mood the prompt avoids costs most of it.
double vibe_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  const prompt::Intent& in = ctx.intent;
  double f = 0.5;
  if (in.vibe) {
    if (t.vibe) {
      f = *t.vibe == *in.vibe ? 1.0 : 0.2;
      if (notes.wanted() && *t.vibe == *in.vibe) {
        notes.add(3.0, *in.vibe + (cur.vibe ? " (" + *cur.vibe + "→" + *t.vibe + ")" : ""));
      }
    } else if (in.brightness != 0 && t.key) {
      const bool darker = in.brightness < 0;
      f = t.key->minor == darker ? 0.8 : 0.3;
      if (notes.wanted() && t.key->minor == darker) {
        notes.add(2.5, std::string(darker ? "darker" : "brighter") + " (" + (darker ? "minor" : "major") + " key)");
      }
    }
  } else if (cur.vibe && t.vibe) {
    f = *cur.vibe == *t.vibe ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.9) : 0.5;
  }
  for (const auto& a : in.avoid_moods) {
    if ((t.vibe && *t.vibe == a) || t.genre == a) f *= 0.2;
  }
  return f;
}

// Genre: the one the prompt names, the same, a change, or (by default) a mild preference for the same.
double genre_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  const prompt::Intent& in = ctx.intent;
  const bool same_genre = !t.genre.empty() && t.genre == cur.genre;
  switch (in.genre_rule) {
    case prompt::GenreRule::kSpecific: {
      const bool hit = t.genre == *in.genre || t.genre.find(*in.genre) != std::string::npos;
      if (hit) notes.add(3.0, "genre " + t.genre);
      return hit ? 1.0 : 0.1;
    }
    case prompt::GenreRule::kSame: return same_genre ? 1.0 : 0.2;
    case prompt::GenreRule::kChange:
      if (notes.wanted() && !same_genre && !t.genre.empty()) notes.add(2.5, "genre change: " + cur.genre + "→" + t.genre);
      return same_genre ? 0.1 : 1.0;
    default: return same_genre ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.8) : 0.55;
  }
}

// Vocals: with or without, and the kind the prompt names.
double vocals_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const prompt::Intent& in = ctx.intent;
  if (!in.vocals || !t.vocal_presence) return 0.5;
  const bool has = *t.vocal_presence != "instrumental";
  double f = has == *in.vocals ? 1.0 : 0.0;
  if (in.vocal_presence && has) f = *t.vocal_presence == *in.vocal_presence ? 1.0 : 0.4;
  if (notes.wanted() && f == 1.0) notes.add(2.0, has ? "vocals: " + *t.vocal_presence : "instrumental");
  return f;
}

// Moods the prompt names: the share the candidate has.
double moods_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const auto& wanted = ctx.intent.moods;
  if (wanted.empty()) return 0.5;
  int hit = 0;
  for (const auto& m : wanted) hit += std::count(t.moods.begin(), t.moods.end(), m) > 0;
  if (hit) notes.add(2.0, "mood match");
  return static_cast<double>(hit) / static_cast<double>(wanted.size());
}

// Groove: the same groove mixes most easily.
double groove_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  if (!cur.groove || !t.groove) return 0.5;
  if (*cur.groove != *t.groove) return 0.4;
  if (notes.wanted()) notes.add(0.8, "same groove (" + *t.groove + ")");
  return 1.0;
}

// Narrative flow: the stage the prompt asks for, else the same or the next stage of the set.
double stage_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const int stage = stage_of(t.intensity);
  const Plan& plan = ctx.plan;
  if (stage >= 0 && plan.wanted_stage >= 0) {
    if (stage == plan.wanted_stage && notes.wanted()) notes.add(2.5, "set stage: " + *t.intensity);
    return stage == plan.wanted_stage ? 1.0 : 0.2;
  }
  if (stage >= 0 && plan.current_stage >= 0) {
    return stage == plan.current_stage || stage == plan.current_stage + 1 ? 0.8
           : stage < plan.current_stage                                  ? 0.3
                                                                         : 0.5;
  }
  return 0.5;
}

// One axis of the mood plane. An axis the prompt moves: at least one step the right way scores
// fully, a smaller move in proportion, an overshoot of more than two steps a little less; the wrong
// way scores little. An axis it does not move: the closer to the current track, the better (the
// same-side probability of the two readings did no better on held-out clips: continuity 0.396 vs
// 0.404).
double mood_axis(double cand, double from, double target, Direction d) {
  if (!prompt::moves(d)) return std::clamp(1.0 - std::fabs(cand - from) / 0.8, 0.0, 1.0);
  const double step = std::max(0.05, std::fabs(target - from));
  const double moved = d == Direction::kUp ? cand - from : from - cand;
  if (moved <= 0) return 0.05;
  if (moved < step) return 0.1 + 0.9 * (moved / step) * (moved / step);
  return std::max(0.6, 1.0 - 0.15 * std::max(0.0, moved - 2.0 * step) / step);
}

// Mood: the candidate's point on the valence/arousal plane against where the prompt asks the set
// to go (the current track's point when it asks nothing: the default keeps the mood). Only called
// when the current track's mood and the plan's target are known.
double mood_plane_factor(const ScoreContext& ctx, const TrackFeatures& t, const Notes& notes) {
  const TrackFeatures& cur = ctx.current;
  const prompt::Intent& in = ctx.intent;
  if (!t.valence || !t.arousal) return 0.5;
  const bool moves_a = prompt::moves(in.arousal), moves_v = prompt::moves(in.valence);
  const double wa = moves_a ? 2.0 : 1.0, wv = moves_v ? 2.0 : 1.0;
  double value = (wa * mood_axis(*t.arousal, *cur.arousal, *ctx.plan.target_arousal, in.arousal) +
                  wv * mood_axis(*t.valence, *cur.valence, *ctx.plan.target_valence, in.valence)) /
                 (wa + wv);
  for (const auto& a : in.avoid_moods) {
    if ((a == "sad" && *t.valence < -0.2) || (a == "dark" && *t.valence < -0.3) || (a == "happy" && *t.valence > 0.2) ||
        (a == "bright" && *t.valence > 0.3) || (a == "calm" && *t.arousal < -0.2)) {
      value *= 0.3;
    }
  }
  if (!notes.wanted()) return value;
  if (moves_a || moves_v) {
    const bool right = (!moves_a || (in.arousal == Direction::kUp) == (*t.arousal > *cur.arousal)) &&
                       (!moves_v || (in.valence == Direction::kUp) == (*t.valence > *cur.valence));
    const double moved = std::max(moves_a ? std::fabs(*t.arousal - *cur.arousal) : 0.0,
                                  moves_v ? std::fabs(*t.valence - *cur.valence) : 0.0);
    if (right && moved >= 0.1) notes.add(3.2, mood_move_phrase(in, *cur.valence, *cur.arousal, *t.valence, *t.arousal));
  } else if (std::hypot(*t.valence - *cur.valence, *t.arousal - *cur.arousal) <= 0.35) {
    notes.add(1.2, "same mood" + mood_point_phrase(*t.valence, *t.arousal));
  }
  return value;
}

}  // namespace

double score(const ScoreContext& ctx, const TrackFeatures& t, double similarity, Evidence* why) {
  const TrackFeatures& cur = ctx.current;
  const Notes notes(why);
  double f[kFactors];
  f[0] = energy_factor(ctx, t, notes);
  f[1] = key_factor(ctx, t, notes);
  f[2] = tempo_factor(ctx, t, notes);
  f[3] = vibe_factor(ctx, t, notes);
  f[4] = genre_factor(ctx, t, notes);
  // Mixability: the current track's way out and the candidate's way in.
  f[5] = (cur.mix_out && t.mix_in) ? (*cur.mix_out + *t.mix_in) / 20.0 : 0.5;
  f[6] = vocals_factor(ctx, t, notes);
  f[7] = moods_factor(ctx, t, notes);
  f[8] = groove_factor(ctx, t, notes);
  f[9] = stage_factor(ctx, t, notes);
  // The mood plane counts as "affect" (held) or "affect_move" (moved by the prompt). Without the
  // current track's mood it says nothing for this query: it neither counts nor dilutes the rest.
  const bool mood_known = cur.valence && cur.arousal && ctx.plan.target_valence && ctx.plan.target_arousal;
  const bool moving = prompt::moves(ctx.intent.arousal) || prompt::moves(ctx.intent.valence);
  f[10] = f[11] = 0.5;
  if (mood_known) f[moving ? 11 : 10] = mood_plane_factor(ctx, t, notes);
  const auto& w = ctx.weights;
  double sum = 0.0, wsum = 0.0;
  for (size_t k = 0; k < w.size(); ++k) {
    if ((k == 10 || k == 11) && !mood_known) continue;
    sum += ctx.boost[k] * w[k].weight * f[k];
    wsum += ctx.boost[k] * w[k].weight;
  }
  double s = wsum > 0 ? sum / wsum : 0.5;
  if (ctx.mode == Mode::kEmbedding && ctx.use_embedding) s = similarity;
  if (ctx.mode == Mode::kFull && ctx.use_embedding) s = 0.8 * s + 0.2 * similarity;
  if (ctx.use_embedding && why) notes.add(0.5, similarity_phrase(similarity));
  return s;
}

}  // namespace codex::rank
