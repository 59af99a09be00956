// Browsing the library as the booth page does: search, filter and sort every track of a mapped
// snapshot (a linear scan over its packed fields: milliseconds at 100k tracks), and everything the
// page shows of one track — its record, beat grid, timed structure and loudness overview.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/library/snapshot.h"

namespace codex::library {

struct TrackQuery {
  std::string text;  // words that must all appear in the title, artist or genre (any case)
  std::optional<double> bpm_min, bpm_max, energy_min, energy_max;
  std::string key;              // a key in any notation ("8A", "A minor")
  bool compatible_keys = false;  // with `key`: every key that mixes with it, not only the same
  std::string genre, vibe;       // exact, any case
  std::string sort = "artist";   // artist, title, bpm, key, energy, genre, duration
  bool descending = false;
  size_t offset = 0, limit = 100;
};

struct TrackPage {
  size_t total = 0;           // tracks that match
  std::vector<size_t> items;  // positions in the snapshot: the page asked for
};

// An error only for a query that cannot be read (an unknown key, sort field or vibe).
Result<TrackPage> query_tracks(const Snapshot& snapshot, const TrackQuery& query);

// One track of the snapshot as a table row.
nlohmann::json track_row(const Snapshot& snapshot, size_t i);

// The booth page's view of one track: the row, the record, its locations, beats and downbeats,
// timed sections and the loudness envelope (at most `overview_points` values).
Result<nlohmann::json> track_view(corpus::Corpus& corpus, const Snapshot& snapshot, size_t i,
                                  size_t overview_points = 1200);

}  // namespace codex::library
