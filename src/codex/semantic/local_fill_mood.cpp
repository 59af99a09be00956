// The mood reading of the local fill: valence and arousal heard by the mood model (mood_model.h,
// fitted on real mood-labelled songs), then the vibe read off the same two numbers.
//
// The quadrants of Russell's plane give the vibes: excited and positive is euphoric, excited and
// negative is aggressive when the sound is also noisy or dense (else dark), calm and positive is
// chill, calm and negative is dark (the schema has no "sad"; the mood words say it); the middle band
// of arousal is bright or dark by valence, or hypnotic when the groove repeats steadily and the
// valence is near neutral.
#include <algorithm>
#include <cmath>

#include "codex/semantic/local_fill.h"
#include "codex/semantic/mood_model.h"

namespace codex::semantic {
namespace {

constexpr int kDims = 90;  // analysis/acoustic_summary.h kDims (the mood model checks its input size)
constexpr double kWindowSeconds = 10.0, kFrameRate = 22050.0 / 1024.0;

int quadrant(double v, double a) { return (a >= 0 ? 0 : 2) + (v >= 0 ? 0 : 1); }

}  // namespace

std::pair<schema::Vibe, double> vibe_of(double v, double a, const SoundEvidence& s) {
  using schema::Vibe;
  constexpr Vibe kHypnotic = Vibe::named("hypnotic"), kEuphoric = Vibe::named("euphoric"),
                 kAggressive = Vibe::named("aggressive"), kDark = Vibe::named("dark"), kChill = Vibe::named("chill"),
                 kBright = Vibe::named("bright");
  const double noise = (s.flatness_db + 11.0) / 5.0, density = s.onset_log / 0.5;
  double margin;
  Vibe vibe = kDark;
  if (a >= 0.25) {
    if (s.beat_repeat >= 0.65 && std::fabs(v) < 0.15) {
      vibe = kHypnotic, margin = std::min({s.beat_repeat - 0.65, 0.15 - std::fabs(v), a - 0.25});
    } else if (v >= 0.0) {
      vibe = kEuphoric, margin = std::min(a - 0.25, v);
    } else {
      vibe = a >= 0.5 && (noise > 0.3 || density > 0.5) ? kAggressive : kDark, margin = std::min(a - 0.25, -v);
    }
  } else if (a <= -0.25) {
    vibe = v >= 0.0 ? kChill : kDark, margin = std::min(-0.25 - a, std::fabs(v));
  } else if (s.beat_repeat >= 0.6 && std::fabs(v) < 0.2) {
    vibe = kHypnotic, margin = std::min({s.beat_repeat - 0.6, 0.2 - std::fabs(v), 0.25 - std::fabs(a)});
  } else {
    vibe = v >= 0.0 ? kBright : kDark, margin = std::min(std::fabs(v), 0.25 - std::fabs(a));
  }
  return {vibe, 0.2 + 0.4 * std::clamp(margin / 0.3, 0.0, 1.0)};
}

MoodReading read_mood(const std::vector<float>& summary, const SoundEvidence& sound) {
  MoodReading r;
  if (summary.size() != static_cast<size_t>(kDims)) return r;
  const MoodEstimate e = MoodModel::active().read(summary.data());
  r.valence = e.valence;
  r.arousal = e.arousal;
  r.confidence = e.confidence;
  std::tie(r.vibe, r.vibe_confidence) = vibe_of(e.valence, e.arousal, sound);
  return r;
}

nlohmann::json mood_sections(const std::vector<float>& windows, double duration_s) {
  nlohmann::json out = nlohmann::json::array();
  const size_t n = windows.size() / kDims;
  if (n < 2 || windows.size() % kDims != 0) return out;
  // Where each kept window starts: the analyzer keeps every 10-s window of a track, or 16 spread
  // evenly over a longer one (analysis/acoustic.cpp).
  // (analysis/acoustic_summary.cpp windows_of, in whole frames; the frame count is estimated from
  // the duration, so a start can be a window off when a track's length sits on a boundary.)
  const size_t len = static_cast<size_t>(std::lround(kWindowSeconds * kFrameRate));
  const double len_frames = static_cast<double>(len);
  const auto frames = static_cast<size_t>(std::max(0.0, duration_s) * kFrameRate);
  size_t total = frames / len + ((frames % len) >= len / 2 ? 1 : 0);
  if (total < n) total = n;
  auto start_of = [&](size_t k) {
    const size_t index = total == n ? k : k * (total - 1) / (n - 1);
    return static_cast<double>(index) * len_frames / kFrameRate;
  };
  std::vector<MoodEstimate> est;
  for (size_t k = 0; k < n; ++k) est.push_back(MoodModel::active().read(windows.data() + k * kDims));
  // Runs of windows in one quadrant; a change must hold for a window to count (one odd window
  // between two of the same quadrant joins them).
  std::vector<int> q;
  for (const auto& e : est) q.push_back(quadrant(e.valence, e.arousal));
  for (size_t k = 1; k + 1 < n; ++k) {
    if (q[k] != q[k - 1] && q[k + 1] == q[k - 1]) q[k] = q[k - 1];
  }
  size_t from = 0;
  auto emit = [&](size_t a, size_t b) {  // windows [a, b)
    double v = 0, ar = 0;
    for (size_t k = a; k < b; ++k) v += est[k].valence, ar += est[k].arousal;
    const double end = b < n ? start_of(b) : std::max(duration_s, start_of(b - 1) + kWindowSeconds);
    out.push_back({{"start_s", std::round(start_of(a) * 10.0) / 10.0},
                   {"end_s", std::round(end * 10.0) / 10.0},
                   {"valence", std::round(1000.0 * v / static_cast<double>(b - a)) / 1000.0},
                   {"arousal", std::round(1000.0 * ar / static_cast<double>(b - a)) / 1000.0}});
  };
  for (size_t k = 1; k <= n; ++k) {
    if (k == n || q[k] != q[from]) {
      emit(from, k);
      from = k;
    }
  }
  if (out.size() < 2) return nlohmann::json::array();
  return out;
}

}  // namespace codex::semantic
