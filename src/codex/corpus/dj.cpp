#include "codex/corpus/dj.h"

#include "codex/core/text.h"

namespace codex::corpus {

namespace {

Status rebuild_transitions(Database& db, const std::string& origin) {
  // Consecutive entries of each imported history list that both name tracks.
  const std::string sql = R"sql(
INSERT OR IGNORE INTO transitions(from_track, to_track, at, source, set_name, origin)
SELECT prev, track_id, CASE WHEN played_at <> '' THEN played_at ELSE date END, source,
       CASE WHEN folder <> '' THEN folder || ' / ' || name ELSE name END, origin FROM (
  SELECT l.origin, l.source, l.folder, l.name, l.date, e.track_id, e.played_at,
         LAG(e.track_id) OVER (PARTITION BY e.list_id ORDER BY e.position) AS prev
  FROM dj_list_entries e JOIN dj_lists l ON l.list_id = e.list_id
  WHERE l.kind = 'history' AND l.origin = ?1)
WHERE prev IS NOT NULL AND track_id IS NOT NULL AND prev <> track_id)sql";
  if (Status s = [&] {
        auto del = db.prepare("DELETE FROM transitions WHERE origin = ?1");
        if (!del) return del.status();
        del->bind(1, origin);
        return del->run();
      }();
      !s) {
    return s;
  }
  auto st = db.prepare(sql);
  if (!st) return st.status();
  st->bind(1, origin);
  return st->run();
}

void read_track(Statement& st, DjTrackRow& t) {
  t.source = st.text(0);
  t.path = st.text(1);
  t.location = st.text(2);
  t.app_id = st.text(3);
  if (!st.is_null(4)) t.track_id = st.text(4);
  t.title = st.text(5);
  t.artist = st.text(6);
  t.album = st.text(7);
  t.genre = st.text(8);
  t.comment = st.text(9);
  if (!st.is_null(10)) t.bpm = st.real(10);
  t.key_text = st.text(11);
  t.key = st.text(12);
  t.grid = st.text(13);
  t.cues = st.text(14);
  if (!st.is_null(15)) t.rating = st.int64(15);
  if (!st.is_null(16)) t.color = st.int64(16);
  t.play_count = st.int64(17);
  if (!st.is_null(18)) t.duration_s = st.real(18);
}

const char* kTrackColumns =
    "source, path, location, app_id, track_id, title, artist, album, genre, comment, bpm, key_text, key, grid, cues, "
    "rating, color, play_count, duration_s";

}  // namespace

Status DjStore::replace_import(const std::string& origin, const std::string& source, const std::vector<DjTrackRow>& tracks,
                               const std::vector<DjListRow>& lists) {
  if (origin.empty()) return Status::Error("an import needs its origin");
  std::lock_guard<std::mutex> lock(c_.mu);
  Database& db = *c_.db;
  const std::string now = utc_now_iso8601();
  return in_transaction(db, [&]() -> Status {
    for (const char* sql : {"DELETE FROM dj_tracks WHERE origin = ?1", "DELETE FROM dj_lists WHERE origin = ?1",
                            "DELETE FROM transitions WHERE origin = ?1"}) {
      auto st = db.prepare(sql);
      if (!st) return st.status();
      st->bind(1, origin);
      if (Status s = st->run(); !s) return s;
    }
    auto ins = db.prepare(std::string("INSERT OR REPLACE INTO dj_tracks(") + kTrackColumns +
                          ", imported_at, origin) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)");
    if (!ins) return ins.status();
    for (const auto& t : tracks) {
      ins->reset();
      ins->bind(1, source).bind(2, t.path).bind(3, t.location).bind(4, t.app_id);
      if (t.track_id) ins->bind(5, *t.track_id);
      else ins->bind_null(5);
      ins->bind(6, t.title).bind(7, t.artist).bind(8, t.album).bind(9, t.genre).bind(10, t.comment).bind(11, t.bpm);
      ins->bind(12, t.key_text).bind(13, t.key).bind(14, t.grid).bind(15, t.cues);
      if (t.rating) ins->bind(16, *t.rating);
      else ins->bind_null(16);
      if (t.color) ins->bind(17, *t.color);
      else ins->bind_null(17);
      ins->bind(18, t.play_count).bind(19, t.duration_s).bind(20, now).bind(21, origin);
      if (Status s = ins->run(); !s) return s;
    }
    auto list = db.prepare("INSERT OR IGNORE INTO dj_lists(source, kind, folder, name, date, imported_at, origin) VALUES(?1,?2,?3,?4,?5,?6,?7)");
    auto id = db.prepare("SELECT list_id FROM dj_lists WHERE origin=?1 AND kind=?2 AND folder=?3 AND name=?4");
    auto entry = db.prepare("INSERT INTO dj_list_entries(list_id, position, path, track_id, played_at) VALUES(?1,?2,?3,?4,?5)");
    if (!list) return list.status();
    if (!id) return id.status();
    if (!entry) return entry.status();
    for (const auto& l : lists) {
      list->reset();
      list->bind(1, source).bind(2, l.kind).bind(3, l.folder).bind(4, l.name).bind(5, l.date).bind(6, now).bind(7, origin);
      if (Status s = list->run(); !s) return s;
      id->reset();
      id->bind(1, origin).bind(2, l.kind).bind(3, l.folder).bind(4, l.name);
      if (!id->step()) return id->status().ok() ? Status::Error("a list vanished while importing") : id->status();
      const int64_t list_id = id->int64(0);
      id->reset();
      // Two lists of one name in one folder are one list: entries continue after the first's.
      auto count = db.prepare("SELECT COUNT(*) FROM dj_list_entries WHERE list_id=?1");
      if (!count) return count.status();
      count->bind(1, list_id);
      int64_t pos = count->step() ? count->int64(0) : 0;
      for (const auto& e : l.entries) {
        entry->reset();
        entry->bind(1, list_id).bind(2, pos++).bind(3, e.path);
        if (e.track_id) entry->bind(4, *e.track_id);
        else entry->bind_null(4);
        entry->bind(5, e.played_at);
        if (Status s = entry->run(); !s) return s;
      }
    }
    return rebuild_transitions(db, origin);
  });
}

Status DjStore::set_matches(const std::map<std::string, std::string>& track_of_path) {
  std::lock_guard<std::mutex> lock(c_.mu);
  Database& db = *c_.db;
  return in_transaction(db, [&]() -> Status {
    auto a = db.prepare("UPDATE dj_tracks SET track_id=?2 WHERE path=?1");
    auto b = db.prepare("UPDATE dj_list_entries SET track_id=?2 WHERE path=?1");
    if (!a) return a.status();
    if (!b) return b.status();
    for (const auto& [path, id] : track_of_path) {
      a->reset();
      a->bind(1, path).bind(2, id);
      if (Status s = a->run(); !s) return s;
      b->reset();
      b->bind(1, path).bind(2, id);
      if (Status s = b->run(); !s) return s;
    }
    auto sources = db.prepare("SELECT DISTINCT origin FROM dj_lists WHERE kind='history'");
    if (!sources) return sources.status();
    std::vector<std::string> names;
    if (Status s = each_row(*sources, [&] { names.push_back(sources->text(0)); }); !s) return s;
    for (const auto& n : names) {
      if (Status s = rebuild_transitions(db, n); !s) return s;
    }
    return Status::Ok();
  });
}

Result<std::vector<DjTrackRow>> DjStore::tracks(const std::string& source) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(std::string("SELECT ") + kTrackColumns + " FROM dj_tracks WHERE ?1 = '' OR source = ?1 ORDER BY source, path");
  if (!st) return st.status();
  st->bind(1, source);
  std::vector<DjTrackRow> out;
  if (Status s = each_row(*st, [&] { read_track(*st, out.emplace_back()); }); !s) return s;
  return out;
}

Result<std::vector<DjTrackRow>> DjStore::tracks_of(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(std::string("SELECT ") + kTrackColumns + " FROM dj_tracks WHERE track_id = ?1 ORDER BY source, path");
  if (!st) return st.status();
  st->bind(1, track_id);
  std::vector<DjTrackRow> out;
  if (Status s = each_row(*st, [&] { read_track(*st, out.emplace_back()); }); !s) return s;
  return out;
}

Result<std::vector<DjListRow>> DjStore::lists(bool with_entries) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT list_id, source, kind, folder, name, date FROM dj_lists ORDER BY source, kind, folder, name");
  if (!st) return st.status();
  std::vector<DjListRow> out;
  if (Status s = each_row(*st, [&] {
        out.push_back({st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4), st->text(5), {}});
      });
      !s) {
    return s;
  }
  if (!with_entries) return out;
  auto e = c_.db->prepare("SELECT path, track_id, played_at FROM dj_list_entries WHERE list_id=?1 ORDER BY position");
  if (!e) return e.status();
  for (auto& l : out) {
    e->reset();
    e->bind(1, l.list_id);
    if (Status s = each_row(*e, [&] {
          l.entries.push_back({e->text(0), e->is_null(1) ? std::nullopt : std::optional<std::string>(e->text(1)), e->text(2)});
        });
        !s) {
      return s;
    }
  }
  return out;
}

Result<std::vector<std::string>> DjStore::members(const std::string& name) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "SELECT DISTINCT e.track_id FROM dj_list_entries e JOIN dj_lists l ON l.list_id = e.list_id "
      "WHERE e.track_id IS NOT NULL AND (lower(l.name) = lower(?1) OR lower(l.folder || ' / ' || l.name) = lower(?1)) ORDER BY e.track_id");
  if (!st) return st.status();
  st->bind(1, name);
  std::vector<std::string> out;
  if (Status s = each_row(*st, [&] { out.push_back(st->text(0)); }); !s) return s;
  return out;
}

Result<std::vector<std::string>> DjStore::unmatched_paths() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "SELECT path FROM dj_tracks WHERE track_id IS NULL UNION SELECT path FROM dj_list_entries WHERE track_id IS NULL ORDER BY 1");
  if (!st) return st.status();
  std::vector<std::string> out;
  if (Status s = each_row(*st, [&] { out.push_back(st->text(0)); }); !s) return s;
  return out;
}

Status DjStore::add_transition(const Transition& t) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("INSERT OR IGNORE INTO transitions(from_track, to_track, at, source, set_name) VALUES(?1,?2,?3,?4,?5)");
  if (!st) return st.status();
  st->bind(1, t.from).bind(2, t.to).bind(3, t.at.empty() ? utc_now_iso8601() : t.at).bind(4, t.source).bind(5, t.set);
  return st->run();
}

Result<std::vector<Transition>> DjStore::transitions_from(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT from_track, to_track, at, source, set_name FROM transitions WHERE from_track=?1 ORDER BY at, rowid");
  if (!st) return st.status();
  st->bind(1, track_id);
  std::vector<Transition> out;
  if (Status s = each_row(*st, [&] { out.push_back({st->text(0), st->text(1), st->text(2), st->text(3), st->text(4)}); }); !s) return s;
  return out;
}

Result<int64_t> DjStore::transition_count() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT COUNT(*) FROM transitions");
  if (!st) return st.status();
  if (!st->step()) return st->status().ok() ? Status::Error("no count") : st->status();
  return st->int64(0);
}

Result<std::vector<std::pair<std::string, std::string>>> DjStore::all_transition_pairs() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT DISTINCT from_track, to_track FROM transitions ORDER BY 1, 2");
  if (!st) return st.status();
  std::vector<std::pair<std::string, std::string>> out;
  if (Status s = each_row(*st, [&] { out.emplace_back(st->text(0), st->text(1)); }); !s) return s;
  return out;
}

Result<std::vector<std::vector<std::string>>> DjStore::co_members(size_t max_size) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "SELECT e.list_id, e.track_id FROM dj_list_entries e JOIN dj_lists l ON l.list_id = e.list_id "
      "WHERE l.kind <> 'history' AND e.track_id IS NOT NULL AND e.list_id IN "
      "(SELECT list_id FROM dj_list_entries GROUP BY list_id HAVING COUNT(*) <= ?1) ORDER BY e.list_id, e.position");
  if (!st) return st.status();
  st->bind(1, static_cast<int64_t>(max_size));
  std::vector<std::vector<std::string>> out;
  int64_t last = -1;
  if (Status s = each_row(*st, [&] {
        if (st->int64(0) != last) out.emplace_back();
        last = st->int64(0);
        out.back().push_back(st->text(1));
      });
      !s) {
    return s;
  }
  return out;
}

Result<std::map<std::string, std::string>> DjStore::last_played() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(
      "SELECT id, MAX(at) FROM (SELECT from_track AS id, at FROM transitions UNION ALL SELECT to_track, at FROM transitions "
      "UNION ALL SELECT track_id, played_at FROM history UNION ALL "
      "SELECT e.track_id, CASE WHEN e.played_at <> '' THEN e.played_at ELSE l.date END FROM dj_list_entries e "
      "JOIN dj_lists l ON l.list_id = e.list_id WHERE l.kind = 'history' AND e.track_id IS NOT NULL) GROUP BY id");
  if (!st) return st.status();
  std::map<std::string, std::string> out;
  if (Status s = each_row(*st, [&] { out[st->text(0)] = st->text(1); }); !s) return s;
  return out;
}

}  // namespace codex::corpus
