#include "codex/rank/constraints.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "codex/embed/feature_embedding.h"
#include "codex/schema/record.h"

namespace codex::rank {

using prompt::Direction;
using prompt::KeyRule;

double tempo_shift_pct(double from, double to) {
  double best = 1e9;
  for (double m : {0.5, 1.0, 2.0}) {
    const double pct = (to * m / from - 1.0) * 100.0;
    if (std::fabs(pct) < std::fabs(best)) best = pct;
  }
  return best;
}

int stage_of(const std::optional<std::string>& intensity) {
  if (!intensity) return -1;
  auto s = schema::Intensity::parse(*intensity);
  return s ? static_cast<int>(s->index()) : -1;
}

Plan plan_for(const TrackFeatures& cur, const prompt::Intent& in) {
  Plan p;
  // Where the tempo should go.
  p.target_bpm = cur.bpm;
  if (in.target_bpm) p.target_bpm = in.target_bpm;
  else if (in.bpm_delta && cur.bpm) p.target_bpm = *cur.bpm + *in.bpm_delta;
  Window& c = p.window;
  if (in.tempo == Direction::kUp) c.tempo_lo_pct = 0.5, c.tempo_hi_pct = 8.0;
  if (in.tempo == Direction::kDown) c.tempo_lo_pct = -8.0, c.tempo_hi_pct = -0.5;
  if (in.tempo == Direction::kHold) c.tempo_lo_pct = -2.0, c.tempo_hi_pct = 2.0;
  if (in.not_slower) c.tempo_lo_pct = std::max(c.tempo_lo_pct, -0.5);
  if (in.not_faster) c.tempo_hi_pct = std::min(c.tempo_hi_pct, 0.5);
  c.tempo = !in.tempo_free && p.target_bpm.has_value();
  // Calmer and sadder music is often slower: such a prompt lets the tempo fall further (the
  // reasons say so), unless it says something about the tempo itself.
  if (in.tempo == Direction::kNone && !in.target_bpm && !in.bpm_delta && !in.not_slower &&
      (in.arousal == Direction::kDown || (in.valence == Direction::kDown && in.arousal != Direction::kUp))) {
    c.tempo_lo_pct = in.arousal == Direction::kDown ? -15.0 : -10.0;
    p.tempo_widened_down = true;
  }
  if (cur.valence && cur.arousal) {
    const auto [v, a] = embed::mood_target(in, *cur.valence, *cur.arousal);
    p.target_valence = v;
    p.target_arousal = a;
  }
  c.key = in.key_rule != KeyRule::kAny && (cur.key.has_value() || in.key_rule == KeyRule::kSpecific);

  // Where the energy should go.
  double energy_target = cur.energy.value_or(5.0);
  const double step = in.energy_steps;
  if (in.energy == Direction::kUp) energy_target += step;
  if (in.energy == Direction::kDown) energy_target -= step;
  if (in.narrative == std::string("peak")) energy_target = std::max(energy_target, 8.0);
  if (in.narrative == std::string("warm-up")) energy_target = std::min(energy_target, 5.0);
  if (in.narrative == std::string("closer") || in.narrative == std::string("wind-down")) {
    energy_target = std::min(energy_target, cur.energy.value_or(5.0) - 1.0);
  }
  p.energy_target = std::clamp(energy_target, 1.0, 10.0);

  // The key rule, as a table over the 24 keys.
  p.any_key = in.key_rule == KeyRule::kAny || (!cur.key && in.key_rule != KeyRule::kSpecific);
  for (int k = 0; k < 24; ++k) {
    const music::Key t{k / 2, k % 2 == 1};
    bool ok = false;
    switch (in.key_rule) {
      case KeyRule::kAny: ok = true; break;
      case KeyRule::kSpecific: ok = in.key && t == *in.key; break;
      case KeyRule::kSame: ok = cur.key && t == *cur.key; break;
      case KeyRule::kEnergyBoost: ok = cur.key && music::camelot_relation(*cur.key, t) == "energy boost"; break;
      case KeyRule::kMinor: ok = cur.key && t.minor && music::camelot_compatibility(*cur.key, t) >= 0.6; break;
      case KeyRule::kMajor: ok = cur.key && !t.minor && music::camelot_compatibility(*cur.key, t) >= 0.6; break;
      default: ok = cur.key && music::camelot_compatibility(*cur.key, t) >= 0.6;
    }
    p.key_pass[static_cast<size_t>(k)] = ok;
  }

  // The set's stages in order; a narrative names the stage it wants.
  if (in.narrative == std::string("warm-up")) p.wanted_stage = 0;
  if (in.narrative == std::string("build")) p.wanted_stage = 1;
  if (in.narrative == std::string("peak")) p.wanted_stage = 2;
  if (in.narrative == std::string("closer") || in.narrative == std::string("wind-down")) p.wanted_stage = 3;
  p.current_stage = stage_of(cur.intensity);
  return p;
}

bool key_ok(const Plan& plan, const std::optional<music::Key>& key) {
  if (plan.any_key) return true;
  return key && plan.key_pass[static_cast<size_t>(key->tonic * 2 + (key->minor ? 1 : 0))];
}

namespace {
// The tempo window's one test, for the pool and for the reasons alike (NaN, an unknown tempo, fails).
bool in_window(double target, const Window& w, double bpm) {
  const double pct = tempo_shift_pct(target, bpm);
  return pct >= w.tempo_lo_pct && pct <= w.tempo_hi_pct;
}
}  // namespace

bool tempo_ok(const Plan& plan, const Window& w, const std::optional<double>& bpm) {
  if (!w.tempo) return true;
  return bpm && in_window(*plan.target_bpm, w, *bpm);
}

Exclusion::Exclusion(const TrackTable& lib, size_t current, const std::vector<std::string>& exclude)
    : lib_(lib), current_(current) {
  ids_.emplace_back(lib.track_id(current));
  ids_.insert(ids_.end(), exclude.begin(), exclude.end());
  for (const std::string& id : ids_) hashes_.push_back(id_hash32(id));
}

Exclusion::Exclusion(const std::vector<TrackFeatures>& lib, size_t current, const std::vector<std::string>& exclude)
    : own_(std::in_place, lib), lib_(*own_), current_(current) {
  ids_.emplace_back(lib[current].track_id);
  ids_.insert(ids_.end(), exclude.begin(), exclude.end());
  for (const std::string& id : ids_) hashes_.push_back(id_hash32(id));
}

bool Exclusion::excluded(size_t i, uint32_t hash) const {
  if (i == current_) return true;
  if (only_ && (i >= only_->size() || !(*only_)[i])) return true;
  for (size_t k = 0; k < hashes_.size(); ++k) {
    if (hashes_[k] != hash) continue;
    const std::string_view id = lib_.track_id(i);
    const std::string& s = ids_[k];
    if (!s.empty() && !id.empty() && s == id) return true;
  }
  return false;
}

std::vector<size_t> passing(const PackedAttributes& packed, const Plan& plan, const Window& w,
                            const Exclusion& exclusion) {
  const bool check_key = w.key && !plan.any_key;
  const double target = plan.target_bpm.value_or(0.0);
  const double* bpm = packed.bpm.data();
  const int8_t* key = packed.key.data();
  const size_t n = packed.bpm.size();
  // First a branch-free sweep that keeps what may pass: the key by table (index key + 1, so an
  // unknown key, -1, has its own entry) and the tempos each of half, same and double time can
  // take, widened by a hair so that rounding never drops what the exact test would pass.
  uint8_t key_ok_at[25];
  key_ok_at[0] = check_key ? 0 : 1;
  for (size_t k = 0; k < 24; ++k) key_ok_at[k + 1] = !check_key || plan.key_pass[k];
  double lo[3], hi[3];
  const double mult[3] = {0.5, 1.0, 2.0};
  for (int m = 0; m < 3; ++m) {
    lo[m] = w.tempo ? target * (1.0 + w.tempo_lo_pct / 100.0) / mult[m] * (1.0 - 1e-9) : -INFINITY;
    hi[m] = w.tempo ? target * (1.0 + w.tempo_hi_pct / 100.0) / mult[m] * (1.0 + 1e-9) : INFINITY;
  }
  std::unique_ptr<uint32_t[]> maybe(new uint32_t[n]);  // not zeroed: written before read
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    const double b = bpm[i];
    const bool tempo = !w.tempo || ((b >= lo[0]) & (b <= hi[0])) | ((b >= lo[1]) & (b <= hi[1])) |
                                       ((b >= lo[2]) & (b <= hi[2]));
    const bool k = key_ok_at[key[i] + 1] != 0;
    maybe[kept] = static_cast<uint32_t>(i);
    kept += static_cast<size_t>(tempo & k);
  }
  // Then the exact tempo test and the exclusions, on the few that may pass.
  std::vector<size_t> pool;
  pool.reserve(kept);
  for (size_t j = 0; j < kept; ++j) {
    const size_t i = maybe[j];
    if (w.tempo && !in_window(target, w, bpm[i])) continue;
    if (!exclusion.excluded(i, packed.id_hash[i])) pool.push_back(i);
  }
  return pool;
}

}  // namespace codex::rank
