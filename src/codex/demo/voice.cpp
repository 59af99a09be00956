#include "codex/demo/voice.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace codex::demo {
namespace {


// Average adult male vowel formants F1-F3 (Hz), after Peterson & Barney's measurements.
constexpr std::array<std::array<double, 3>, 5> kFormants = {{
    {730, 1090, 2440},  // a
    {530, 1840, 2480},  // e
    {270, 2290, 3010},  // i
    {570, 840, 2410},   // o
    {300, 870, 2240},   // u
}};
constexpr std::array<double, 3> kBandwidth = {80, 100, 140};

// A two-pole resonator with unit gain near its centre frequency.
struct Resonator {
  double a1 = 0, a2 = 0, b0 = 1, y1 = 0, y2 = 0;
  void set(double f, double bw, int rate) {
    const double r = std::exp(-M_PI * bw / rate);
    a1 = -2.0 * r * std::cos(kTwoPi * f / rate);
    a2 = r * r;
    b0 = (1.0 - r) * std::sqrt(1.0 - 2.0 * r * std::cos(2.0 * kTwoPi * f / rate) + r * r);
  }
  double step(double x) {
    const double y = b0 * x - a1 * y1 - a2 * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

const std::vector<float>& source_table() {
  // One cycle of a glottal-like source: harmonics falling at 9 dB per octave (the pulse's
  // -12 dB/octave with the lips' +6 dB/octave radiation, a little brighter).
  static const std::vector<float> table = [] {
    const int size = 4096, harmonics = 40;
    std::vector<float> t(size + 1);
    double peak = 0.0;
    for (int i = 0; i < size; ++i) {
      double v = 0.0;
      for (int h = 1; h <= harmonics; ++h) v += std::sin(kTwoPi * h * i / size) / std::pow(h, 1.5);
      t[i] = static_cast<float>(v);
      peak = std::max(peak, std::fabs(v));
    }
    for (auto& v : t) v = static_cast<float>(v / peak);
    t[size] = t[0];
    return t;
  }();
  return table;
}

}  // namespace

void render_voice(std::vector<float>& out, int rate, const std::vector<VoiceEvent>& events, Voice voice, Rng& rng) {
  if (voice == Voice::kNone) return;
  const double scale = voice == Voice::kFemale ? 1.17 : 1.0;
  const auto& table = source_table();
  const double size = static_cast<double>(table.size() - 1);
  for (const VoiceEvent& e : events) {
    const double attack = e.consonant ? 0.012 : 0.04, release = 0.04;
    const auto start = static_cast<size_t>(e.start_s * rate);
    const auto len = static_cast<size_t>((e.dur_s + release) * rate);
    std::array<Resonator, 3> res;
    double phase = rng.uniform() * size, vib_phase = rng.uniform() * kTwoPi, jitter = 0.0;
    float n1 = 0.0f;
    for (size_t i = 0; i < len && start + i < out.size(); ++i) {
      const double t = static_cast<double>(i) / rate;
      const double u = std::min(1.0, t / e.dur_s);  // progress through the event
      if (i % 16 == 0) {
        const int v2 = e.vowel_to >= 0 ? e.vowel_to : e.vowel;
        const double mix = e.vowel_to >= 0 ? std::clamp((u - 0.4) / 0.3, 0.0, 1.0) : 0.0;
        for (int k = 0; k < 3; ++k) {
          const double f = scale * ((1.0 - mix) * kFormants[e.vowel % 5][k] + mix * kFormants[v2 % 5][k]);
          res[k].set(f, kBandwidth[k] * scale, rate);
        }
        jitter = 0.98 * jitter + 0.6 * (rng.uniform() - 0.5);  // a few cents of slow wander
      }
      const double vib = e.vibrato_cents * std::min(1.0, t / 0.2) * std::sin(kTwoPi * 5.5 * t + vib_phase);
      const double f0 = e.f0_start_hz * std::pow(e.f0_end_hz / e.f0_start_hz, u) * std::pow(2.0, (vib + jitter) / 1200.0);
      const auto idx = static_cast<size_t>(phase);
      const double frac = phase - static_cast<double>(idx);
      double x = table[idx] + frac * (table[idx + 1] - table[idx]);
      phase += f0 * size / rate;
      if (phase >= size) phase -= size;
      double y = 0.0;
      for (auto& r : res) y += r.step(x);
      double env = std::min(1.0, t / attack);
      if (t > e.dur_s) env *= std::max(0.0, 1.0 - (t - e.dur_s) / release);
      double s = y * env;
      if (e.consonant && t < 0.03) {  // a fricative: high-passed noise fading out
        const float n = rng.noise();
        s += 0.25 * (n - n1) * (1.0 - t / 0.03);
        n1 = n;
      }
      out[start + i] += static_cast<float>(s);
    }
  }
}

std::vector<VoiceEvent> vocal_line(const TrackSpec& spec, const std::vector<Section>& sections, Rng& rng) {
  std::vector<VoiceEvent> events;
  if (spec.voice == Voice::kNone) return events;
  const double beat = 60.0 / spec.bpm, bar = 4.0 * beat;
  const bool female = spec.voice == Voice::kFemale;
  for (const Section& sec : sections) {
    if (sec.label != "main") continue;
    const int bars = static_cast<int>(std::lround((sec.end_s - sec.start_s) / bar));
    for (int b = 0; b < bars; ++b) {
      if (b % 4 == 3) continue;  // breathe
      const double t0 = sec.start_s + b * bar;
      const music::Key key = (spec.modulate_to && t0 >= spec.seconds / 2) ? *spec.modulate_to : spec.key;
      if (spec.vocal_style == VocalStyle::kSinging) {
        // Three notes a bar (1, 1 and 2 beats) on tones of the bar's chord (the progression of
        // render_track: i-VI-iv-V in minor, I-vi-IV-V in major), in the voice's register.
        static const int kMinorRoots[] = {0, 8, 5, 7}, kMajorRoots[] = {0, 9, 5, 7};
        static const bool kMinorMinor[] = {true, false, true, false}, kMajorMinor[] = {false, true, false, false};
        const auto bar_index = static_cast<size_t>(std::lround(t0 / bar)) % 4;
        const int root = (key.minor ? kMinorRoots : kMajorRoots)[bar_index];
        const bool chord_minor = (key.minor ? kMinorMinor : kMajorMinor)[bar_index];
        const int tones[] = {root, root + (chord_minor ? 3 : 4), root + 7};
        const double lengths[] = {1.0, 1.0, 2.0};
        double at = 0.0;
        for (double l : lengths) {
          const int degree = tones[rng.next() % 3];
          const int low = female ? 57 : 45;  // A3 or A2: an octave of range above it
          const int midi = low + ((key.tonic + degree - low % 12) % 12 + 12) % 12;
          const double f = 440.0 * std::pow(2.0, (midi - 69) / 12.0);
          VoiceEvent e;
          e.start_s = t0 + at * beat;
          e.dur_s = l * beat * 0.92;
          e.f0_start_hz = e.f0_end_hz = f;
          e.vibrato_cents = 35.0;
          e.vowel = static_cast<int>(rng.next() % 5);
          if (l > 1.5) e.vowel_to = static_cast<int>(rng.next() % 5);
          events.push_back(e);
          at += l;
        }
      } else {
        // A boom-bap flow: syllables on eighths with sixteenth pick-ups, some left out, each
        // gliding down like speech.
        const double base = female ? 215.0 : 118.0;
        for (int s = 0; s < 16; ++s) {
          if (rng.uniform() < (s % 2 == 0 ? 0.15 : 1.0 - spec.rap_pickups)) continue;
          VoiceEvent e;
          // Rappers sit around the grid, not on it: a few tens of ms early or late.
          e.start_s = std::max(0.0, t0 + s * beat / 4.0 + rng.uniform(-0.03, 0.03));
          e.dur_s = 0.7 * beat / 4.0;
          e.f0_start_hz = base * std::pow(2.0, rng.uniform(-1.0, 3.0) / 12.0);
          e.f0_end_hz = e.f0_start_hz * std::pow(2.0, -1.2 / 12.0);
          e.vowel = static_cast<int>(rng.next() % 5);
          e.consonant = rng.uniform() < 0.7;
          events.push_back(e);
        }
      }
    }
  }
  return events;
}

}  // namespace codex::demo
