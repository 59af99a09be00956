// The settings in effect, typed and resolved once: built-in defaults, then the settings file
// (config.h), then environment variables, then command-line flags — each later source wins — with
// where each value came from, for `codex config`. A bad settings file is an error naming its line;
// a bad CODEX_GEMINI_USD_PER_MTOK (only a cost estimate reads it) is a warning.
//
//   setting                   environment                  flag
//   llm                       -                            --llm gemini / --no-llm
//   gemini_api_key            GEMINI_API_KEY               -
//   gemini_model              CODEX_GEMINI_MODEL           -
//   gemini_base_url           CODEX_GEMINI_BASE_URL        -
//   max_cost_usd              -                            --max-cost
//   usd_per_million_tokens    CODEX_GEMINI_USD_PER_MTOK    -
//   llm_concurrency           -                            -
//   llm_requests_per_minute   -                            -
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex {

struct Settings {
  std::string path;                   // the settings file looked for
  bool file_exists = false;
  std::vector<std::string> warnings;  // e.g. a key in a file others can read

  bool llm = false;  // describe tracks with the LLM on every analyze
  std::string gemini_api_key;
  std::string gemini_model = "gemini-2.5-flash";
  std::string gemini_base_url = "https://generativelanguage.googleapis.com";
  double max_cost_usd = -1.0;  // < 0: no budget
  double usd_per_million_tokens = 1.0;
  int llm_concurrency = 2;
  int llm_requests_per_minute = 30;

  // Setting name -> "file", "env NAME" or "flag --name"; settings at their default are absent.
  std::map<std::string, std::string> source;
};

struct SettingFlags {
  std::optional<bool> llm;  // --llm gemini (true) or --no-llm (false)
  std::optional<double> max_cost_usd;
};

// `path` empty: the default settings file (paths.h).
Result<Settings> resolve_settings(const SettingFlags& flags = {}, const std::string& path = "");

}  // namespace codex
