#include "codex/semantic/local_fill.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "codex/core/text.h"
#include "codex/music/key.h"
#include "codex/semantic/local_fill_timbre.h"
#include "codex/semantic/structure.h"

namespace codex::semantic {

namespace {

using schema::Vibe;
constexpr Vibe kChill = Vibe::named("chill"), kAggressive = Vibe::named("aggressive"), kDark = Vibe::named("dark"),
               kEuphoric = Vibe::named("euphoric"), kBright = Vibe::named("bright"), kHypnotic = Vibe::named("hypnotic");

// What several of the steps below read.
struct Basis {
  double energy = 5.0;  // 1-10; 5 when not measured
  std::optional<music::Key> key;
  double brightness = 0.5;  // 0..1, from the spectral centroid
  bool half_time = false;
};

// Energy, tempo feel, danceability, groove and how easily the track mixes in and out.
void fill_rhythm(const Measurements& m, const Basis& b, Filled& f) {
  if (m.energy) CODEX_FILL(f, energy, std::lround(*m.energy), 0.7);
  if (m.tempo_feel) {
    if (auto feel = schema::TempoFeel::parse(*m.tempo_feel)) CODEX_FILL(f, tempo_feel, *feel, m.bpm_confidence.value_or(0.3));
  }

  // Danceability: a clear, steady pulse at a dance tempo, with some density of onsets.
  if (m.bpm) {
    double pulse = std::clamp(m.periodicity.value_or(0.2) / 0.5, 0.0, 1.0);
    // The acoustic summary's beat repetition and bass pulse say how steadily the groove drives.
    if (m.sound) pulse = 0.5 * pulse + 0.3 * std::clamp(m.sound->beat_repeat, 0.0, 1.0) + 0.2 * std::clamp(m.sound->bass_pulse / 0.5, 0.0, 1.0);
    const double tempo_fit = std::exp(-0.5 * std::pow(std::log2(*m.bpm / 122.0) / 0.35, 2));
    const double density = std::clamp(m.onset_rate_hz.value_or(2.0) / 5.0, 0.0, 1.0);
    CODEX_FILL(f, danceability, clamp10(1.0 + 9.0 * (0.45 * pulse + 0.35 * tempo_fit + 0.2 * density)), 0.5);
  } else {
    CODEX_FILL(f, danceability, 1, 0.6);
  }

  // Groove from the bass onsets at the beats; half-time drums are broken.
  if (m.kick_every_beat) {
    using schema::Groove;
    const Groove groove = b.half_time                     ? Groove::named("broken")
                          : *m.kick_every_beat >= 0.62 ? Groove::named("four-on-floor")
                          : *m.kick_every_beat >= 0.45 ? Groove::named("syncopated")
                                                       : Groove::named("broken");
    CODEX_FILL(f, groove_style, groove, 0.45);
  }
  // Mixability: a clear pulse through the first and last 16 beats of a steady grid is easy to
  // beatmatch; a beatless or wandering start or end is not.
  if (m.bpm && m.intro_pulse && m.outro_pulse) {
    const double steady = m.steady_grid.value_or(false) ? 1.0 : 0.5;
    CODEX_FILL(f, mix_in_ease, clamp10(1.0 + 9.0 * steady * (0.3 + 0.7 * *m.intro_pulse)), 0.4);
    CODEX_FILL(f, mix_out_ease, clamp10(1.0 + 9.0 * steady * (0.3 + 0.7 * *m.outro_pulse)), 0.4);
  } else if (!m.bpm) {
    CODEX_FILL(f, mix_in_ease, 2, 0.5);
    CODEX_FILL(f, mix_out_ease, 2, 0.5);
  }
}

// Sections and the drop's intensity.
void fill_structure(const Measurements& m, Filled& f) {
  // From the envelope, a bar (or 8 s without a beat) at a time.
  const Structure st = find_structure(m.envelope_db, m.envelope_hop_s, m.bpm, m.first_beat_s);
  if (st.sections.empty()) return;
  schema::Sections sections;
  for (const auto& sec : st.sections) sections.push_back(sec.name);
  CODEX_FILL(f, structure, sections, 0.3);
  if (st.drop_jump_db > 0) CODEX_FILL(f, drop_intensity, clamp10(1.0 + st.drop_jump_db / 1.5), 0.3);
  else f.set_null(&schema::TrackRecord::drop_intensity, "drop_intensity", 0.3);
}

// Intensity, vibe, valence and arousal, mood sections and mood words; returns the vibe.
Vibe fill_mood(const Measurements& m, const Basis& b, Filled& f) {
  // Intensity (place in a set) from energy.
  using schema::Intensity;
  CODEX_FILL(f, intensity,
             b.energy >= 7.0 ? Intensity::named("peak") : b.energy >= 5.0 ? Intensity::named("journey") : Intensity::named("opener"),
             0.35);

  // Valence and arousal heard in the sound (the mood model, local_fill_mood.cpp), and the vibe read
  // off them; without the acoustic summary (a corpus analysed before it existed), the vibe comes
  // from mode, brightness and energy and there are no valence and arousal.
  Vibe vibe = kDark;
  std::optional<MoodReading> mood;
  if (m.sound && m.acoustic_track.size() == 90) {
    mood = read_mood(m.acoustic_track, *m.sound);
    vibe = mood->vibe;
    CODEX_FILL(f, vibe, vibe, mood->vibe_confidence);
    f.set_extra("valence", std::round(mood->valence * 1000.0) / 1000.0, std::clamp(std::fabs(mood->valence), 0.05, 0.95));
    f.set_extra("arousal", std::round(mood->arousal * 1000.0) / 1000.0, std::clamp(std::fabs(mood->arousal), 0.05, 0.95));
    if (m.duration_s) {
      nlohmann::json sections = mood_sections(m.acoustic_windows, *m.duration_s);
      if (!sections.empty()) f.set_extra("mood_sections", std::move(sections), 0.5 * mood->confidence + 0.1);
    }
  } else {
    if (b.energy <= 3.0) vibe = kChill;
    else if (b.key && b.key->minor && b.brightness < 0.35 && b.energy >= 7.0) vibe = kAggressive;
    else if (b.key && b.key->minor && b.brightness < 0.4) vibe = kDark;
    else if (b.key && !b.key->minor && b.energy >= 7.0) vibe = kEuphoric;
    else if (b.key && !b.key->minor) vibe = kBright;
    else vibe = (m.periodicity.value_or(0) > 0.3) ? kHypnotic : kDark;
    CODEX_FILL(f, vibe, vibe, b.key ? 0.4 : 0.25);
  }

  // Mood words that follow from the vibe and energy, and from valence and arousal when heard (so
  // the words and the numbers never disagree).
  // (Mood tags are free words; these are the words for each vibe.)
  static const std::array<std::vector<std::string>, Vibe::kCount> kMoods = [&] {
    std::array<std::vector<std::string>, Vibe::kCount> words;
    words[kChill.index()] = {"calm", "mellow", "relaxed"};
    words[kAggressive.index()] = {"aggressive", "tense", "relentless"};
    words[kDark.index()] = {"dark", "brooding", "nocturnal"};
    words[kEuphoric.index()] = {"euphoric", "uplifting", "joyful"};
    words[kBright.index()] = {"bright", "warm", "optimistic"};
    words[kHypnotic.index()] = {"hypnotic", "repetitive", "deep"};
    return words;
  }();
  std::vector<std::string> moods = kMoods[vibe.index()];
  auto add = [&](const char* w) {
    if (std::find(moods.begin(), moods.end(), w) == moods.end()) moods.push_back(w);
  };
  if (mood) {
    const double v = mood->valence, a = mood->arousal;
    if (a >= 0.5 || (b.energy >= 7.0 && a >= 0.0)) add("energetic");
    if (a <= -0.4) add(v >= 0 ? "serene" : "subdued");
    if (v >= 0.4) add(a >= 0 ? "happy" : "peaceful");
    if (v <= -0.3 && a < 0) add("melancholic"), add("sad");
    if (v <= -0.3 && a >= 0.3) add("tense");
  } else if (b.energy >= 7.0) {
    add("energetic");
  }
  if (m.bpm && b.half_time) add("heavy");
  moods.resize(std::min<size_t>(moods.size(), 7));
  CODEX_FILL(f, mood_tags, moods, mood ? std::max(0.25, mood->vibe_confidence - 0.1) : 0.3);
  return vibe;
}

// Audio fidelity from the encoding and clipping.
void fill_fidelity(const Measurements& m, Filled& f) {
  double fidelity = 6.0;
  const std::string codec = ascii_lower(m.codec);
  if (codec == "flac" || codec == "alac" || codec.rfind("pcm_", 0) == 0) fidelity = 9.0;
  else if (m.bit_rate >= 256000) fidelity = 8.0;
  else if (m.bit_rate >= 192000) fidelity = 7.0;
  else if (m.bit_rate > 0 && m.bit_rate < 128000) fidelity = 4.0;
  if (m.sample_rate > 0 && m.sample_rate < 32000) fidelity -= 2.0;
  if (m.true_peak_dbtp && *m.true_peak_dbtp > 0.5) fidelity -= 1.0;
  CODEX_FILL(f, audio_fidelity, clamp10(fidelity), 0.6);
}

// Genre (guessed only without a tag), language and subgenre: after the timbre fields, which they read.
void fill_genre(const Measurements& m, const Basis& b, Vibe vibe, Filled& f) {
  const bool rap = f.record.vocal_style.opt() == schema::VocalStyle::named("rap");
  if (m.genre_tag.empty()) {
    // No tag: a guess from tempo and groove, the way a DJ would file an unlabelled record.
    const bool four = f.record.groove_style.opt() == schema::Groove::named("four-on-floor");
    const double bpm = m.bpm.value_or(0.0);
    std::string g = "electronic";
    if (!m.bpm) g = "ambient";
    else if (bpm >= 160 && bpm <= 185) g = "drum & bass";
    else if (b.half_time && bpm >= 135 && bpm < 150) g = "dubstep";
    else if (bpm < 105 && (rap || !four)) g = rap || bpm < 100 ? "hip-hop" : "downtempo";
    else if (four && bpm >= 115 && bpm < 126) g = "house";
    else if (four && bpm >= 126 && bpm < 136) g = b.key && b.key->minor ? "techno" : "house";
    else if (four && bpm >= 136 && bpm < 150) g = "trance";
    else if (!four && bpm >= 120 && bpm < 145) g = "breaks";
    CODEX_FILL(f, genre, g, 0.2);
  }

  // Language: an instrumental has none; a voice's language is left to the LLM.
  if (f.record.vocal_presence.opt() == schema::VocalPresence::named("instrumental")) {
    const auto presence = f.confidence.find("vocal_presence");
    f.set_null(&schema::TrackRecord::language, "language", presence != f.confidence.end() ? presence->second : 0.3);
  }
  // Subgenre: a guess within the genre from tempo, vibe and energy, as a DJ might file it.
  {
    const std::string g = ascii_lower(f.record.genre.value_or(""));
    const double bpm = m.bpm.value_or(0.0);
    std::string sub;
    auto has = [&](const char* word) { return g.find(word) != std::string::npos; };
    if (has("drum") && has("bass")) sub = (vibe == kDark || vibe == kAggressive) ? "neurofunk" : "liquid";
    else if (has("dubstep")) sub = vibe == kAggressive || b.energy >= 7 ? "brostep" : "deep dubstep";
    else if (has("techno")) {
      sub = bpm >= 138 ? "hard techno" : b.energy >= 7 ? "peak-time techno" : vibe == kHypnotic ? "hypnotic techno"
                                                                                               : "deep techno";
    } else if (has("deep house")) sub = vibe == kChill ? "lounge house" : "deep house";
    else if (has("house")) sub = bpm < 122 && (vibe == kDark || vibe == kHypnotic || vibe == kChill) ? "deep house"
                                 : b.key && b.key->minor && b.energy >= 5 ? "tech house" : "progressive house";
    else if (has("trance")) sub = bpm >= 140 && (vibe == kDark || vibe == kHypnotic) ? "psytrance"
                                  : b.energy >= 6 ? "uplifting trance" : "progressive trance";
    else if (has("hip")) sub = rap && bpm >= 95 ? "trap" : vibe == kChill ? "lo-fi hip-hop" : "boom bap";
    else if (has("break")) sub = "breakbeat";
    else if (has("downtempo")) sub = vibe == kDark ? "trip-hop" : "chillout";
    else if (has("ambient")) sub = vibe == kDark ? "dark ambient" : "ambient";
    if (!sub.empty() && ascii_lower(sub) != g) CODEX_FILL(f, subgenre, sub, 0.15);
  }
}

}  // namespace

Filled local_fill(const Measurements& m) {
  Filled f;
  Basis b;
  b.energy = m.energy.value_or(5.0);
  b.key = m.key ? music::parse_key(*m.key) : std::nullopt;
  b.brightness = m.centroid_hz ? std::clamp((*m.centroid_hz - 300.0) / 2500.0, 0.0, 1.0) : 0.5;
  b.half_time = m.half_time();
  fill_rhythm(m, b, f);
  fill_structure(m, f);
  const Vibe vibe = fill_mood(m, b, f);
  fill_fidelity(m, f);
  if (!m.genre_tag.empty()) CODEX_FILL(f, genre, m.genre_tag, 0.5);
  fill_timbre_fields(m, f);
  fill_genre(m, b, vibe, f);

  // A plain description from the measurements.
  const std::string genre = f.record.genre.value_or("");
  char desc[256];
  std::snprintf(desc, sizeof desc, "A %s%s%s track%s%s, energy %d of 10.", vibe.str().c_str(),
                genre.empty() ? "" : " ", ascii_lower(genre).c_str(),
                m.bpm ? (" at " + std::to_string(static_cast<int>(std::lround(*m.bpm))) + " BPM").c_str() : "",
                b.key ? (" in " + b.key->name()).c_str() : "", static_cast<int>(std::lround(b.energy)));
  CODEX_FILL(f, description, to_valid_utf8(desc), 0.3);
  return f;
}

}  // namespace codex::semantic
