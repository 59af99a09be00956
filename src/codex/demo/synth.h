// Deterministic synthesis of test and demo material with known answers: drum patterns at an exact
// tempo, bass and chords in a known key, a beatless intro, sections with known boundaries. The
// same generator makes the demo library and the test fixtures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codex/music/key.h"

namespace codex::demo {

inline constexpr double kTwoPi = 6.283185307179586476925286766559;

// A small, fully specified PRNG (splitmix64) so renders are identical on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next();
  double uniform();              // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  float noise() { return static_cast<float>(2.0 * uniform() - 1.0); }

 private:
  uint64_t s_;
};

enum class Pattern { kFourOnFloor, kBreakbeat, kHalfTime, kNone };
const char* pattern_name(Pattern p);

enum class Voice { kNone, kMale, kFemale };
enum class VocalStyle { kSinging, kRap };
const char* voice_name(Voice v);             // instrumental | male | female (CODEX vocal_presence)
const char* vocal_style_name(VocalStyle s);  // singing | rap

struct Section {
  std::string label;  // intro, main, breakdown, outro
  double start_s = 0.0;
  double end_s = 0.0;
};

struct TrackSpec {
  double bpm = 128.0;
  music::Key key{9, true};      // A minor
  Pattern pattern = Pattern::kFourOnFloor;
  double seconds = 60.0;
  double gain_db = -8.0;        // level of the mix before the soft limiter
  double brightness = 0.5;      // 0 dark .. 1 bright (harmonics, hat level)
  bool sixteenth_hats = false;  // denser hats
  double swing = 0.0;           // 0 straight .. 0.33 triplet swing of off-beat hats
  int intro_bars = 4;           // bars with no drums at the start (beatless intro)
  bool breakdown = true;        // 8 bars without kick in the middle
  bool chords = true;
  bool bass = true;
  double detune_cents = 0.0;    // every pitched part off the 440 Hz reference by this much
  std::optional<music::Key> modulate_to;  // key of the second half, if it changes
  Voice voice = Voice::kNone;   // a vocal line over the main sections
  VocalStyle vocal_style = VocalStyle::kSinging;
  double vocal_db = 0.0;        // level of the voice against the pads
  double rap_pickups = 0.6;     // share of the off-eighth sixteenths a rap flow fills (1 = all)
  uint64_t seed = 1;
};

struct Rendered {
  int rate_hz = 44100;
  int channels = 2;
  std::vector<float> samples;  // interleaved stereo
  std::vector<double> beats;   // seconds, every beat of the grid (including the beatless intro)
  std::vector<double> downbeats;
  std::vector<Section> sections;
  std::vector<std::pair<double, double>> vocal_spans;  // seconds where the voice sounds
};

Rendered render_track(const TrackSpec& spec, int rate_hz = 44100);

// A drum loop (kick on every beat, snare on 2 and 4, off-beat hats) whose tempo moves linearly
// from `bpm_start` to `bpm_end`; `beats` receives the exact beat times. Stereo, interleaved.
std::vector<float> render_tempo_ramp(double bpm_start, double bpm_end, double seconds, int rate_hz,
                                     std::vector<double>* beats);

// Plain building blocks for tests (mono).
std::vector<float> render_clicks(double bpm, double seconds, int rate_hz, double first_beat_s = 0.0);
std::vector<float> render_sine(double freq_hz, double amplitude, double seconds, int rate_hz);

}  // namespace codex::demo
