// The corpus: one SQLite file holding tracks, their file locations, tags and per-analyzer
// results stamped with analyzer version and parameter hash. Each track is written in one
// transaction, so a killed run leaves a consistent corpus and the next run resumes.
// Thread-safe: calls are serialised on one connection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/analysis/pass.h"
#include "codex/core/status.h"
#include "codex/corpus/sqlite.h"

namespace codex::corpus {

struct FileStamp {
  std::string path;    // as given (absolute), raw bytes
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

struct TrackSummary {
  std::string track_id;
  std::string title;
  std::string artist;
  std::string path;  // first known location
  double duration_s = 0.0;
  std::string flags;
  std::optional<double> lufs;
  std::optional<double> energy;
  std::optional<double> bpm;
  std::optional<std::string> key;
};

struct TrackDetail {
  TrackSummary summary;
  nlohmann::json track;          // the tracks row
  std::vector<std::string> locations;
  std::map<std::string, std::string> tags;
  nlohmann::json analyses;       // analyzer id -> {version, params_hash, confidence, result, created_at}
};

class Corpus {
 public:
  // Opens or creates the corpus and applies pending migrations.
  static Result<std::unique_ptr<Corpus>> open(const std::string& path);
  static std::string default_path();  // $CODEX_DB, else $XDG_DATA_HOME/codex/corpus.db, else ~/.local/share/...

  int schema_version();

  // The track id recorded for this exact file (same path, size and mtime), if any.
  std::optional<std::string> track_for_file(const FileStamp& file);
  // True when the track exists and has a result for every stamp with the same version and params.
  bool is_current(const std::string& track_id, const std::vector<analysis::AnalyzerStamp>& stamps);
  // Records that an already-analysed track also lives at `file`.
  Status add_location(const std::string& track_id, const FileStamp& file);
  // Writes a track, its tags, location and analyses in one transaction; clears a recorded failure.
  Status store(const std::string& track_id, const FileStamp& file, const analysis::TrackAnalysis& analysis);
  Status record_failure(const std::string& path, const std::string& error);

  int64_t track_count();
  int64_t location_count();
  std::vector<TrackSummary> list();
  // By track id, unique id prefix, or a known path.
  Result<TrackDetail> find(const std::string& query);
  std::vector<std::pair<std::string, std::string>> failures();

  // CODEX-schema records, written in one transaction (insert or replace by track_id); every
  // field's provenance is set to `provenance`. `next` yields records until it returns false.
  Status put_records(const std::function<bool(nlohmann::json*)>& next, const std::string& provenance);
  Status put_records(const std::vector<nlohmann::json>& records, const std::string& provenance);
  int64_t record_count();
  // Every record, then a record built from analysis for each analysed track without one, ordered
  // by track_id. kRank leaves out the provenance and field_confidence of analysed tracks (what
  // recommend does not read), which makes a large library quicker to load.
  enum class RecordDetail { kFull, kRank };
  std::vector<nlohmann::json> export_records(RecordDetail detail = RecordDetail::kFull);

  // LLM replies (see schema migration 4).
  struct LlmReply {
    std::string track_id, model, prompt_version, raw_reply;
    bool ok = false;
    nlohmann::json record = nlohmann::json::object();
    nlohmann::json notes = nlohmann::json::object();
    int64_t prompt_tokens = 0, output_tokens = 0;
  };
  Status put_llm_reply(const LlmReply& reply);
  // True when a usable reply is cached for this track, model and prompt version.
  bool has_llm_reply(const std::string& track_id, const std::string& model, const std::string& prompt_version);
  // Track ids with at least one known file location, and that location.
  std::vector<std::pair<std::string, std::string>> tracks_with_files();

  // Play history of a named session (a DJ set): record a track as played; the ids played so far.
  Status record_play(const std::string& session, const std::string& track_id);
  std::vector<std::string> played(const std::string& session);

 private:
  explicit Corpus(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status migrate();
  // Within an open transaction: the file now holds `track_id`; any failure recorded for it is cleared.
  Status upsert_location(const std::string& track_id, const FileStamp& file, const std::string& now);
  std::vector<TrackSummary> query_summaries(const std::string& where, const std::string& arg);
  nlohmann::json local_record(const std::string& track_id);
  std::vector<std::pair<std::string, std::string>> text_pairs(const char* sql);  // two text columns
  std::optional<nlohmann::json> llm_record(const std::string& track_id);  // newest usable; caller holds mu_
  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace codex::corpus
