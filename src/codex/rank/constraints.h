// The hard constraints of a recommendation: what the intent asks of the next track relative to the
// current one (target tempo, energy, the tempo window and the key rule), and the one test of the
// library against them — over packed attributes, so a large library is a short linear scan.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codex/music/key.h"
#include "codex/prompt/intent.h"
#include "codex/rank/features.h"

namespace codex::rank {

// The tempo window (percent from the target, counting half and double time) and whether the tempo
// and key constraints apply; relaxation widens or drops them.
struct Window {
  double tempo_lo_pct = -6.0, tempo_hi_pct = 6.0;
  bool tempo = true;
  bool key = true;
};

struct Plan {
  std::optional<double> target_bpm;
  double energy_target = 5.0;
  Window window;                    // before any relaxation
  bool any_key = false;             // the key rule lets every track through (also unknown keys)
  std::array<bool, 24> key_pass{};  // by tonic * 2 + minor: keys the key rule accepts
  // Where the mood should go on the valence/arousal plane (the current track's point moved as the
  // prompt asks; embed::mood_target), when the current track's mood is known.
  std::optional<double> target_valence, target_arousal;
  bool tempo_widened_down = false;  // "calmer"/"sadder" let the tempo fall further than usual
  int wanted_stage = -1;            // the set stage the prompt names, else -1
  int current_stage = -1;           // the current track's stage, else -1
};

Plan plan_for(const TrackFeatures& current, const prompt::Intent& intent);

// Tempo ratio from a to b taking the nearest of half, same and double time, in percent.
double tempo_shift_pct(double from, double to);

// The set stage of an intensity value (opener 0 ... closer 3), -1 when unknown.
int stage_of(const std::optional<std::string>& intensity);

bool key_ok(const Plan& plan, const std::optional<music::Key>& key);
bool tempo_ok(const Plan& plan, const Window& window, const std::optional<double>& bpm);

// What must not be suggested: the current track (and any duplicate of its id) and the excluded ids.
class Exclusion {
 public:
  Exclusion(const TrackTable& library, size_t current, const std::vector<std::string>& exclude);
  Exclusion(const std::vector<TrackFeatures>& library, size_t current, const std::vector<std::string>& exclude);
  Exclusion(const Exclusion&) = delete;  // lib_ may point into own_
  Exclusion& operator=(const Exclusion&) = delete;
  // `hash` is the track's id_hash32: the strings are compared only when a hash matches.
  bool excluded(size_t i, uint32_t hash) const;
  // Only the positions marked true may be suggested (a crate); null lifts the restriction.
  void restrict_to(const std::vector<bool>* only) { only_ = only; }

 private:
  const std::vector<bool>* only_ = nullptr;
  std::optional<VectorTable> own_;
  const TrackTable& lib_;
  size_t current_;
  std::vector<std::string> ids_;
  std::vector<uint32_t> hashes_;
};

// Library positions that pass the window and the key rule and are not excluded, in order.
std::vector<size_t> passing(const PackedAttributes& packed, const Plan& plan, const Window& window,
                            const Exclusion& exclusion);

}  // namespace codex::rank
