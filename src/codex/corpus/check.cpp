#include "codex/corpus/check.h"

#include <filesystem>
#include <limits>
#include <memory>

#include "codex/corpus/corpus.h"
#include "codex/corpus/sqlite.h"

namespace codex::corpus {
namespace {

// The tables salvage copies, parents first (the built-record cache is rebuilt, not copied).
constexpr const char* kTables[] = {"tracks",   "locations", "tags",      "analyses",        "failures",
                                   "records",  "history",   "llm_replies", "feedback",      "dj_tracks",
                                   "dj_lists", "dj_list_entries", "transitions", "adaptations"};

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

bool is_damage(const Status& s) { return s.code() == Code::kCorrupt; }

// Seeking the first rowid of `table` at or after `from`: found (with its rowid), the end, damage
// on the way (the b-tree is damaged there), or another error (I/O, lock: salvage must stop).
struct Seek {
  enum { kFound, kEnd, kDamaged, kError } state;
  int64_t rowid = 0;
  Status error;
};
Seek seek(Database& db, const std::string& table, int64_t from) {
  auto st = db.prepare("SELECT rowid FROM \"" + table + "\" WHERE rowid >= ?1 ORDER BY rowid LIMIT 1");
  Status failed = st.status();
  if (st) {
    st->bind(1, from);
    if (st->step()) return {Seek::kFound, st->int64(0), {}};
    if (st->status()) return {Seek::kEnd, 0, {}};
    failed = st->status();
  }
  return {is_damage(failed) ? Seek::kDamaged : Seek::kError, 0, failed};
}

// The first rowid after `bad` from which `table` reads again (nullopt: nothing after it does),
// probing bad+1, bad+2, bad+4 ... up to the largest rowid, then bisecting back. An error that is
// not damage is returned as such.
Result<std::optional<int64_t>> resume_after(Database& db, const std::string& table, int64_t bad) {
  int64_t fails = bad, ok = 0;
  bool found = false;
  for (__int128 step = 1;; step *= 2) {
    const int64_t probe = static_cast<int64_t>(std::min<__int128>(static_cast<__int128>(bad) + step, kMax));
    const Seek at = seek(db, table, probe);
    if (at.state == Seek::kError) return at.error;
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
    if (at.state == Seek::kError) return at.error;
    (at.state == Seek::kDamaged ? fails : ok) = mid;
  }
  return std::optional<int64_t>(ok);
}

// Whether the damaged corpus has `table` (one from before the table existed has not).
Result<bool> has_table(Database& db, const std::string& table) {
  auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!st) return st.status();
  st->bind(1, table);
  if (!st->step()) return st->status().ok() ? Status::Error("database: no answer") : st->status();
  return st->int64(0) > 0;
}

// The statement that writes one row of `read` into `table`, its columns named as `read` names
// them (rowid first); `path_column` is set to the column that holds a file path, if any.
Result<Statement> writer_for(Database& dst, const std::string& table, const Statement& read, int* path_column) {
  std::string names = "rowid", marks = "?";
  for (int c = 1; c < read.column_count(); ++c) {
    const std::string name = read.column_name(c);
    if (name == "path") *path_column = c;
    names += ",\"" + name + "\"";
    marks += ",?";
  }
  return dst.prepare("INSERT INTO \"" + table + "\"(" + names + ") VALUES(" + marks + ")");
}

// Copies the readable rows of one table (rowids kept) from `src` into `dst`.
Result<TableSalvage> copy_table(Database& src, Database& dst, const std::string& table,
                                std::vector<std::string>& orphan_paths) {
  TableSalvage t;
  t.table = table;
  constexpr int kBatch = 512;
  auto read = src.prepare("SELECT rowid, * FROM \"" + table + "\" WHERE rowid >= ?1 ORDER BY rowid LIMIT " +
                          std::to_string(kBatch));
  if (!read) {
    if (is_damage(read.status())) {
      t.unreadable = true;
      return t;
    }
    auto exists = has_table(src, table);
    if (exists && !*exists) return t;  // a corpus from before the table existed
    if (exists || !is_damage(exists.status())) return exists ? read.status() : exists.status();
    t.unreadable = true;
    return t;
  }
  int path_column = -1;
  auto write = writer_for(dst, table, *read, &path_column);
  if (!write) return write.status();
  const int columns = read->column_count();
  int64_t next = kMin;
  while (true) {
    read->reset();
    read->bind(1, next);
    int n = 0;
    int64_t last = next;
    while (read->step()) {
      ++n;
      last = read->int64(0);
      write->reset();
      for (int c = 0; c < columns; ++c) write->bind_column(c + 1, *read, c);
      if (!write->step() && write->status()) {
        ++t.kept;
      } else if (write->violated_constraint()) {
        ++t.dropped;
        if (table == "locations" && path_column >= 0 && !read->is_null(path_column)) {
          orphan_paths.push_back(read->text(path_column));
        }
      } else {
        return write->status().ok() ? Status::Error("database: an insert returned a row") : write->status();
      }
    }
    if (read->status()) {
      if (n < kBatch || last == kMax) break;
      next = last + 1;
      continue;
    }
    if (!is_damage(read->status())) return read->status();
    ++t.damaged;
    if (n > 0 && last == kMax) break;
    const int64_t from = n > 0 ? last + 1 : next;
    // A row whose rowid can be found but whose content cannot be read: skip just that row.
    const Seek at = seek(src, table, from);
    if (at.state == Seek::kError) return at.error;
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
  auto db = Database::open_to_inspect(path);
  if (!db) return db.status();
  CheckReport r;
  // Damage is a finding; any other failure (an I/O error, a lock) means the check could not run.
  Status failed = Status::Ok();
  auto collect = [&](const char* sql, auto&& row) {
    if (!failed) return;
    auto st = (*db)->prepare(sql);
    Status s = st.status();
    if (st) {
      while (st->step()) row(*st);
      s = st->status();
    }
    if (s) return;
    if (is_damage(s)) {
      r.problems.push_back(s.message());
    } else {
      failed = s.with_context("cannot check corpus " + path + ": ");
    }
  };
  collect("PRAGMA integrity_check(100)", [&](const Statement& st) {
    const std::string text = st.text(0);  // one message may hold several lines
    if (st.is_null(0) || text == "ok") return;
    for (size_t a = 0, b; a < text.size(); a = b + 1) {
      b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      if (b > a) r.problems.push_back(text.substr(a, b - a));
    }
  });
  collect("PRAGMA foreign_key_check", [&](const Statement& st) {
    const std::string table = st.is_null(0) ? "?" : st.text(0);
    r.problems.push_back(table + " row " + std::to_string(st.int64(1)) +
                         " refers to a track that is not in the corpus");
  });
  collect("SELECT count(*) FROM tracks", [&](const Statement& st) { r.tracks = st.int64(0); });
  if (!failed) return failed;
  r.ok = r.problems.empty();
  return r;
}

Result<SalvageReport> salvage(const std::string& damaged, const std::string& fresh) {
  if (std::error_code ec; std::filesystem::exists(fresh, ec) || ec) {
    return Status::Error(fresh + (ec ? ": " + ec.message() : " already exists"));
  }
  auto src = Database::open_to_inspect(damaged);
  if (!src) return src.status();
  {
    auto made = Corpus::open(fresh);  // the current schema
    if (!made) return made.status();
  }
  auto dst = Database::open(fresh);  // foreign keys on, so rows whose track is lost are dropped
  if (!dst) return dst.status();
  Database& out = **dst;
  SalvageReport report;
  Status copied = in_transaction(out, [&]() -> Status {
    for (const char* table : kTables) {
      auto t = copy_table(**src, out, table, report.orphan_paths);
      if (!t) return t.status();
      report.tables.push_back(*t);
    }
    return Status::Ok();
  });
  if (!copied) return copied;
  // Everything into the one file, checked (a checkpoint that fails on close would leave the rows
  // in a WAL file that the swap in place does not carry).
  if (Status s = out.exec("PRAGMA journal_mode=DELETE"); !s) return s;
  if (std::error_code ec; std::filesystem::exists(fresh + "-wal", ec)) {
    return Status::Error("the salvaged rows could not all be written into " + fresh);
  }
  return report;
}

}  // namespace codex::corpus
