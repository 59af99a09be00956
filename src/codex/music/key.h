// Musical keys: tonic pitch class and mode, with names and Camelot codes. The key analyzer and the
// Camelot compatibility rules build on this (issue 4 extends it with Open Key and parsing).
#pragma once

#include <optional>
#include <string>

namespace codex::music {

struct Key {
  int tonic = 0;       // pitch class, C = 0 ... B = 11
  bool minor = false;

  std::string name() const;     // "A minor", "F# major"
  std::string camelot() const;  // "8A" (minor) ... "12B" (major)
  std::string open_key() const; // Open Key notation: "1d" (C major) ... "12m"
  int camelot_number() const;   // 1..12
  bool operator==(const Key&) const = default;
};

// Parses Camelot ("8A"), Open Key ("1m", "1d"), and names ("A minor", "Am", "F#", "Bbm", "a:min").
// Returns nullopt when it is not a key.
std::optional<Key> parse_key(const std::string& text);

// Harmonic-mixing compatibility of playing `to` after `from` (docs/ARCHITECTURE.md section 5): same key 1.0;
// one step round the wheel, same letter 0.9; relative major/minor 0.9; two steps 0.7; diagonal
// (one step and the other letter) 0.6; +7 steps (one semitone up, "energy boost") 0.3; else 0.
double camelot_compatibility(const Key& from, const Key& to);
// A short name for the move: "same key", "+1", "-1", "relative", "+2", "-2", "diagonal",
// "energy boost", or "clash".
std::string camelot_relation(const Key& from, const Key& to);

}  // namespace codex::music
