// Relaxation: while too few tracks pass the hard constraints, widen the tempo window to ±10%, then
// drop the key constraint, then the tempo constraint — each step named, so the reasons can say
// which suggestion lies outside what was asked.
#pragma once

#include <string>
#include <vector>

#include "codex/rank/constraints.h"

namespace codex::rank {

struct Pool {
  std::vector<size_t> ids;           // library positions that passed, in order
  Window window;                     // the constraints they passed
  std::vector<std::string> relaxed;  // the steps taken, in order
};

Pool select_pool(const PackedAttributes& packed, const Plan& plan, const Exclusion& exclusion, size_t wanted);

}  // namespace codex::rank
