#include "codex/core/config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "codex/core/paths.h"
#include "codex/core/text.h"

namespace codex {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

bool known_key(const std::string& key) {
  for (const auto& [k, help] : config_keys()) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& config_keys() {
  static const std::vector<std::pair<std::string, std::string>> kKeys = {
      {"llm", "\"gemini\" to describe tracks with the LLM on every analyze (\"none\" = only with --llm)"},
      {"gemini_api_key", "your Gemini API key (GEMINI_API_KEY overrides)"},
      {"gemini_model", "model name (CODEX_GEMINI_MODEL overrides)"},
      {"gemini_base_url", "API base URL, for proxies (CODEX_GEMINI_BASE_URL overrides)"},
      {"max_cost_usd", "budget per analyze run in USD (--max-cost overrides)"},
      {"usd_per_million_tokens", "price used for cost estimates (CODEX_GEMINI_USD_PER_MTOK overrides)"},
      {"llm_concurrency", "requests in flight at once (1-16)"},
      {"llm_requests_per_minute", "request rate limit (1-1000)"},
  };
  return kKeys;
}

std::optional<std::string> Config::get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<Config> parse_config(const std::string& text, const std::string& origin) {
  Config c;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& why) { return Status::Error(origin + ":" + std::to_string(n) + ": " + why); };
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    if (to_valid_utf8(line) != line) return fail("not UTF-8 text");
    std::string s = trim(line);
    if (s.empty() || s[0] == '#') continue;
    const size_t eq = s.find('=');
    if (eq == std::string::npos) {
      // Name the line by its leading word only: the rest may be a secret (`gemini_api_key: AIza...`).
      size_t word = 0;
      while (word < s.size() && word < 40 && (std::isalnum(static_cast<unsigned char>(s[word])) || s[word] == '_')) ++word;
      return fail("expected `key = value`" + (word ? " (the line starts with \"" + s.substr(0, word) + "\")" : std::string()));
    }
    const std::string key = trim(s.substr(0, eq));
    std::string value = trim(s.substr(eq + 1));
    if (key.empty()) return fail("missing key before '='");
    if (!known_key(key)) {
      // Named only when it looks like a setting name: a garbled line may hold a secret.
      const bool name_like = key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
      });
      return fail(name_like ? "unknown setting \"" + key + "\"" : std::string("unknown setting (not a setting name)"));
    }
    if (!value.empty() && value[0] == '"') {
      const size_t close = value.find('"', 1);
      if (close == std::string::npos) return fail("unterminated quote");
      const std::string rest = trim(value.substr(close + 1));
      if (!rest.empty() && rest[0] != '#') return fail("text after the closing quote");
      value = value.substr(1, close - 1);
    } else if (const size_t hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    if (value.empty()) return fail("empty value for \"" + key + "\"");
    if (key == "llm" && value != "gemini" && value != "none") return fail("llm must be \"gemini\" or \"none\"");
    if (key == "max_cost_usd" || key == "usd_per_million_tokens" || key == "llm_concurrency" ||
        key == "llm_requests_per_minute") {
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(value.c_str(), &end);
      if (errno || end == value.c_str() || *end != '\0' || !(v >= 0.0) || v > 1e6) {
        return fail(key + " must be a non-negative number");
      }
      if (key == "llm_concurrency" && (v < 1 || v > 16 || v != static_cast<int>(v))) {
        return fail("llm_concurrency must be a whole number from 1 to 16");
      }
      if (key == "llm_requests_per_minute" && (v < 1 || v > 1000)) {
        return fail("llm_requests_per_minute must be from 1 to 1000");
      }
    }
    if (c.values.count(key)) return fail("\"" + key + "\" is set twice");
    c.values[key] = value;
  }
  return c;
}

std::string default_config_path() { return paths::default_config_path(); }

Result<Config> load_config(const std::string& path_in) {
  const std::string path = path_in.empty() ? default_config_path() : path_in;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Config{};
    return Status::Error("cannot read settings " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::Error("settings " + path + " is not a regular file");
  if (st.st_size > 64 * 1024) return Status::Error("settings " + path + " is larger than 64 KB; is it the right file?");
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error("cannot read settings " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << f.rdbuf();
  auto c = parse_config(ss.str(), path);
  if (!c) return c;
  c->path = path;
  if (c->get("gemini_api_key") && (st.st_mode & (S_IRGRP | S_IROTH))) {
    c->warnings.push_back("settings " + path + " holds an API key and others can read it (chmod 600 " + path + ")");
  }
  return c;
}

}  // namespace codex
