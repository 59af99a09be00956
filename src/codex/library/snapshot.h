// The library snapshot: what recommend and the server read of every track — the ranking features,
// packed constraint attributes, float and 8-bit embeddings, the prompt vocabulary and the acoustic
// directions — in one versioned binary file beside the corpus (`<corpus>.snapshot`), mapped into
// memory instead of decoding every record. It is derived data: written after analyze and import,
// stamped with what it was made from (the corpus's id and generation, the fill version, the
// model), and rebuilt whenever it is missing, stale or damaged (only ever replaced whole, by
// rename; never written in place), never trusted: the header, every
// section but the float vectors is checked when loaded, and each float vector when it is read.
// Loading reads the file into private memory, all but the float vectors, which are read from the
// file a few hundred a query: a file cut short or replaced while a server answers from it cannot
// crash it (a vector read short marks the snapshot damaged, and it is rebuilt). Only a regular
// file is read.
//
// Layout (little-endian): a 512-byte header (magic "CDXSNAP1", format version, dims, track count,
// stamp, then offset / size / checksum of each section, then the header's own checksum), then the
// sections, each 64-byte aligned: string bytes; string offsets (u32, kFields per track + 1); bpm
// (f64, NaN unknown); energy, mix-in, mix-out, duration (f32, NaN unknown); key (i8, tonic*2+minor,
// -1 unknown); id hash (u32); float vectors (f32 × dims); a check of each (u32); 8-bit vectors;
// each track's place in artist and in title order (u32); a JSON object (vocabulary, directions).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/embed/feature_embedding.h"
#include "codex/index/vector_index.h"
#include "codex/prompt/intent.h"
#include "codex/rank/features.h"
#include "codex/schema/record.h"

namespace codex::library {

inline constexpr uint32_t kSnapshotVersion = 2;  // 2: valence and arousal

enum class SnapField : int {
  kTrackId,
  kTitle,
  kArtist,
  kFilePath,
  kGenre,  // lower case
  kVibe,
  kVocalPresence,
  kIntensity,
  kGroove,
  kMoods,  // lower case, one per line
  kCount
};

class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Maps `file` and checks it whole (but the float vectors, checked as they are read) and that it
  // was made from `stamp`. Any failure is an error saying why (missing, stale, damaged).
  static Result<std::unique_ptr<Snapshot>> map(const std::string& file, const std::string& stamp);

  size_t size() const { return count_; }
  size_t file_bytes() const { return bytes_; }
  const std::string& stamp() const { return stamp_; }
  std::string_view field(size_t i, SnapField f) const;
  std::optional<double> bpm(size_t i) const;
  std::optional<double> energy(size_t i) const;
  std::optional<double> duration(size_t i) const;
  std::optional<double> valence(size_t i) const;
  std::optional<double> arousal(size_t i) const;
  std::optional<music::Key> key(size_t i) const;
  std::vector<std::string> moods(size_t i) const;
  // The track's place in (artist, title) and in (title, artist) order, ignoring case.
  uint32_t artist_rank(size_t i) const { return artist_rank_[i]; }
  uint32_t title_rank(size_t i) const { return title_rank_[i]; }
  // Where the float vectors lie in the file (offset, bytes): for tests of damage there.
  std::pair<uint64_t, uint64_t> vectors_range() const { return vectors_range_; }
  // The position of a track id (binary search: the library is in track-id order).
  std::optional<size_t> find(std::string_view track_id) const;
  // The ranking view of track i, built from the mapped fields.
  rank::TrackFeatures features(size_t i) const;
  // The record fields that steer an intent (energy, vibe) of track i.
  schema::TrackRecord steering_record(size_t i) const;

  const rank::PackedAttributes& packed() const { return packed_; }
  const index::MappedVectorIndex& index() const { return *index_; }
  const prompt::Vocabulary& vocabulary() const { return vocabulary_; }
  const embed::AcousticDirections& directions() const { return directions_; }

 private:
  Snapshot() = default;
  void* base_ = nullptr;
  int fd_ = -1;
  size_t bytes_ = 0;
  size_t count_ = 0;
  bool sorted_ = true;
  std::string stamp_;
  const char* strings_ = nullptr;
  const uint32_t* offsets_ = nullptr;
  const double* bpm_ = nullptr;
  std::vector<uint32_t> artist_rank_storage_, title_rank_storage_;  // copied: checked once, then read
  const uint32_t *artist_rank_ = nullptr, *title_rank_ = nullptr;
  size_t strings_bytes_ = 0;
  std::pair<uint64_t, uint64_t> vectors_range_{0, 0};
  const float *energy_ = nullptr, *mix_in_ = nullptr, *mix_out_ = nullptr, *duration_ = nullptr;
  const float* mood_ = nullptr;  // valence, arousal per track (NaN when unknown)
  rank::PackedAttributes packed_;
  std::unique_ptr<index::MappedVectorIndex> index_;
  prompt::Vocabulary vocabulary_;
  embed::AcousticDirections directions_;
};

// A snapshot as a ranking table: features are built for the tracks asked for only, and kept for
// the table's life (one per request; not shared between threads).
class SnapshotTable final : public rank::TrackTable {
 public:
  explicit SnapshotTable(const Snapshot& s) : s_(s) {}
  size_t size() const override { return s_.size(); }
  const rank::TrackFeatures& at(size_t i) const override;
  std::string_view track_id(size_t i) const override { return s_.field(i, SnapField::kTrackId); }
  std::string_view file_path(size_t i) const override { return s_.field(i, SnapField::kFilePath); }
  std::string_view title(size_t i) const override { return s_.field(i, SnapField::kTitle); }
  std::string_view artist(size_t i) const override { return s_.field(i, SnapField::kArtist); }
  std::optional<size_t> find_id(std::string_view id) const override { return s_.find(id); }
  void release(size_t i) const override { built_.erase(i); }

 private:
  const Snapshot& s_;
  mutable std::unordered_map<size_t, std::unique_ptr<rank::TrackFeatures>> built_;
};

// Writes the snapshot of `records` (library order) to `file`: a temporary file, flushed, then
// renamed over it, so a reader sees the old file or the new one whole.
Status write_snapshot(const std::string& file, const std::string& stamp, const std::vector<schema::TrackRecord>& records);

std::string snapshot_path_for(const std::string& db_path);
// What a current snapshot of this corpus must carry.
Result<std::string> snapshot_stamp(corpus::Corpus& corpus);

struct SnapshotInfo {
  bool rebuilt = false;
  std::string why;  // why it was rebuilt ("missing", "stale", "damaged: ...")
};

// The corpus's snapshot, loaded; built from the corpus's records first when it is missing, stale
// or damaged, or when `rebuild` asks (a vector found damaged as it was read). When the corpus's
// folder cannot take the file (read-only), the snapshot is built in the temp folder, loaded, and
// that file removed at once: it then lives only in this process. `on_build` is told (why) before a
// build starts, for a progress line on a terminal.
Result<std::unique_ptr<Snapshot>> open_snapshot(corpus::Corpus& corpus, SnapshotInfo* info = nullptr,
                                                const std::function<void(const std::string& why)>& on_build = {},
                                                bool rebuild = false);

}  // namespace codex::library
