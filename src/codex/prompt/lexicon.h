// The mood words of DJ language: which way a word moves the set on the valence/arousal plane
// (Russell's circumplex: valence sad..happy, arousal calm..excited) and which vibe it names. A word
// is read by the first path that knows it, and the path is kept for --explain:
//   1. the word lists below (DJ usage first: "deeper" is hypnotic, "harder" is more energy);
//   2. its base form ("gloomier" -> gloomy; WordNet's morphology when the database is installed);
//   3. WordNet (Debian's wordnet-base): a synonym or a "similar to" / "see also" / derivation link
//      of one of its first senses that lands on an anchor word ("melancholic" -> melancholy -> sad);
//   4. a spelling slip: one edit (two for long words) from exactly one known word ("calmr");
//   5. a learned guess from the word's letters (learned_mood_word), only when all of the above fail.
// Strength modifiers ("a touch", "slightly", "way", "massively") scale the move.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace codex::prompt {

// What a mood word asks for. Each class is a move on the plane and/or a vibe.
enum class MoodClass { kEnergyUp, kEnergyDown, kCalm, kSad, kDark, kHappy, kBright, kAggressive, kChill, kHypnotic, kEuphoric };

// The name of a class as "avoid" lists it ("not too dark" avoids "dark"; "nothing sad" avoids "sad").
const char* mood_class_name(MoodClass c);

struct WordReading {
  std::string word;      // as typed
  MoodClass mood;
  std::string via;       // "word list", "word form of gloomy", "WordNet: melancholic ~ sad", "spelling of calmer"
};

// Reads one token (lower case) as a mood word, or nullopt. `known` says whether a word is one the
// parser already knows in another role (stop words, genres...), so that it is not taken as a slip.
std::optional<WordReading> read_mood_word(const std::string& token, bool use_wordnet = true);

// A spelling slip of a known word: the one word of `dictionary` within one edit (two for words of
// eight letters or more; transpositions count as one), or nullopt when none or several are.
std::optional<std::string> correct_spelling(const std::string& token, const std::set<std::string>& dictionary);

// The learned fallback, when every path above fails: a naive Bayes over the word's character
// n-grams, fitted on the tuning two thirds of the phrasing suite (bench/phrasing_fit.py,
// models/phrasing.json, compiled in); a reading needs the model's posterior threshold (0.9).
std::optional<WordReading> learned_mood_word(const std::string& token);

// Strength modifiers: 0.5 ("a touch", "slightly", "a bit"), 2 ("way", "massively", "a lot"), else 0.
double strength_of(const std::string& token);

// Whether WordNet knows the word (in any part of speech, any inflection): a real word is no slip.
bool wordnet_knows(const std::string& token);

// Whether WordNet's database could be opened (for --explain and tests).
bool wordnet_available();

// Every word of the built-in mood lists, with their comparative forms (for spelling correction).
const std::set<std::string>& mood_words();

}  // namespace codex::prompt
