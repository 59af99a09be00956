// The ranking view of a track: the record's fields a recommendation reads, parsed once (lower-case
// genre and moods, a music::Key), and the attributes the hard constraints read, packed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/music/key.h"
#include "codex/schema/record.h"

namespace codex::rank {

struct TrackFeatures {
  std::string track_id, title, artist, file_path, genre;
  std::optional<double> bpm;
  std::optional<music::Key> key;
  std::optional<double> energy;  // 1-10
  std::optional<std::string> vibe, vocal_presence, intensity, groove;
  std::optional<double> mix_in, mix_out;
  std::vector<std::string> moods;
};

// Reads the schema fields a recommendation uses; missing fields stay empty.
TrackFeatures features_from_record(const schema::TrackRecord& record);

// Finds the current track by id, unique id prefix, file path, or a loose "artist - title" / title.
Result<size_t> find_track(const std::vector<TrackFeatures>& library, const std::string& query);

// The attributes the hard constraints read, packed (13 bytes a track) so that filtering a large
// library is a short linear scan rather than a walk through every TrackFeatures.
struct PackedAttributes {
  std::vector<double> bpm;        // NaN when unknown (double: the window test is exact at its edges)
  std::vector<int8_t> key;        // tonic * 2 + minor, -1 when unknown
  std::vector<uint32_t> id_hash;  // id_hash32(track_id): exclusions are checked without the strings
};

uint32_t id_hash32(const std::string& track_id);
PackedAttributes pack_attributes(const std::vector<TrackFeatures>& library);

}  // namespace codex::rank
