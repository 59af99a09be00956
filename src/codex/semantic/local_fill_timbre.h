// The part of the local fill that reads the timbre analyzer: vocal_presence, vocal_style,
// instrumentation, production_style, production_quality, and the mixability notes.
#pragma once

#include <algorithm>
#include <cmath>

#include "codex/semantic/local_fill.h"

namespace codex::semantic {

// A 1-10 field from a value already on that scale.
inline int clamp10(double v) { return static_cast<int>(std::lround(std::clamp(v, 1.0, 10.0))); }

void fill_timbre_fields(const Measurements& m, Filled& f);

}  // namespace codex::semantic
