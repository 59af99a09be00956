#include "codex/library/records.h"

#include "codex/schema/schema.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iterator>
#include <string_view>

#include "codex/analysis/acoustic_summary.h"
#include "codex/core/half.h"
#include "codex/library/embedding.h"
#include "codex/semantic/mood_model.h"
#include "codex/semantic/similar_artists.h"

namespace codex::library {
namespace {

using nlohmann::json;

// The record of an analysed track, as JSON (provenance and field confidence included).
json local_record(const std::string& id, const std::optional<corpus::TrackRow>& row, const json& analyses,
                  const std::optional<corpus::LlmRecord>& llm, const embed::AcousticModel* model) {
  json r = {{"track_id", id}, {"codex_schema_version", "1.0"}, {"analyzer_version", "codex 0.1.0"}};
  corpus::TrackRow track;
  if (row) {
    track = *row;
    r["title"] = track.title;
    r["artist"] = track.artist;
    r["duration_seconds"] = track.duration_s;
    r["created_at"] = track.added_at;
    r["updated_at"] = track.updated_at;
    if (!track.first_path.empty()) r["file_path"] = track.first_path;
  }
  const analysis::Results results = analysis::read_results(analyses);
  const semantic::Measurements m = measurements_of(results, track);
  // Measured values: the schema's bpm range is 60-200; a tempo outside it is kept as an extra field.
  r["bpm"] = m.bpm && *m.bpm >= 60 && *m.bpm <= 200 ? json(*m.bpm) : json(nullptr);
  if (m.bpm && r["bpm"].is_null()) r["bpm_measured"] = *m.bpm;
  if (m.bpm_confidence) r["bpm_confidence"] = *m.bpm_confidence;
  if (!results.beat_grid.is_null()) r["beat_grid"] = results.beat_grid;
  r["key"] = m.key ? json(*m.key) : json(nullptr);
  if (m.key_confidence) r["key_confidence"] = *m.key_confidence;
  if (results.has_loudness) r["loudness_lufs"] = results.lufs ? json(*results.lufs) : json(nullptr);
  // How it sounds: the acoustic summary (exported, so a corpus travels without audio). With a
  // learned model its acoustic block is made below and cached with the record; the fallback needs
  // the whole library's statistics and is made when the library is read.
  // (Read through analysis/results.h, the one reader of the analyzers' outputs; half floats
  // decoded and encoded again are the same bytes.)
  if (!results.acoustic_track.empty()) r["acoustic_summary"] = halves_base64(results.acoustic_track);
  const semantic::Filled filled = semantic::local_fill(m);
  const json fields = filled.fields();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!r.contains(it.key())) r[it.key()] = it.value();
  }
  json provenance = json::object();
  for (auto it = r.begin(); it != r.end(); ++it) provenance[it.key()] = "local";
  // What an LLM heard replaces the local guesses; measured tempo and key win over its guesses,
  // and a disagreement is kept.
  if (llm) {
    json reply = llm->record;
    reply["analyzer_model"] = llm->model;
    const std::string source = "llm:" + llm->model;
    json disagreements = json::object();
    for (auto it = reply.begin(); it != reply.end(); ++it) {
      const std::string k = it.key();
      if (k == "track_id" || k == "title" || k == "artist" || k == "file_path" || k == "duration_seconds" ||
          k == "acoustic_summary" || k == "acoustic" || k == "embedding" || k == "valence" || k == "arousal" ||
          k == "mood_sections") {
        continue;  // identity and what was measured or derived here are not the LLM's to say
      }
      if ((k == "bpm" || k == "key") && !r[k].is_null()) {
        if (r[k] != it.value()) disagreements[k] = {{"measured", r[k]}, {"llm", it.value()}};
        continue;
      }
      r[k] = it.value();
      provenance[k] = source;
    }
    if (!disagreements.empty()) r["llm_disagreements"] = disagreements;
  }
  r["provenance"] = provenance;
  schema::fit_to_limits(r);  // what analyze stores must survive export and import
  // The acoustic block of a learned space, cached with the record (no provenance: it is derived).
  if (model && model->is_learned() && r.contains("acoustic_summary")) {
    if (auto summary = finite_halves(r, "acoustic_summary")) {
      r["acoustic"] = {{"model", model->id()}, {"vector", halves_base64(model->embed(summary->data()))}};
    }
  }
  r["field_confidence"] = filled.confidence;
  return r;
}

Result<json> local_record_of(corpus::Corpus& corpus, const std::string& id, const embed::AcousticModel* model) {
  auto row = corpus.tracks().row(id);
  if (!row) return row.status();
  auto stored = corpus.analyses().of(id);
  if (!stored) return stored.status();
  json analyses = json::object();
  for (const auto& a : *stored) {
    if (a.result.is_object()) analyses[a.analyzer] = a.result;
  }
  auto llm = corpus.llm_replies().newest(id);
  if (!llm) return llm.status();
  return local_record(id, *row, analyses, *llm, model);
}

std::string stamp_of(const std::string& change) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%016zx",
                std::hash<std::string>{}(std::string(semantic::kLocalFillVersion) + "|" + change));
  return stamp;
}

}  // namespace

nlohmann::json record_from_analyses(const std::string& track_id, const corpus::TrackRow& row,
                                    const nlohmann::json& analyses, const embed::AcousticModel* model) {
  return local_record(track_id, row, analyses, std::nullopt, model);
}

semantic::Measurements measurements_of(const analysis::Results& a, const corpus::TrackRow& track) {
  semantic::Measurements m;
  m.bpm = a.bpm;
  m.bpm_confidence = a.bpm_confidence;
  m.periodicity = a.periodicity;
  m.tempo_feel = a.tempo_feel;
  m.steady_grid = a.steady_grid;
  m.kick_every_beat = a.kick_every_beat;
  m.intro_pulse = a.intro_pulse;
  m.outro_pulse = a.outro_pulse;
  m.first_beat_s = a.first_beat_s;
  m.envelope_db = a.envelope_db;
  m.envelope_hop_s = a.envelope_hop_s;
  m.key = a.key;
  m.key_confidence = a.key_confidence;
  m.energy = a.energy;
  m.energy_score = a.energy_score;
  m.centroid_hz = a.centroid_hz;
  m.onset_rate_hz = a.onset_rate_hz;
  m.lufs = a.lufs;
  m.loudness_range_lu = a.loudness_range_lu;
  m.true_peak_dbtp = a.true_peak_dbtp;
  m.duration_s = a.duration_s;
  if (a.timbre) {
    const analysis::Timbre& t = *a.timbre;
    m.timbre = semantic::TimbreEvidence{.sub = t.sub,
                                        .bass = t.bass,
                                        .low_mid = t.low_mid,
                                        .mid = t.mid,
                                        .high_mid = t.high_mid,
                                        .high = t.high,
                                        .kick_hz = t.kick_hz,
                                        .snare_hz = t.snare_hz,
                                        .hat_hz = t.hat_hz,
                                        .stable_partial_share = t.stable_partial_share,
                                        .rolloff_spread_oct = t.rolloff_spread_oct,
                                        .flatness = t.flatness,
                                        .crest_db = t.crest_db,
                                        .bandwidth_hz = t.bandwidth_hz,
                                        .vocal_presence = t.vocal_presence,
                                        .vocal_style = t.vocal_style,
                                        .vocal_confidence = t.vocal_confidence};
  }
  if (a.acoustic_track.size() == static_cast<size_t>(analysis::acoustic::kDims)) {
    namespace ac = analysis::acoustic;
    const auto& v = a.acoustic_track;
    semantic::SoundEvidence s;
    s.key_clarity = v[ac::kHarmony + 0];
    s.major_lean = v[ac::kHarmony + 1];
    s.centroid_log2 = v[ac::kSpectral + 2];
    s.flatness_db = v[ac::kSpectral + 0];
    s.beat_repeat = v[ac::kRhythm + 4];
    s.onset_log = v[ac::kRhythm + 7];
    s.tempo_log2 = v[ac::kRhythm + 9];
    s.bass_pulse = v[ac::kRhythm + 10];
    s.level_db = v[ac::kDynamics + 0];
    m.sound = s;
    m.acoustic_track = a.acoustic_track;
    m.acoustic_windows = a.acoustic_windows;
  }
  m.codec = track.codec;
  m.genre_tag = track.genre;
  m.title = track.title;
  m.artist = track.artist;
  m.bit_rate = track.bit_rate;
  m.sample_rate = static_cast<int>(track.sample_rate);
  return m;
}

Result<schema::TrackRecord> build_record(corpus::Corpus& corpus, const std::string& track_id) {
  auto model = load_model_for(corpus.path());
  if (!model) return model.status();
  auto r = local_record_of(corpus, track_id, *model ? &**model : nullptr);
  if (!r) return r.status();
  return schema::from_json(*r);
}

Result<std::vector<schema::TrackRecord>> all_records(corpus::Corpus& corpus, RecordDetail detail) {
  auto loaded_model = load_model_for(corpus.path());
  if (!loaded_model) return loaded_model.status();
  const embed::AcousticModel* model = *loaded_model ? &**loaded_model : nullptr;
  // The cache stamp: the acoustic space and the mood model the records were built with.
  const std::string space = (model ? "|" + model->id() : "") + "|" + semantic::MoodModel::active().id();
  // Records are made typed as they are read, so the library is held once (plus the blobs of one row).
  std::vector<schema::TrackRecord> imported;
  Status read = corpus.records().for_each_imported([&](json&& r) { imported.push_back(schema::from_json(r)); });
  if (!read) return read;
  // Analysed tracks without an imported record: the cached record when it is current, else built
  // again (and cached) once the corpus is no longer being read.
  std::vector<schema::TrackRecord> analysed;
  struct Stale {
    size_t index;
    std::string track_id, stamp;
  };
  std::vector<Stale> stale;
  read = corpus.records().for_each_analysed_source(detail == RecordDetail::kFull, [&](corpus::RecordSource&& src) {
    const std::string stamp = stamp_of(src.change + space);
    if (src.cached && src.stamp == stamp) {
      json r = json::from_cbor(src.record, true, false);
      json meta = detail == RecordDetail::kFull ? json::from_cbor(src.meta, true, false) : json::object();
      if (r.is_object() && meta.is_object()) {  // else damaged: built again below
        for (auto it = meta.begin(); it != meta.end(); ++it) r[it.key()] = std::move(it.value());
        analysed.push_back(schema::from_json(r));
        return;
      }
    }
    analysed.emplace_back();
    stale.push_back({analysed.size() - 1, std::move(src.track_id), stamp});
  });
  if (!read) return read;
  if (!stale.empty()) {
    std::vector<corpus::CachedRecord> entries;
    for (const auto& s : stale) {
      auto built = local_record_of(corpus, s.track_id, model);
      if (!built) return built.status();
      json record = std::move(built).value(), meta = json::object();
      analysed[s.index] = schema::from_json(record);
      for (const char* k : {"provenance", "field_confidence"}) {
        if (record.contains(k)) {
          meta[k] = std::move(record[k]);
          record.erase(k);
        }
      }
      entries.push_back({s.track_id, s.stamp, json::to_cbor(record), json::to_cbor(meta)});
    }
    // A cache: if it cannot be written now (another process holds the write lock), the records are
    // simply built again next time.
    (void)corpus.records().put_cached(entries);
  }
  // Imported records, then the analysed tracks, each in track_id order: merge them.
  std::vector<schema::TrackRecord> records;
  records.reserve(imported.size() + analysed.size());
  std::merge(std::make_move_iterator(imported.begin()), std::make_move_iterator(imported.end()),
             std::make_move_iterator(analysed.begin()), std::make_move_iterator(analysed.end()),
             std::back_inserter(records), [](const schema::TrackRecord& a, const schema::TrackRecord& b) {
               return a.track_id.value_or("") < b.track_id.value_or("");
             });
  semantic::fill_similar_artists(records);
  attach_acoustic(records, model);
  return records;
}

Result<embed::AcousticModel> embedding_space_for(corpus::Corpus& corpus) {
  auto learned = load_model_for(corpus.path());
  if (!learned) return learned.status();
  if (*learned) return std::move(**learned);
  // The fallback of the same records recommend and export read.
  auto records = all_records(corpus, RecordDetail::kRank);
  if (!records) return records.status();
  if (auto space = summary_space(*records)) return std::move(*space);
  return Status::Error("the corpus has no embedding space yet: analyse a library into it (codex analyze FOLDER)");
}

}  // namespace codex::library
