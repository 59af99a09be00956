// Analyses a list of files into the corpus with N worker threads. Per file: skip it if the corpus
// already holds current results for it (same path, size and mtime, or the same audio found at a
// new path); otherwise decode once, run every analyzer, and store the track in one transaction.
// A file that fails is reported and recorded, and never stops the rest.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "codex/audio/decoder.h"
#include "codex/analysis/pass.h"
#include "codex/corpus/corpus.h"

namespace codex::library {

enum class Outcome { kAnalyzed, kUpToDate, kNewLocation, kFailed };
const char* outcome_name(Outcome o);

struct FileEvent {
  std::string path;
  Outcome outcome = Outcome::kFailed;
  std::string track_id;
  std::string error;                 // for kFailed
  std::vector<std::string> flags;    // e.g. short, silent, truncated
  double audio_s = 0.0;              // seconds decoded (kAnalyzed)
  double cpu_s = 0.0;                // thread CPU time spent on this file
};

struct AnalyzeOptions {
  int jobs = 0;        // 0 = number of cores
  bool force = false;  // re-analyse even when results are current
  // Analyzer parameters overridden, "ANALYZER.NAME=VALUE" (experiments: the results are stamped
  // with them, so a later run without them analyses those tracks again). Checked by the caller.
  std::vector<std::string> params;
  audio::DecodeOptions decode;
};

// Whether every "ANALYZER.NAME=VALUE" names a declared parameter and a value it takes (one line
// saying what is wrong otherwise).
Status check_analyzer_params(const std::vector<std::string>& params);

struct AnalyzeSummary {
  size_t total = 0, analyzed = 0, up_to_date = 0, new_location = 0, failed = 0;
  double audio_s = 0.0;
  double wall_s = 0.0;
  double cpu_s = 0.0;
  bool cancelled = false;
  // The corpus could not be read or written (a full disk, an I/O error, damage): the job stopped
  // at the first such error, since every later file would fail the same way. What was stored
  // before it is kept; the files not reached are not counted as failed.
  std::string corpus_error;
  std::vector<FileEvent> failures;
  std::vector<FileEvent> flagged;
};

struct AnalyzeCallbacks {
  // Called by LiveLibrary::analyze once the folders are walked: the paths it could not use.
  std::function<void(const std::vector<std::pair<std::string, std::string>>& problems)> on_scanned;
  std::function<void(size_t total)> on_begin;
  std::function<void(const std::string& path)> on_file_start;  // from worker threads
  std::function<void(const FileEvent& event)> on_file_done;    // serialised
};

// What the corpus stores for an analysed file: title (the tag, else the file name), artist (or album
// artist), album, genre, a BPM and key from the tags, the format, flags, every tag and the results.
corpus::TrackWrite track_write(const std::string& track_id, const corpus::FileStamp& file,
                               const analysis::TrackAnalysis& analysis);
// A file's path, size and modification time, or why it cannot be read.
Result<corpus::FileStamp> stamp_file(const std::string& path);
std::vector<corpus::ResultStamp> result_stamps(const std::vector<analysis::AnalyzerStamp>& stamps);

AnalyzeSummary analyze_files(corpus::Corpus& corpus, const std::vector<std::string>& files,
                             const AnalyzeOptions& options, const AnalyzeCallbacks& callbacks = {},
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace codex::library
