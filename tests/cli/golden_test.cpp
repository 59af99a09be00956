// The user-visible outputs of a fixed library, pinned: `codex export`, `list --json`, `show --json`
// and `recommend --json` (every mode, several prompts) over the 12-track demo library, and
// `recommend --json` over the same records imported into a fresh corpus, are compared with
// tests/golden/demo_outputs.json. A refactor must leave them identical; a deliberate change of an
// analyzer, the local fill or the ranking regenerates the file (and the diff shows what moved):
//
//   CODEX_UPDATE_GOLDEN=1 build/tests/cli_golden_test
//
// Normalised before comparing: timestamps are dropped, the demo folder becomes "$DEMO", and
// numbers keep 6 significant digits (so that the last bit of a float sum does not matter).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/run_codex.h"
#include "support/test_util.h"

namespace codex {
namespace {

using nlohmann::json;

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

json normalise(const json& v, const std::string& demo_dir) {
  if (v.is_object()) {
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& k = it.key();
      if (k == "created_at" || k == "updated_at" || k == "added_at" || k == "seen_at") continue;
      out[k] = normalise(it.value(), demo_dir);
    }
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& x : v) out.push_back(normalise(x, demo_dir));
    return out;
  }
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return std::strtod(buf, nullptr);
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    replace_all(s, demo_dir, "$DEMO");
    return s;
  }
  return v;
}

json parse_or_fail(const test::CmdResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 0) << what << ": " << r.err;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << what << " printed no JSON: " << r.out.substr(0, 200);
  return j;
}

json jsonl(const std::string& text) {
  json out = json::array();
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
  }
  return out;
}

json recommendations(const std::string& db, const std::string& current) {
  json out = json::object();
  for (const char* mode : {"features", "embedding", "full"}) {
    for (const char* prompt : {"", "darker but keep the energy", "more energy, change up the genre",
                               "same key, slower, vocals", "warm-up, any key, chill"}) {
      const std::string what = std::string(mode) + " | " + prompt;
      out[what] = parse_or_fail(
          test::run_codex({"recommend", "--db", db, "--current", current, "--prompt", prompt, "--mode", mode, "--top",
                           "8", "--json"}),
          "recommend " + what);
    }
  }
  return out;
}

TEST(Golden, DemoLibraryOutputsAreUnchanged) {
  test::TempDir dir;
  const std::string demo = dir.file("demo"), db = dir.file("demo/corpus.db");
  const auto made = test::run_codex({"demo", "--tracks", "12", "--dir", demo, "--db", db});
  ASSERT_EQ(made.status, 0) << made.err;

  json got = json::object();
  got["export"] = jsonl(test::run_codex({"export", "--db", db}).out);
  ASSERT_EQ(got["export"].size(), 12u);
  got["list"] = parse_or_fail(test::run_codex({"list", "--db", db, "--json"}), "list");
  const std::string first = got["export"][0]["track_id"], fifth = got["export"][4]["track_id"];
  for (const auto& id : {first, fifth}) got["show"][id] = parse_or_fail(test::run_codex({"show", "--db", db, "--json", id}), "show");
  got["recommend"] = recommendations(db, first);

  // The same records imported into a corpus without audio recommend the same way.
  const std::string exported = dir.file("all.jsonl"), imported = dir.file("imported.db");
  ASSERT_EQ(test::run_codex({"export", "--db", db, "-o", exported}).status, 0);
  ASSERT_EQ(test::run_codex({"import", "--db", imported, exported}).status, 0);
  // Export is lossless: the imported corpus exports the very bytes it was given.
  EXPECT_EQ(test::run_codex({"export", "--db", imported}).out, test::read_bytes(exported));
  got["recommend_imported"] = recommendations(imported, fifth);
  got = normalise(got, demo);

  const std::string golden = std::string(CODEX_GOLDEN_DIR) + "/demo_outputs.json";
  if (const char* u = std::getenv("CODEX_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden) << got.dump(1) << "\n";
    GTEST_SKIP() << "wrote " << golden;
  }
  std::ifstream in(golden);
  ASSERT_TRUE(in) << "no golden file " << golden << " (CODEX_UPDATE_GOLDEN=1 writes it)";
  const json want = json::parse(in, nullptr, false);
  ASSERT_FALSE(want.is_discarded());
  const json diff = json::diff(want, got);
  std::string shown;
  for (size_t i = 0; i < diff.size() && i < 15; ++i) shown += "\n  " + diff[i].dump().substr(0, 300);
  EXPECT_TRUE(diff.empty()) << diff.size() << " differences from " << golden << ":" << shown;
}

}  // namespace
}  // namespace codex
