#include "codex/corpus/records.h"

#include "codex/core/text.h"

namespace codex::corpus {

Status RecordStore::put(const std::vector<nlohmann::json>& records, const std::string& provenance) {
  size_t i = 0;
  return put(
      [&](nlohmann::json* r) {
        if (i >= records.size()) return false;
        *r = records[i++];
        return true;
      },
      provenance);
}

Status RecordStore::put(const std::function<bool(nlohmann::json*)>& next, const std::string& provenance) {
  std::lock_guard<std::mutex> lock(c_.mu);
  const std::string now = utc_now_iso8601();
  return in_transaction(*c_.db, [&]() -> Status {
    auto st = c_.db->prepare("INSERT OR REPLACE INTO records(track_id, record, provenance, updated_at) VALUES(?1,?2,?3,?4)");
    if (!st) return st.status();
    nlohmann::json r;
    while (next(&r)) {
      auto id = r.is_object() ? r.find("track_id") : r.end();
      if (!r.is_object() || id == r.end() || !id->is_string()) return Status::Error("a record has no string track_id");
      nlohmann::json prov = nlohmann::json::object();
      for (auto it = r.begin(); it != r.end(); ++it) prov[it.key()] = provenance;
      st->reset();
      st->bind(1, id->get<std::string>());
      st->bind(2, r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      st->bind(3, prov.dump()).bind(4, now);
      if (Status s = st->run(); !s) return s;
    }
    return Status::Ok();
  });
}

Result<int64_t> RecordStore::count() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT COUNT(*) FROM records");
  if (!st) return st.status();
  if (!st->step()) return st->status().ok() ? Status::Error("no count") : st->status();
  return st->int64(0);
}

Result<std::optional<nlohmann::json>> RecordStore::imported(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT record FROM records WHERE track_id = ?");
  if (!st) return st.status();
  st->bind(1, track_id);
  std::optional<nlohmann::json> out;
  Status s = each_row(*st, [&] {
    auto r = nlohmann::json::parse(st->text(0), nullptr, false);
    if (r.is_object()) out = std::move(r);
  });
  if (!s) return s;
  return out;
}

Status RecordStore::for_each_imported(const std::function<void(nlohmann::json&&)>& fn) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT record FROM records ORDER BY track_id");
  if (!st) return st.status();
  return each_row(*st, [&] {
    auto r = nlohmann::json::parse(st->text(0), nullptr, false);
    if (r.is_object()) fn(std::move(r));
  });
}

Status RecordStore::for_each_analysed_source(bool with_meta, const std::function<void(RecordSource&&)>& fn) {
  std::lock_guard<std::mutex> lock(c_.mu);
  // Row ids, not timestamps, say when an analysis or reply was written: INSERT OR REPLACE gives a
  // new row id, and reading them needs no trip to the large result column's overflow pages.
  auto st = c_.db->prepare(
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
  if (!st) return st.status();
  return each_row(*st, [&] {
    RecordSource r;
    r.track_id = st->text(0);
    r.change = st->text(1);
    r.cached = !st->is_null(2);
    if (r.cached) {
      r.stamp = st->text(2);
      r.record = st->blob(3);
      if (with_meta) r.meta = st->blob(4);
    }
    fn(std::move(r));
  });
}

Status RecordStore::put_cached(const std::vector<CachedRecord>& entries) {
  std::lock_guard<std::mutex> lock(c_.mu);
  return in_transaction(*c_.db, [&]() -> Status {
    auto ins = c_.db->prepare("INSERT OR REPLACE INTO local_records(track_id, stamp, record, meta) VALUES(?1, ?2, ?3, ?4)");
    if (!ins) return ins.status();
    for (const auto& e : entries) {
      ins->reset();
      ins->bind(1, e.track_id).bind(2, e.stamp).bind_blob(3, e.record).bind_blob(4, e.meta);
      if (Status s = ins->run(); !s) return s;
    }
    return Status::Ok();
  });
}

}  // namespace codex::corpus
