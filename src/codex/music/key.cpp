#include "codex/music/key.h"

#include <algorithm>
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

int Key::camelot_number() const {
  const int relative_major = minor ? (tonic + 3) % 12 : tonic % 12;
  return kCamelotMajor[relative_major];
}

std::string Key::open_key() const {
  // Open Key counts from C major / A minor = 1 and, like Camelot, moves by fifths.
  return std::to_string((camelot_number() + 4) % 12 + 1) + (minor ? "m" : "d");
}

namespace {
// Steps round the wheel from a to b, in -5..6.
int wheel_steps(const Key& a, const Key& b) {
  int d = (b.camelot_number() - a.camelot_number() + 12) % 12;
  return d > 6 ? d - 12 : d;
}
}  // namespace

double camelot_compatibility(const Key& from, const Key& to) {
  const int d = wheel_steps(from, to);
  const bool same_letter = from.minor == to.minor;
  if (same_letter) {
    if (d == 0) return 1.0;
    if (d == 1 || d == -1) return 0.9;
    if (d == 2 || d == -2) return 0.7;
    if (d == -5) return 0.3;  // +7 numbers: one semitone up
    return 0.0;
  }
  if (d == 0) return 0.9;
  if (d == 1 || d == -1) return 0.6;
  return 0.0;
}

std::string camelot_relation(const Key& from, const Key& to) {
  const int d = wheel_steps(from, to);
  if (from.minor == to.minor) {
    if (d == 0) return "same key";
    if (d == 1) return "+1";
    if (d == -1) return "-1";
    if (d == 2) return "+2";
    if (d == -2) return "-2";
    if (d == -5) return "energy boost";
    return "clash";
  }
  if (d == 0) return "relative";
  if (d == 1 || d == -1) return "diagonal";
  return "clash";
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
    // Saturates past two digits: "4294967304A" is not 8A.
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) n = std::min(100, n * 10 + (s[pos++] - '0'));
    if (pos + 1 != s.size() || n < 1 || n > 12) return std::nullopt;
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(s[pos])));
    if (lower == 'd' || lower == 'm') {  // Open Key: n = Camelot number - 7 (mod 12)
      const int camelot = (n + 6) % 12 + 1;
      return parse_key(std::to_string(camelot) + (lower == 'd' ? "B" : "A"));
    }
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
