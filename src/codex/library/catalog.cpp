#include "codex/library/catalog.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "codex/analysis/results.h"
#include "codex/core/text.h"
#include "codex/schema/record.h"

namespace codex::library {
namespace {

TrackSummary summary_of(const corpus::TrackRow& row, const nlohmann::json& analyses) {
  const analysis::Results a = analysis::read_results(analyses);
  TrackSummary s;
  s.track_id = row.track_id;
  s.title = row.title;
  s.artist = row.artist;
  s.duration_s = row.duration_s;
  s.flags = row.flags;
  s.path = row.first_path;
  s.lufs = a.lufs;
  s.energy = a.energy;
  s.bpm = a.bpm;
  s.key = a.key;
  return s;
}

const std::vector<std::string>& summary_analyzers() {
  static const std::vector<std::string> kIds = {"loudness", "energy", "tempo", "key"};
  return kIds;
}

}  // namespace

Result<std::vector<TrackSummary>> list_tracks(corpus::Corpus& corpus) {
  auto rows = corpus.tracks().rows();
  if (!rows) return rows.status();
  auto results = corpus.analyses().results_of_all(summary_analyzers());
  if (!results) return results.status();
  std::vector<TrackSummary> out;
  std::set<std::string> analysed;
  for (const auto& row : *rows) {
    auto it = results->find(row.track_id);
    out.push_back(summary_of(row, it == results->end() ? nlohmann::json::object() : it->second));
    analysed.insert(row.track_id);
  }
  // Imported records with no audio analysed are tracks of the library too.
  auto imported = corpus.records().imported();
  if (!imported) return imported.status();
  for (const auto& j : *imported) {
    const schema::TrackRecord r = schema::from_json(j);
    if (!r.track_id || analysed.count(*r.track_id)) continue;
    TrackSummary t;
    t.track_id = *r.track_id;
    t.title = r.title.value_or("");
    t.artist = r.artist.value_or("");
    t.path = r.file_path.value_or("");
    t.duration_s = r.duration_seconds.value_or(0.0);
    t.flags = "imported";
    t.bpm = r.bpm.opt();
    if (r.key) t.key = r.key->camelot();
    if (r.energy) t.energy = static_cast<double>(*r.energy);
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(), [](const TrackSummary& a, const TrackSummary& b) {
    return std::tie(a.artist, a.title, a.track_id) < std::tie(b.artist, b.title, b.track_id);
  });
  return out;
}

Result<TrackDetail> find_track(corpus::Corpus& corpus, const std::string& query) {
  if (query.empty()) return Status::Error("empty track reference");
  auto ids = corpus.tracks().resolve(query);
  if (!ids) return ids.status();
  if (ids->empty()) return Status::Error("no track matches '" + to_valid_utf8(query) + "'");
  if (ids->size() > 1) {
    return Status::Error("'" + to_valid_utf8(query) + "' matches " + std::to_string(ids->size()) + " tracks");
  }
  const std::string id = ids->front();
  auto row = corpus.tracks().row(id);
  if (!row) return row.status();
  if (!*row) return Status::Error("no track matches '" + to_valid_utf8(query) + "'");
  auto stored = corpus.analyses().of(id);
  if (!stored) return stored.status();
  TrackDetail d;
  nlohmann::json results = nlohmann::json::object();
  d.analyses = nlohmann::json::object();
  for (const auto& a : *stored) {
    if (a.result.is_object()) results[a.analyzer] = a.result;
    d.analyses[a.analyzer] = {{"version", a.version},       {"params_hash", a.params_hash},
                              {"confidence", a.confidence}, {"result", a.result},
                              {"created_at", a.created_at}};
  }
  const corpus::TrackRow& t = **row;
  d.summary = summary_of(t, results);
  d.track = {{"track_id", id},         {"title", t.title},          {"artist", t.artist},
             {"album", t.album},       {"genre", t.genre},          {"duration_s", t.duration_s},
             {"container", t.container}, {"codec", t.codec},        {"sample_rate", t.sample_rate},
             {"channels", t.channels}, {"bit_rate", t.bit_rate},    {"flags", t.flags},
             {"added_at", t.added_at}, {"updated_at", t.updated_at}};
  d.track["tag_bpm"] = t.tag_bpm ? nlohmann::json(*t.tag_bpm) : nlohmann::json(nullptr);
  d.track["tag_key"] = t.tag_key ? nlohmann::json(*t.tag_key) : nlohmann::json(nullptr);
  auto locations = corpus.tracks().locations(id);
  if (!locations) return locations.status();
  d.locations = std::move(locations).value();
  auto tags = corpus.tracks().tags(id);
  if (!tags) return tags.status();
  d.tags = std::move(tags).value();
  return d;
}

}  // namespace codex::library
