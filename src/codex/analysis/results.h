// Typed analysis results: what the analyzers measured, read back from their stored result objects
// (analyzer id -> result, as the corpus and `codex probe` hold them). This is the one place outside
// the analyzers themselves that knows their output keys; everything downstream (the record builder,
// `codex list`, `codex probe`) reads these fields. A missing analyzer, key or a value of the wrong
// type leaves the field empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex::analysis {

// What the timbre analyzer measured (its keys: analysis/timbre*.cpp). A number it did not write
// reads 0.
struct Timbre {
  double sub = 0, bass = 0, low_mid = 0, mid = 0, high_mid = 0, high = 0;  // band_share: energy per band
  double kick_hz = 0, snare_hz = 0, hat_hz = 0;                             // onset_rate_hz per drum
  double stable_partial_share = 0;  // share of frames whose partials hold their pitch (held harmony)
  double rolloff_spread_oct = 0;    // how far the roll-off sweeps over the track, in octaves
  double flatness = 0;              // median spectral flatness
  double crest_db = 0;              // peak over RMS
  double bandwidth_hz = 0;          // the top of the long-term spectrum (band-limited when low)
  std::optional<std::string> vocal_presence;  // male | female | voice | instrumental | unknown
  std::string vocal_style = "none";           // singing | rap | ... (timbre_vocals.cpp)
  double vocal_confidence = 0.3;
};

struct Results {
  // tempo
  std::optional<double> bpm, bpm_confidence, periodicity;
  std::optional<std::string> tempo_feel;  // straight | half-time | double-time
  std::optional<bool> steady_grid;
  std::optional<double> first_beat_s;
  std::optional<double> kick_every_beat, intro_pulse, outro_pulse;  // groove evidence
  nlohmann::json beat_grid;                                          // null when absent
  std::optional<double> grid_bpm;                                    // the beat grid's tempo
  std::vector<double> beats, downbeats;                              // seconds, as written (in time order)
  struct TempoSegment {
    double start_s = 0, bpm = 0;
  };
  std::vector<TempoSegment> tempo_segments;  // where a drifting tempo changes (malformed entries left out)
  // key
  std::optional<std::string> key;  // Camelot
  std::optional<double> key_confidence;
  // energy
  std::optional<double> energy, energy_score, centroid_hz, onset_rate_hz;
  std::vector<double> envelope_db;  // loudness per envelope_hop_s
  double envelope_hop_s = 1.0;
  // loudness
  bool has_loudness = false;  // the loudness analyzer ran (its lufs may still be null: silence)
  std::optional<double> lufs, loudness_range_lu, true_peak_dbtp;
  // duration
  std::optional<double> duration_s;
  // timbre: absent when the analyzer did not run (an old corpus)
  std::optional<Timbre> timbre;
  // acoustic: the track summary (acoustic_summary.h; empty when absent or damaged)
  std::vector<float> acoustic_track;
  // ... and its windows' summaries (kDims each, in time order; at most 16, spread over the track)
  std::vector<float> acoustic_windows;
};

// `analyses`: analyzer id -> result object, or -> {"result": object, ...} as `codex show` prints it.
Results read_results(const nlohmann::json& analyses);

// `codex probe` prints an analyzer's headline fields at the top level of its object (bpm, key,
// beats, energy, loudness_lufs ...; the contract in docs/ARCHITECTURE.md section 6): copies those of analyzer
// `id`'s result `values` into `out`.
void add_probe_fields(const std::string& id, const nlohmann::json& values, nlohmann::json* out);

}  // namespace codex::analysis
