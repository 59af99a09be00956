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

  struct Play {
    std::string track_id, played_at;  // UTC ISO 8601
  };
  // One session's plays in the order played.
  Result<std::vector<Play>> plays(const std::string& session);

  // What the DJ said of a suggestion: "accept" or "skip", offered while `from` played.
  struct Feedback {
    std::string track_id, action, from, at;
  };
  Status record_feedback(const std::string& session, const Feedback& feedback);
  Result<std::vector<Feedback>> feedback(const std::string& session);

 private:
  Connection& c_;
};

}  // namespace codex::corpus
