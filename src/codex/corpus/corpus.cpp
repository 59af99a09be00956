#include "codex/corpus/corpus.h"
#include "codex/core/files.h"

#include <filesystem>

#include "codex/corpus/schema.h"

namespace codex::corpus {

Corpus::Corpus(std::unique_ptr<Database> db) { c_.db = std::move(db); }

Result<std::unique_ptr<Corpus>> Corpus::open(const std::string& path) {
  // A FIFO or a device at the corpus's path would block SQLite's first read forever.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    return Status::Error("corpus " + path + " is not a regular file");
  }
  auto db = Database::open(path);
  if (!db) return db.status();
  std::unique_ptr<Corpus> c(new Corpus(std::move(db).value()));
  c->path_ = path;
  if (Status s = c->migrate(); !s) return Status::Error("cannot prepare corpus " + path + ": " + s.message());
  return c;
}

Result<int> Corpus::schema_version() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("PRAGMA user_version");
  if (!st) return st.status();
  if (!st->step()) return st->status().ok() ? Status::Error("no user_version") : st->status();
  return static_cast<int>(st->int64(0));
}

Result<std::string> Corpus::generation() {
  std::lock_guard<std::mutex> lock(c_.mu);
  auto st = c_.db->prepare("SELECT corpus_uid, generation FROM corpus_state WHERE id = 1");
  if (!st) return st.status();
  if (!st->step()) return st->status().ok() ? Status::Error("the corpus has no state row") : st->status();
  return st->text(0) + ":" + std::to_string(st->int64(1));
}

Status Corpus::migrate() {
  const auto& all = migrations();
  // The version, read with the statement finished at once: a statement left open would hold a
  // read snapshot, and upgrading it to a write while another process migrates fails at once
  // ("database is locked") instead of waiting.
  auto version = [&]() -> Result<int64_t> {
    auto st = c_.db->prepare("PRAGMA user_version");
    if (!st) return st.status();
    const bool row = st->step();
    if (!st->status()) return st->status();
    const int64_t v = row ? st->int64(0) : 0;
    if (v < 0) return Status::Error("corpus schema version " + std::to_string(v) + " is not valid");
    if (v > static_cast<int64_t>(all.size())) {
      return Status::Error("corpus schema version " + std::to_string(v) + " is newer than this codex understands");
    }
    return v;
  };
  auto have = version();
  if (!have) return have.status();
  if (*have == static_cast<int64_t>(all.size())) return Status::Ok();  // current: no write lock taken
  if (c_.db->read_only()) {
    return Status::Error("it is read-only and needs upgrading (schema version " + std::to_string(*have) + " of " +
                         std::to_string(all.size()) + "); open it once with write access");
  }
  // Under the write lock (waiting for another process that may be migrating the same new corpus),
  // read the version again and apply what is still pending.
  return in_transaction(*c_.db, [&]() -> Status {
    auto now = version();
    if (!now) return now.status();
    for (size_t i = static_cast<size_t>(*now); i < all.size(); ++i) {
      if (Status e = c_.db->exec(all[i]); !e) return e;
      if (Status e = c_.db->exec("PRAGMA user_version=" + std::to_string(i + 1)); !e) return e;
    }
    return Status::Ok();
  });
}

}  // namespace codex::corpus
