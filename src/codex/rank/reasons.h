// The words of a recommendation: short phrases for each factor's evidence ("energy 5→7",
// "8A→9A +1", "126→128 BPM (+1.6%)"), the best few kept by importance, and the notes on a
// suggestion that lies outside a relaxed constraint.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codex/music/key.h"
#include "codex/prompt/intent.h"

namespace codex::rank {

// (importance, phrase), collected while scoring.
using Evidence = std::vector<std::pair<double, std::string>>;

std::string energy_phrase(double from, double to);
std::string key_phrase(const music::Key& from, const music::Key& to);
std::string tempo_phrase(double from, double to);
std::string similarity_phrase(double similarity);
// "calmer: arousal 0.72→0.41", "sadder: valence 0.30→-0.25" (the axes the prompt moves).
std::string mood_move_phrase(const prompt::Intent& intent, double from_valence, double from_arousal, double to_valence,
                             double to_arousal);
// " (valence 0.31, arousal -0.40)"
std::string mood_point_phrase(double valence, double arousal);
std::string tempo_widened_note(const prompt::Intent& intent, double from_bpm, double to_bpm);

// The `n` most important phrases, most important first (ties keep their order).
std::vector<std::string> top_reasons(Evidence evidence, size_t n = 4);

std::string tempo_relaxed_note();
// Why a track outside the key rule is still offered, by rule.
std::string key_relaxed_note(const prompt::Intent& intent);

}  // namespace codex::rank
