#include "codex/corpus/corpus.h"

#include "codex/corpus/schema.h"

namespace codex::corpus {

Corpus::Corpus(std::unique_ptr<Database> db) { c_.db = std::move(db); }

Result<std::unique_ptr<Corpus>> Corpus::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return db.status();
  std::unique_ptr<Corpus> c(new Corpus(std::move(db).value()));
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

Status Corpus::migrate() {
  auto st = c_.db->prepare("PRAGMA user_version");
  if (!st) return st.status();
  const int64_t have = st->step() ? st->int64(0) : 0;
  if (!st->status()) return st->status();
  const auto& all = migrations();
  if (have < 0) return Status::Error("corpus schema version " + std::to_string(have) + " is not valid");
  if (have > static_cast<int64_t>(all.size())) {
    return Status::Error("corpus schema version " + std::to_string(have) + " is newer than this codex understands");
  }
  for (size_t i = static_cast<size_t>(have); i < all.size(); ++i) {
    Status s = in_transaction(*c_.db, [&] {
      if (Status e = c_.db->exec(all[i]); !e) return e;
      return c_.db->exec("PRAGMA user_version=" + std::to_string(i + 1));
    });
    if (!s) return s;
  }
  return Status::Ok();
}

}  // namespace codex::corpus
