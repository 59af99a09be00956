#include "codex/rank/reasons.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "codex/rank/constraints.h"

namespace codex::rank {
namespace {

std::string fmt(const char* f, double a) {
  char b[64];
  std::snprintf(b, sizeof b, f, a);
  return b;
}

}  // namespace

std::string energy_phrase(double from, double to) { return "energy " + fmt("%.0f", from) + "→" + fmt("%.0f", to); }

std::string key_phrase(const music::Key& from, const music::Key& to) {
  const std::string rel = music::camelot_relation(from, to);
  return from.camelot() + "→" + to.camelot() + " " + (rel == "same key" ? "same key" : rel == "clash" ? "key change" : rel);
}

std::string tempo_phrase(double from, double to) {
  return fmt("%.0f", from) + "→" + fmt("%.0f", to) + " BPM (" + fmt("%+.1f", tempo_shift_pct(from, to)) + "%)";
}

namespace {
const char* mood_word(const prompt::Intent& in) {
  using prompt::Direction;
  if (in.vibe) return in.vibe->c_str();
  if (in.arousal == Direction::kDown) return "calmer";
  if (in.arousal == Direction::kUp && in.valence == Direction::kNone) return "more energy";
  if (in.valence == Direction::kDown) return "sadder";
  if (in.valence == Direction::kUp) return "happier";
  return "mood";
}
}  // namespace

std::string mood_move_phrase(const prompt::Intent& in, double fv, double fa, double tv, double ta) {
  using prompt::Direction;
  // The axes the prompt moves and the track moved along (an axis already at its end may not move).
  std::string out = std::string(mood_word(in)) + ":";
  const bool a = prompt::moves(in.arousal) && std::fabs(ta - fa) >= 0.05;
  const bool v = prompt::moves(in.valence) && std::fabs(tv - fv) >= 0.05;
  if (a || !v) out += " arousal " + fmt("%.2f", fa) + "→" + fmt("%.2f", ta);
  if (v) {
    out += std::string(out.back() == ':' ? "" : ";") + " valence " + fmt("%.2f", fv) + "→" + fmt("%.2f", tv);
  }
  return out;
}

std::string mood_point_phrase(double v, double a) {
  return " (valence " + fmt("%.2f", v) + ", arousal " + fmt("%.2f", a) + ")";
}

std::string tempo_widened_note(const prompt::Intent& in, double from, double to) {
  return std::string(mood_word(in)) + ": slower allowed, " + fmt("%.0f", from) + "→" + fmt("%.0f", to) + " BPM";
}

std::string similarity_phrase(double similarity) { return fmt("embedding similarity %.2f", similarity); }

std::vector<std::string> top_reasons(Evidence why, size_t n) {
  std::stable_sort(why.begin(), why.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (size_t k = 0; k < why.size() && k < n; ++k) out.push_back(std::move(why[k].second));
  return out;
}

std::string tempo_relaxed_note() { return "outside the usual tempo window (relaxed)"; }

std::string key_relaxed_note(const prompt::Intent& in) {
  using prompt::KeyRule;
  switch (in.key_rule) {
    case KeyRule::kSame: return "not the same key (relaxed)";
    case KeyRule::kSpecific: return "not in " + (in.key ? in.key->camelot() : std::string("that key")) + " (relaxed)";
    case KeyRule::kEnergyBoost: return "not an energy-boost key (relaxed)";
    case KeyRule::kMinor: return "not a compatible minor key (relaxed)";
    case KeyRule::kMajor: return "not a compatible major key (relaxed)";
    default: return "not a harmonic match (key constraint relaxed)";
  }
}

}  // namespace codex::rank
