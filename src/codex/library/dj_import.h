// Importing what a DJ program knows (interop::read_dj_library) into the corpus: its tracks matched
// to corpus tracks across systems, its BPM and key kept beside CODEX's and compared in the DJ's
// terms, its playlists, crates and history, and the history's transitions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/interop/dj_library.h"

namespace codex::library {

// How a DJ program's path was matched to a corpus track.
enum class MatchedBy { kNone, kPath, kAudio, kNameAndFolder, kName };
const char* matched_by_name(MatchedBy m);

// The corpus's locations, ready to match paths written on another system against.
class PathMatcher {
 public:
  static Result<PathMatcher> load(corpus::Corpus& corpus);
  // A track id for the path (normalised by interop::normalize_path), trying in turn: the same path;
  // the file itself, when it exists here, by its audio (moved or copied files: the track id is a
  // hash of the audio); the same folder and file name (case-insensitive); the same file name when
  // only one corpus file has it and the durations (when known) agree within 2 s.
  std::pair<std::string, MatchedBy> match(const std::string& path, std::optional<double> duration_s = std::nullopt);

 private:
  corpus::Corpus* corpus_ = nullptr;
  std::map<std::string, std::string> exact_;                        // path -> id
  std::map<std::string, std::vector<std::string>> by_folder_file_;  // "folder/file" (lower) -> ids
  std::map<std::string, std::vector<std::string>> by_file_;         // "file" (lower) -> ids
  std::map<std::string, double> duration_;                          // id -> seconds
};

// "Rekordbox 87 BPM, CODEX 174: double" / "Traktor Am, CODEX 8A: same key".
std::string bpm_comparison(const std::string& program, double program_bpm, double codex_bpm);
std::string key_comparison(const std::string& program, const std::string& program_key_text,
                           const std::string& program_camelot, const std::string& codex_camelot);
// Whether the two BPMs are the same tempo (within 1%).
bool same_bpm(double a, double b);
// The program's display name ("rekordbox" -> "Rekordbox").
std::string program_name(const std::string& source);

struct DjImportSummary {
  std::string source;
  size_t tracks = 0, matched = 0;
  std::map<std::string, size_t> matched_by;  // matched_by_name -> count
  std::vector<std::string> unmatched;        // paths no corpus track is at (yet)
  std::vector<std::string> unmatched_here;   // ... of them, files that exist on this machine
  std::map<std::string, size_t> lists;       // kind -> count
  size_t list_entries = 0, history_entries = 0, cues = 0, grids = 0;
  int64_t transitions = 0;                   // in the corpus after the import, every source
  size_t bpm_compared = 0, key_compared = 0;
  std::vector<std::string> disagreements;    // in the DJ's terms
  std::vector<std::string> warnings;
  nlohmann::json to_json() const;
};

// Reads `path` (format detected), matches and stores it, replacing an earlier import of the same
// program. The DJ program's files are only read.
Result<DjImportSummary> import_dj_library(corpus::Corpus& corpus, const std::string& path);

// Matches every imported path that has no track yet against the corpus as it is now (after the
// unmatched files were analysed); the number newly matched.
Result<size_t> rematch_dj_paths(corpus::Corpus& corpus);

}  // namespace codex::library
