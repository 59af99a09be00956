// The mood reading of the local fill: valence and arousal from the sound, then the vibe.
//
// Directions follow the music-emotion literature (Eerola, Lartillot & Toiviainen 2009; Laurier et
// al. 2009): valence rises with major mode and a clear key, with brightness and with tempo, and
// falls with noisy, distorted spectra; arousal rises with energy (loudness, density), onset
// density and brightness. Each cue is first put on a common scale: its spread over real
// recordings (the EDM segments and the dev set, bench/embed_eval.py's exports), so that no one cue
// dominates by its units. The weights are round numbers, not fitted: no mood-labelled recordings
// were available to fit them, and a fit on renders would not transfer.
#include <algorithm>
#include <cmath>

#include "codex/semantic/local_fill.h"

namespace codex::semantic {

MoodReading read_mood(const SoundEvidence& s, double energy, std::optional<bool> minor_key) {
  const auto z = [](double v, double mean, double sd) { return std::clamp((v - mean) / sd, -3.0, 3.0); };
  const double mode = z(s.major_lean, 0.0, 0.125) + (minor_key ? (*minor_key ? -0.5 : 0.5) : 0.0);
  const double clarity = z(s.key_clarity, 0.6, 0.13);
  const double bright = z(s.centroid_log2, 8.2, 0.95);
  const double tempo = z(s.tempo_log2, -0.05, 0.24);
  const double noise = z(s.flatness_db, -11.0, 5.0);
  const double density = z(s.onset_log, 0.0, 0.5);
  MoodReading r;
  r.valence = std::tanh(0.35 * mode + 0.15 * clarity * (mode > 0 ? 1.0 : -1.0) + 0.25 * bright + 0.15 * tempo -
                        0.2 * noise);
  r.arousal = std::tanh(0.6 * (energy - 5.5) / 2.0 + 0.25 * density + 0.2 * bright + 0.1 * tempo);
  // The vibe of the quadrant (and hypnotic for a steady, repetitive middle); the confidence grows
  // with the distance from the nearest boundary.
  const double v = r.valence, a = r.arousal;
  double margin;
  if (a >= 0.2) {
    if (s.beat_repeat >= 0.65 && std::fabs(v) < 0.15) {
      r.vibe = "hypnotic", margin = std::min({s.beat_repeat - 0.65, 0.15 - std::fabs(v), a - 0.2});
    } else if (v >= 0.0) {
      r.vibe = "euphoric", margin = std::min(a - 0.2, v);
    } else {
      // Aggression is noisy, dense sound; a dark timbre alone is dark.
      r.vibe = a >= 0.45 && (noise > 0.3 || density > 0.5) ? "aggressive" : "dark", margin = std::min(a - 0.2, -v);
    }
  } else if (a <= -0.35) {
    r.vibe = v >= -0.2 ? "chill" : "dark", margin = std::min(-0.35 - a, std::fabs(v + 0.2));
  } else if (s.beat_repeat >= 0.6 && std::fabs(v) < 0.2) {
    r.vibe = "hypnotic", margin = std::min({s.beat_repeat - 0.6, 0.2 - std::fabs(v), a + 0.35, 0.2 - a});
  } else {
    r.vibe = v >= 0.0 ? "bright" : "dark", margin = std::min({std::fabs(v), a + 0.35, 0.2 - a});
  }
  r.confidence = 0.2 + 0.4 * std::clamp(margin / 0.3, 0.0, 1.0);
  return r;
}

}  // namespace codex::semantic
