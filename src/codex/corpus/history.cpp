#include "codex/corpus/history.h"

#include "codex/core/text.h"

namespace codex::corpus {

Status HistoryStore::record_play(const std::string& session, const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("INSERT INTO history(session, track_id, played_at) VALUES(?1,?2,?3)");
  if (!st) return st.status();
  st->bind(1, session).bind(2, track_id).bind(3, utc_now_iso8601());
  return st->run();
}

Result<std::vector<std::string>> HistoryStore::played(const std::string& session) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::string> out;
  auto st = c_.db->prepare("SELECT DISTINCT track_id FROM history WHERE session=?1");
  if (!st) return st.status();
  st->bind(1, session);
  if (Status s = each_row(*st, [&] { out.push_back(st->text(0)); }); !s) return s;
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> HistoryStore::all_plays() {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::pair<std::string, std::string>> out;
  auto st = c_.db->prepare("SELECT session, track_id FROM history ORDER BY session, played_at, rowid");
  if (!st) return st.status();
  if (Status s = each_row(*st, [&] { out.emplace_back(st->text(0), st->text(1)); }); !s) return s;
  return out;
}

Result<std::vector<HistoryStore::Play>> HistoryStore::plays(const std::string& session) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<Play> out;
  auto st = c_.db->prepare("SELECT track_id, played_at FROM history WHERE session=?1 ORDER BY rowid");
  if (!st) return st.status();
  st->bind(1, session);
  Status s = each_row(*st, [&] { out.push_back({st->text(0), st->text(1)}); });
  if (!s) return s;
  return out;
}

Status HistoryStore::record_feedback(const std::string& session, const Feedback& f) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("INSERT INTO feedback(session, track_id, action, from_track, at) VALUES(?1,?2,?3,?4,?5)");
  if (!st) return st.status();
  st->bind(1, session).bind(2, f.track_id).bind(3, f.action).bind(4, f.from).bind(5, utc_now_iso8601());
  return st->run();
}

Result<std::vector<HistoryStore::Feedback>> HistoryStore::feedback(const std::string& session) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<Feedback> out;
  auto st = c_.db->prepare("SELECT track_id, action, from_track, at FROM feedback WHERE session=?1 ORDER BY rowid");
  if (!st) return st.status();
  st->bind(1, session);
  Status s = each_row(*st, [&] { out.push_back({st->text(0), st->text(1), st->text(2), st->text(3)}); });
  if (!s) return s;
  return out;
}

}  // namespace codex::corpus
