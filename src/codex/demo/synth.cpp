#include "codex/demo/synth.h"

#include <algorithm>
#include <cmath>

#include "codex/demo/voice.h"

namespace codex::demo {

uint64_t Rng::next() {
  uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

const char* voice_name(Voice v) {
  switch (v) {
    case Voice::kNone: return "instrumental";
    case Voice::kMale: return "male";
    case Voice::kFemale: return "female";
  }
  return "?";
}

const char* vocal_style_name(VocalStyle s) { return s == VocalStyle::kRap ? "rap" : "singing"; }

const char* pattern_name(Pattern p) {
  switch (p) {
    case Pattern::kFourOnFloor: return "four-on-floor";
    case Pattern::kBreakbeat: return "breakbeat";
    case Pattern::kHalfTime: return "half-time";
    case Pattern::kNone: return "none";
  }
  return "?";
}

namespace {

double midi_hz(double midi, double cents = 0.0) { return 440.0 * std::pow(2.0, (midi - 69.0 + cents / 100.0) / 12.0); }

struct Drums {
  std::vector<float> kick, snare, hat, open_hat;
};

Drums make_drums(int rate, Rng& rng) {
  Drums d;
  const auto n = [&](double s) { return static_cast<size_t>(s * rate); };
  d.kick.resize(n(0.35));
  double phase = 0.0;
  for (size_t i = 0; i < d.kick.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double f = 48.0 + 110.0 * std::exp(-t / 0.035);
    phase += kTwoPi * f / rate;
    double v = std::sin(phase) * std::exp(-t / 0.16);
    if (t < 0.003) v += 0.5 * rng.noise() * (1.0 - t / 0.003);
    d.kick[i] = static_cast<float>(v);
  }
  d.snare.resize(n(0.22));
  for (size_t i = 0; i < d.snare.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    d.snare[i] = static_cast<float>(0.55 * rng.noise() * std::exp(-t / 0.055) +
                                    0.45 * std::sin(kTwoPi * 185.0 * t) * std::exp(-t / 0.04));
  }
  auto hat = [&](std::vector<float>& out, double len_s, double decay_s) {
    out.resize(n(len_s));
    float x1 = 0, x2 = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      const double t = static_cast<double>(i) / rate;
      const float x = rng.noise();
      const float hp = x - 2 * x1 + x2;  // second difference: a crude high-pass
      x2 = x1;
      x1 = x;
      out[i] = static_cast<float>(0.35 * hp * std::exp(-t / decay_s));
    }
  };
  hat(d.hat, 0.06, 0.014);
  hat(d.open_hat, 0.3, 0.09);
  return d;
}

// One cycle of a band-limited-ish tone whose upper harmonics grow with brightness.
std::vector<float> make_wavetable(double brightness, int harmonics) {
  const int size = 4096;
  std::vector<float> table(size + 1);
  const double slope = 2.4 - 1.6 * brightness;
  double peak = 0.0;
  for (int i = 0; i < size; ++i) {
    double v = 0.0;
    for (int h = 1; h <= harmonics; ++h) v += std::sin(kTwoPi * h * i / size) / std::pow(h, slope);
    table[i] = static_cast<float>(v);
    peak = std::max(peak, std::fabs(v));
  }
  for (auto& v : table) v = static_cast<float>(v / peak);
  table[size] = table[0];
  return table;
}

// Adds a tone from a wavetable into `out` (mono) between two sample indices, with attack/release.
void add_tone(std::vector<float>& out, const std::vector<float>& table, double freq_hz, size_t start, size_t end,
              double amp, int rate, double attack_s, double release_s) {
  const double size = static_cast<double>(table.size() - 1);
  const double step = freq_hz * size / rate;
  double phase = 0.0;
  const size_t n = std::min(end, out.size());
  const double att = std::max(1.0, attack_s * rate), rel = std::max(1.0, release_s * rate);
  for (size_t i = start; i < n; ++i) {
    const double k = static_cast<double>(i - start), left = static_cast<double>(n - i);
    const double env = std::min({1.0, k / att, left / rel});
    const auto idx = static_cast<size_t>(phase);
    const double frac = phase - static_cast<double>(idx);
    out[i] += static_cast<float>(amp * env * (table[idx] + frac * (table[idx + 1] - table[idx])));
    phase += step;
    if (phase >= size) phase -= size;
  }
}

void add_sample(std::vector<float>& out, const std::vector<float>& s, double at_s, double gain, int rate) {
  const auto start = static_cast<size_t>(std::llround(at_s * rate));
  for (size_t i = 0; i < s.size() && start + i < out.size(); ++i) out[start + i] += static_cast<float>(gain * s[i]);
}

struct Chord {
  int degree;  // semitones above the tonic
  bool minor;
};

}  // namespace

Rendered render_track(const TrackSpec& spec, int rate) {
  Rendered r;
  r.rate_hz = rate;
  Rng rng(spec.seed * 7919 + 17);
  const auto frames = static_cast<size_t>(spec.seconds * rate);
  std::vector<float> drums(frames, 0.0f), hats(frames, 0.0f), bass(frames, 0.0f), pads_l(frames, 0.0f),
      pads_r(frames, 0.0f);
  const double beat_s = 60.0 / spec.bpm, bar_s = 4.0 * beat_s;
  const int bars = static_cast<int>(spec.seconds / bar_s);
  // Only whole bars are rendered; the time after the last one is silent and has no beats.
  for (int k = 0; k < 4 * bars; ++k) r.beats.push_back(k * beat_s);
  for (int k = 0; k < bars; ++k) r.downbeats.push_back(k * bar_s);

  // Sections by bar.
  const bool has_drums = spec.pattern != Pattern::kNone;
  const int intro = std::min(spec.intro_bars, bars / 4);
  const int outro = std::min(8, bars / 6);
  const int bd_len = spec.breakdown && bars >= 24 ? 8 : 0;
  const int bd_start = bd_len ? std::max(intro + 4, bars / 2 - 4) : bars;
  std::vector<std::string> label(static_cast<size_t>(bars), "main");
  for (int b = 0; b < bars; ++b) {
    if (b < intro) label[b] = "intro";
    else if (b >= bars - outro) label[b] = "outro";
    else if (b >= bd_start && b < bd_start + bd_len) label[b] = "breakdown";
  }
  for (int b = 0; b < bars; ++b) {
    if (r.sections.empty() || r.sections.back().label != label[b]) r.sections.push_back({label[b], b * bar_s, 0.0});
    r.sections.back().end_s = std::min(spec.seconds, (b + 1) * bar_s);
  }
  if (!r.sections.empty()) r.sections.back().end_s = spec.seconds;

  const Drums kit = make_drums(rate, rng);
  const auto pad_table = make_wavetable(spec.brightness, 10);
  const auto bass_table = make_wavetable(0.3, 5);
  auto progression = [](const music::Key& k) {
    return k.minor ? std::vector<Chord>{{0, true}, {8, false}, {5, true}, {7, false}}
                   : std::vector<Chord>{{0, false}, {9, true}, {5, false}, {7, false}};
  };
  const double hat_gain = 0.35 + 0.5 * spec.brightness;

  for (int b = 0; b < bars; ++b) {
    const double t0 = b * bar_s;
    const std::string& sec = label[b];
    const bool drums_on = has_drums && (sec == "main" || sec == "outro");  // no kick in breakdowns
    const bool hats_on = has_drums && sec != "intro";
    const music::Key key = (spec.modulate_to && b >= bars / 2) ? *spec.modulate_to : spec.key;
    const std::vector<Chord> prog = progression(key);
    const Chord chord = prog[static_cast<size_t>(b) % prog.size()];
    if (drums_on) {
      std::vector<double> kicks, snares;
      switch (spec.pattern) {
        case Pattern::kFourOnFloor: kicks = {0, 1, 2, 3}; snares = {1, 3}; break;
        case Pattern::kBreakbeat: kicks = {0, 1.75, 2.5}; snares = {1, 3}; break;
        case Pattern::kHalfTime: kicks = {0, 2.75}; snares = {2}; break;
        case Pattern::kNone: break;
      }
      for (double k : kicks) add_sample(drums, kit.kick, t0 + k * beat_s, 0.9, rate);
      for (double s : snares) add_sample(drums, kit.snare, t0 + s * beat_s, 0.55, rate);
    }
    if (hats_on) {
      for (int k = 0; k < 4; ++k) {
        const double off = 0.5 + spec.swing * 0.5;
        add_sample(hats, spec.pattern == Pattern::kFourOnFloor ? kit.open_hat : kit.hat, t0 + (k + off) * beat_s,
                   hat_gain, rate);
        if (spec.pattern != Pattern::kFourOnFloor) add_sample(hats, kit.hat, t0 + k * beat_s, hat_gain * 0.7, rate);
        if (spec.sixteenth_hats) {
          add_sample(hats, kit.hat, t0 + (k + 0.25) * beat_s, hat_gain * 0.5, rate);
          add_sample(hats, kit.hat, t0 + (k + 0.75) * beat_s, hat_gain * 0.5, rate);
        }
      }
    }
    if (spec.bass && sec == "main") {
      const int pc = (key.tonic + chord.degree) % 12;
      const double f = midi_hz(36 + pc, spec.detune_cents);
      std::vector<double> notes = spec.pattern == Pattern::kFourOnFloor ? std::vector<double>{0.5, 1.5, 2.5, 3.5}
                                                                       : std::vector<double>{0, 1.5, 2.5};
      for (double n : notes) {
        const auto s = static_cast<size_t>((t0 + n * beat_s) * rate);
        add_tone(bass, bass_table, f, s, s + static_cast<size_t>(0.45 * beat_s * rate), 0.6, rate, 0.005, 0.03);
      }
    }
    if (spec.chords && sec != "outro") {
      const int root = (key.tonic + chord.degree) % 12;
      const int third = root + (chord.minor ? 3 : 4), fifth = root + 7;
      const auto s = static_cast<size_t>(t0 * rate), e = static_cast<size_t>((t0 + bar_s) * rate);
      int v = 0;
      for (int pc : {root, third, fifth}) {
        const int midi = 57 + ((pc - 9) % 12 + 12) % 12;  // voices between A3 and G#4
        add_tone((v++ % 2 == 0) ? pads_l : pads_r, pad_table, midi_hz(midi, spec.detune_cents), s, e, 0.25, rate, 0.02,
                 0.06);
      }
    }
  }

  // The voice, centred, from its own random stream so the other parts do not change with it.
  std::vector<float> vox;
  if (spec.voice != Voice::kNone) {
    Rng vrng(spec.seed * 104729 + 3);
    const std::vector<VoiceEvent> events = vocal_line(spec, r.sections, vrng);
    vox.assign(frames, 0.0f);
    render_voice(vox, rate, events, spec.voice, vrng);
    double ss = 0.0;
    size_t voiced = 0;
    for (float v : vox) {
      if (v != 0.0f) {
        ss += static_cast<double>(v) * v;
        ++voiced;
      }
    }
    const double gain = voiced ? 0.45 * std::pow(10.0, spec.vocal_db / 20.0) / std::sqrt(ss / voiced) : 0.0;
    for (auto& v : vox) v = static_cast<float>(v * gain);
    for (const auto& e : events) {
      if (!r.vocal_spans.empty() && e.start_s - r.vocal_spans.back().second < 0.3) {
        r.vocal_spans.back().second = e.start_s + e.dur_s;
      } else {
        r.vocal_spans.emplace_back(e.start_s, e.start_s + e.dur_s);
      }
    }
  }

  // Mix to stereo, set the level, and soft-limit loud mixes.
  r.samples.resize(frames * 2);
  double peak = 1e-9;
  for (size_t i = 0; i < frames; ++i) {
    const float c = drums[i] + bass[i] + (vox.empty() ? 0.0f : vox[i]);
    const float l = c + 0.8f * hats[i] + pads_l[i] + 0.4f * pads_r[i];
    const float rr = c + 1.0f * hats[i] + pads_r[i] + 0.4f * pads_l[i];
    r.samples[2 * i] = l;
    r.samples[2 * i + 1] = rr;
    peak = std::max({peak, static_cast<double>(std::fabs(l)), static_cast<double>(std::fabs(rr))});
  }
  const double drive = std::pow(10.0, spec.gain_db / 20.0) * 2.0 / peak;
  for (auto& s : r.samples) s = static_cast<float>(0.98 * std::tanh(drive * s));
  return r;
}

std::vector<float> render_tempo_ramp(double bpm_start, double bpm_end, double seconds, int rate,
                                     std::vector<double>* beats) {
  Rng rng(99);
  const Drums kit = make_drums(rate, rng);
  std::vector<float> mono(static_cast<size_t>(seconds * rate), 0.0f);
  beats->clear();
  // Beat phase is the integral of the tempo: phase(t) = (b0 t + (b1 - b0) t^2 / (2 T)) / 60.
  const double a = (bpm_end - bpm_start) / (2.0 * seconds * 60.0), b = bpm_start / 60.0;
  for (int k = 0;; ++k) {
    const double t = a == 0.0 ? k / b : (-b + std::sqrt(b * b + 4.0 * a * k)) / (2.0 * a);
    if (t >= seconds - 0.3) break;
    beats->push_back(t);
    add_sample(mono, kit.kick, t, 0.9, rate);
    if (k % 2 == 1) add_sample(mono, kit.snare, t, 0.5, rate);
  }
  for (size_t k = 0; k + 1 < beats->size(); ++k) {
    add_sample(mono, kit.open_hat, 0.5 * ((*beats)[k] + (*beats)[k + 1]), 0.5, rate);
  }
  std::vector<float> out(mono.size() * 2);
  for (size_t i = 0; i < mono.size(); ++i) out[2 * i] = out[2 * i + 1] = 0.7f * std::tanh(mono[i]);
  return out;
}

std::vector<float> render_clicks(double bpm, double seconds, int rate, double first_beat_s) {
  std::vector<float> out(static_cast<size_t>(seconds * rate), 0.0f);
  const double beat = 60.0 / bpm;
  for (double t = first_beat_s; t < seconds; t += beat) {
    const auto s = static_cast<size_t>(std::llround(t * rate));
    for (size_t i = 0; i < static_cast<size_t>(0.01 * rate) && s + i < out.size(); ++i) {
      const double tt = static_cast<double>(i) / rate;
      out[s + i] += static_cast<float>(0.8 * std::sin(kTwoPi * 1000.0 * tt) * std::exp(-tt / 0.003));
    }
  }
  return out;
}

std::vector<float> render_sine(double freq_hz, double amplitude, double seconds, int rate) {
  std::vector<float> out(static_cast<size_t>(seconds * rate));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(amplitude * std::sin(kTwoPi * freq_hz * i / rate));
  return out;
}

}  // namespace codex::demo
