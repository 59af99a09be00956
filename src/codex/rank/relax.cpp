#include "codex/rank/relax.h"

#include <algorithm>

namespace codex::rank {

Pool select_pool(const PackedAttributes& packed, const Plan& plan, const Exclusion& exclusion, size_t wanted) {
  Pool out;
  Window& c = out.window;
  c = plan.window;
  for (int stage = 0; stage < 4; ++stage) {
    out.ids = passing(packed, plan, c, exclusion);
    if (out.ids.size() >= wanted) break;
    if (stage == 0 && c.tempo) {
      c.tempo_lo_pct = std::min(c.tempo_lo_pct, -10.0);
      c.tempo_hi_pct = std::max(c.tempo_hi_pct, 10.0);
      out.relaxed.push_back("tempo window widened to ±10%");
    } else if (stage <= 1 && c.key) {
      c.key = false;
      out.relaxed.push_back("key constraint dropped");
    } else if (c.tempo) {
      c.tempo = false;
      out.relaxed.push_back("tempo constraint dropped");
    } else {
      break;
    }
  }
  return out;
}

}  // namespace codex::rank
