// The user's CODEX settings file: plain `key = value` lines, `#` comments, optional double quotes.
// Found at $CODEX_CONFIG, else $XDG_CONFIG_HOME/codex/config, else ~/.config/codex/config; a
// missing file is not an error. Unknown keys and malformed lines are errors naming the line, so
// a typo never silently turns a setting off. Environment variables override the file, and
// command-line flags override both.
//
//   llm = gemini                  # describe tracks with the LLM on every `codex analyze`
//   gemini_api_key = AIza...      # the file should be readable only by you (chmod 600)
//   gemini_model = gemini-2.5-flash
//   max_cost_usd = 2.50
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex {

struct Config {
  std::string path;                          // where it was read from ("" = no file)
  std::map<std::string, std::string> values;  // key -> value, as written
  std::vector<std::string> warnings;          // e.g. a key in a file others can read

  std::optional<std::string> get(const std::string& key) const;
};

// The keys the file may hold, with one line of help each.
const std::vector<std::pair<std::string, std::string>>& config_keys();

// Where the settings file is looked for (CODEX_CONFIG, XDG_CONFIG_HOME, HOME).
std::string default_config_path();

// Parses settings text; `origin` names it in errors ("config:3: ...").
Result<Config> parse_config(const std::string& text, const std::string& origin);

// Reads `path` (or the default path when empty). A missing file gives an empty Config.
Result<Config> load_config(const std::string& path = "");

}  // namespace codex
