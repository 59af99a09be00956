// DJ intent from a plain-language prompt ("darker but keep the energy", "more techno, 128 BPM,
// no vocals"). A small rule-based parser for DJ language: energy up/down/hold, vibe and mood
// words, tempo, key, vocals, genre, set narrative, similarity, negation and combinations. Words it
// does not understand are listed, never fatal. The result is inspectable as JSON (--explain).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/music/key.h"

namespace codex::prompt {

enum class Direction { kNone, kUp, kDown, kHold };

enum class KeyRule {
  kHarmonic,     // default: a harmonically compatible key
  kSame,         // the same key
  kAny,          // no key constraint
  kEnergyBoost,  // one semitone up (+7 on the Camelot wheel)
  kMinor,        // any compatible minor key
  kMajor,
  kSpecific,     // `key`
};

enum class GenreRule { kAny, kSame, kChange, kSpecific };
enum class Similarity { kDefault, kSame, kDifferent };
// The DJ's own history: "what I usually play after this" (kUsual), "something I haven't played in a
// while" (kFresh).
enum class HistoryRule { kDefault, kUsual, kFresh };

// How one word of the prompt was read, for --explain: "melancholic" as "sadder" via "WordNet:
// melancholic ~ sad".
struct WordSense {
  std::string word, meaning, via;
};

struct Intent {
  std::string prompt;
  Direction energy = Direction::kNone;
  int energy_steps = 1;                  // "much more energy" = 2
  // Moves on the valence/arousal plane (Russell): arousal calm..excited, valence sad..happy.
  Direction arousal = Direction::kNone;
  Direction valence = Direction::kNone;
  double strength = 1.0;                 // "a touch" 0.5, "way more" 2
  std::optional<std::string> vibe;       // target vibe (schema enum)
  int brightness = 0;                    // -1 darker, +1 brighter
  std::vector<std::string> moods;        // mood words to favour
  std::vector<std::string> avoid_moods;  // negated mood/vibe words (dark, sad, happy, calm, bright, a vibe)
  Direction tempo = Direction::kNone;
  std::optional<double> target_bpm;
  std::optional<double> bpm_delta;
  bool tempo_free = false;               // "tempo change", "any tempo"
  bool not_slower = false, not_faster = false;
  KeyRule key_rule = KeyRule::kHarmonic;
  std::optional<music::Key> key;
  std::optional<bool> vocals;            // true = with vocals, false = instrumental
  std::optional<std::string> vocal_presence;  // "female", "male"
  GenreRule genre_rule = GenreRule::kAny;
  std::optional<std::string> genre;
  std::optional<std::string> narrative;  // build, peak, warm-up, closer, wind-down
  Similarity similarity = Similarity::kDefault;
  HistoryRule history = HistoryRule::kDefault;
  std::vector<std::string> understood;   // the phrases that were recognised, in order
  std::vector<std::string> unknown;      // words that were not
  std::vector<WordSense> senses;         // how each mood word was read (word lists, WordNet, spelling)

  nlohmann::json to_json() const;
};

struct Vocabulary {
  std::vector<std::string> genres;  // known genres of the corpus (lower case)
  std::vector<std::string> moods;   // the corpus's mood_tags vocabulary (lower case)
};

Intent parse_intent(const std::string& prompt, const Vocabulary& vocabulary = {});

// Whether a direction is a move (up or down), not none or hold; whether the intent moves the mood
// on the valence/arousal plane.
inline bool moves(Direction d) { return d == Direction::kUp || d == Direction::kDown; }
inline bool moves_mood(const Intent& in) { return moves(in.arousal) || moves(in.valence); }

const char* direction_name(Direction d);
const char* key_rule_name(KeyRule r);

}  // namespace codex::prompt
