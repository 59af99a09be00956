#include "codex/corpus/tracks.h"


#include "codex/core/text.h"

namespace codex::corpus {
namespace {

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : ",") + f;
  return out;
}

constexpr const char* kRowColumns =
    "t.track_id, t.title, t.artist, t.album, t.genre, t.tag_bpm, t.tag_key, t.duration_s, t.container, t.codec, "
    "t.sample_rate, t.channels, t.bit_rate, t.flags, t.added_at, t.updated_at, "
    "(SELECT path FROM locations l WHERE l.track_id=t.track_id ORDER BY path LIMIT 1)";

TrackRow read_row(const Statement& st) {
  TrackRow r;
  r.track_id = st.text(0);
  r.title = st.text(1);
  r.artist = st.text(2);
  r.album = st.text(3);
  r.genre = st.text(4);
  if (!st.is_null(5)) r.tag_bpm = st.real(5);
  if (!st.is_null(6)) r.tag_key = st.text(6);
  r.duration_s = st.real(7);
  r.container = st.text(8);
  r.codec = st.text(9);
  r.sample_rate = st.int64(10);
  r.channels = st.int64(11);
  r.bit_rate = st.int64(12);
  r.flags = st.text(13);
  r.added_at = st.text(14);
  r.updated_at = st.text(15);
  r.first_path = st.is_null(16) ? "" : st.text(16);
  return r;
}

// Within an open transaction: the file now holds `track_id`; any failure recorded for it is cleared.
Status upsert_location(Database& db, const std::string& track_id, const FileStamp& file, const std::string& now) {
  auto loc = db.prepare(
      "INSERT INTO locations(path, track_id, size, mtime_ns, seen_at) VALUES(?1,?2,?3,?4,?5) "
      "ON CONFLICT(path) DO UPDATE SET track_id=excluded.track_id, size=excluded.size, "
      "mtime_ns=excluded.mtime_ns, seen_at=excluded.seen_at");
  if (!loc) return loc.status();
  loc->bind(1, file.path).bind(2, track_id).bind(3, file.size).bind(4, file.mtime_ns).bind(5, now);
  if (Status s = loc->run(); !s) return s;
  auto fail = db.prepare("DELETE FROM failures WHERE path=?1");
  if (!fail) return fail.status();
  fail->bind(1, file.path);
  return fail->run();
}

Result<int64_t> count_of(Connection& c, const char* sql) {
  std::lock_guard<std::mutex> lock(c.mu);
  auto st = c.db->prepare(sql);
  if (!st) return st.status();
  if (!st->step()) return st->status().ok() ? Status::Error("no count") : st->status();
  return st->int64(0);
}

}  // namespace

Result<std::optional<std::string>> TrackStore::track_for_file(const FileStamp& file) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT track_id FROM locations WHERE path=?1 AND size=?2 AND mtime_ns=?3");
  if (!st) return st.status();
  st->bind(1, file.path).bind(2, file.size).bind(3, file.mtime_ns);
  if (st->step()) return std::optional<std::string>(st->text(0));
  if (!st->status()) return st->status();
  return std::optional<std::string>();
}

Status TrackStore::add_location(const std::string& track_id, const FileStamp& file) {
  std::lock_guard<std::mutex> lock(c_.mu);
  return in_transaction(*c_.db, [&]() -> Status { return upsert_location(*c_.db, track_id, file, utc_now_iso8601()); });
}

Status TrackStore::store(const TrackWrite& w) {
  std::lock_guard<std::mutex> lock(c_.mu);
  Database& db = *c_.db;
  const std::string now = utc_now_iso8601();
  const std::string& track_id = w.track_id;
  return in_transaction(db, [&]() -> Status {
    auto t = db.prepare(
        "INSERT INTO tracks(track_id,title,artist,album,genre,tag_bpm,tag_key,duration_s,container,codec,"
        "sample_rate,channels,bit_rate,flags,added_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
        "?15,?15) ON CONFLICT(track_id) DO UPDATE SET title=excluded.title, artist=excluded.artist, "
        "album=excluded.album, genre=excluded.genre, tag_bpm=excluded.tag_bpm, tag_key=excluded.tag_key, "
        "duration_s=excluded.duration_s, container=excluded.container, codec=excluded.codec, "
        "sample_rate=excluded.sample_rate, channels=excluded.channels, bit_rate=excluded.bit_rate, "
        "flags=excluded.flags, updated_at=excluded.updated_at");
    if (!t) return t.status();
    t->bind(1, track_id).bind(2, w.title).bind(3, w.artist);
    t->bind(4, w.album).bind(5, w.genre).bind(6, w.tag_bpm);
    if (!w.tag_key) t->bind_null(7); else t->bind(7, *w.tag_key);
    t->bind(8, w.duration_s).bind(9, w.container).bind(10, w.codec).bind(11, w.sample_rate);
    t->bind(12, w.channels).bind(13, w.bit_rate).bind(14, join_flags(w.flags)).bind(15, now);
    if (Status s = t->run(); !s) return s;

    auto del = db.prepare("DELETE FROM tags WHERE track_id=?1");
    if (!del) return del.status();
    del->bind(1, track_id);
    if (Status s = del->run(); !s) return s;
    auto tag = db.prepare("INSERT OR REPLACE INTO tags(track_id,name,value) VALUES(?1,?2,?3)");
    if (!tag) return tag.status();
    for (const auto& [k, v] : w.tags) {
      tag->reset();
      tag->bind(1, track_id).bind(2, k).bind(3, v);
      if (Status s = tag->run(); !s) return s;
    }

    auto an = db.prepare(
        "INSERT OR REPLACE INTO analyses(track_id,analyzer,version,params_hash,confidence,result,created_at) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7)");
    if (!an) return an.status();
    for (const auto& r : w.results) {
      an->reset();
      an->bind(1, track_id).bind(2, r.stamp.id).bind(3, r.stamp.version).bind(4, r.stamp.params_hash);
      an->bind(5, r.confidence);
      an->bind(6, r.values.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).bind(7, now);
      if (Status s = an->run(); !s) return s;
    }

    return upsert_location(db, track_id, w.file, now);
  });
}

Status TrackStore::record_failure(const std::string& path, const std::string& error) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("INSERT OR REPLACE INTO failures(path,error,at) VALUES(?1,?2,?3)");
  if (!st) return st.status();
  st->bind(1, path).bind(2, error).bind(3, utc_now_iso8601());
  return st->run();
}

Result<std::vector<std::pair<std::string, std::string>>> TrackStore::failures() {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::pair<std::string, std::string>> out;
  auto st = c_.db->prepare("SELECT path, error FROM failures ORDER BY path");
  if (!st) return st.status();
  if (Status s = each_row(*st, [&] { out.emplace_back(st->text(0), st->text(1)); }); !s) return s;
  return out;
}

Result<int64_t> TrackStore::count() { return count_of(c_, "SELECT COUNT(*) FROM tracks"); }
Result<int64_t> TrackStore::location_count() { return count_of(c_, "SELECT COUNT(*) FROM locations"); }

Result<std::vector<TrackRow>> TrackStore::rows() {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<TrackRow> out;
  auto st = c_.db->prepare(std::string("SELECT ") + kRowColumns + " FROM tracks t ORDER BY t.artist, t.title, t.track_id");
  if (!st) return st.status();
  if (Status s = each_row(*st, [&] { out.push_back(read_row(*st)); }); !s) return s;
  return out;
}

Result<std::optional<TrackRow>> TrackStore::row(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare(std::string("SELECT ") + kRowColumns + " FROM tracks t WHERE t.track_id=?1");
  if (!st) return st.status();
  st->bind(1, track_id);
  if (st->step()) return std::optional<TrackRow>(read_row(*st));
  if (!st->status()) return st->status();
  return std::optional<TrackRow>();
}

Result<std::vector<std::string>> TrackStore::resolve(const std::string& query) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::string> ids;
  std::vector<const char*> queries = {"SELECT track_id FROM tracks WHERE track_id=?1",
                                      "SELECT DISTINCT track_id FROM locations WHERE path=?1"};
  if (!query.empty() && query.find_first_not_of("0123456789abcdef") == std::string::npos) {
    queries.push_back("SELECT track_id FROM tracks WHERE substr(track_id,1,length(?1))=?1 ORDER BY track_id");
  }
  for (const char* sql : queries) {
    auto st = c_.db->prepare(sql);
    if (!st) return st.status();
    st->bind(1, query);
    if (Status s = each_row(*st, [&] { ids.push_back(st->text(0)); }); !s) return s;
    if (!ids.empty()) break;
  }
  return ids;
}

Result<std::vector<std::string>> TrackStore::locations(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::string> out;
  auto st = c_.db->prepare("SELECT path FROM locations WHERE track_id=?1 ORDER BY path");
  if (!st) return st.status();
  st->bind(1, track_id);
  if (Status s = each_row(*st, [&] { out.push_back(st->text(0)); }); !s) return s;
  return out;
}

Result<std::map<std::string, std::string>> TrackStore::tags(const std::string& track_id) {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::map<std::string, std::string> out;
  auto st = c_.db->prepare("SELECT name, value FROM tags WHERE track_id=?1 ORDER BY name");
  if (!st) return st.status();
  st->bind(1, track_id);
  if (Status s = each_row(*st, [&] { out[st->text(0)] = st->text(1); }); !s) return s;
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> TrackStore::with_files() {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::pair<std::string, std::string>> out;
  auto st = c_.db->prepare("SELECT track_id, MIN(path) FROM locations GROUP BY track_id ORDER BY track_id");
  if (!st) return st.status();
  if (Status s = each_row(*st, [&] { out.emplace_back(st->text(0), st->text(1)); }); !s) return s;
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> TrackStore::all_locations() {
  std::lock_guard<std::mutex> lock(c_.mu);
  std::vector<std::pair<std::string, std::string>> out;
  auto st = c_.db->prepare("SELECT path, track_id FROM locations ORDER BY path");
  if (!st) return st.status();
  if (Status s = each_row(*st, [&] { out.emplace_back(st->text(0), st->text(1)); }); !s) return s;
  return out;
}

Result<std::vector<std::string>> TrackStore::with_tag_containing(const std::string& name, const std::string& text) {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT DISTINCT track_id FROM tags WHERE lower(name)=lower(?1) AND instr(value, ?2) > 0");
  if (!st) return st.status();
  st->bind(1, name).bind(2, text);
  std::vector<std::string> out;
  Status s = each_row(*st, [&] { out.push_back(st->text(0)); });
  if (!s) return s;
  return out;
}

}  // namespace codex::corpus
