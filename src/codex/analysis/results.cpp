#include "codex/analysis/results.h"

#include <cmath>
#include <utility>

#include "codex/analysis/acoustic_summary.h"
#include "codex/core/half.h"

namespace codex::analysis {
namespace {

const nlohmann::json& empty_object() {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return kEmpty;
}

const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return empty_object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty_object();
}

std::optional<double> number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

std::optional<std::string> text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
}

std::optional<Timbre> read_timbre(const nlohmann::json& t) {
  if (!t.contains("band_share")) return std::nullopt;
  Timbre out;
  using Field = double Timbre::*;
  const std::pair<const char*, Field> kBands[] = {{"sub", &Timbre::sub},           {"bass", &Timbre::bass},
                                                  {"low_mid", &Timbre::low_mid},   {"mid", &Timbre::mid},
                                                  {"high_mid", &Timbre::high_mid}, {"high", &Timbre::high}};
  for (const auto& [key, field] : kBands) out.*field = number(member(t, "band_share"), key).value_or(0.0);
  const std::pair<const char*, Field> kDrums[] = {{"kick", &Timbre::kick_hz}, {"snare", &Timbre::snare_hz}, {"hat", &Timbre::hat_hz}};
  for (const auto& [key, field] : kDrums) out.*field = number(member(t, "onset_rate_hz"), key).value_or(0.0);
  const std::pair<const char*, Field> kShape[] = {{"stable_partial_share", &Timbre::stable_partial_share},
                                                  {"rolloff_spread_oct", &Timbre::rolloff_spread_oct},
                                                  {"flatness", &Timbre::flatness},
                                                  {"crest_db", &Timbre::crest_db},
                                                  {"bandwidth_hz", &Timbre::bandwidth_hz}};
  for (const auto& [key, field] : kShape) out.*field = number(t, key).value_or(0.0);
  const auto& vocals = member(t, "vocals");
  out.vocal_presence = text(vocals, "presence");
  out.vocal_style = text(vocals, "style").value_or("none");
  out.vocal_confidence = number(vocals, "confidence").value_or(0.3);
  return out;
}

// The numbers of array `key` (other entries left out).
std::vector<double> numbers(const nlohmann::json& j, const char* key) {
  std::vector<double> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_number() && std::isfinite(v.get<double>())) out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

Results read_results(const nlohmann::json& analyses) {
  Results r;
  auto result = [&](const char* id) -> const nlohmann::json& {
    const nlohmann::json& a = member(analyses, id);
    return a.contains("result") ? member(a, "result") : a;
  };
  const auto& tempo = result("tempo");
  r.bpm = number(tempo, "bpm");
  r.bpm_confidence = number(tempo, "bpm_confidence");
  r.periodicity = number(tempo, "periodicity");
  r.tempo_feel = text(tempo, "tempo_feel");
  if (auto it = tempo.find("beat_grid"); it != tempo.end()) r.beat_grid = *it;
  const auto& grid = member(tempo, "beat_grid");
  if (auto it = grid.find("steady"); it != grid.end() && it->is_boolean()) r.steady_grid = it->get<bool>();
  r.first_beat_s = number(grid, "first_beat_s");
  r.grid_bpm = number(grid, "bpm");
  r.beats = numbers(tempo, "beats");
  r.downbeats = numbers(tempo, "downbeats");
  if (auto it = tempo.find("tempo_segments"); it != tempo.end() && it->is_array()) {
    for (const auto& s : *it) {
      const auto start = number(s, "start_s"), bpm = number(s, "bpm");
      if (s.is_object() && start && bpm) r.tempo_segments.push_back({*start, *bpm});
    }
  }
  const auto& groove = member(tempo, "groove");
  r.kick_every_beat = number(groove, "kick_every_beat");
  r.intro_pulse = number(groove, "intro_pulse");
  r.outro_pulse = number(groove, "outro_pulse");

  const auto& key = result("key");
  r.key = text(key, "key");
  r.key_confidence = number(key, "key_confidence");

  const auto& energy = result("energy");
  r.energy = number(energy, "energy");
  r.energy_score = number(energy, "energy_score");
  r.centroid_hz = number(energy, "centroid_hz");
  r.onset_rate_hz = number(energy, "onset_rate_hz");
  r.envelope_db = numbers(energy, "envelope_db");
  if (energy.contains("envelope_db")) r.envelope_hop_s = number(energy, "envelope_hop_s").value_or(1.0);

  r.has_loudness = analyses.is_object() && analyses.contains("loudness");
  const auto& loud = result("loudness");
  r.lufs = number(loud, "integrated_lufs");
  r.loudness_range_lu = number(loud, "loudness_range_lu");
  r.true_peak_dbtp = number(loud, "true_peak_dbtp");

  r.duration_s = number(result("duration"), "duration_s");
  r.timbre = read_timbre(result("timbre"));
  if (auto v = finite_halves(result("acoustic"), "track"); v && v->size() == static_cast<size_t>(acoustic::kDims)) {
    r.acoustic_track = std::move(*v);
    if (auto w = finite_halves(result("acoustic"), "windows"); w && !w->empty() && w->size() % acoustic::kDims == 0) {
      r.acoustic_windows = std::move(*w);
    }
  }
  return r;
}

void add_probe_fields(const std::string& id, const nlohmann::json& values, nlohmann::json* out) {
  if (!values.is_object()) return;
  auto& o = *out;
  if (id == "energy") o["energy"] = values.value("energy", 0);
  if (id == "loudness") o["loudness_lufs"] = values.contains("integrated_lufs") ? values["integrated_lufs"] : nullptr;
  if (id == "tempo") {
    for (const char* k : {"bpm", "bpm_confidence", "bpm_alternatives", "tempo_feel", "beats", "downbeats", "beat_grid",
                          "tempo_segments", "reason"}) {
      if (values.contains(k)) o[k == std::string("reason") ? "bpm_reason" : k] = values[k];
    }
  }
  if (id == "key") {
    for (const char* k : {"key", "key_name", "key_open", "key_confidence", "key_alternatives", "key_segments",
                          "key_reason", "tuning_cents"}) {
      if (values.contains(k)) o[k] = values[k];
    }
  }
}

}  // namespace codex::analysis
