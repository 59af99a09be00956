// The codex command-line front end: each command parses nothing itself (main.cpp does), calls
// the library, and prints. Exit status: 0 success, 1 failure, 2 bad usage.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"

namespace codex::library {
struct LoadedLibrary;
class LiveLibrary;
}

namespace codex::cli {

// The exit status of an error, from its code: 2 when the command must change (an invalid or
// ambiguous argument), else 1.
int exit_code(const Status& s);

struct GlobalArgs;
// The library service over the corpus --db names, with a progress line on a terminal while the
// snapshot is built.
Result<std::unique_ptr<library::LiveLibrary>> open_library(const GlobalArgs& g);

struct GlobalArgs {
  std::string db;  // empty = default corpus
  bool json = false;
};

struct AnalyzeArgs {
  std::vector<std::string> paths;
  int jobs = 0;
  bool force = false;
  std::string llm;         // "" or "gemini": opt in to sending audio renditions to an LLM
  bool dry_run = false;    // with --llm: show what would be sent, send nothing
  double max_cost = -1.0;  // with --llm: stop before the estimated cost exceeds this (USD)
  bool refresh = false;    // with --llm: ask again even when a reply is cached
  bool no_llm = false;     // overrides `llm = gemini` in the settings file
  std::vector<std::string> params;  // analyzer parameter overrides, ANALYZER.NAME=VALUE
};
int run_analyze(const GlobalArgs& g, const AnalyzeArgs& a);

int run_probe(const GlobalArgs& g, const std::string& file, const std::vector<std::string>& params = {},
              bool embedding = false);

struct TrainEmbedArgs {
  int steps = 0;  // 0: chosen from the library's size
  int hidden = 256;
  int batch = 256;
  double temperature = 0.1;
  uint64_t seed = 1;
  int min_tracks = 100;
};
int run_train_embed(const GlobalArgs& g, const TrainEmbedArgs& a);
struct TrainTagsArgs {
  bool reset = false;
  int min_tracks = 20;
};
// `codex train key` (key = true) and `codex train tempo`.
int run_train_tags(const GlobalArgs& g, const TrainTagsArgs& a, bool key);
int run_models(const GlobalArgs& g);
int run_list(const GlobalArgs& g);
int run_show(const GlobalArgs& g, const std::string& track);

struct DemoArgs {
  std::string dir;  // empty = $XDG_DATA_HOME/codex/demo
  int tracks = 32;
  int jobs = 0;
  bool analyze = true;
};
int run_demo(const GlobalArgs& g, const DemoArgs& a);

int run_import(const GlobalArgs& g, const std::string& file);
int run_export(const GlobalArgs& g, const std::string& out_path, bool embeddings = false);  // "" or "-" = stdout
int run_schema(const GlobalArgs& g);
int run_check(const GlobalArgs& g, bool repair);
int run_config(const GlobalArgs& g);

struct RecommendArgs {
  std::string current;  // track id, path, or "artist - title"
  std::string prompt;
  int top = 10;
  bool explain = false;
  std::vector<std::string> exclude;
  std::string mode = "full";  // full | embedding | features
  std::string weights;        // rank weights file (a trained model's output)
  std::string session;        // a set: its rule is the library service's (library/live.h) — tracks
                              // played or skipped in it are left out, the current one recorded
  std::string crate;          // only tracks of this imported crate, playlist or CODEX set
  bool no_history = false;    // leave the DJ's history out of the ranking
};
int run_recommend(const GlobalArgs& g, const RecommendArgs& a);
// The same against records already loaded (the demo prints several in a row), or, when null,
// through the library service.
int print_recommendations(const GlobalArgs& g, const RecommendArgs& a, const library::LoadedLibrary* loaded,
                          library::LiveLibrary& live);

struct LibraryImportArgs {
  std::string source;  // a DJ program's library file or folder, or a playlist
  bool analyze = false;  // also analyse the files not yet in the corpus, then match again
  int jobs = 0;
};
int run_library_import(const GlobalArgs& g, const LibraryImportArgs& a);
struct LibraryExportArgs {
  std::string format;  // rekordbox | traktor | m3u8
  std::string out;
  std::string list;  // one set, playlist or crate
  bool force = false;
};
int run_library_export(const GlobalArgs& g, const LibraryExportArgs& a);
int run_library_lists(const GlobalArgs& g);

struct TagArgs {
  std::vector<std::string> tracks;  // ids, prefixes or paths; empty = every analysed track with a file
  std::string key_notation = "camelot";
  bool write = false;
};
int run_tag(const GlobalArgs& g, const TagArgs& a);

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8765;
  int max_connections = 256;
  bool no_token = false;
};
int run_serve(const GlobalArgs& g, const ServeArgs& a);

// Shared helpers.
// A line on stderr when the library snapshot is (re)built (on a terminal, not with --json).
std::function<void(const std::string& why)> snapshot_progress(const GlobalArgs& g);
std::string resolve_db(const GlobalArgs& g);
void print_error(const std::string& message);  // "codex: <message>" on stderr
std::string json_text(const nlohmann::json& value, int indent = -1);  // invalid UTF-8 replaced

}  // namespace codex::cli
