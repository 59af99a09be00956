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

}  // namespace codex::corpus
