// The corpus: one SQLite file that stores what it is given and knows no semantics. Split by
// concern into stores sharing one connection (calls are serialised on it, so a Corpus is
// thread-safe): tracks and their file locations (tracks.h), analyzer results (analyses.h), records
// as blobs — imported, and the built-record cache (records.h) — LLM replies (llm_replies.h) and
// play history (history.h). A track is written in one transaction, so a killed run leaves a
// consistent corpus and the next run resumes. Reads return Result: a database error is an error,
// never an empty answer.
#pragma once

#include <memory>
#include <string>

#include "codex/core/status.h"
#include "codex/corpus/analyses.h"
#include "codex/corpus/connection.h"
#include "codex/corpus/dj.h"
#include "codex/corpus/history.h"
#include "codex/corpus/llm_replies.h"
#include "codex/corpus/records.h"
#include "codex/corpus/tracks.h"

namespace codex::corpus {

class Corpus {
 public:
  // Opens or creates the corpus and applies pending migrations.
  static Result<std::unique_ptr<Corpus>> open(const std::string& path);

  Result<int> schema_version();
  // "<corpus uid>:<generation>": changes with every write to tracks, their locations and tags,
  // analyses, imported records or LLM replies; what a derived file checks it was made from.
  Result<std::string> generation();
  // The path it was opened with.
  const std::string& path() const { return path_; }

  TrackStore& tracks() { return tracks_; }
  AnalysisStore& analyses() { return analyses_; }
  RecordStore& records() { return records_; }
  LlmReplyStore& llm_replies() { return llm_; }
  HistoryStore& history() { return history_; }
  DjStore& dj() { return dj_; }

 private:
  explicit Corpus(std::unique_ptr<Database> db);
  Status migrate();
  std::string path_;
  Connection c_;
  TrackStore tracks_{c_};
  AnalysisStore analyses_{c_};
  RecordStore records_{c_};
  LlmReplyStore llm_{c_};
  HistoryStore history_{c_};
  DjStore dj_{c_};
};

}  // namespace codex::corpus
