#include "codex/corpus/corpus.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <tuple>

#include "codex/core/text.h"
#include "codex/corpus/schema.h"
#include "codex/semantic/local_fill.h"

namespace codex::corpus {
namespace {

std::string tag_or(const std::map<std::string, std::string>& tags, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = tags.find(n);
    if (it != tags.end() && !it->second.empty()) return it->second;
  }
  return "";
}

std::string title_from_path(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : ",") + f;
  return out;
}

}  // namespace

std::string Corpus::default_path() {
  if (const char* env = std::getenv("CODEX_DB"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/codex/corpus.db";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/codex/corpus.db";
}

Result<std::unique_ptr<Corpus>> Corpus::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return db.status();
  std::unique_ptr<Corpus> c(new Corpus(std::move(db).value()));
  if (Status s = c->migrate(); !s) return Status::Error("cannot prepare corpus " + path + ": " + s.message());
  return c;
}

int Corpus::schema_version() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("PRAGMA user_version");
  return st && st->step() ? static_cast<int>(st->int64(0)) : -1;
}

Status Corpus::migrate() {
  auto st = db_->prepare("PRAGMA user_version");
  if (!st) return st.status();
  const int64_t have = st->step() ? st->int64(0) : 0;
  const auto& all = migrations();
  if (have > static_cast<int64_t>(all.size())) {
    return Status::Error("corpus schema version " + std::to_string(have) + " is newer than this codex understands");
  }
  for (size_t i = static_cast<size_t>(have); i < all.size(); ++i) {
    Status s = in_transaction(*db_, [&] {
      if (Status e = db_->exec(all[i]); !e) return e;
      return db_->exec("PRAGMA user_version=" + std::to_string(i + 1));
    });
    if (!s) return s;
  }
  return Status::Ok();
}

std::optional<std::string> Corpus::track_for_file(const FileStamp& file) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT track_id FROM locations WHERE path=?1 AND size=?2 AND mtime_ns=?3");
  if (!st) return std::nullopt;
  st->bind(1, file.path).bind(2, file.size).bind(3, file.mtime_ns);
  if (st->step()) return st->text(0);
  return std::nullopt;
}

bool Corpus::is_current(const std::string& track_id, const std::vector<analysis::AnalyzerStamp>& stamps) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT version, params_hash FROM analyses WHERE track_id=?1 AND analyzer=?2");
  if (!st) return false;
  for (const auto& s : stamps) {
    st->reset();
    st->bind(1, track_id).bind(2, s.id);
    if (!st->step() || st->int64(0) != s.version || st->text(1) != s.params_hash) return false;
  }
  return true;
}

Status Corpus::upsert_location(const std::string& track_id, const FileStamp& file, const std::string& now) {
  auto loc = db_->prepare(
      "INSERT INTO locations(path, track_id, size, mtime_ns, seen_at) VALUES(?1,?2,?3,?4,?5) "
      "ON CONFLICT(path) DO UPDATE SET track_id=excluded.track_id, size=excluded.size, "
      "mtime_ns=excluded.mtime_ns, seen_at=excluded.seen_at");
  if (!loc) return loc.status();
  loc->bind(1, file.path).bind(2, track_id).bind(3, file.size).bind(4, file.mtime_ns).bind(5, now);
  if (Status s = loc->run(); !s) return s;
  auto fail = db_->prepare("DELETE FROM failures WHERE path=?1");
  if (!fail) return fail.status();
  fail->bind(1, file.path);
  return fail->run();
}

Status Corpus::add_location(const std::string& track_id, const FileStamp& file) {
  std::lock_guard<std::mutex> lock(mu_);
  return in_transaction(*db_, [&]() -> Status { return upsert_location(track_id, file, utc_now_iso8601()); });
}

Status Corpus::store(const std::string& track_id, const FileStamp& file, const analysis::TrackAnalysis& a) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string now = utc_now_iso8601();
  const auto& tags = a.info.tags;
  std::string title = tag_or(tags, {"title"});
  if (title.empty()) title = title_from_path(file.path);
  std::optional<double> tag_bpm;
  if (std::string b = tag_or(tags, {"bpm", "tbpm", "tempo", "tmpo"}); !b.empty()) {
    char* end = nullptr;
    const double v = std::strtod(b.c_str(), &end);
    if (end != b.c_str() && v > 0 && v < 1000) tag_bpm = v;
  }
  const std::string tag_key = tag_or(tags, {"initialkey", "key", "tkey", "initial_key"});
  double duration = a.stats.duration_s;

  return in_transaction(*db_, [&]() -> Status {
    auto t = db_->prepare(
        "INSERT INTO tracks(track_id,title,artist,album,genre,tag_bpm,tag_key,duration_s,container,codec,"
        "sample_rate,channels,bit_rate,flags,added_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
        "?15,?15) ON CONFLICT(track_id) DO UPDATE SET title=excluded.title, artist=excluded.artist, "
        "album=excluded.album, genre=excluded.genre, tag_bpm=excluded.tag_bpm, tag_key=excluded.tag_key, "
        "duration_s=excluded.duration_s, container=excluded.container, codec=excluded.codec, "
        "sample_rate=excluded.sample_rate, channels=excluded.channels, bit_rate=excluded.bit_rate, "
        "flags=excluded.flags, updated_at=excluded.updated_at");
    if (!t) return t.status();
    t->bind(1, track_id).bind(2, title).bind(3, tag_or(tags, {"artist", "album_artist"}));
    t->bind(4, tag_or(tags, {"album"})).bind(5, tag_or(tags, {"genre"})).bind(6, tag_bpm);
    if (tag_key.empty()) t->bind_null(7); else t->bind(7, tag_key);
    t->bind(8, duration).bind(9, a.info.container).bind(10, a.info.codec).bind(11, a.info.native_rate_hz);
    t->bind(12, a.info.source_channels).bind(13, a.info.bit_rate).bind(14, join_flags(a.flags)).bind(15, now);
    if (Status s = t->run(); !s) return s;

    auto del = db_->prepare("DELETE FROM tags WHERE track_id=?1");
    if (!del) return del.status();
    del->bind(1, track_id);
    if (Status s = del->run(); !s) return s;
    auto tag = db_->prepare("INSERT OR REPLACE INTO tags(track_id,name,value) VALUES(?1,?2,?3)");
    if (!tag) return tag.status();
    for (const auto& [k, v] : tags) {
      tag->reset();
      tag->bind(1, track_id).bind(2, k).bind(3, v);
      if (Status s = tag->run(); !s) return s;
    }

    auto an = db_->prepare(
        "INSERT OR REPLACE INTO analyses(track_id,analyzer,version,params_hash,confidence,result,created_at) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7)");
    if (!an) return an.status();
    for (const auto& r : a.results) {
      an->reset();
      an->bind(1, track_id).bind(2, r.stamp.id).bind(3, r.stamp.version).bind(4, r.stamp.params_hash);
      an->bind(5, r.output.confidence);
      an->bind(6, r.output.values.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).bind(7, now);
      if (Status s = an->run(); !s) return s;
    }

    return upsert_location(track_id, file, now);
  });
}

Status Corpus::record_failure(const std::string& path, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("INSERT OR REPLACE INTO failures(path,error,at) VALUES(?1,?2,?3)");
  if (!st) return st.status();
  st->bind(1, path).bind(2, error).bind(3, utc_now_iso8601());
  return st->run();
}

int64_t Corpus::track_count() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT COUNT(*) FROM tracks");
  return st && st->step() ? st->int64(0) : -1;
}

int64_t Corpus::location_count() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT COUNT(*) FROM locations");
  return st && st->step() ? st->int64(0) : -1;
}

std::vector<TrackSummary> Corpus::query_summaries(const std::string& where, const std::string& arg) {
  std::vector<TrackSummary> out;
  auto st = db_->prepare(
      "SELECT t.track_id, t.title, t.artist, t.duration_s, t.flags, "
      " (SELECT path FROM locations l WHERE l.track_id=t.track_id ORDER BY path LIMIT 1), "
      " (SELECT json_extract(result,'$.integrated_lufs') FROM analyses a WHERE a.track_id=t.track_id AND analyzer='loudness'), "
      " (SELECT json_extract(result,'$.energy') FROM analyses a WHERE a.track_id=t.track_id AND analyzer='energy'), "
      " (SELECT json_extract(result,'$.bpm') FROM analyses a WHERE a.track_id=t.track_id AND analyzer='tempo'), "
      " (SELECT json_extract(result,'$.key') FROM analyses a WHERE a.track_id=t.track_id AND analyzer='key') "
      "FROM tracks t " + where + " ORDER BY t.artist, t.title, t.track_id");
  if (!st) return out;
  if (!arg.empty()) st->bind(1, arg);
  while (st->step()) {
    TrackSummary s;
    s.track_id = st->text(0);
    s.title = st->text(1);
    s.artist = st->text(2);
    s.duration_s = st->real(3);
    s.flags = st->text(4);
    s.path = st->text(5);
    if (!st->is_null(6)) s.lufs = st->real(6);
    if (!st->is_null(7)) s.energy = st->real(7);
    if (!st->is_null(8)) s.bpm = st->real(8);
    if (!st->is_null(9)) s.key = st->text(9);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<TrackSummary> Corpus::list() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TrackSummary> out = query_summaries("", "");
  // Imported records with no audio analysed are tracks of the corpus too.
  auto st = db_->prepare("SELECT record FROM records WHERE track_id NOT IN (SELECT track_id FROM tracks)");
  if (!st) return out;
  while (st->step()) {
    const auto r = nlohmann::json::parse(st->text(0), nullptr, false);
    if (!r.is_object()) continue;
    TrackSummary t;
    t.track_id = r.value("track_id", "");
    t.title = r.value("title", "");
    t.artist = r.value("artist", "");
    t.path = r.value("file_path", "");
    t.duration_s = r.value("duration_seconds", 0.0);
    t.flags = "imported";
    if (r.contains("bpm") && r["bpm"].is_number()) t.bpm = r["bpm"].get<double>();
    if (r.contains("key") && r["key"].is_string()) t.key = r["key"].get<std::string>();
    if (r.contains("energy") && r["energy"].is_number()) t.energy = r["energy"].get<double>();
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(), [](const TrackSummary& a, const TrackSummary& b) {
    return std::tie(a.artist, a.title, a.track_id) < std::tie(b.artist, b.title, b.track_id);
  });
  return out;
}

Result<TrackDetail> Corpus::find(const std::string& query) {
  std::lock_guard<std::mutex> lock(mu_);
  if (query.empty()) return Status::Error("empty track reference");
  std::vector<TrackSummary> hits = query_summaries("WHERE t.track_id=?1", query);
  if (hits.empty()) {
    hits = query_summaries("WHERE t.track_id IN (SELECT track_id FROM locations WHERE path=?1)", query);
  }
  if (hits.empty() && query.find_first_not_of("0123456789abcdef") == std::string::npos) {
    hits = query_summaries("WHERE substr(t.track_id,1,length(?1))=?1", query);
  }
  if (hits.empty()) return Status::Error("no track matches '" + to_valid_utf8(query) + "'");
  if (hits.size() > 1) return Status::Error("'" + query + "' matches " + std::to_string(hits.size()) + " tracks");
  TrackDetail d;
  d.summary = hits[0];
  const std::string& id = d.summary.track_id;
  auto t = db_->prepare(
      "SELECT title,artist,album,genre,tag_bpm,tag_key,duration_s,container,codec,sample_rate,channels,bit_rate,"
      "flags,added_at,updated_at FROM tracks WHERE track_id=?1");
  if (!t) return t.status();
  t->bind(1, id);
  if (t->step()) {
    d.track = {{"track_id", id},          {"title", t->text(0)},      {"artist", t->text(1)},
               {"album", t->text(2)},     {"genre", t->text(3)},      {"duration_s", t->real(6)},
               {"container", t->text(7)}, {"codec", t->text(8)},      {"sample_rate", t->int64(9)},
               {"channels", t->int64(10)}, {"bit_rate", t->int64(11)}, {"flags", t->text(12)},
               {"added_at", t->text(13)}, {"updated_at", t->text(14)}};
    d.track["tag_bpm"] = t->is_null(4) ? nlohmann::json(nullptr) : nlohmann::json(t->real(4));
    d.track["tag_key"] = t->is_null(5) ? nlohmann::json(nullptr) : nlohmann::json(t->text(5));
  }
  auto l = db_->prepare("SELECT path FROM locations WHERE track_id=?1 ORDER BY path");
  if (!l) return l.status();
  l->bind(1, id);
  while (l->step()) d.locations.push_back(l->text(0));
  auto g = db_->prepare("SELECT name, value FROM tags WHERE track_id=?1 ORDER BY name");
  if (!g) return g.status();
  g->bind(1, id);
  while (g->step()) d.tags[g->text(0)] = g->text(1);
  auto a = db_->prepare(
      "SELECT analyzer, version, params_hash, confidence, result, created_at FROM analyses WHERE track_id=?1 "
      "ORDER BY analyzer");
  if (!a) return a.status();
  a->bind(1, id);
  d.analyses = nlohmann::json::object();
  while (a->step()) {
    nlohmann::json result = nlohmann::json::parse(a->text(4), nullptr, false);
    d.analyses[a->text(0)] = {{"version", a->int64(1)},     {"params_hash", a->text(2)},
                              {"confidence", a->real(3)},   {"result", result.is_discarded() ? nullptr : result},
                              {"created_at", a->text(5)}};
  }
  return d;
}

std::vector<std::pair<std::string, std::string>> Corpus::text_pairs(const char* sql) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db_->prepare(sql);
  if (!st) return out;
  while (st->step()) out.emplace_back(st->text(0), st->text(1));
  return out;
}

std::vector<std::pair<std::string, std::string>> Corpus::failures() {
  return text_pairs("SELECT path, error FROM failures ORDER BY path");
}

Status Corpus::put_records(const std::vector<nlohmann::json>& records, const std::string& provenance) {
  size_t i = 0;
  return put_records(
      [&](nlohmann::json* r) {
        if (i >= records.size()) return false;
        *r = records[i++];
        return true;
      },
      provenance);
}

Status Corpus::put_records(const std::function<bool(nlohmann::json*)>& next, const std::string& provenance) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string now = utc_now_iso8601();
  return in_transaction(*db_, [&]() -> Status {
    auto st = db_->prepare("INSERT OR REPLACE INTO records(track_id, record, provenance, updated_at) VALUES(?1,?2,?3,?4)");
    if (!st) return st.status();
    nlohmann::json r;
    while (next(&r)) {
      nlohmann::json prov = nlohmann::json::object();
      for (auto it = r.begin(); it != r.end(); ++it) prov[it.key()] = provenance;
      st->reset();
      st->bind(1, r.at("track_id").get<std::string>());
      st->bind(2, r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      st->bind(3, prov.dump()).bind(4, now);
      if (Status s = st->run(); !s) return s;
    }
    return Status::Ok();
  });
}

int64_t Corpus::record_count() {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT COUNT(*) FROM records");
  return st && st->step() ? st->int64(0) : -1;
}

nlohmann::json Corpus::local_record(const std::string& id) {
  // The fields CODEX measures itself plus the local fill's inferences, all with provenance `local`.
  nlohmann::json r = {{"track_id", id}, {"codex_schema_version", "1.0"}, {"analyzer_version", "codex 0.1.0"}};
  nlohmann::json track = nlohmann::json::object();
  auto t = db_->prepare(
      "SELECT title, artist, duration_s, added_at, updated_at, genre, codec, bit_rate, sample_rate FROM tracks "
      "WHERE track_id=?1");
  if (t) {
    t->bind(1, id);
    if (t->step()) {
      r["title"] = t->text(0);
      r["artist"] = t->text(1);
      r["duration_seconds"] = t->real(2);
      r["created_at"] = t->text(3);
      r["updated_at"] = t->text(4);
      track = {{"title", t->text(0)}, {"artist", t->text(1)}, {"genre", t->text(5)}, {"codec", t->text(6)},
               {"bit_rate", t->int64(7)}, {"sample_rate", t->int64(8)}};
    }
  }
  auto l = db_->prepare("SELECT path FROM locations WHERE track_id=?1 ORDER BY path LIMIT 1");
  if (l) {
    l->bind(1, id);
    if (l->step()) r["file_path"] = l->text(0);
  }
  nlohmann::json analyses = nlohmann::json::object();
  auto a = db_->prepare("SELECT analyzer, result FROM analyses WHERE track_id=?1");
  if (a) {
    a->bind(1, id);
    while (a->step()) {
      auto v = nlohmann::json::parse(a->text(1), nullptr, false);
      if (v.is_object()) analyses[a->text(0)] = std::move(v);
    }
  }
  const auto m = semantic::measurements_from(analyses, track);
  // Measured values: the schema's bpm range is 60-200; a tempo outside it is kept as an extra field.
  r["bpm"] = m.bpm && *m.bpm >= 60 && *m.bpm <= 200 ? nlohmann::json(*m.bpm) : nlohmann::json(nullptr);
  if (m.bpm && r["bpm"].is_null()) r["bpm_measured"] = *m.bpm;
  if (m.bpm_confidence) r["bpm_confidence"] = *m.bpm_confidence;
  if (analyses.contains("tempo") && analyses["tempo"].contains("beat_grid")) r["beat_grid"] = analyses["tempo"]["beat_grid"];
  r["key"] = m.key ? nlohmann::json(*m.key) : nlohmann::json(nullptr);
  if (m.key_confidence) r["key_confidence"] = *m.key_confidence;
  if (analyses.contains("loudness")) r["loudness_lufs"] = analyses["loudness"].value("integrated_lufs", nlohmann::json());
  const semantic::Filled filled = semantic::local_fill(m);
  for (auto it = filled.fields.begin(); it != filled.fields.end(); ++it) {
    if (!r.contains(it.key())) r[it.key()] = it.value();
  }
  nlohmann::json provenance = nlohmann::json::object();
  for (auto it = r.begin(); it != r.end(); ++it) provenance[it.key()] = "local";
  // What an LLM heard replaces the local guesses; measured tempo and key win over its guesses,
  // and a disagreement is kept.
  if (auto llm = llm_record(id)) {
    const std::string source = "llm:" + llm->value("analyzer_model", std::string("unknown"));
    nlohmann::json disagreements = nlohmann::json::object();
    for (auto it = llm->begin(); it != llm->end(); ++it) {
      const std::string k = it.key();
      if (k == "track_id" || k == "title" || k == "artist" || k == "file_path" || k == "duration_seconds") continue;
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
  r["field_confidence"] = filled.confidence;
  return r;
}

std::vector<nlohmann::json> Corpus::export_records(RecordDetail detail) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<nlohmann::json> out;
  if (auto st = db_->prepare("SELECT record FROM records ORDER BY track_id")) {
    while (st->step()) {
      auto r = nlohmann::json::parse(st->text(0), nullptr, false);
      if (r.is_object()) out.push_back(std::move(r));
    }
  }
  const size_t imported = out.size();
  // Analysed tracks without an imported record: the cached record when it is current, else built
  // again (and cached) from the analyses.
  // (Row ids, not timestamps, say when an analysis or reply was written: INSERT OR REPLACE gives a
  // new row id, and reading them needs no trip to the large result column's overflow pages.)
  auto st = db_->prepare(
      "SELECT t.track_id, t.updated_at || '|' || t.title || '|' || t.artist || '|' || t.genre || '|' || "
      "COALESCE(l.path, '') || '|' || COALESCE(a.g, '') || '|' || COALESCE(r.g, ''), lr.stamp, lr.record, lr.meta "
      "FROM tracks t "
      "LEFT JOIN (SELECT track_id, MIN(path) AS path FROM locations GROUP BY track_id) l ON l.track_id = t.track_id "
      "LEFT JOIN (SELECT track_id, group_concat(rowid, ',') AS g FROM analyses GROUP BY track_id) a "
      "ON a.track_id = t.track_id "
      "LEFT JOIN (SELECT track_id, group_concat(rowid, ',') AS g FROM llm_replies WHERE ok = 1 GROUP BY track_id) r "
      "ON r.track_id = t.track_id "
      "LEFT JOIN local_records lr ON lr.track_id = t.track_id "
      "WHERE t.track_id NOT IN (SELECT track_id FROM records) ORDER BY t.track_id");
  std::vector<std::pair<std::string, size_t>> stale;  // stamp, index in out
  if (st) {
    while (st->step()) {
      const std::string id = st->text(0);
      char stamp[32];
      std::snprintf(stamp, sizeof stamp, "%016zx",
                    std::hash<std::string>{}(std::string(semantic::kLocalFillVersion) + "|" + st->text(1)));
      if (!st->is_null(2) && st->text(2) == stamp) {
        auto r = nlohmann::json::from_cbor(st->blob(3), true, false);
        auto meta = detail == RecordDetail::kFull ? nlohmann::json::from_cbor(st->blob(4), true, false)
                                                  : nlohmann::json::object();
        if (r.is_object() && meta.is_object()) {  // else damaged: built again below
          for (auto it = meta.begin(); it != meta.end(); ++it) r[it.key()] = std::move(it.value());
          out.push_back(std::move(r));
          continue;
        }
      }
      out.push_back(local_record(id));
      stale.emplace_back(stamp, out.size() - 1);
    }
  }
  if (!stale.empty()) {
    // A cache: if it cannot be written now (another process holds the write lock), the records
    // are simply built again next time.
    in_transaction(*db_, [&]() -> Status {
      auto ins = db_->prepare("INSERT OR REPLACE INTO local_records(track_id, stamp, record, meta) VALUES(?1, ?2, ?3, ?4)");
      if (!ins) return ins.status();
      for (const auto& [stamp, i] : stale) {
        nlohmann::json record = out[i], meta = nlohmann::json::object();
        for (const char* k : {"provenance", "field_confidence"}) {
          if (record.contains(k)) {
            meta[k] = std::move(record[k]);
            record.erase(k);
          }
        }
        ins->reset();
        ins->bind(1, record.value("track_id", std::string()))
            .bind(2, stamp)
            .bind_blob(3, nlohmann::json::to_cbor(record))
            .bind_blob(4, nlohmann::json::to_cbor(meta));
        if (Status s = ins->run(); !s) return s;
      }
      return Status::Ok();
    });
  }
  // Imported records first, then the analysed tracks, each in track_id order: merge them.
  auto id_of = [](const nlohmann::json& r) -> std::string_view {
    auto it = r.find("track_id");
    return it != r.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
  };
  std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(imported), out.end(),
                     [&](const nlohmann::json& a, const nlohmann::json& b) { return id_of(a) < id_of(b); });
  semantic::fill_similar_artists(out);
  return out;
}

Status Corpus::record_play(const std::string& session, const std::string& track_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("INSERT INTO history(session, track_id, played_at) VALUES(?1,?2,?3)");
  if (!st) return st.status();
  st->bind(1, session).bind(2, track_id).bind(3, utc_now_iso8601());
  return st->run();
}

std::vector<std::string> Corpus::played(const std::string& session) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  auto st = db_->prepare("SELECT DISTINCT track_id FROM history WHERE session=?1");
  if (!st) return out;
  st->bind(1, session);
  while (st->step()) out.push_back(st->text(0));
  return out;
}

Status Corpus::put_llm_reply(const LlmReply& r) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare(
      "INSERT OR REPLACE INTO llm_replies(track_id, model, prompt_version, ok, raw_reply, record, notes, prompt_tokens, "
      "output_tokens, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!st) return st.status();
  st->bind(1, r.track_id).bind(2, r.model).bind(3, r.prompt_version).bind(4, r.ok ? 1 : 0).bind(5, r.raw_reply);
  st->bind(6, r.record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  st->bind(7, r.notes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  st->bind(8, r.prompt_tokens).bind(9, r.output_tokens).bind(10, utc_now_iso8601());
  return st->run();
}

bool Corpus::has_llm_reply(const std::string& track_id, const std::string& model, const std::string& prompt_version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->prepare("SELECT 1 FROM llm_replies WHERE track_id=?1 AND model=?2 AND prompt_version=?3 AND ok=1");
  if (!st) return false;
  st->bind(1, track_id).bind(2, model).bind(3, prompt_version);
  return st->step();
}

std::optional<nlohmann::json> Corpus::llm_record(const std::string& track_id) {
  auto st = db_->prepare(
      "SELECT record, model FROM llm_replies WHERE track_id=?1 AND ok=1 ORDER BY created_at DESC LIMIT 1");
  if (!st) return std::nullopt;
  st->bind(1, track_id);
  if (!st->step()) return std::nullopt;
  auto j = nlohmann::json::parse(st->text(0), nullptr, false);
  if (!j.is_object()) return std::nullopt;
  j["analyzer_model"] = st->text(1);
  return j;
}

std::vector<std::pair<std::string, std::string>> Corpus::tracks_with_files() {
  return text_pairs("SELECT track_id, MIN(path) FROM locations GROUP BY track_id ORDER BY track_id");
}

}  // namespace codex::corpus
