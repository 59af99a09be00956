// A synthetic voice for test and demo material with known answers: a glottal-like pulse train
// through three moving vowel formants. Sung notes hold a pitch with vibrato; rapped syllables are
// short, open with a consonant burst and glide down in pitch as speech does. Male and female
// voices differ in pitch register and formant scale.
#pragma once

#include <vector>

#include "codex/demo/synth.h"

namespace codex::demo {

struct VoiceEvent {
  double start_s = 0.0, dur_s = 0.3;
  double f0_start_hz = 150.0, f0_end_hz = 150.0;  // glides geometrically from start to end
  double vibrato_cents = 0.0;                     // depth of a 5.5 Hz vibrato after the attack
  int vowel = 0;                                  // 0..4: a, e, i, o, u
  int vowel_to = -1;                              // a diphthong's second vowel (-1 = none)
  bool consonant = false;                         // a short noise burst at the start
};

// Adds the events, voiced by `voice` (male or female formants), into `out` (mono) at `rate`.
void render_voice(std::vector<float>& out, int rate, const std::vector<VoiceEvent>& events, Voice voice, Rng& rng);

// The events of a vocal line over the track's "main" bars: sung notes on chord tones of each
// bar's chord, or rapped syllables on eighths with sixteenth pick-ups; three bars on, one bar rest.
std::vector<VoiceEvent> vocal_line(const TrackSpec& spec, const std::vector<Section>& sections, Rng& rng);

}  // namespace codex::demo
