// What the library holds, for people to browse: one summary line per track (analysed tracks, then
// imported records without audio), and everything known about one track.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"

namespace codex::library {

struct TrackSummary {
  std::string track_id;
  std::string title;
  std::string artist;
  std::string path;  // first known location
  double duration_s = 0.0;
  std::string flags;  // analysis flags, or "imported"
  std::optional<double> lufs;
  std::optional<double> energy;
  std::optional<double> bpm;
  std::optional<std::string> key;
};

// Every track, ordered by artist, title and track id.
Result<std::vector<TrackSummary>> list_tracks(corpus::Corpus& corpus);

struct TrackDetail {
  TrackSummary summary;
  bool imported = false;  // an imported record without analysed audio: no row, files, tags or analyses
  nlohmann::json track;  // the tracks row
  std::vector<std::string> locations;
  std::map<std::string, std::string> tags;
  nlohmann::json analyses;  // analyzer id -> {version, params_hash, confidence, result, created_at}
};

// By track id, unique id prefix, or a known path; imported records without audio by id or unique
// id prefix.
Result<TrackDetail> find_track(corpus::Corpus& corpus, const std::string& query);

}  // namespace codex::library
