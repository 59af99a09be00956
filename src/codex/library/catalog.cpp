#include "codex/library/catalog.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "codex/analysis/results.h"
#include "codex/core/text.h"
#include "codex/schema/record.h"

namespace codex::library {
namespace {

// The four measurements a summary shows.
struct Headline {
  std::optional<double> lufs, energy, bpm;
  std::optional<std::string> key;
};

void add_headline(Headline* h, const analysis::Results& a) {
  if (a.has_loudness) h->lufs = a.lufs;
  if (a.energy) h->energy = a.energy;
  if (a.bpm) h->bpm = a.bpm;
  if (a.key) h->key = a.key;
}

TrackSummary summary_of(const corpus::TrackRow& row, const Headline& a) {
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

// An imported record (no audio analysed) as a summary line.
TrackSummary summary_of_imported(const schema::TrackRecord& r) {
  TrackSummary t;
  t.track_id = r.track_id.value_or("");
  t.title = r.title.value_or("");
  t.artist = r.artist.value_or("");
  t.path = r.file_path.value_or("");
  t.duration_s = r.duration_seconds.value_or(0.0);
  t.flags = "imported";
  t.bpm = r.bpm.opt();
  if (r.key) t.key = r.key->camelot();
  if (r.energy) t.energy = static_cast<double>(*r.energy);
  return t;
}

const std::vector<std::string>& summary_analyzers() {
  static const std::vector<std::string> kIds = {"loudness", "energy", "tempo", "key"};
  return kIds;
}

}  // namespace

Result<std::vector<TrackSummary>> list_tracks(corpus::Corpus& corpus) {
  auto rows = corpus.tracks().rows();
  if (!rows) return rows.status();
  // Read result by result, keeping only the headline numbers: a large library's beat grids and
  // envelopes are never held at once.
  std::map<std::string, Headline> headlines;
  Status read = corpus.analyses().for_each_result(
      summary_analyzers(), [&](const std::string& track_id, const std::string& analyzer, nlohmann::json&& result) {
        nlohmann::json one = nlohmann::json::object();
        one[analyzer] = std::move(result);
        add_headline(&headlines[track_id], analysis::read_results(one));
      });
  if (!read) return read;
  std::vector<TrackSummary> out;
  std::set<std::string> analysed;
  static const Headline kNone;
  for (const auto& row : *rows) {
    auto it = headlines.find(row.track_id);
    out.push_back(summary_of(row, it == headlines.end() ? kNone : it->second));
    analysed.insert(row.track_id);
  }
  // Imported records with no audio analysed are tracks of the library too (read one at a time).
  read = corpus.records().for_each_imported([&](nlohmann::json&& j) {
    const schema::TrackRecord r = schema::from_json(j);
    if (r.track_id && !analysed.count(*r.track_id)) out.push_back(summary_of_imported(r));
  });
  if (!read) return read;
  std::stable_sort(out.begin(), out.end(), [](const TrackSummary& a, const TrackSummary& b) {
    return std::tie(a.artist, a.title, a.track_id) < std::tie(b.artist, b.title, b.track_id);
  });
  return out;
}

namespace {

// An imported record (no audio analysed) by id or unique id prefix.
Result<TrackDetail> find_imported(corpus::Corpus& corpus, const std::string& query) {
  std::vector<schema::TrackRecord> hits;
  bool exact = false;
  Status read = corpus.records().for_each_imported([&](nlohmann::json&& j) {
    if (exact) return;
    schema::TrackRecord r = schema::from_json(j);
    if (!r.track_id) return;
    if (*r.track_id == query) {
      hits.assign(1, std::move(r));
      exact = true;
    } else if (r.track_id->rfind(query, 0) == 0) {
      hits.push_back(std::move(r));
    }
  });
  if (!read) return read;
  if (hits.empty()) return Status::NotFound("no track matches '" + to_valid_utf8(query) + "'");
  if (hits.size() > 1) {
    return Status::Ambiguous("'" + to_valid_utf8(query) + "' matches " + std::to_string(hits.size()) + " tracks");
  }
  const schema::TrackRecord& r = hits[0];
  TrackDetail d;
  d.imported = true;
  d.summary = summary_of_imported(r);
  d.track = {{"track_id", d.summary.track_id}, {"title", d.summary.title}, {"artist", d.summary.artist},
             {"flags", "imported"}};
  d.analyses = nlohmann::json::object();
  return d;
}

}  // namespace

Result<TrackDetail> find_track(corpus::Corpus& corpus, const std::string& query) {
  if (query.empty()) return Status::Error("empty track reference");
  auto ids = corpus.tracks().resolve(query);
  if (!ids) return ids.status();
  if (ids->empty()) return find_imported(corpus, query);
  if (ids->size() > 1) {
    return Status::Ambiguous("'" + to_valid_utf8(query) + "' matches " + std::to_string(ids->size()) + " tracks");
  }
  const std::string id = ids->front();
  auto row = corpus.tracks().row(id);
  if (!row) return row.status();
  if (!*row) return Status::NotFound("no track matches '" + to_valid_utf8(query) + "'");
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
  Headline h;
  add_headline(&h, analysis::read_results(results));
  d.summary = summary_of(t, h);
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
