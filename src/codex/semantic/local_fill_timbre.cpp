#include "codex/semantic/local_fill_timbre.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace codex::semantic {

void fill_timbre_fields(const Measurements& m, Filled& f) {
  const bool have = m.timbre.has_value();
  const TimbreEvidence t = m.timbre.value_or(TimbreEvidence{});

  // Vocals.
  std::string presence, style;
  if (t.vocal_presence) {
    presence = *t.vocal_presence;
    style = t.vocal_style;
    const double c = t.vocal_confidence;
    // "unknown" (weak evidence) fills neither field; "voice" (a voice of unknown register) fills
    // the style only: both are left to the LLM or the user rather than guessed.
    // (The analyzer's words: male, female, voice, instrumental, unknown; the record's own values
    // are the schema's.)
    using schema::VocalPresence, schema::VocalStyle;
    const auto who = VocalPresence::parse(presence);
    const bool instrumental = who == VocalPresence::named("instrumental");
    if (who && (instrumental || who == VocalPresence::named("male") || who == VocalPresence::named("female"))) {
      CODEX_FILL(f, vocal_presence, *who, c);
    }
    if (presence != "unknown") {
      const auto how = instrumental ? std::optional(VocalStyle::named("none")) : VocalStyle::parse(style);
      if (how) CODEX_FILL(f, vocal_style, *how, instrumental ? c : 0.8 * c);
    }
  }

  // Instrumentation: each candidate scored 0..1 from what was measured; the likely ones (>= 0.5)
  // in order, at least three.
  if (have) {
    const double sub = t.sub, bass = t.bass, low_mid = t.low_mid, mid = t.mid, high = t.high + t.high_mid;
    const double kick = t.kick_hz, snare = t.snare_hz, hat = t.hat_hz;
    const double stable = t.stable_partial_share;
    const bool drums = m.bpm.has_value();
    std::vector<std::pair<double, std::string>> c;
    c.emplace_back(drums ? std::clamp(std::max(kick / 1.5, m.kick_every_beat.value_or(0.0) / 0.6), 0.0, 1.0) : 0.1,
                   "kick drum");
    c.emplace_back(drums ? std::clamp(snare / 1.0, 0.0, 1.0) * 0.9 : 0.05, "snare");
    c.emplace_back(drums ? std::clamp(hat / 2.0, 0.0, 1.0) * std::clamp(high / 0.04, 0.0, 1.0) : 0.05, "hi-hats");
    c.emplace_back(std::clamp(bass / 0.2, 0.0, 1.0) * 0.95, "bass");
    c.emplace_back(std::clamp(sub / 0.15, 0.0, 1.0) * 0.85, "sub-bass");
    c.emplace_back(std::clamp(stable / 0.35, 0.0, 1.0) * std::clamp((low_mid + mid) / 0.25, 0.0, 1.0) * 0.9,
                   "synth pads");
    c.emplace_back(std::clamp((mid + high) / 0.3, 0.0, 1.0) * std::clamp(stable / 0.5, 0.0, 1.0) * 0.6, "synths");
    if (presence == "male" || presence == "female" || presence == "voice") {
      c.emplace_back(1.0, style == "rap" ? "rap vocals" : presence == "voice" ? "vocals" : presence + " vocals");
    }
    if (drums && kick < 0.5 && snare + hat > 2.0) c.emplace_back(0.7, "percussion");
    std::stable_sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> inst;
    for (const auto& [score, name] : c) {
      if (inst.size() < 8 && (score >= 0.5 || inst.size() < 3)) inst.push_back(name);
    }
    CODEX_FILL(f, instrumentation, inst, 0.3);

    // Production: band-limited = lo-fi; a roll-off that sweeps by octaves = filtered; a flat, loud, low-crest
    // spectrum = distorted; loud and controlled = polished; few elements = minimal; many = layered.
    const double sweep = t.rolloff_spread_oct, flat = t.flatness, crest = t.crest_db;
    const double lufs = m.lufs.value_or(-14.0), lra = m.loudness_range_lu.value_or(6.0);
    size_t strong = 0;
    for (const auto& [score, name] : c) strong += score >= 0.5;
    // (The 95% roll-off mostly follows the bass, so the top end is judged from the bandwidth and
    // the encoding.)
    const double bandwidth = t.bandwidth_hz;
    const bool band_limited = (m.sample_rate > 0 && m.sample_rate < 32000) ||
                              (m.bit_rate > 0 && m.bit_rate < 96000) || (bandwidth > 0 && bandwidth < 7000);
    using Style = schema::ProductionStyle;
    Style ps = Style::named("clean");
    if (band_limited) ps = Style::named("lo-fi");
    else if (sweep >= 3.5 && stable >= 0.3) ps = Style::named("filtered");  // sweeps over held harmony, not drum patterns
    else if (flat >= 0.3 && lufs > -10.0 && crest < 10.0) ps = Style::named("distorted");
    else if (strong >= 7) ps = Style::named("maximalist");
    else if (strong <= 3) ps = Style::named("minimal");
    else if (lufs > -11.0 && lra < 8.0) ps = Style::named("polished");
    else if (strong >= 6) ps = Style::named("layered");
    else if (lra >= 12.0) ps = Style::named("raw");
    CODEX_FILL(f, production_style, ps, 0.25);

    // Quality: the encoding's fidelity, less for a cut-off top end, clipping, squashed dynamics
    // or a level far from a finished master.
    double q = static_cast<double>(f.record.audio_fidelity.value_or(6));
    if (band_limited) q -= 2.0;
    if (m.true_peak_dbtp && *m.true_peak_dbtp > 0.5) q -= 1.0;
    if (crest > 0 && crest < 7.0) q -= 1.0;
    if (lufs < -24.0) q -= 1.0;
    if (lufs > -16.0 && lufs < -6.0 && lra >= 3.0 && lra <= 12.0) q += 0.4;
    CODEX_FILL(f, production_quality, clamp10(q), 0.3);
  }

  // Mixability notes: what a DJ should know about the way in and out.
  if (m.bpm) {
    std::vector<std::string> notes;
    const double in = m.intro_pulse.value_or(0.0), out = m.outro_pulse.value_or(0.0);
    notes.push_back(in >= 0.5 ? "clear beat from the start: easy to mix in" : "beatless or sparse intro: bring it in over a loop");
    notes.push_back(out >= 0.5 ? "beat holds to the end: long blend out" : "beat fades before the end: mix out early");
    if (m.half_time()) notes.push_back("half-time feel: pairs with tracks at half its BPM");
    if (m.steady_grid == false) notes.push_back("tempo drifts: ride the pitch or cut");
    std::string s;
    for (const auto& n : notes) s += (s.empty() ? "" : "; ") + n;
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    CODEX_FILL(f, mixability_notes, s + ".", 0.35);
  } else {
    CODEX_FILL(f, mixability_notes, "No steady beat: use it as an intro, interlude or ending rather than beatmatching.", 0.5);
  }
}

}  // namespace codex::semantic
