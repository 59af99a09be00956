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
  bool operator==(const Key&) const = default;
};

// Parses "8A", "A minor", "Am", "F#", "Bbm", "a:min". Returns nullopt when it is not a key.
std::optional<Key> parse_key(const std::string& text);

}  // namespace codex::music
