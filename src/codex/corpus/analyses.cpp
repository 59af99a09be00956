#include "codex/corpus/analyses.h"

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
