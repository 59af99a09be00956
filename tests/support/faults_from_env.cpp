// Linked into codex_faulty only: reads a fault plan from CODEX_FAULTS before main runs, so the
// tests that run the binary can make its corpus fail (support/faults.h).
#include <cstdio>
#include <cstdlib>

#include "support/faults.h"

namespace {

const bool kPlanRead = [] {
  if (codex::Status s = codex::corpus::faults::set_from_environment(); !s) {
    std::fprintf(stderr, "codex: %s\n", s.message().c_str());
    std::exit(2);
  }
  return true;
}();

}  // namespace
