// Rounding of the values analyzers write, so that stored outputs stay short and stable.
#pragma once

#include <cmath>

namespace codex::analysis {

// `v` to the nearest multiple of `q` (as round(v / q) * q: stored outputs depend on this form).
inline double round_step(double v, double q) { return std::round(v / q) * q; }

}  // namespace codex::analysis
