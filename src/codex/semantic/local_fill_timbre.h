// The part of the local fill that reads the timbre analyzer: vocal_presence, vocal_style,
// instrumentation, production_style, production_quality, and the mixability notes.
#pragma once

#include "codex/semantic/local_fill.h"

namespace codex::semantic {

void fill_timbre_fields(const Measurements& m, Filled& f);

}  // namespace codex::semantic
