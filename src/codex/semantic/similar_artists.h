// Similar artists from the user's own library, for records with no similar_artists of their own:
// the 2-5 other artists whose tracks sit nearest in tempo, energy, danceability, vibe, mode, groove
// and genre (artist centroids). Needs at least two other artists; marks the field's provenance
// "local" (confidence 0.2) where the record carries provenance.
#pragma once

#include <vector>

#include "codex/schema/record.h"

namespace codex::semantic {

void fill_similar_artists(std::vector<schema::TrackRecord>& records);

}  // namespace codex::semantic
