// A thin RAII layer over SQLite: a connection and prepared statements. Errors come back as
// Status with SQLite's message; nothing throws.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codex/core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace codex::corpus {

class Statement {
 public:
  Statement() = default;
  // `inspecting`: damage is reported in SQLite's own words, without the advice to repair.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool inspecting = false)
      : db_(db), stmt_(stmt), inspecting_(inspecting) {}
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<int64_t>(v)); }
  Statement& bind(int index, double v);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const std::vector<uint8_t>& bytes);
  Statement& bind(int index, const std::optional<double>& v) { return v ? bind(index, *v) : bind_null(index); }
  // Binds column `col` of `from`'s current row as it is stored (any type, rowids and blobs kept).
  Statement& bind_column(int index, const Statement& from, int col);

  // Advances: true when a row is available, false when done (check status()).
  bool step();
  Status run();  // steps to completion
  Status status() const { return status_; }
  // The last step failed on a UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint.
  bool violated_constraint() const { return constraint_; }
  void reset();

  int column_count() const;
  std::string column_name(int col) const;

  bool is_null(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::vector<uint8_t> blob(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
  bool constraint_ = false;
  bool inspecting_ = false;
};

class Database {
 public:
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens (creating parent folders and the file if needed) with WAL, foreign keys and a busy timeout;
  // a file that cannot be written is opened for reading (see read_only()).
  static Result<std::unique_ptr<Database>> open(const std::string& path);

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  int64_t changes() const;
  // Opened from a file this process may not write: reads work, writes fail.
  bool read_only() const { return read_only_; }

  // Another program's SQLite file (a DJ program's library), for reading only and never changed:
  // opened as immutable, or, when its write-ahead log holds changes, a private copy of the file and
  // its log (removed when closed) is read instead. An error for a file that is not SQLite.
  static Result<std::unique_ptr<Database>> open_foreign(const std::string& path);

  // A corpus that may be damaged, to read and never change: no writes, and no checkpoint when it
  // closes (a damaged file is not rewritten). A file this process may not write is read as it is.
  static Result<std::unique_ptr<Database>> open_to_inspect(const std::string& path);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  bool read_only_ = false;
  bool inspecting_ = false;  // open_to_inspect
  std::string private_copy_;  // a folder to remove when closed (open_foreign)
};

// SQLite's messages may quote schema text over several lines: errors are one line.
std::string one_line(std::string text);

// Runs a function inside BEGIN IMMEDIATE / COMMIT, rolling back if it fails.
template <class F>
Status in_transaction(Database& db, F&& body) {
  if (Status s = db.exec("BEGIN IMMEDIATE"); !s) return s;
  Status s = body();
  if (!s) {
    db.exec("ROLLBACK");
    return s;
  }
  if (Status c = db.exec("COMMIT"); !c) {
    db.exec("ROLLBACK");
    return c;
  }
  return Status::Ok();
}

}  // namespace codex::corpus
