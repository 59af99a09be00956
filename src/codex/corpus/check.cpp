#include "codex/corpus/check.h"

#include <sqlite3.h>

#include <filesystem>
#include <limits>
#include <memory>

#include "codex/corpus/corpus.h"
#include "codex/corpus/sqlite.h"

namespace codex::corpus {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;
struct Finalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, Finalizer>;

// Opens a corpus that may be damaged, for reading only: no checkpoint when it closes, no writes.
Result<Handle> open_for_reading(const std::string& path) {
  if (std::error_code ec; !std::filesystem::exists(path, ec)) return Status::Error("no corpus at " + path);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Handle db(raw);
  if (rc != SQLITE_OK) return Status::Error("cannot open corpus " + path + ": " + one_line(raw ? sqlite3_errmsg(raw) : "?"));
  const int probe = sqlite3_db_readonly(raw, "main") == 1
                        ? sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) & 0xff
                        : SQLITE_OK;
  if (probe == SQLITE_CANTOPEN || probe == SQLITE_READONLY) {
    db.reset();  // a file we may not write, whose WAL memory cannot be made: read it as it is
    std::string err;
    raw = open_immutable(path, &err);
    if (!raw) return Status::Error("cannot open corpus " + path + " (read-only): " + err);
    db.reset(raw);
  }
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_exec(raw, "PRAGMA query_only=1", nullptr, nullptr, nullptr);
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

Stmt prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return Stmt();
  return Stmt(st);
}

// The tables salvage copies, parents first (the built-record cache is rebuilt, not copied).
constexpr const char* kTables[] = {"tracks",   "locations", "tags",      "analyses",        "failures",
                                   "records",  "history",   "llm_replies", "feedback",      "dj_tracks",
                                   "dj_lists", "dj_list_entries", "transitions"};

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

bool is_damage(int rc) { return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB; }

// Seeking the first rowid of `table` at or after `from`: found (with its rowid), the end, damage
// on the way (the b-tree is damaged there), or another error (I/O, lock: salvage must stop).
struct Seek {
  enum { kFound, kEnd, kDamaged, kError } state;
  int64_t rowid = 0;
};
Seek seek(sqlite3* db, const std::string& table, int64_t from) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, ("SELECT rowid FROM \"" + table + "\" WHERE rowid >= ?1 ORDER BY rowid LIMIT 1").c_str(),
                              -1, &raw, nullptr);
  Stmt st(raw);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st.get(), 1, from);
    rc = sqlite3_step(st.get());
    if (rc == SQLITE_ROW) return {Seek::kFound, sqlite3_column_int64(st.get(), 0)};
    if (rc == SQLITE_DONE) return {Seek::kEnd};
  }
  return {is_damage(rc) ? Seek::kDamaged : Seek::kError};
}

// The first rowid after `bad` from which `table` reads again (nullopt: nothing after it does),
// probing bad+1, bad+2, bad+4 ... up to the largest rowid, then bisecting back. An error that is
// not damage is returned as such.
Result<std::optional<int64_t>> resume_after(sqlite3* db, const std::string& table, int64_t bad) {
  int64_t fails = bad, ok = 0;
  bool found = false;
  for (__int128 step = 1;; step *= 2) {
    const int64_t probe = static_cast<int64_t>(std::min<__int128>(static_cast<__int128>(bad) + step, kMax));
    const Seek at = seek(db, table, probe);
    if (at.state == Seek::kError) return Status::Error("database: " + one_line(sqlite3_errmsg(db)));
    if (at.state != Seek::kDamaged) {
      ok = probe;
      found = true;
      break;
    }
    fails = probe;
    if (probe == kMax) break;
  }
  if (!found) return std::optional<int64_t>();
  while (static_cast<__int128>(ok) - fails > 1) {  // bisect: `fails` cannot be read from, `ok` can
    const int64_t mid = static_cast<int64_t>(fails + (static_cast<__int128>(ok) - fails) / 2);
    const Seek at = seek(db, table, mid);
    if (at.state == Seek::kError) return Status::Error("database: " + one_line(sqlite3_errmsg(db)));
    (at.state == Seek::kDamaged ? fails : ok) = mid;
  }
  return std::optional<int64_t>(ok);
}

Status exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Error("database: " + m);
  }
  return Status::Ok();
}

// Copies the readable rows of one table (rowids kept) from `src` into `dst`.
Result<TableSalvage> copy_table(sqlite3* src, sqlite3* dst, const std::string& table,
                                std::vector<std::string>& orphan_paths) {
  TableSalvage t;
  t.table = table;
  constexpr int kBatch = 512;
  Stmt read = prepare(src, "SELECT rowid, * FROM \"" + table + "\" WHERE rowid >= ?1 ORDER BY rowid LIMIT " +
                               std::to_string(kBatch));
  if (!read) {
    const int rc = sqlite3_errcode(src);
    const std::string why = sqlite3_errmsg(src);
    if (why.rfind("no such table", 0) == 0) return t;  // a corpus from before the table existed
    if (!is_damage(rc)) return Status::Error("database: " + one_line(why));
    t.unreadable = true;
    return t;
  }
  const int columns = sqlite3_column_count(read.get());
  std::string names = "rowid", marks = "?";
  int path_column = -1;
  for (int c = 1; c < columns; ++c) {
    const std::string name = sqlite3_column_name(read.get(), c);
    if (name == "path") path_column = c;
    names += ",\"" + name + "\"";
    marks += ",?";
  }
  Stmt write = prepare(dst, "INSERT INTO \"" + table + "\"(" + names + ") VALUES(" + marks + ")");
  if (!write) return Status::Error("database: " + one_line(sqlite3_errmsg(dst)));
  int64_t next = kMin;
  while (true) {
    sqlite3_reset(read.get());
    sqlite3_bind_int64(read.get(), 1, next);
    int n = 0, rc = 0;
    int64_t last = next;
    while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
      ++n;
      last = sqlite3_column_int64(read.get(), 0);
      sqlite3_reset(write.get());
      for (int c = 0; c < columns; ++c) sqlite3_bind_value(write.get(), c + 1, sqlite3_column_value(read.get(), c));
      const int w = sqlite3_step(write.get());
      if (w == SQLITE_DONE) {
        ++t.kept;
      } else if ((w & 0xff) == SQLITE_CONSTRAINT) {
        ++t.dropped;
        if (table == "locations" && path_column >= 0) {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(read.get(), path_column));
          if (p) orphan_paths.emplace_back(p);
        }
      } else {
        return Status::Error("database: " + one_line(sqlite3_errmsg(dst)));
      }
    }
    if (rc == SQLITE_DONE) {
      if (n < kBatch || last == kMax) break;
      next = last + 1;
      continue;
    }
    if (!is_damage(rc)) return Status::Error("database: " + one_line(sqlite3_errmsg(src)));
    ++t.damaged;
    if (n > 0 && last == kMax) break;
    const int64_t from = n > 0 ? last + 1 : next;
    // A row whose rowid can be found but whose content cannot be read: skip just that row.
    const Seek at = seek(src, table, from);
    if (at.state == Seek::kError) return Status::Error("database: " + one_line(sqlite3_errmsg(src)));
    if (at.state != Seek::kDamaged) {
      if (at.state == Seek::kEnd || at.rowid == kMax) break;
      next = at.rowid + 1;
      continue;
    }
    // The way to the rows is damaged: find where reading works again.
    auto resume = resume_after(src, table, from);
    if (!resume) return resume.status();
    if (!*resume) {
      t.unreadable = t.kept == 0 && t.dropped == 0;
      break;
    }
    next = **resume;
  }
  return t;
}

}  // namespace

Result<CheckReport> check(const std::string& path) {
  auto db = open_for_reading(path);
  if (!db) return db.status();
  CheckReport r;
  // Damage is a finding; any other failure (an I/O error, a lock) means the check could not run.
  Status failed = Status::Ok();
  auto collect = [&](const char* sql, auto&& row) {
    if (!failed) return;
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db->get(), sql, -1, &raw, nullptr);
    Stmt st(raw);
    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) row(st.get());
      if (rc == SQLITE_DONE) return;
    }
    const int primary = rc & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
      r.problems.push_back(one_line(sqlite3_errmsg(db->get())));
    } else {
      failed = Status::Error("cannot check corpus " + path + ": " + one_line(sqlite3_errmsg(db->get())));
    }
  };
  collect("PRAGMA integrity_check(100)", [&](sqlite3_stmt* st) {
    const auto* m = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (!m || std::string(m) == "ok") return;
    std::string text = m;  // one message may hold several lines
    for (size_t a = 0, b; a < text.size(); a = b + 1) {
      b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      if (b > a) r.problems.push_back(text.substr(a, b - a));
    }
  });
  collect("PRAGMA foreign_key_check", [&](sqlite3_stmt* st) {
    const auto* table = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    r.problems.push_back(std::string(table ? table : "?") + " row " + std::to_string(sqlite3_column_int64(st, 1)) +
                         " refers to a track that is not in the corpus");
  });
  collect("SELECT count(*) FROM tracks", [&](sqlite3_stmt* st) { r.tracks = sqlite3_column_int64(st, 0); });
  if (!failed) return failed;
  r.ok = r.problems.empty();
  return r;
}

Result<SalvageReport> salvage(const std::string& damaged, const std::string& fresh) {
  if (std::error_code ec; std::filesystem::exists(fresh, ec) || ec) {
    return Status::Error(fresh + (ec ? ": " + ec.message() : " already exists"));
  }
  auto src = open_for_reading(damaged);
  if (!src) return src.status();
  {
    auto made = Corpus::open(fresh);  // the current schema
    if (!made) return made.status();
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(fresh.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Handle dst(raw);
  if (rc != SQLITE_OK) return Status::Error("cannot open " + fresh + ": " + one_line(raw ? sqlite3_errmsg(raw) : "?"));
  sqlite3_busy_timeout(raw, 10000);
  if (Status s = exec(raw, "PRAGMA foreign_keys=ON"); !s) return s;
  if (Status s = exec(raw, "BEGIN IMMEDIATE"); !s) return s;
  SalvageReport report;
  for (const char* table : kTables) {
    auto t = copy_table(src->get(), raw, table, report.orphan_paths);
    if (!t) {
      exec(raw, "ROLLBACK");
      return t.status();
    }
    report.tables.push_back(*t);
  }
  if (Status s = exec(raw, "COMMIT"); !s) {
    exec(raw, "ROLLBACK");
    return s;
  }
  // Everything into the one file, checked (a checkpoint that fails on close would leave the rows
  // in a WAL file that the swap in place does not carry).
  if (Status s = exec(raw, "PRAGMA journal_mode=DELETE"); !s) return s;
  if (std::error_code ec; std::filesystem::exists(fresh + "-wal", ec)) {
    return Status::Error("the salvaged rows could not all be written into " + fresh);
  }
  return report;
}

}  // namespace codex::corpus
