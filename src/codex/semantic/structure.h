// A track's structure from its loudness envelope read a bar at a time (8 s without a beat): quieter
// opening and closing bars are the intro and outro, a quiet stretch of four bars or more in the
// body is a breakdown, the loud part after it a drop, other loud parts instrumental. With times,
// for the booth page's overview; the local fill stores the names and the drop's jump.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codex/schema/record.h"

namespace codex::semantic {

struct Section {
  schema::Section name;  // intro, instrumental, breakdown, drop or outro
  double start_s = 0.0, end_s = 0.0;
};

struct Structure {
  std::vector<Section> sections;  // in order; empty when the envelope is too short
  double drop_jump_db = -1.0;     // the largest rise from a breakdown into its drop, < 0 when none
};

Structure find_structure(const std::vector<double>& envelope_db, double envelope_hop_s, std::optional<double> bpm,
                         std::optional<double> first_beat_s);

}  // namespace codex::semantic
