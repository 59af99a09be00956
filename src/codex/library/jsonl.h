// Import and export of CODEX-schema records as JSON Lines (one object per line). On import each
// bad line is reported with its number and reason and skipped; the good records go into the
// corpus in one transaction. Extra fields are preserved.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"

namespace codex::library {

struct LineError {
  size_t line = 0;
  std::string reason;
};

struct ImportReport {
  size_t lines = 0;       // non-blank lines read
  size_t imported = 0;
  size_t duplicates = 0;  // later lines with a track_id seen before (the later one wins)
  std::vector<LineError> errors;
};

struct ImportOptions {
  size_t max_line_bytes = 1 << 20;  // longer lines are rejected without parsing
  std::string provenance = "import";
};

// Reads records one at a time, validating each line; bad lines are skipped and kept in report().
class JsonlReader {
 public:
  JsonlReader(std::istream& in, const ImportOptions& options) : in_(in), options_(options) {}
  // The next valid record; false at the end of the input.
  bool next(nlohmann::json* record);
  const ImportReport& report() const { return report_; }

 private:
  std::istream& in_;
  ImportOptions options_;
  ImportReport report_;
  size_t line_number_ = 0;
  std::set<std::string> seen_;
};

// Parses and validates; does not touch the corpus. Valid records are appended to `records`
// (a repeated track_id replaces the earlier record).
ImportReport parse_jsonl(std::istream& in, std::vector<nlohmann::json>* records, const ImportOptions& options = {});

// parse_jsonl + one transaction into the corpus. Fails only when the file cannot be read or the
// corpus cannot be written; bad records are in the report.
Result<ImportReport> import_jsonl(corpus::Corpus& corpus, const std::string& path, const ImportOptions& options = {});

// Writes every record of the corpus, one per line. Returns the number written.
// With `embeddings`, each record also carries "embedding": {"model", "dims", "vector"} (the
// 384-d vector retrieval uses, base64 float16) and its acoustic block.
Result<size_t> export_jsonl(corpus::Corpus& corpus, std::ostream& out, bool embeddings = false);

}  // namespace codex::library
