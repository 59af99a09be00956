// codex config: where the settings file is, and the settings in effect (file, then environment)
// with the source of each, the API key masked.
#include <cstdio>
#include <cstdlib>
#include <map>

#include "codex/core/config.h"
#include "codex/core/settings.h"
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
  auto settings = resolve_settings();
  if (!settings) {
    print_error(settings.status().message());
    return 1;
  }
  const Settings& st = *settings;
  const std::string& path = st.path;
  // The value of every setting not at its default, and where it came from.
  auto number = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  const std::map<std::string, std::string> values = {
      {"llm", st.llm ? "gemini" : "none"},
      {"gemini_api_key", masked(st.gemini_api_key)},
      {"gemini_model", st.gemini_model},
      {"gemini_base_url", st.gemini_base_url},
      {"max_cost_usd", number(st.max_cost_usd)},
      {"usd_per_million_tokens", number(st.usd_per_million_tokens)},
      {"llm_concurrency", std::to_string(st.llm_concurrency)},
      {"llm_requests_per_minute", std::to_string(st.llm_requests_per_minute)}};
  nlohmann::json effective = nlohmann::json::object();
  for (const auto& [key, source] : st.source) {
    auto v = values.find(key);
    if (v != values.end()) effective[key] = {{"value", v->second}, {"from", source}};
  }
  if (g.json) {
    nlohmann::json j = {{"path", path}, {"exists", st.file_exists}, {"settings", effective},
                        {"warnings", settings->warnings}};
    std::printf("%s\n", json_text(j, 2).c_str());
    return 0;
  }
  std::printf("Settings file: %s%s\n", printable(path).c_str(), st.file_exists ? "" : " (not present)");
  for (const auto& w : settings->warnings) std::printf("warning: %s\n", w.c_str());
  if (effective.empty()) std::printf("No settings in effect: defaults everywhere (no LLM unless --llm gemini).\n");
  for (auto it = effective.begin(); it != effective.end(); ++it) {
    std::printf("  %-24s %s  (%s)\n", it.key().c_str(), printable(it.value()["value"].get<std::string>()).c_str(),
                it.value()["from"].get<std::string>().c_str());
  }
  std::printf("Keys it may hold:\n");
  for (const auto& [key, help] : config_keys()) std::printf("  %-24s %s\n", key.c_str(), help.c_str());
  return 0;
}

}  // namespace codex::cli
