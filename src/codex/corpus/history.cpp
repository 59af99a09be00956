#include "codex/corpus/history.h"

#include "codex/core/text.h"

namespace codex::corpus {

Status HistoryStore::record_play(const std::string& session, const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  const std::string now = utc_now_iso8601();
  return in_transaction(*c_.db, [&]() -> Status {
    // What was played before it in this set, if anything, becomes a transition.
    auto tr = c_.db->prepare(
        "INSERT OR IGNORE INTO transitions(from_track, to_track, at, source, set_name) "
        "SELECT track_id, ?2, ?3, 'codex', ?1 FROM history WHERE session=?1 AND track_id <> ?2 "
        "AND rowid = (SELECT MAX(rowid) FROM history WHERE session=?1)");
    if (!tr) return tr.status();
    tr->bind(1, session).bind(2, track_id).bind(3, now);
    if (Status s = tr->run(); !s) return s;
    auto st = c_.db->prepare("INSERT INTO history(session, track_id, played_at) VALUES(?1,?2,?3)");
    if (!st) return st.status();
    st->bind(1, session).bind(2, track_id).bind(3, now);
    return st->run();
  });
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
  const std::string now = utc_now_iso8601();
  return in_transaction(*c_.db, [&]() -> Status {
    auto st = c_.db->prepare("INSERT INTO feedback(session, track_id, action, from_track, at) VALUES(?1,?2,?3,?4,?5)");
    if (!st) return st.status();
    st->bind(1, session).bind(2, f.track_id).bind(3, f.action).bind(4, f.from).bind(5, now);
    if (Status s = st->run(); !s) return s;
    if (f.action != "accept" || f.from.empty() || f.from == f.track_id) return Status::Ok();
    // An accepted suggestion is what the DJ chose to play after the track playing then.
    auto tr = c_.db->prepare("INSERT OR IGNORE INTO transitions(from_track, to_track, at, source, set_name) VALUES(?1,?2,?3,'booth',?4)");
    if (!tr) return tr.status();
    tr->bind(1, f.from).bind(2, f.track_id).bind(3, now).bind(4, session);
    return tr->run();
  });
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
