#include "codex/semantic/structure.h"

#include <algorithm>
#include <cmath>

namespace codex::semantic {

Structure find_structure(const std::vector<double>& env, double hop_s, std::optional<double> bpm,
                         std::optional<double> first_beat_s) {
  Structure out;
  if (env.size() < 16 || !(hop_s > 0)) return out;
  const double block_s = bpm ? 240.0 / *bpm : 8.0;
  const double start = first_beat_s.value_or(0.0);
  std::vector<double> level;  // dB per block
  for (double t = start; t + block_s <= static_cast<double>(env.size()) * hop_s + 1e-9; t += block_s) {
    double p = 0.0;
    int n = 0;
    for (auto i = static_cast<size_t>(t / hop_s); i < env.size() && i * hop_s < t + block_s; ++i, ++n) {
      p += std::pow(10.0, env[i] / 10.0);
    }
    level.push_back(n ? 10.0 * std::log10(p / n + 1e-12) : -120.0);
  }
  if (level.size() < 4) return out;
  std::vector<double> sorted = level;
  std::sort(sorted.begin(), sorted.end());
  const double body = sorted[sorted.size() * 3 / 4];  // the loud body of the track
  std::vector<bool> quiet(level.size());
  for (size_t i = 0; i < level.size(); ++i) quiet[i] = level[i] < body - 3.0;
  const size_t n = level.size();
  auto time_of = [&](size_t block) { return start + static_cast<double>(block) * block_s; };
  using schema::Section;
  constexpr Section kIntro = Section::named("intro"), kBreakdown = Section::named("breakdown"),
                    kDrop = Section::named("drop"), kInstrumental = Section::named("instrumental"),
                    kOutro = Section::named("outro");
  auto add = [&](Section name, size_t from, size_t to) { out.sections.push_back({name, time_of(from), time_of(to)}); };
  size_t i = 0;
  size_t end = n;
  while (end > 0 && quiet[end - 1]) --end;  // outro: the quiet tail
  if (quiet[0]) {
    while (i < end && quiet[i]) ++i;
    add(kIntro, 0, i);
  }
  bool after_break = false;
  double break_level = 0.0;
  while (i < end) {
    size_t j = i;
    while (j < end && quiet[j] == quiet[i]) ++j;
    if (quiet[i] && j - i >= 4) {
      add(kBreakdown, i, j);
      after_break = true;
      break_level = *std::min_element(level.begin() + static_cast<std::ptrdiff_t>(i), level.begin() + static_cast<std::ptrdiff_t>(j));
    } else if (!quiet[i]) {
      if (after_break) {
        add(kDrop, i, j);
        out.drop_jump_db = std::max(out.drop_jump_db, *std::max_element(level.begin() + static_cast<std::ptrdiff_t>(i),
                                                                         level.begin() + static_cast<std::ptrdiff_t>(j)) -
                                                          break_level);
      } else if (out.sections.empty() || out.sections.back().name != kInstrumental) {
        add(kInstrumental, i, j);
      } else {
        out.sections.back().end_s = time_of(j);
      }
      after_break = false;
    } else if (!out.sections.empty()) {
      out.sections.back().end_s = time_of(j);  // a short quiet stretch belongs to what it interrupts
    }
    i = j;
  }
  if (end < n) add(kOutro, end, n);
  return out;
}

}  // namespace codex::semantic
