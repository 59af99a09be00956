// codex config: where the settings file is, and the settings in effect (file, then environment),
// with the API key masked.
#include <cstdio>
#include <cstdlib>

#include "codex/core/config.h"
#include "codex/core/text.h"
#include "commands.h"

namespace codex::cli {
namespace {

std::string masked(const std::string& key) {
  if (key.empty()) return "";
  return key.size() <= 8 ? std::string("****") : key.substr(0, 4) + "…" + key.substr(key.size() - 2);
}

}  // namespace

int run_config(const GlobalArgs& g) {
  const std::string path = default_config_path();
  auto settings = load_config(path);
  if (!settings) {
    print_error(settings.status().message());
    return 1;
  }
  // Environment variables that override the file, by setting.
  static const std::pair<const char*, const char*> kEnv[] = {{"gemini_api_key", "GEMINI_API_KEY"},
                                                             {"gemini_model", "CODEX_GEMINI_MODEL"},
                                                             {"gemini_base_url", "CODEX_GEMINI_BASE_URL"},
                                                             {"usd_per_million_tokens", "CODEX_GEMINI_USD_PER_MTOK"}};
  nlohmann::json effective = nlohmann::json::object();
  for (const auto& [key, help] : config_keys()) {
    std::string value, source;
    if (auto v = settings->get(key)) {
      value = *v;
      source = "file";
    }
    for (const auto& [k, env] : kEnv) {
      if (key == k) {
        if (const char* e = std::getenv(env); e && *e) {
          value = e;
          source = std::string("env ") + env;
        }
      }
    }
    if (source.empty()) continue;
    if (key == "gemini_api_key") value = masked(value);
    effective[key] = {{"value", value}, {"from", source}};
  }
  if (g.json) {
    nlohmann::json j = {{"path", path}, {"exists", !settings->path.empty()}, {"settings", effective},
                        {"warnings", settings->warnings}};
    std::printf("%s\n", json_text(j, 2).c_str());
    return 0;
  }
  std::printf("Settings file: %s%s\n", to_valid_utf8(path).c_str(), settings->path.empty() ? " (not present)" : "");
  for (const auto& w : settings->warnings) std::printf("warning: %s\n", w.c_str());
  if (effective.empty()) std::printf("No settings in effect: defaults everywhere (no LLM unless --llm gemini).\n");
  for (auto it = effective.begin(); it != effective.end(); ++it) {
    std::printf("  %-24s %s  (%s)\n", it.key().c_str(), to_valid_utf8(it.value()["value"].get<std::string>()).c_str(),
                it.value()["from"].get<std::string>().c_str());
  }
  std::printf("Keys it may hold:\n");
  for (const auto& [key, help] : config_keys()) std::printf("  %-24s %s\n", key.c_str(), help.c_str());
  return 0;
}

}  // namespace codex::cli
