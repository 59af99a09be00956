// The corpus schema as an ordered list of migrations. PRAGMA user_version records how many have
// been applied; opening a corpus applies the rest, each in its own transaction. Never edit a
// migration that has shipped: append a new one.
#pragma once

#include <string>
#include <vector>

namespace codex::corpus {

const std::vector<std::string>& migrations();

}  // namespace codex::corpus
