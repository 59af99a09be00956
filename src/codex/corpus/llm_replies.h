// The LLM's replies per (track, model, prompt version): raw text, the repaired record, notes and
// token counts. A usable reply is never asked for again unless the user refreshes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/connection.h"

namespace codex::corpus {

struct LlmReply {
  std::string track_id, model, prompt_version, raw_reply;
  bool ok = false;
  nlohmann::json record = nlohmann::json::object();
  nlohmann::json notes = nlohmann::json::object();
  int64_t prompt_tokens = 0, output_tokens = 0;
};

struct LlmRecord {
  nlohmann::json record;  // the repaired reply, a JSON object
  std::string model;
};

class LlmReplyStore {
 public:
  explicit LlmReplyStore(Connection& c) : c_(c) {}
  Status put(const LlmReply& reply);
  // True when a usable reply is cached for this track, model and prompt version.
  Result<bool> has(const std::string& track_id, const std::string& model, const std::string& prompt_version);
  // The newest usable reply's record for a track (nullopt when none, or when it is damaged).
  Result<std::optional<LlmRecord>> newest(const std::string& track_id);

 private:
  Connection& c_;
};

}  // namespace codex::corpus
