// Tracks and where their files are: one row per track (tags CODEX reads, format, flags), its
// file locations, all its tags, and the files that failed to analyse. A track is written together
// with its analyses (AnalysisStore holds them) in one transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/analyses.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

struct FileStamp {
  std::string path;  // as given (absolute), raw bytes
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

// A track as analysed, to be written: what the tags say (read by the library), the format, the
// analysis flags, every tag, and the analyzers' results.
struct TrackWrite {
  std::string track_id;
  FileStamp file;
  std::string title, artist, album, genre;
  std::optional<double> tag_bpm;
  std::optional<std::string> tag_key;
  double duration_s = 0.0;
  std::string container, codec;
  int64_t sample_rate = 0, channels = 0, bit_rate = 0;
  std::vector<std::string> flags;
  std::map<std::string, std::string> tags;
  std::vector<NewResult> results;
};

// A row of the tracks table.
struct TrackRow {
  std::string track_id, title, artist, album, genre, container, codec, flags, added_at, updated_at;
  std::optional<double> tag_bpm;
  std::optional<std::string> tag_key;
  double duration_s = 0.0;
  int64_t sample_rate = 0, channels = 0, bit_rate = 0;
  std::string first_path;  // the first known location (by path), "" when none
};

class TrackStore {
 public:
  explicit TrackStore(Connection& c) : c_(c) {}

  // The track id recorded for this exact file (same path, size and mtime), if any.
  Result<std::optional<std::string>> track_for_file(const FileStamp& file);
  // Records that an already-analysed track also lives at `file`.
  Status add_location(const std::string& track_id, const FileStamp& file);
  // Writes a track, its tags, location and analyses in one transaction; clears a recorded failure.
  Status store(const TrackWrite& track);
  Status record_failure(const std::string& path, const std::string& error);
  Result<std::vector<std::pair<std::string, std::string>>> failures();  // path, error

  Result<int64_t> count();
  Result<int64_t> location_count();
  // Every track row, ordered by artist, title, track id.
  Result<std::vector<TrackRow>> rows();
  Result<std::optional<TrackRow>> row(const std::string& track_id);
  // Track ids whose id equals `query`, that live at path `query`, or (for hex text) whose id starts
  // with it — the first of these that matches anything.
  Result<std::vector<std::string>> resolve(const std::string& query);
  Result<std::vector<std::string>> locations(const std::string& track_id);
  Result<std::map<std::string, std::string>> tags(const std::string& track_id);
  // The tracks with a tag called `name` (any case) whose value contains `text`.
  Result<std::vector<std::string>> with_tag_containing(const std::string& name, const std::string& text);
  // Track ids with at least one known file location, and the first location.
  Result<std::vector<std::pair<std::string, std::string>>> with_files();
  // Every known location as (path, track id), by path.
  Result<std::vector<std::pair<std::string, std::string>>> all_locations();

 private:
  Connection& c_;
};

}  // namespace codex::corpus
