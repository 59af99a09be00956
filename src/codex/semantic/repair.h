// Validation and repair of a semantic-features reply (from an LLM): strips code fences and prose
// around the JSON object, parses it, repairs what is safe — a key written as a name ("A minor" ->
// "8A"), numbers sent as strings ("8" -> 8), enum values in another case or with spaces ("Four on
// floor" -> "four-on-floor"), numbers out of range (clamped, with a warning), arrays longer than
// allowed (trimmed, with a warning) — and rejects the rest with the reason. Never throws.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace codex::semantic {

struct Repaired {
  bool ok = false;                      // a usable object came out
  nlohmann::json record = nlohmann::json::object();
  std::vector<std::string> warnings;    // what was repaired
  std::vector<std::string> errors;      // fields dropped (or why nothing could be used)
};

Repaired repair_reply(const std::string& reply_text);

}  // namespace codex::semantic
