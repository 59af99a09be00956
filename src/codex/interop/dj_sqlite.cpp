// The DJ programs that keep their library in SQLite, read through a read-only connection that never
// changes their files (corpus::Database::open_foreign).
//
// Mixxx's mixxxdb.sqlite, after Mixxx's own schema (res/schema.xml) and its readers: `library`
// (artist, title, album, genre, comment, bpm, key, key_id 1..12 C..B major and 13..24 C..B minor,
// rating 0..5, color, samplerate, duration, beats: a protobuf BeatGrid whose field 1 holds the bpm as
// a double and field 2 the first beat's frame), `track_locations` (location), `cues` (type 1 hot cue,
// 2 main cue, 4 loop, 6 intro, 7 outro; position and length in samples of both channels; hotcue;
// label; color), `crates`/`crate_tracks`, and `Playlists` (hidden 0 a playlist, 2 a set log: the
// history) with `PlaylistTracks` (position, pl_datetime_added).
//
// Engine DJ's m.db (Engine Library/Database2), after libdjinterop's reading of it: `Track` (path
// relative to the Engine Library folder, title, artist, album, genre, comment, bpm/bpmAnalyzed, key
// 0..23 in Camelot-wheel order from 8B: even numbers major, odd minor, rating 0..100), `Playlist`
// (title, parentListId) with `PlaylistEntity` (listId, trackId, nextEntityId: the order, a linked list),
// and, when present, `Historylist`
// with `HistorylistEntity` (listId, trackId, startTime).
#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <cstring>

#include "codex/corpus/sqlite.h"
#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/util.h"
#include "codex/music/key.h"

namespace codex::interop {

namespace fs = std::filesystem;
using corpus::Database;

namespace {

std::set<std::string> columns_of(Database& db, const std::string& table) {
  std::set<std::string> cols;
  auto st = db.prepare("SELECT name FROM pragma_table_info(?1)");
  if (!st) return cols;
  st->bind(1, table);
  while (st->step()) cols.insert(st->text(0));
  return cols;
}

// Each named column, or NULL when the table lacks it (older versions of a schema).
std::string pick(const std::set<std::string>& have, const std::string& table, std::initializer_list<const char*> cols) {
  std::string out;
  for (const char* c : cols) {
    if (!out.empty()) out += ", ";
    out += have.count(c) ? table + "." + c : std::string("NULL");
  }
  return out;
}

std::optional<double> opt_real(const corpus::Statement& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  const double v = st.real(col);
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// Mixxx's BeatGrid protobuf: {1: {1: double bpm}, 2: {1: varint frame}}.
struct ProtoGrid {
  std::optional<double> bpm;
  std::optional<int64_t> first_frame;
};

bool varint(const std::vector<uint8_t>& b, size_t& at, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && at < b.size(); shift += 7) {
    const uint8_t c = b[at++];
    v |= uint64_t(c & 0x7F) << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

// The fields of one protobuf message: (field number, wire type, payload span or value).
struct ProtoField {
  uint64_t number = 0, wire = 0, value = 0;
  std::vector<uint8_t> bytes;
};

bool proto_fields(const std::vector<uint8_t>& b, std::vector<ProtoField>& out) {
  size_t at = 0;
  while (at < b.size()) {
    uint64_t key = 0;
    if (!varint(b, at, key)) return false;
    ProtoField f;
    f.number = key >> 3;
    f.wire = key & 7;
    if (f.wire == 0) {
      if (!varint(b, at, f.value)) return false;
    } else if (f.wire == 1) {
      if (b.size() - at < 8) return false;
      for (int i = 7; i >= 0; --i) f.value = f.value << 8 | b[at + static_cast<size_t>(i)];
      at += 8;
    } else if (f.wire == 2) {
      uint64_t n = 0;
      if (!varint(b, at, n) || n > b.size() - at) return false;
      f.bytes.assign(b.begin() + static_cast<long>(at), b.begin() + static_cast<long>(at + n));
      at += n;
    } else if (f.wire == 5) {
      if (b.size() - at < 4) return false;
      at += 4;
    } else {
      return false;
    }
    out.push_back(std::move(f));
  }
  return true;
}

ProtoGrid mixxx_grid(const std::vector<uint8_t>& blob) {
  ProtoGrid g;
  std::vector<ProtoField> top;
  if (!proto_fields(blob, top)) return g;
  for (const auto& f : top) {
    std::vector<ProtoField> in;
    if (f.wire != 2 || !proto_fields(f.bytes, in)) continue;
    for (const auto& x : in) {
      if (f.number == 1 && x.number == 1 && x.wire == 1) {
        double d;
        std::memcpy(&d, &x.value, sizeof d);
        if (std::isfinite(d) && d > 0) g.bpm = d;
      }
      if (f.number == 2 && x.number == 1 && x.wire == 0) g.first_frame = static_cast<int64_t>(static_cast<int32_t>(x.value));
    }
  }
  return g;
}

// Columns `first`.. `first + 4`: title, artist, album, genre, comment (both programs' order here).
void read_text_fields(const corpus::Statement& st, int first, DjTrack& t) {
  t.title = st.text(first);
  t.artist = st.text(first + 1);
  t.album = st.text(first + 2);
  t.genre = st.text(first + 3);
  t.comment = st.text(first + 4);
}

std::string mixxx_key(int64_t key_id) {
  if (key_id < 1 || key_id > 24) return "";
  const int k = static_cast<int>(key_id - 1);
  return music::Key{k % 12, k >= 12}.camelot();
}

std::string engine_key(int64_t v) {
  if (v < 0 || v > 23) return "";
  const int number = static_cast<int>((7 + v / 2) % 12) + 1;
  return std::to_string(number) + (v % 2 ? "A" : "B");
}

std::string iso_from_unix(int64_t t) {
  if (t <= 0) return "";
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "2024-05-01 21:30:00" or "2024-05-01T21:30:00Z" -> "2024-05-01T21:30:00Z".
std::string iso_from_text(std::string t) {
  if (t.size() < 19) return "";
  t[10] = 'T';
  t.resize(19);
  return t + "Z";
}

}  // namespace

Result<DjLibrary> read_mixxx_db(const std::string& path) {
  auto opened = Database::open_foreign(path);
  if (!opened) return opened.status();
  Database& db = **opened;
  const auto lib_cols = columns_of(db, "library");
  if (lib_cols.empty() || columns_of(db, "track_locations").empty()) {
    return Status::Error(path + ": not a Mixxx library (no library and track_locations tables)");
  }
  DjLibrary lib;
  lib.source = "mixxx";
  std::map<int64_t, size_t> by_id;
  std::map<int64_t, double> rate_of;
  {
    const std::string sql = "SELECT library.id, track_locations.location, " +
                            pick(lib_cols, "library", {"title", "artist", "album", "genre", "comment", "bpm", "key", "key_id",
                                                       "rating", "color", "samplerate", "duration", "beats", "timesplayed",
                                                       "beats_version"}) +
                            " FROM library JOIN track_locations ON library.location = track_locations.id" +
                            (lib_cols.count("mixxx_deleted") ? " WHERE library.mixxx_deleted = 0" : "") + " ORDER BY library.id";
    auto st = db.prepare(sql);
    if (!st) return Status::Error(path + ": " + st.status().message());
    while (st->step()) {
      DjTrack t;
      t.app_id = std::to_string(st->int64(0));
      t.location = st->text(1);
      t.path = normalize_path(t.location);
      read_text_fields(*st, 2, t);
      t.bpm = opt_real(*st, 7);
      if (t.bpm && *t.bpm <= 0) t.bpm.reset();
      t.key_text = st->text(8);
      t.key = st->is_null(9) ? "" : mixxx_key(st->int64(9));
      if (t.key.empty()) t.key = camelot_from_text(t.key_text);
      if (!st->is_null(10)) t.rating = static_cast<int>(std::clamp<int64_t>(st->int64(10), 0, 5));
      if (!st->is_null(11) && st->int64(11) >= 0) t.color = static_cast<uint32_t>(st->int64(11)) & 0xFFFFFFu;
      const double rate = opt_real(*st, 12).value_or(0.0);
      t.duration_s = opt_real(*st, 13);
      // Only the protobuf grid (BeatGrid-2.0); older blobs and beat maps are other layouts.
      if (!st->is_null(14) && rate > 0 && st->text(16) == "BeatGrid-2.0") {
        const ProtoGrid g = mixxx_grid(st->blob(14));
        if (g.bpm && g.first_frame) t.grid.push_back({static_cast<double>(*g.first_frame) / rate, *g.bpm, 1});
      }
      if (!st->is_null(15)) t.play_count = static_cast<int>(std::max<int64_t>(0, st->int64(15)));
      if (t.path.empty()) continue;
      const int64_t id = st->int64(0);
      rate_of[id] = rate;
      by_id[id] = lib.tracks.size();
      lib.tracks.push_back(std::move(t));
    }
    if (!st->status()) return Status::Error(path + ": " + st->status().message());
  }
  if (const auto cols = columns_of(db, "cues"); cols.count("track_id") && cols.count("position")) {
    auto st = db.prepare("SELECT track_id, " + pick(cols, "cues", {"type", "position", "length", "hotcue", "label", "color"}) +
                         " FROM cues ORDER BY track_id, position");
    if (st) {
      size_t skipped = 0;
      while (st->step()) {
        auto it = by_id.find(st->int64(0));
        const double rate = it == by_id.end() ? 0.0 : rate_of[st->int64(0)];
        if (it == by_id.end() || rate <= 0 || st->real(2) < 0) {
          ++skipped;
          continue;
        }
        Cue c;
        const int64_t type = st->int64(1);
        c.kind = type == 4 ? "loop" : type == 6 ? "fade-in" : type == 7 ? "fade-out" : type == 2 ? "load" : "cue";
        c.position_s = st->real(2) / 2.0 / rate;  // samples of both channels
        if (st->real(3) > 0) c.length_s = st->real(3) / 2.0 / rate;
        c.hotcue = type == 1 || type == 4 ? static_cast<int>(std::clamp<int64_t>(st->int64(4), -1, 7)) : -1;
        c.name = st->text(5);
        if (!st->is_null(6) && st->int64(6) >= 0) c.color = static_cast<uint32_t>(st->int64(6)) & 0xFFFFFFu;
        lib.tracks[it->second].cues.push_back(std::move(c));
      }
      if (skipped) lib.warnings.push_back(std::to_string(skipped) + " cues of unknown tracks or without a sample rate: skipped");
    }
  }
  auto add_entries = [&](DjList& l, corpus::Statement& st) {
    while (st.step()) {
      auto it = by_id.find(st.int64(0));
      if (it == by_id.end()) continue;
      l.paths.push_back(lib.tracks[it->second].path);
      l.played_at.push_back(st.is_null(1) ? "" : iso_from_text(st.text(1)));
    }
  };
  if (!columns_of(db, "crates").empty() && !columns_of(db, "crate_tracks").empty()) {
    auto crates = db.prepare("SELECT id, name FROM crates ORDER BY name, id");
    if (crates) {
      while (crates->step()) {
        DjList l;
        l.kind = "crate";
        l.name = crates->text(1);
        auto st = db.prepare("SELECT track_id, NULL FROM crate_tracks WHERE crate_id = ?1 ORDER BY track_id");
        if (!st) break;
        st->bind(1, crates->int64(0));
        add_entries(l, *st);
        lib.lists.push_back(std::move(l));
      }
    }
  }
  if (const auto pcols = columns_of(db, "Playlists"); !pcols.empty() && !columns_of(db, "PlaylistTracks").empty()) {
    const auto tcols = columns_of(db, "PlaylistTracks");
    auto lists = db.prepare("SELECT id, name, " + pick(pcols, "Playlists", {"hidden", "date_created"}) + " FROM Playlists ORDER BY position, id");
    if (lists) {
      while (lists->step()) {
        const int64_t hidden = lists->is_null(2) ? 0 : lists->int64(2);
        if (hidden == 1) continue;  // the Auto DJ queue
        DjList l;
        l.kind = hidden == 2 ? "history" : "playlist";
        l.name = lists->text(1);
        if (l.kind == "history") {
          l.date = detail::find_date(lists->is_null(3) ? l.name : lists->text(3));
          if (l.date.empty()) l.date = detail::find_date(l.name);
        }
        auto st = db.prepare("SELECT track_id, " + pick(tcols, "PlaylistTracks", {"pl_datetime_added"}) +
                             " FROM PlaylistTracks WHERE playlist_id = ?1 ORDER BY position, id");
        if (!st) break;
        st->bind(1, lists->int64(0));
        add_entries(l, *st);
        lib.lists.push_back(std::move(l));
      }
    }
  }
  return lib;
}

Result<DjLibrary> read_engine_db(const std::string& path) {
  std::string file = path;
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    for (const char* sub : {"Database2/m.db", "m.db", "Engine Library/Database2/m.db"}) {
      if (fs::is_regular_file(fs::path(path) / sub, ec)) {
        file = (fs::path(path) / sub).string();
        break;
      }
    }
  }
  auto opened = Database::open_foreign(file);
  if (!opened) return opened.status();
  Database& db = **opened;
  const auto cols = columns_of(db, "Track");
  if (!cols.count("path") || !cols.count("id")) return Status::Error(file + ": not an Engine DJ database (no Track table with paths)");
  // Paths are relative to the Engine Library folder, the parent of Database2.
  const fs::path dbdir = fs::absolute(fs::path(file)).parent_path();
  const std::string base = normalize_path((dbdir.filename() == "Database2" ? dbdir.parent_path() : dbdir).string());
  DjLibrary lib;
  lib.source = "engine";
  std::map<int64_t, size_t> by_id;
  auto st = db.prepare("SELECT id, path, " + pick(cols, "Track", {"title", "artist", "album", "genre", "comment", "bpmAnalyzed", "bpm", "key", "rating", "length"}) +
                       " FROM Track ORDER BY id");
  if (!st) return Status::Error(file + ": " + st.status().message());
  while (st->step()) {
    DjTrack t;
    t.app_id = std::to_string(st->int64(0));
    t.location = st->text(1);
    const bool absolute = !t.location.empty() && (t.location[0] == '/' || (t.location.size() > 1 && t.location[1] == ':'));
    t.path = normalize_path(absolute ? t.location : base + "/" + t.location);
    read_text_fields(*st, 2, t);
    t.bpm = opt_real(*st, 7);
    if (!t.bpm || *t.bpm <= 0) t.bpm = opt_real(*st, 8);
    if (t.bpm && *t.bpm <= 0) t.bpm.reset();
    if (!st->is_null(9)) {
      t.key_text = std::to_string(st->int64(9));
      t.key = engine_key(st->int64(9));
    }
    if (!st->is_null(10)) t.rating = static_cast<int>(std::clamp<int64_t>((st->int64(10) + 10) / 20, 0, 5));
    t.duration_s = opt_real(*st, 11);
    if (t.path.empty()) continue;
    by_id[st->int64(0)] = lib.tracks.size();
    lib.tracks.push_back(std::move(t));
  }
  if (!st->status()) return Status::Error(file + ": " + st->status().message());
  auto read_lists = [&](const char* list_table, const char* entity_table, const char* kind, const char* time_col) {
    const auto lcols = columns_of(db, list_table), ecols = columns_of(db, entity_table);
    if (!lcols.count("id") || !ecols.count("listId") || !ecols.count("trackId")) return;
    std::map<int64_t, std::pair<std::string, int64_t>> info;  // id -> (title, parent)
    auto ls = db.prepare(std::string("SELECT id, ") + pick(lcols, list_table, {"title", "parentListId"}) + " FROM " + list_table + " ORDER BY id");
    if (!ls) return;
    std::vector<int64_t> ids;
    while (ls->step()) {
      info[ls->int64(0)] = {ls->text(1), ls->is_null(2) ? 0 : ls->int64(2)};
      ids.push_back(ls->int64(0));
    }
    for (int64_t id : ids) {
      DjList l;
      l.kind = kind;
      l.name = info[id].first;
      for (int64_t p = info[id].second, hops = 0; p != 0 && info.count(p) && hops < 64; p = info[p].second, ++hops) {
        l.folder.insert(l.folder.begin(), info[p].first);
      }
      auto es = db.prepare(std::string("SELECT trackId, ") + pick(ecols, entity_table, {time_col, "id", "nextEntityId"}) + " FROM " +
                           entity_table + " WHERE listId = ?1 ORDER BY id");
      if (!es) return;
      es->bind(1, id);
      struct Entity {
        int64_t track = 0, id = 0, next = 0;
        std::string at;
      };
      std::vector<Entity> rows;
      while (es->step()) {
        rows.push_back({es->int64(0), es->is_null(2) ? 0 : es->int64(2), es->is_null(3) ? 0 : es->int64(3),
                        es->is_null(1) ? "" : iso_from_unix(es->int64(1))});
      }
      // A playlist's order is the linked list of nextEntityId, from the entity nobody points at;
      // what the chain does not reach follows in id order.
      std::map<int64_t, size_t> at_id;
      std::set<int64_t> pointed;
      for (size_t k = 0; k < rows.size(); ++k) {
        at_id[rows[k].id] = k;
        if (rows[k].next) pointed.insert(rows[k].next);
      }
      std::vector<size_t> order;
      std::vector<bool> used(rows.size(), false);
      for (size_t k = 0; k < rows.size(); ++k) {
        if (pointed.count(rows[k].id) || used[k]) continue;
        for (size_t j = k; !used[j];) {
          used[j] = true;
          order.push_back(j);
          auto nx = at_id.find(rows[j].next);
          if (!rows[j].next || nx == at_id.end()) break;
          j = nx->second;
        }
        break;  // one head
      }
      for (size_t k = 0; k < rows.size(); ++k) {
        if (!used[k]) order.push_back(k);
      }
      for (size_t k : order) {
        auto it = by_id.find(rows[k].track);
        if (it == by_id.end()) continue;
        l.paths.push_back(lib.tracks[it->second].path);
        l.played_at.push_back(rows[k].at);
      }
      if (std::string(kind) == "history") {
        for (const auto& w : l.played_at) {
          if (!w.empty()) {
            l.date = w.substr(0, 10);
            break;
          }
        }
        if (l.date.empty()) l.date = detail::find_date(l.name);
      }
      lib.lists.push_back(std::move(l));
    }
  };
  read_lists("Playlist", "PlaylistEntity", "playlist", "startTime");  // no times: NULL
  read_lists("Historylist", "HistorylistEntity", "history", "startTime");
  return lib;
}

}  // namespace codex::interop
