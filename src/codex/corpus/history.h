// Play history: the tracks played in a named session (a DJ set).
#pragma once

#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

class HistoryStore {
 public:
  explicit HistoryStore(Connection& c) : c_(c) {}
  Status record_play(const std::string& session, const std::string& track_id);
  Result<std::vector<std::string>> played(const std::string& session);  // distinct ids
  // Every play as (session, track id), each session's in the order played.
  Result<std::vector<std::pair<std::string, std::string>>> all_plays();

 private:
  Connection& c_;
};

}  // namespace codex::corpus
