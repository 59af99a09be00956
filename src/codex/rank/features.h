// The ranking view of a track: the record's fields a recommendation reads, parsed once (lower-case
// genre and moods, a music::Key), and the attributes the hard constraints read, packed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  std::optional<double> valence, arousal;  // -1..1, heard in the sound (schema::mood_of)
};

// Reads the schema fields a recommendation uses; missing fields stay empty.
TrackFeatures features_from_record(const schema::TrackRecord& record);

// A library as recommendation reads it: a track's features by position, and the four strings a
// lookup compares without building every track's features. A table over a mapped snapshot builds
// features only for the tracks asked for (library/snapshot.h); one over a vector just hands them out.
class TrackTable {
 public:
  virtual ~TrackTable() = default;
  virtual size_t size() const = 0;
  // Valid for the table's lifetime.
  virtual const TrackFeatures& at(size_t i) const = 0;
  virtual std::string_view track_id(size_t i) const = 0;
  virtual std::string_view file_path(size_t i) const = 0;
  virtual std::string_view title(size_t i) const = 0;
  virtual std::string_view artist(size_t i) const = 0;
  // The position of an exact track id when the table can tell quickly (an index), else nullopt
  // and the lookup scans.
  virtual std::optional<size_t> find_id(std::string_view) const { return std::nullopt; }
  // A hint that track i's features are no longer needed (a table that builds them may drop them).
  virtual void release(size_t) const {}
};

class VectorTable final : public TrackTable {
 public:
  explicit VectorTable(const std::vector<TrackFeatures>& v) : v_(v) {}
  size_t size() const override { return v_.size(); }
  const TrackFeatures& at(size_t i) const override { return v_[i]; }
  std::string_view track_id(size_t i) const override { return v_[i].track_id; }
  std::string_view file_path(size_t i) const override { return v_[i].file_path; }
  std::string_view title(size_t i) const override { return v_[i].title; }
  std::string_view artist(size_t i) const override { return v_[i].artist; }

 private:
  const std::vector<TrackFeatures>& v_;
};

// Finds the current track by id, unique id prefix, file path, or a loose "artist - title" / title.
Result<size_t> find_track(const TrackTable& library, const std::string& query);
Result<size_t> find_track(const std::vector<TrackFeatures>& library, const std::string& query);

// The attributes the hard constraints read, packed (13 bytes a track) so that filtering a large
// library is a short linear scan rather than a walk through every TrackFeatures.
struct PackedAttributes {
  std::vector<double> bpm;        // NaN when unknown (double: the window test is exact at its edges)
  std::vector<int8_t> key;        // tonic * 2 + minor, -1 when unknown
  std::vector<uint32_t> id_hash;  // id_hash32(track_id): exclusions are checked without the strings
  std::vector<float> mood;        // valence, arousal per track (NaN when unknown); may be empty
};

uint32_t id_hash32(std::string_view track_id);
PackedAttributes pack_attributes(const std::vector<TrackFeatures>& library);

}  // namespace codex::rank
