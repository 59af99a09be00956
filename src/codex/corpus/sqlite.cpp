#include "codex/corpus/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>


namespace codex::corpus {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}
Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), status_(o.status_), constraint_(o.constraint_), inspecting_(o.inspecting_) {
  o.stmt_ = nullptr;
}
Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    status_ = o.status_;
    constraint_ = o.constraint_;
    inspecting_ = o.inspecting_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::bind(int i, std::string_view t) {
  sqlite3_bind_text(stmt_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind_blob(int i, const std::vector<uint8_t>& b) {
  sqlite3_bind_blob(stmt_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Statement& Statement::bind_column(int i, const Statement& from, int col) {
  sqlite3_bind_value(stmt_, i, sqlite3_column_value(from.stmt_, col));
  return *this;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

namespace {
// SQLite's message, and for damage what to do about it (unless the damage is being inspected);
// the code says which kind of failure.
Status error_status(sqlite3* db, int rc, bool inspecting = false) {
  std::string m = "database: " + one_line(sqlite3_errmsg(db));
  const int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    // Inspecting damage (codex check), the finding is SQLite's own words.
    return Status::Corrupt(inspecting ? one_line(sqlite3_errmsg(db)) : m + " (codex check --repair saves what can be read)");
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Busy(m);
  return Status::Io(m);
}
}  // namespace

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  constraint_ = (rc & 0xff) == SQLITE_CONSTRAINT;
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = error_status(db_, rc, inspecting_);
  return false;
}

Status Statement::run() {
  while (step()) {
  }
  return status_;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
  constraint_ = false;
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int c) const {
  const char* n = sqlite3_column_name(stmt_, c);
  return n ? n : "";
}

bool Statement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
int64_t Statement::int64(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::real(int c) const { return sqlite3_column_double(stmt_, c); }
std::string Statement::text(int c) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
}

std::vector<uint8_t> Statement::blob(int c) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, c));
  return p ? std::vector<uint8_t>(p, p + sqlite3_column_bytes(stmt_, c)) : std::vector<uint8_t>();
}

Database::~Database() {
  sqlite3_close_v2(db_);
  if (!private_copy_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(private_copy_, ec);
  }
}

namespace {
// Opens a file for reading only, as immutable (no locks, no WAL): for a corpus this process may
// not write. nullptr (and `error`) when it cannot be opened.
sqlite3* open_immutable(const std::string& path, std::string* error) {
  // Only when nothing waits in a WAL file: immutable reads the main file alone.
  std::error_code ec;
  if (std::filesystem::file_size(path + "-wal", ec) > 0 && !ec) {
    *error = "its journal (" + path + "-wal) holds changes that only a process that may write it can apply";
    return nullptr;
  }
  // An absolute path, so that "file:" never reads a leading "//" as a host name.
  const std::string absolute = std::filesystem::absolute(path, ec).string();
  std::string uri = "file://";
  for (const unsigned char ch : ec ? path : absolute) {
    if (ch == '%' || ch == '?' || ch == '#' || ch < 0x21 || ch > 0x7e) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", ch);
      uri += hex;
    } else {
      uri += static_cast<char>(ch);
    }
  }
  uri += "?immutable=1";
  sqlite3* ro = nullptr;
  if (sqlite3_open_v2(uri.c_str(), &ro, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    *error = ro ? one_line(sqlite3_errmsg(ro)) : "out of memory";
    sqlite3_close_v2(ro);
    return nullptr;
  }
  return ro;
}
}  // namespace

Result<std::unique_ptr<Database>> Database::open_foreign(const std::string& path) {
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error("cannot open " + path);
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() != 16 || std::memcmp(header, "SQLite format 3", 16) != 0) {
      return Status::Error(path + ": not an SQLite database");
    }
  }
  std::error_code ec;
  auto waiting = [&](const char* suffix) {
    std::error_code e;
    return std::filesystem::file_size(path + suffix, e) > 0 && !e;
  };
  if (waiting("-wal") || waiting("-journal")) {
    // Changes wait in the log, or a half-done transaction in the journal: read a private copy of
    // the file with it (SQLite applies or rolls it back there), so the program's own files stay
    // untouched. Copied again if the program wrote meanwhile.
    std::string tmpl = (std::filesystem::temp_directory_path(ec) / "codex-foreign-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return Status::Error("cannot make a folder for a private copy of " + path);
    const std::string copy = tmpl + "/library.db";
    auto stamp = [&] {
      std::string st;
      for (const char* suffix : {"", "-wal", "-journal"}) {
        std::error_code e;
        const auto size = std::filesystem::file_size(path + suffix, e);
        const auto time = std::filesystem::last_write_time(path + suffix, e);
        st += std::to_string(e ? 0 : size) + ":" + std::to_string(e ? 0 : time.time_since_epoch().count()) + ";";
      }
      return st;
    };
    bool steady = false;
    for (int attempt = 0; attempt < 3 && !steady; ++attempt) {
      const std::string before = stamp();
      ec.clear();
      std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing, ec);
      for (const char* suffix : {"-wal", "-journal"}) {
        std::error_code e;
        std::filesystem::remove(copy + suffix, e);
        if (!ec && waiting(suffix)) std::filesystem::copy_file(path + suffix, copy + suffix, ec);
      }
      steady = !ec && stamp() == before;
    }
    sqlite3* raw = nullptr;
    if (!steady || sqlite3_open_v2(copy.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(raw);
      std::filesystem::remove_all(tmpl, ec);
      return Status::Error(steady ? "cannot read a private copy of " + path
                                  : path + " kept changing while CODEX copied it; close the program and try again");
    }
    std::unique_ptr<Database> db(new Database(raw));
    db->private_copy_ = tmpl;
    db->read_only_ = true;
    if (Status s = db->exec("SELECT count(*) FROM sqlite_master"); !s) return Status::Error(path + ": " + s.message());
    return db;
  }
  std::string err;
  sqlite3* ro = open_immutable(path, &err);
  if (!ro) return Status::Error("cannot open " + path + ": " + err);
  std::unique_ptr<Database> db(new Database(ro));
  db->read_only_ = true;
  // A file with SQLite's header but damaged inside fails here, not half-way through a read.
  if (Status s = db->exec("SELECT count(*) FROM sqlite_master"); !s) return Status::Error(path + ": " + s.message());
  return db;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? one_line(sqlite3_errmsg(raw)) : "out of memory";
    sqlite3_close_v2(raw);
    return Status::Error("cannot open corpus " + path + ": " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 10000);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    // A file we may not write (another user's corpus, a read-only disk): read it as it is. WAL
    // needs its shared-memory file; when that cannot be made either, read the file as immutable.
    db->read_only_ = true;
    const int probe = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) & 0xff;
    if (probe == SQLITE_CANTOPEN || probe == SQLITE_READONLY) {
      db.reset();
      std::string err;
      sqlite3* ro = open_immutable(path, &err);
      if (!ro) return Status::Error("cannot open corpus " + path + " (read-only): " + err);
      db.reset(new Database(ro));
      db->read_only_ = true;
    }
    if (Status s = db->exec("PRAGMA foreign_keys=ON"); !s) {
      return Status::Error("cannot open corpus " + path + " (read-only): " + s.message());
    }
    return db;
  }
  // WAL keeps readers and one writer apart and makes a killed run leave a consistent file.
  // Switching a new file to WAL needs it to itself: when another process opens the same new file
  // at that moment, SQLite reports busy at once (a deadlock it will not wait out), so the switch is
  // tried again for as long as the busy timeout.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    Status s = db->exec(pragma);
    for (int waited_ms = 0; !s && s.code() == Code::kBusy && waited_ms < 10000; waited_ms += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      s = db->exec(pragma);
    }
    if (!s) return s.with_context("cannot open corpus " + path + ": ");
  }
  return db;
}

Result<std::unique_ptr<Database>> Database::open_to_inspect(const std::string& path) {
  if (std::error_code ec; !std::filesystem::exists(path, ec)) return Status::NotFound("no corpus at " + path);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    return Status::Error("cannot open corpus " + path + ": " + one_line(raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  const int probe = sqlite3_db_readonly(raw, "main") == 1
                        ? sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) & 0xff
                        : SQLITE_OK;
  if (probe == SQLITE_CANTOPEN || probe == SQLITE_READONLY) {
    db.reset();  // a file we may not write, whose WAL memory cannot be made: read it as it is
    std::string err;
    raw = open_immutable(path, &err);
    if (!raw) return Status::Error("cannot open corpus " + path + " (read-only): " + err);
    db.reset(new Database(raw));
  }
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(raw, 10000);
  db->read_only_ = true;
  db->inspecting_ = true;
  if (Status s = db->exec("PRAGMA query_only=1"); !s) return s.with_context("cannot open corpus " + path + ": ");
  return db;
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
    sqlite3_free(err);
    return error_status(db_, rc, inspecting_);
  }
  return Status::Ok();
}

Result<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr); rc != SQLITE_OK) {
    return error_status(db_, rc, inspecting_);
  }
  return Statement(db_, stmt, inspecting_);
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }

}  // namespace codex::corpus
