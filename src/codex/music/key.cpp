#include "codex/music/key.h"

#include <cctype>

namespace codex::music {
namespace {
const char* kNames[12] = {"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
// Camelot number of each major tonic (C major = 8B); a minor key shares its relative major's number.
const int kCamelotMajor[12] = {8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1};
}  // namespace

std::string Key::name() const { return std::string(kNames[tonic % 12]) + (minor ? " minor" : " major"); }

std::string Key::camelot() const {
  const int relative_major = minor ? (tonic + 3) % 12 : tonic % 12;
  return std::to_string(kCamelotMajor[relative_major]) + (minor ? "A" : "B");
}

std::optional<Key> parse_key(const std::string& raw) {
  std::string s;
  for (char c : raw) {
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(c);
  }
  if (s.empty()) return std::nullopt;
  // Camelot: 1-12 followed by A or B.
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    size_t pos = 0;
    int n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) n = n * 10 + (s[pos++] - '0');
    if (pos + 1 != s.size() || n < 1 || n > 12) return std::nullopt;
    const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(s[pos])));
    if (letter != 'A' && letter != 'B') return std::nullopt;
    for (int pc = 0; pc < 12; ++pc) {
      if (kCamelotMajor[pc] != n) continue;
      return letter == 'B' ? Key{pc, false} : Key{(pc + 9) % 12, true};
    }
    return std::nullopt;
  }
  static const int kLetterPc[7] = {9, 11, 0, 2, 4, 5, 7};  // A B C D E F G
  const char l = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  if (l < 'A' || l > 'G') return std::nullopt;
  int pc = kLetterPc[l - 'A'];
  size_t pos = 1;
  if (pos < s.size() && (s[pos] == '#' || s[pos] == 'b')) {
    pc += s[pos] == '#' ? 1 : -1;
    ++pos;
  }
  pc = (pc + 12) % 12;
  std::string mode = s.substr(pos);
  if (!mode.empty() && mode[0] == ':') mode = mode.substr(1);
  for (auto& c : mode) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (mode.empty() || mode == "maj" || mode == "major") return Key{pc, false};
  if (mode == "m" || mode == "min" || mode == "minor") return Key{pc, true};
  return std::nullopt;
}

}  // namespace codex::music
