// Records as opaque blobs: the records imported from CODEX-schema JSON Lines (one JSON object per
// track, with the provenance the import gave it), and a cache of the records CODEX built for its
// analysed tracks, keyed by a stamp the builder computes (the corpus does not know what a record
// holds, nor when one is stale).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

// An analysed track without an imported record, and what its cached record was built from.
struct RecordSource {
  std::string track_id;
  // Changes whenever anything the record is built from changes: the track row, its first location,
  // its analyses and its usable LLM replies (row ids, which INSERT OR REPLACE renews).
  std::string change;
  bool cached = false;
  std::string stamp;                  // the cached record's stamp
  std::vector<uint8_t> record, meta;  // the cached blobs (meta only when asked for)
};

struct CachedRecord {
  std::string track_id, stamp;
  std::vector<uint8_t> record, meta;
};

class RecordStore {
 public:
  explicit RecordStore(Connection& c) : c_(c) {}
  // Imported records, written in one transaction (insert or replace by track_id); every field's
  // provenance is set to `provenance`. `next` yields records until it returns false; a record
  // without a string track_id is an error that writes nothing.
  Status put(const std::function<bool(nlohmann::json*)>& next, const std::string& provenance);
  Status put(const std::vector<nlohmann::json>& records, const std::string& provenance);
  Result<int64_t> count();
  // One imported record by exact track id; empty when there is none (or the row is damaged).
  Result<std::optional<nlohmann::json>> imported(const std::string& track_id);
  // Imported records ordered by track_id (damaged rows are skipped), one at a time, so a large
  // library is never held twice. `fn` must not call back into the corpus (its lock is held).
  Status for_each_imported(const std::function<void(nlohmann::json&& record)>& fn);
  // Analysed tracks without an imported record, ordered by track_id, with their cache entries,
  // one at a time (`fn` must not call back into the corpus).
  Status for_each_analysed_source(bool with_meta, const std::function<void(RecordSource&& source)>& fn);
  // Writes cache entries; a cache that cannot be written now (another writer) is not an error
  // worth stopping for, so callers may ignore the status.
  Status put_cached(const std::vector<CachedRecord>& entries);

 private:
  Connection& c_;
};

}  // namespace codex::corpus
