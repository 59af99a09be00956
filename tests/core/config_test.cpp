// The settings file: what it accepts, every malformed line rejected with its line number, the
// permission warning for a key others can read, and environment variables winning over it.
#include "codex/core/config.h"
#include "codex/core/settings.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "codex/semantic/gemini_client.h"
#include "support/test_util.h"

namespace codex {
namespace {

TEST(Config, ParsesKeysCommentsAndQuotes) {
  const auto c = parse_config(
      "# my settings\n"
      "\n"
      "llm = gemini\n"
      "  gemini_api_key = \"AIza key # with hash\"   # trailing comment\n"
      "gemini_model=gemini-2.5-pro # the big one\n"
      "max_cost_usd = 2.5\r\n",
      "config");
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->get("llm"), "gemini");
  EXPECT_EQ(c->get("gemini_api_key"), "AIza key # with hash");
  EXPECT_EQ(c->get("gemini_model"), "gemini-2.5-pro");
  EXPECT_EQ(c->get("max_cost_usd"), "2.5");
  EXPECT_FALSE(c->get("gemini_base_url"));
  EXPECT_FALSE(c->get("llm_concurrency"));
}

TEST(Config, MalformedLinesAreRejectedWithTheLineNumber) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"llm = gemini\njust words\n", "config:2: expected `key = value`"},
      {"gemini_key = x\n", "config:1: unknown setting \"gemini_key\""},
      {"= x\n", "config:1: missing key"},
      {"gemini_model =\n", "config:1: empty value"},
      {"gemini_api_key = \"abc\n", "config:1: unterminated quote"},
      {"gemini_api_key = \"abc\" def\n", "config:1: text after the closing quote"},
      {"llm = openai\n", "config:1: llm must be"},
      {"max_cost_usd = lots\n", "config:1: max_cost_usd must be a non-negative number"},
      {"max_cost_usd = -1\n", "config:1: max_cost_usd must be"},
      {"max_cost_usd = 1e400\n", "config:1: max_cost_usd must be"},
      {"max_cost_usd = nan\n", "config:1: max_cost_usd must be"},
      {"llm_concurrency = 2.5\n", "config:1: llm_concurrency must be a whole number"},
      {"llm_concurrency = 64\n", "config:1: llm_concurrency must be"},
      {"llm_requests_per_minute = 0\n", "config:1: llm_requests_per_minute must be"},
      {"llm = gemini\nllm = none\n", "config:2: \"llm\" is set twice"},
      {"gemini_model = caf\xe9\n", "config:1: not UTF-8"},
  };
  for (const auto& [text, want] : cases) {
    const auto c = parse_config(text, "config");
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.status().message().rfind(want, 0), 0u) << text << " -> " << c.status().message();
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
  }
}

TEST(Config, AMalformedLineNeverEchoesItsValue) {
  const auto c = parse_config("gemini_api_key: AIzaSyD-secret-value\n", "config");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.status().message().find("AIza"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("gemini_api_key"), std::string::npos) << "the line is still named";
}

TEST(Config, AByteOrderMarkIsNotPartOfTheFirstKey) {
  const auto c = parse_config("\xEF\xBB\xBFllm = gemini\n", "config");
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->get("llm"), "gemini");
}

TEST(Config, MissingFileIsEmptyOthersAreErrors) {
  test::TempDir dir;
  const auto missing = load_config(dir.file("nope"));
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->values.empty());
  EXPECT_TRUE(missing->path.empty());

  std::filesystem::create_directories(dir.file("adir"));
  EXPECT_FALSE(load_config(dir.file("adir")));
  test::write_bytes(dir.file("big"), std::string(70 * 1024, '#'));
  EXPECT_FALSE(load_config(dir.file("big")));
  test::write_bytes(dir.file("bad"), "hello\n");
  const auto bad = load_config(dir.file("bad"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find(dir.file("bad") + ":1:"), std::string::npos) << bad.status().message();
}

TEST(Config, WarnsWhenOthersCanReadTheKey) {
  test::TempDir dir;
  const std::string path = dir.file("config");
  test::write_bytes(path, "gemini_api_key = secret\n");
  ::chmod(path.c_str(), 0644);
  auto c = load_config(path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, path);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("chmod 600"), std::string::npos);
  EXPECT_EQ(c->warnings[0].find("secret"), std::string::npos) << "never print the key";
  ::chmod(path.c_str(), 0600);
  c = load_config(path);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->warnings.empty());
}

TEST(Config, DefaultPathFollowsTheEnvironment) {
  ::setenv("CODEX_CONFIG", "/tmp/x/codex.conf", 1);
  EXPECT_EQ(default_config_path(), "/tmp/x/codex.conf");
  ::unsetenv("CODEX_CONFIG");
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(default_config_path(), "/tmp/xdg/codex/config");
  ::unsetenv("XDG_CONFIG_HOME");
  ::setenv("HOME", "/home/dj", 1);
  EXPECT_EQ(default_config_path(), "/home/dj/.config/codex/config");
}

TEST(Settings, FileThenEnvironmentThenFlagsEachWithItsSource) {
  test::TempDir dir;
  const std::string path = dir.file("config");
  test::write_bytes(path, "llm = gemini\ngemini_api_key = from-file\ngemini_model = file-model\n"
                          "gemini_base_url = http://proxy\nmax_cost_usd = 2.5\nllm_concurrency = 4\n");
  ::chmod(path.c_str(), 0600);
  for (const char* v : {"GEMINI_API_KEY", "CODEX_GEMINI_MODEL", "CODEX_GEMINI_BASE_URL", "CODEX_GEMINI_USD_PER_MTOK"}) {
    ::unsetenv(v);
  }
  auto s = resolve_settings({}, path);
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_TRUE(s->file_exists);
  EXPECT_TRUE(s->llm);
  EXPECT_EQ(s->gemini_api_key, "from-file");
  EXPECT_EQ(s->max_cost_usd, 2.5);
  EXPECT_EQ(s->llm_concurrency, 4);
  EXPECT_EQ(s->llm_requests_per_minute, 30) << "a default";
  EXPECT_EQ(s->source.at("gemini_model"), "file");
  EXPECT_FALSE(s->source.count("llm_requests_per_minute")) << "defaults have no source";
  ::setenv("GEMINI_API_KEY", "from-env", 1);
  ::setenv("CODEX_GEMINI_MODEL", "env-model", 1);
  ::setenv("CODEX_GEMINI_USD_PER_MTOK", "0.3", 1);
  s = resolve_settings({false, 1.0}, path);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->gemini_api_key, "from-env");
  EXPECT_EQ(s->source.at("gemini_api_key"), "env GEMINI_API_KEY");
  EXPECT_EQ(s->usd_per_million_tokens, 0.3);
  EXPECT_FALSE(s->llm) << "--no-llm beats the file";
  EXPECT_EQ(s->source.at("llm"), "flag --no-llm");
  EXPECT_EQ(s->max_cost_usd, 1.0);
  EXPECT_EQ(s->source.at("max_cost_usd"), "flag --max-cost");
  const auto g = semantic::gemini_config_from(*s);
  EXPECT_EQ(g.api_key, "from-env");
  EXPECT_EQ(g.model, "env-model");
  EXPECT_EQ(g.base_url, "http://proxy");
  ::setenv("CODEX_GEMINI_USD_PER_MTOK", "cheap", 1);
  const auto bad = resolve_settings({}, path);
  ASSERT_TRUE(bad) << "a bad price only warns: codex config must still show the settings";
  ASSERT_EQ(bad->warnings.size(), 1u);
  EXPECT_NE(bad->warnings[0].find("CODEX_GEMINI_USD_PER_MTOK"), std::string::npos);
  EXPECT_EQ(bad->usd_per_million_tokens, 1.0);
  for (const char* v : {"GEMINI_API_KEY", "CODEX_GEMINI_MODEL", "CODEX_GEMINI_USD_PER_MTOK"}) ::unsetenv(v);
  const auto none = resolve_settings({}, dir.file("missing"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->file_exists);
  EXPECT_FALSE(none->llm);
  EXPECT_EQ(none->gemini_model, "gemini-2.5-flash");
  EXPECT_TRUE(none->source.empty());
}

}  // namespace
}  // namespace codex
