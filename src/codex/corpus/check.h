// Checking a corpus file and salvaging a damaged one. `check` runs SQLite's integrity and
// foreign-key checks; `salvage` copies every row that can still be read into a new corpus, table by
// table in rowid order, stepping over damaged pages (a failed read is retried further on, and the
// first readable row after it found by bisection), so one bad block loses only the rows on it.
// The damaged file itself is never written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::corpus {

struct CheckReport {
  bool ok = true;
  std::vector<std::string> problems;  // SQLite's integrity messages (at most 100), foreign-key breaks
  int64_t tracks = -1;                // rows readable in the tracks table, -1 when unreadable
};
// Opens `path` read-only; an error only when the file cannot be opened at all.
Result<CheckReport> check(const std::string& path);

struct TableSalvage {
  std::string table;
  int64_t kept = 0;
  int64_t dropped = 0;   // read but refused (e.g. an analysis whose track row was lost)
  int64_t damaged = 0;   // ranges of rows that could not be read
  bool unreadable = false;  // the table could not be read at all
};
struct SalvageReport {
  std::vector<TableSalvage> tables;
  // Files recorded at a location whose track row was lost: analysing them again restores them.
  std::vector<std::string> orphan_paths;
};
// Copies what can be read from the corpus at `damaged` into a new corpus at `fresh` (which must
// not exist). The built-record cache is not copied (it is rebuilt on demand).
Result<SalvageReport> salvage(const std::string& damaged, const std::string& fresh);

}  // namespace codex::corpus
