#include "codex/core/settings.h"

#include <cerrno>
#include <cstdlib>

#include "codex/core/config.h"
#include "codex/core/paths.h"

namespace codex {
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

Result<Settings> resolve_settings(const SettingFlags& flags, const std::string& path_in) {
  Settings s;
  s.path = path_in.empty() ? paths::default_config_path() : path_in;
  auto file = load_config(s.path);
  if (!file) return file.status();
  s.file_exists = !file->path.empty();
  s.warnings = file->warnings;
  // The file (its values were checked when it was read).
  auto from_file = [&](const char* key, auto apply) {
    if (auto v = file->get(key)) {
      apply(*v);
      s.source[key] = "file";
    }
  };
  from_file("llm", [&](const std::string& v) { s.llm = v == "gemini"; });
  from_file("gemini_api_key", [&](const std::string& v) { s.gemini_api_key = v; });
  from_file("gemini_model", [&](const std::string& v) { s.gemini_model = v; });
  from_file("gemini_base_url", [&](const std::string& v) { s.gemini_base_url = v; });
  from_file("max_cost_usd", [&](const std::string& v) { s.max_cost_usd = std::strtod(v.c_str(), nullptr); });
  from_file("usd_per_million_tokens", [&](const std::string& v) { s.usd_per_million_tokens = std::strtod(v.c_str(), nullptr); });
  from_file("llm_concurrency", [&](const std::string& v) { s.llm_concurrency = std::atoi(v.c_str()); });
  from_file("llm_requests_per_minute", [&](const std::string& v) { s.llm_requests_per_minute = std::atoi(v.c_str()); });
  // The environment.
  auto from_env = [&](const char* key, const char* name, std::string* out) {
    if (const char* v = env(name)) {
      *out = v;
      s.source[key] = std::string("env ") + name;
    }
  };
  from_env("gemini_api_key", "GEMINI_API_KEY", &s.gemini_api_key);
  from_env("gemini_model", "CODEX_GEMINI_MODEL", &s.gemini_model);
  from_env("gemini_base_url", "CODEX_GEMINI_BASE_URL", &s.gemini_base_url);
  if (const char* v = env("CODEX_GEMINI_USD_PER_MTOK")) {
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(v, &end);
    if (errno || end == v || *end != '\0' || !(d >= 0.0) || d > 1e6) {
      // Only a cost estimate depends on it: say so and go on, so `codex config` can show it.
      s.warnings.push_back("CODEX_GEMINI_USD_PER_MTOK is not a non-negative number; ignored");
    } else {
      s.usd_per_million_tokens = d;
      s.source["usd_per_million_tokens"] = "env CODEX_GEMINI_USD_PER_MTOK";
    }
  }
  // The command line.
  if (flags.llm) {
    s.llm = *flags.llm;
    s.source["llm"] = *flags.llm ? "flag --llm" : "flag --no-llm";
  }
  if (flags.max_cost_usd) {
    s.max_cost_usd = *flags.max_cost_usd;
    s.source["max_cost_usd"] = "flag --max-cost";
  }
  return s;
}

}  // namespace codex
