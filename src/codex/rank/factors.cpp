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

double score(const ScoreContext& ctx, const TrackFeatures& t, double similarity, Evidence* why) {
  const TrackFeatures& cur = ctx.current;
  const prompt::Intent& in = ctx.intent;
  const Plan& plan = ctx.plan;
  auto note = [&](double importance, std::string text) {
    if (why) why->push_back({importance, std::move(text)});
  };
  double f[kFactors];
  // Energy trajectory.
  if (t.energy) {
    f[0] = std::clamp(1.0 - std::fabs(*t.energy - plan.energy_target) / 4.0, 0.0, 1.0);
    // A move the wrong way (or any move when the energy should hold) costs most of the factor.
    const double d = *t.energy - cur.energy.value_or(*t.energy);
    if ((in.energy == Direction::kUp && d <= 0) || (in.energy == Direction::kDown && d >= 0) ||
        (in.energy == Direction::kHold && d != 0)) {
      f[0] *= in.energy == Direction::kHold ? std::max(0.0, 1.0 - std::fabs(d) / 2.0) : 0.3;
    }
    if (cur.energy && why) note(in.energy != Direction::kNone ? 3.0 : 1.0, energy_phrase(*cur.energy, *t.energy));
  } else {
    f[0] = 0.5;
  }
  // Key.
  if (t.key && cur.key) {
    f[1] = in.key_rule == KeyRule::kSpecific ? (*t.key == *in.key ? 1.0 : 0.0)
                                              : music::camelot_compatibility(*cur.key, *t.key);
    if (why) note(2.0, key_phrase(*cur.key, *t.key));
  } else {
    f[1] = t.key ? 0.5 : 0.3;
  }
  // Tempo.
  if (t.bpm && plan.target_bpm) {
    const double pct = tempo_shift_pct(*plan.target_bpm, *t.bpm);
    f[2] = std::clamp(1.0 - std::fabs(pct) / 8.0, 0.0, 1.0);
    if (in.tempo == Direction::kUp) f[2] = pct > 0 ? std::clamp(0.6 + pct / 10.0, 0.0, 1.0) : 0.2;
    if (in.tempo == Direction::kDown) f[2] = pct < 0 ? std::clamp(0.6 - pct / 10.0, 0.0, 1.0) : 0.2;
    if (cur.bpm && why) note(1.5, tempo_phrase(*cur.bpm, *t.bpm));
  } else {
    f[2] = 0.3;
  }
  // Vibe: the schema's vibe when known, the key's mode as a proxy for darker/brighter otherwise.
  f[3] = 0.5;
  if (in.vibe) {
    if (t.vibe) {
      f[3] = *t.vibe == *in.vibe ? 1.0 : 0.2;
      if (why && *t.vibe == *in.vibe) note(3.0, *in.vibe + (cur.vibe ? " (" + *cur.vibe + "→" + *t.vibe + ")" : ""));
    } else if (in.brightness != 0 && t.key) {
      const bool darker = in.brightness < 0;
      f[3] = t.key->minor == darker ? 0.8 : 0.3;
      if (why && t.key->minor == darker) {
        note(2.5, std::string(darker ? "darker" : "brighter") + " (" + (darker ? "minor" : "major") + " key)");
      }
    }
  } else if (cur.vibe && t.vibe) {
    f[3] = *cur.vibe == *t.vibe ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.9) : 0.5;
  }
  for (const auto& a : in.avoid_moods) {
    if ((t.vibe && *t.vibe == a) || t.genre == a) f[3] *= 0.2;
  }
  // Genre.
  const bool same_genre = !t.genre.empty() && t.genre == cur.genre;
  switch (in.genre_rule) {
    case prompt::GenreRule::kSpecific:
      f[4] = t.genre == *in.genre || t.genre.find(*in.genre) != std::string::npos ? 1.0 : 0.1;
      if (why && f[4] == 1.0) note(3.0, "genre " + t.genre);
      break;
    case prompt::GenreRule::kSame: f[4] = same_genre ? 1.0 : 0.2; break;
    case prompt::GenreRule::kChange:
      f[4] = same_genre ? 0.1 : 1.0;
      if (why && !same_genre && !t.genre.empty()) note(2.5, "genre change: " + cur.genre + "→" + t.genre);
      break;
    default:
      f[4] = same_genre ? (in.similarity == prompt::Similarity::kDifferent ? 0.3 : 0.8) : 0.55;
  }
  // Mixability: the current track's way out and the candidate's way in.
  f[5] = (cur.mix_out && t.mix_in) ? (*cur.mix_out + *t.mix_in) / 20.0 : 0.5;
  // Vocals.
  f[6] = 0.5;
  if (in.vocals && t.vocal_presence) {
    const bool has = *t.vocal_presence != "instrumental";
    f[6] = has == *in.vocals ? 1.0 : 0.0;
    if (in.vocal_presence && has) f[6] = *t.vocal_presence == *in.vocal_presence ? 1.0 : 0.4;
    if (why && f[6] == 1.0) note(2.0, has ? "vocals: " + *t.vocal_presence : "instrumental");
  }
  // Moods.
  f[7] = 0.5;
  if (!in.moods.empty()) {
    int hit = 0;
    for (const auto& m : in.moods) hit += std::count(t.moods.begin(), t.moods.end(), m) > 0;
    f[7] = static_cast<double>(hit) / static_cast<double>(in.moods.size());
    if (why && hit) note(2.0, "mood match");
  }
  // Groove: the same groove mixes most easily.
  f[8] = (cur.groove && t.groove) ? (*cur.groove == *t.groove ? 1.0 : 0.4) : 0.5;
  if (f[8] == 1.0 && why) note(0.8, "same groove (" + *t.groove + ")");
  // Narrative flow: the stage the prompt asks for, else the same or the next stage of the set.
  const int stage = stage_of(t.intensity);
  f[9] = 0.5;
  if (stage >= 0 && plan.wanted_stage >= 0) {
    f[9] = stage == plan.wanted_stage ? 1.0 : 0.2;
    if (stage == plan.wanted_stage && why) note(2.5, "set stage: " + *t.intensity);
  } else if (stage >= 0 && plan.current_stage >= 0) {
    f[9] = stage == plan.current_stage || stage == plan.current_stage + 1 ? 0.8 : stage < plan.current_stage ? 0.3 : 0.5;
  }
  // Mood: the candidate's point on the valence/arousal plane against where the prompt asks the set
  // to go (the current track's point when it asks nothing: the default keeps the mood). A move the
  // wrong way on an axis the prompt names costs most of that axis.
  f[10] = f[11] = 0.5;
  // Without the current track's mood the plane says nothing for this query: it neither counts nor
  // dilutes the rest (a candidate without one scores the neutral 0.5).
  const bool mood_known = cur.valence && cur.arousal && plan.target_valence && plan.target_arousal;
  if (mood_known && t.valence && t.arousal) {
    // An axis the prompt moves: at least one step the right way scores fully, a smaller move in
    // proportion, an overshoot of more than two steps a little less; the wrong way scores little.
    // An axis it does not move: the closer to the current track, the better (the same-side
    // probability of the two readings did no better on held-out clips: continuity 0.396 vs 0.404).
    auto axis = [&](double cand, double from, double target, Direction d) {
      if (!prompt::moves(d)) return std::clamp(1.0 - std::fabs(cand - from) / 0.8, 0.0, 1.0);
      const double step = std::max(0.05, std::fabs(target - from));
      const double moved = d == Direction::kUp ? cand - from : from - cand;
      if (moved <= 0) return 0.05;
      if (moved < step) return 0.1 + 0.9 * (moved / step) * (moved / step);
      return std::max(0.6, 1.0 - 0.15 * std::max(0.0, moved - 2.0 * step) / step);
    };
    const bool moves_a = prompt::moves(in.arousal), moves_v = prompt::moves(in.valence);
    const double wa = moves_a ? 2.0 : 1.0, wv = moves_v ? 2.0 : 1.0;
    double value = (wa * axis(*t.arousal, *cur.arousal, *plan.target_arousal, in.arousal) +
                    wv * axis(*t.valence, *cur.valence, *plan.target_valence, in.valence)) /
                   (wa + wv);
    for (const auto& a : in.avoid_moods) {
      if ((a == "sad" && *t.valence < -0.2) || (a == "dark" && *t.valence < -0.3) || (a == "happy" && *t.valence > 0.2) ||
          (a == "bright" && *t.valence > 0.3) || (a == "calm" && *t.arousal < -0.2)) {
        value *= 0.3;
      }
    }
    f[moves_a || moves_v ? 11 : 10] = value;
    if (why) {
      if (moves_a || moves_v) {
        const bool right = (!moves_a || (in.arousal == Direction::kUp) == (*t.arousal > *cur.arousal)) &&
                           (!moves_v || (in.valence == Direction::kUp) == (*t.valence > *cur.valence));
        const double moved = std::max(moves_a ? std::fabs(*t.arousal - *cur.arousal) : 0.0,
                                      moves_v ? std::fabs(*t.valence - *cur.valence) : 0.0);
        if (right && moved >= 0.1) note(3.2, mood_move_phrase(in, *cur.valence, *cur.arousal, *t.valence, *t.arousal));
      } else if (std::hypot(*t.valence - *cur.valence, *t.arousal - *cur.arousal) <= 0.35) {
        note(1.2, "same mood" + mood_point_phrase(*t.valence, *t.arousal));
      }
    }
  }
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
  if (ctx.use_embedding && why) note(0.5, similarity_phrase(similarity));
  return s;
}

}  // namespace codex::rank
