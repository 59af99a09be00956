#include "codex/corpus/analyses.h"

#include "codex/core/text.h"

namespace codex::corpus {

Result<bool> AnalysisStore::is_current(const std::string& track_id, const std::vector<ResultStamp>& stamps) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT version, params_hash FROM analyses WHERE track_id=?1 AND analyzer=?2");
  if (!st) return st.status();
  for (const auto& s : stamps) {
    st->reset();
    st->bind(1, track_id).bind(2, s.id);
    if (!st->step()) {
      if (!st->status()) return st->status();
      return false;
    }
    if (st->int64(0) != s.version || st->text(1) != s.params_hash) return false;
  }
  return true;
}

Result<std::vector<StoredAnalysis>> AnalysisStore::of(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<StoredAnalysis> out;
  auto st = c_.db->prepare(
      "SELECT analyzer, version, params_hash, confidence, result, created_at FROM analyses WHERE track_id=?1 "
      "ORDER BY analyzer");
  if (!st) return st.status();
  st->bind(1, track_id);
  Status s = each_row(*st, [&] {
    StoredAnalysis a;
    a.analyzer = st->text(0);
    a.version = st->int64(1);
    a.params_hash = st->text(2);
    a.confidence = st->real(3);
    a.result = nlohmann::json::parse(st->text(4), nullptr, false);
    if (a.result.is_discarded()) a.result = nullptr;
    a.created_at = st->text(5);
    out.push_back(std::move(a));
  });
  if (!s) return s;
  return out;
}

Status AnalysisStore::for_each_result(
    const std::vector<std::string>& analyzers,
    const std::function<void(const std::string&, const std::string&, nlohmann::json&&)>& fn) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT track_id, result FROM analyses WHERE analyzer=?1");
  if (!st) return st.status();
  for (const auto& id : analyzers) {
    st->reset();
    st->bind(1, id);
    Status s = each_row(*st, [&] {
      auto v = nlohmann::json::parse(st->text(1), nullptr, false);
      if (v.is_object()) fn(st->text(0), id, std::move(v));
    });
    if (!s) return s;
  }
  return Status::Ok();
}

}  // namespace codex::corpus

namespace codex::corpus {

Result<nlohmann::json> AnalysisStore::adaptation(const std::string& kind) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT model FROM adaptations WHERE kind=?1");
  if (!st) return st.status();
  st->bind(1, kind);
  if (!st->step()) {
    if (!st->status()) return st->status();
    return nlohmann::json();
  }
  auto j = nlohmann::json::parse(st->text(0), nullptr, false);
  if (j.is_discarded()) return Status::Corrupt("the stored " + kind + " adaptation is not JSON");
  return j;
}

Result<size_t> AnalysisStore::install_adaptation(const std::string& kind, const nlohmann::json& model,
                                                 const Rewrite& rewrite) {
  std::lock_guard<std::mutex> lock(c_.mu);
  Database& db = *c_.db;
  size_t changed = 0;
  Status s = in_transaction(db, [&]() -> Status {
    changed = 0;
    if (model.is_null()) {
      auto del = db.prepare("DELETE FROM adaptations WHERE kind=?1");
      if (!del) return del.status();
      del->bind(1, kind);
      if (Status s = del->run(); !s) return s;
    } else {
      auto put = db.prepare("INSERT OR REPLACE INTO adaptations(kind, model, trained_at) VALUES(?1, ?2, ?3)");
      if (!put) return put.status();
      put->bind(1, kind).bind(2, model.dump()).bind(3, utc_now_iso8601());
      if (Status s = put->run(); !s) return s;
    }
    auto read = db.prepare("SELECT rowid, track_id, result FROM analyses WHERE analyzer=?1");
    auto up = db.prepare("UPDATE analyses SET result=?2 WHERE rowid=?1");
    auto drop = db.prepare("DELETE FROM local_records WHERE track_id=?1");
    if (!read) return read.status();
    if (!up) return up.status();
    if (!drop) return drop.status();
    read->bind(1, kind);
    Status inner = Status::Ok();
    if (!rewrite) return Status::Ok();
    Status scan = each_row(*read, [&] {
      if (!inner) return;
      const auto result = nlohmann::json::parse(read->text(2), nullptr, false);
      if (!result.is_object()) return;  // damaged: left as it is
      const std::string track_id = read->text(1);
      auto next = rewrite(track_id, result);
      if (!next) return;
      up->reset();
      up->bind(1, read->int64(0)).bind(2, next->dump());
      if (inner = up->run(); !inner) return;
      drop->reset();
      drop->bind(1, track_id);
      if (inner = drop->run(); !inner) return;
      ++changed;
    });
    return inner ? scan : inner;
  });
  if (!s) return s;
  return changed;
}

}  // namespace codex::corpus
