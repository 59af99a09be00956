#include "codex/semantic/local_fill.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "codex/core/text.h"
#include "codex/music/key.h"
#include "codex/semantic/local_fill_timbre.h"
#include "codex/semantic/structure.h"

namespace codex::semantic {

Filled local_fill(const Measurements& m) {
  Filled f;
  const double energy = m.energy.value_or(5.0);
  const std::optional<music::Key> key = m.key ? music::parse_key(*m.key) : std::nullopt;
  const double brightness = m.centroid_hz ? std::clamp((*m.centroid_hz - 300.0) / 2500.0, 0.0, 1.0) : 0.5;

  if (m.energy) f.set("energy", static_cast<int>(std::lround(*m.energy)), 0.7);
  if (m.tempo_feel) f.set("tempo_feel", *m.tempo_feel, m.bpm_confidence.value_or(0.3));

  // Danceability: a clear, steady pulse at a dance tempo, with some density of onsets.
  if (m.bpm) {
    double pulse = std::clamp(m.periodicity.value_or(0.2) / 0.5, 0.0, 1.0);
    // The acoustic summary's beat repetition and bass pulse say how steadily the groove drives.
    if (m.sound) pulse = 0.5 * pulse + 0.3 * std::clamp(m.sound->beat_repeat, 0.0, 1.0) + 0.2 * std::clamp(m.sound->bass_pulse / 0.5, 0.0, 1.0);
    const double tempo_fit = std::exp(-0.5 * std::pow(std::log2(*m.bpm / 122.0) / 0.35, 2));
    const double density = std::clamp(m.onset_rate_hz.value_or(2.0) / 5.0, 0.0, 1.0);
    f.set("danceability", clamp10(1.0 + 9.0 * (0.45 * pulse + 0.35 * tempo_fit + 0.2 * density)), 0.5);
  } else {
    f.set("danceability", 1, 0.6);
  }

  // Groove from the bass onsets at the beats; half-time drums are broken.
  if (m.kick_every_beat) {
    const char* groove = m.tempo_feel == std::string("half-time") ? "broken"
                         : *m.kick_every_beat >= 0.62            ? "four-on-floor"
                         : *m.kick_every_beat >= 0.45            ? "syncopated"
                                                                 : "broken";
    f.set("groove_style", groove, 0.45);
  }
  // Mixability: a clear pulse through the first and last 16 beats of a steady grid is easy to
  // beatmatch; a beatless or wandering start or end is not.
  if (m.bpm && m.intro_pulse && m.outro_pulse) {
    const double steady = m.steady_grid.value_or(false) ? 1.0 : 0.5;
    f.set("mix_in_ease", clamp10(1.0 + 9.0 * steady * (0.3 + 0.7 * *m.intro_pulse)), 0.4);
    f.set("mix_out_ease", clamp10(1.0 + 9.0 * steady * (0.3 + 0.7 * *m.outro_pulse)), 0.4);
  } else if (!m.bpm) {
    f.set("mix_in_ease", 2, 0.5);
    f.set("mix_out_ease", 2, 0.5);
  }

  // Structure from the envelope, a bar (or 8 s without a beat) at a time.
  {
    const Structure st = find_structure(m.envelope_db, m.envelope_hop_s, m.bpm, m.first_beat_s);
    if (!st.sections.empty()) {
      std::vector<std::string> sections;
      for (const auto& sec : st.sections) sections.push_back(sec.name);
      f.set("structure", sections, 0.3);
      f.set("drop_intensity",
            st.drop_jump_db > 0 ? nlohmann::json(clamp10(1.0 + st.drop_jump_db / 1.5)) : nlohmann::json(nullptr), 0.3);
    }
  }

  // Intensity (place in a set) from energy.
  f.set("intensity", energy >= 7.0 ? "peak" : energy >= 5.0 ? "journey" : "opener", 0.35);

  // Valence and arousal heard in the sound (the mood model, local_fill_mood.cpp), and the vibe read
  // off them; without the acoustic summary (a corpus analysed before it existed), the vibe comes
  // from mode, brightness and energy and there are no valence and arousal.
  std::string vibe;
  std::optional<MoodReading> mood;
  if (m.sound && m.acoustic_track.size() == 90) {
    mood = read_mood(m.acoustic_track, *m.sound);
    vibe = mood->vibe;
    f.set("vibe", vibe, mood->vibe_confidence);
    f.set("valence", std::round(mood->valence * 1000.0) / 1000.0, std::clamp(std::fabs(mood->valence), 0.05, 0.95));
    f.set("arousal", std::round(mood->arousal * 1000.0) / 1000.0, std::clamp(std::fabs(mood->arousal), 0.05, 0.95));
    if (m.duration_s) {
      nlohmann::json sections = mood_sections(m.acoustic_windows, *m.duration_s);
      if (!sections.empty()) f.set("mood_sections", std::move(sections), 0.5 * mood->confidence + 0.1);
    }
  } else {
    if (energy <= 3.0) vibe = "chill";
    else if (key && key->minor && brightness < 0.35 && energy >= 7.0) vibe = "aggressive";
    else if (key && key->minor && brightness < 0.4) vibe = "dark";
    else if (key && !key->minor && energy >= 7.0) vibe = "euphoric";
    else if (key && !key->minor) vibe = "bright";
    else vibe = (m.periodicity.value_or(0) > 0.3) ? "hypnotic" : "dark";
    f.set("vibe", vibe, key ? 0.4 : 0.25);
  }

  // Mood words that follow from the vibe and energy, and from valence and arousal when heard (so
  // the words and the numbers never disagree).
  static const std::map<std::string, std::vector<std::string>> kMoods = {
      {"chill", {"calm", "mellow", "relaxed"}},         {"aggressive", {"aggressive", "tense", "relentless"}},
      {"dark", {"dark", "brooding", "nocturnal"}},       {"euphoric", {"euphoric", "uplifting", "joyful"}},
      {"bright", {"bright", "warm", "optimistic"}},      {"hypnotic", {"hypnotic", "repetitive", "deep"}}};
  std::vector<std::string> moods = kMoods.at(vibe);
  auto add = [&](const char* w) {
    if (std::find(moods.begin(), moods.end(), w) == moods.end()) moods.push_back(w);
  };
  if (mood) {
    const double v = mood->valence, a = mood->arousal;
    if (a >= 0.5 || (energy >= 7.0 && a >= 0.0)) add("energetic");
    if (a <= -0.4) add(v >= 0 ? "serene" : "subdued");
    if (v >= 0.4) add(a >= 0 ? "happy" : "peaceful");
    if (v <= -0.3 && a < 0) add("melancholic"), add("sad");
    if (v <= -0.3 && a >= 0.3) add("tense");
  } else if (energy >= 7.0) {
    add("energetic");
  }
  if (m.bpm && m.tempo_feel == std::string("half-time")) add("heavy");
  moods.resize(std::min<size_t>(moods.size(), 7));
  f.set("mood_tags", moods, mood ? std::max(0.25, mood->vibe_confidence - 0.1) : 0.3);

  // Fidelity from the encoding and clipping.
  double fidelity = 6.0;
  const std::string codec = ascii_lower(m.codec);
  if (codec == "flac" || codec == "alac" || codec.rfind("pcm_", 0) == 0) fidelity = 9.0;
  else if (m.bit_rate >= 256000) fidelity = 8.0;
  else if (m.bit_rate >= 192000) fidelity = 7.0;
  else if (m.bit_rate > 0 && m.bit_rate < 128000) fidelity = 4.0;
  if (m.sample_rate > 0 && m.sample_rate < 32000) fidelity -= 2.0;
  if (m.true_peak_dbtp && *m.true_peak_dbtp > 0.5) fidelity -= 1.0;
  f.set("audio_fidelity", clamp10(fidelity), 0.6);

  if (!m.genre_tag.empty()) f.set("genre", m.genre_tag, 0.5);
  fill_timbre_fields(m, f);
  if (m.genre_tag.empty()) {
    // No tag: a guess from tempo and groove, the way a DJ would file an unlabelled record.
    const std::string groove = f.fields.value("groove_style", std::string());
    const bool rap = f.fields.value("vocal_style", std::string()) == "rap";
    const double bpm = m.bpm.value_or(0.0);
    std::string g = "electronic";
    if (!m.bpm) g = "ambient";
    else if (bpm >= 160 && bpm <= 185) g = "drum & bass";
    else if (m.tempo_feel == std::string("half-time") && bpm >= 135 && bpm < 150) g = "dubstep";
    else if (bpm < 105 && (rap || groove != "four-on-floor")) g = rap || bpm < 100 ? "hip-hop" : "downtempo";
    else if (groove == "four-on-floor" && bpm >= 115 && bpm < 126) g = "house";
    else if (groove == "four-on-floor" && bpm >= 126 && bpm < 136) g = key && key->minor ? "techno" : "house";
    else if (groove == "four-on-floor" && bpm >= 136 && bpm < 150) g = "trance";
    else if (groove != "four-on-floor" && bpm >= 120 && bpm < 145) g = "breaks";
    f.set("genre", g, 0.2);
  }

  // Language: an instrumental has none; a voice's language is left to the LLM.
  if (f.fields.value("vocal_presence", std::string()) == "instrumental") {
    f.set("language", nullptr, f.confidence.value("vocal_presence", 0.3));
  }
  // Subgenre: a guess within the genre from tempo, vibe and energy, as a DJ might file it.
  {
    const std::string g = ascii_lower(f.fields.value("genre", std::string()));
    const double bpm = m.bpm.value_or(0.0);
    const bool rap = f.fields.value("vocal_style", std::string()) == "rap";
    std::string sub;
    auto has = [&](const char* word) { return g.find(word) != std::string::npos; };
    if (has("drum") && has("bass")) sub = (vibe == "dark" || vibe == "aggressive") ? "neurofunk" : "liquid";
    else if (has("dubstep")) sub = vibe == "aggressive" || energy >= 7 ? "brostep" : "deep dubstep";
    else if (has("techno")) {
      sub = bpm >= 138 ? "hard techno" : energy >= 7 ? "peak-time techno" : vibe == "hypnotic" ? "hypnotic techno"
                                                                                               : "deep techno";
    } else if (has("deep house")) sub = vibe == "chill" ? "lounge house" : "deep house";
    else if (has("house")) sub = bpm < 122 && (vibe == "dark" || vibe == "hypnotic" || vibe == "chill") ? "deep house"
                                 : key && key->minor && energy >= 5 ? "tech house" : "progressive house";
    else if (has("trance")) sub = bpm >= 140 && (vibe == "dark" || vibe == "hypnotic") ? "psytrance"
                                  : energy >= 6 ? "uplifting trance" : "progressive trance";
    else if (has("hip")) sub = rap && bpm >= 95 ? "trap" : vibe == "chill" ? "lo-fi hip-hop" : "boom bap";
    else if (has("break")) sub = "breakbeat";
    else if (has("downtempo")) sub = vibe == "dark" ? "trip-hop" : "chillout";
    else if (has("ambient")) sub = vibe == "dark" ? "dark ambient" : "ambient";
    if (!sub.empty() && ascii_lower(sub) != g) f.set("subgenre", sub, 0.15);
  }

  // A plain description from the measurements.
  const std::string genre = f.fields.value("genre", std::string());
  char desc[256];
  std::snprintf(desc, sizeof desc, "A %s%s%s track%s%s, energy %d of 10.", vibe.c_str(),
                genre.empty() ? "" : " ", ascii_lower(genre).c_str(),
                m.bpm ? (" at " + std::to_string(static_cast<int>(std::lround(*m.bpm))) + " BPM").c_str() : "",
                key ? (" in " + key->name()).c_str() : "", static_cast<int>(std::lround(energy)));
  f.set("description", to_valid_utf8(desc), 0.3);
  return f;
}

}  // namespace codex::semantic
