// Drives the real codex binary: the command-line contract (docs/ARCHITECTURE.md section 6), exit codes, one-line
// errors, JSON output, and a run killed with SIGKILL that the next run completes.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "codex/semantic/mood_model.h"
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "codex/core/text.h"
#include "codex/demo/synth.h"
#include "support/damage.h"
#include "support/run_codex.h"
#include "support/test_util.h"

namespace codex {
namespace {

namespace fs = std::filesystem;

using test::CmdResult;
using test::run_codex;

using test::line_count;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir.file("music"));
    test::write_audio(dir.file("music/one.flac"), test::to_stereo(demo::render_clicks(128, 5.0, 44100)), 2, 44100,
                      audio::Format::kFlac, {{"title", "One"}, {"artist", "Clicker"}});
    test::write_audio(dir.file("music/two.mp3"), test::to_stereo(demo::render_sine(220, 0.3, 4.0, 44100)), 2, 44100,
                      audio::Format::kMp3, {{"title", "Two"}, {"artist", "Sine"}});
    db = dir.file("corpus.db");
  }
  test::TempDir dir;
  std::string db;
};

TEST_F(Cli, ProbePrintsTheContractFields) {
  const CmdResult r = run_codex({"probe", dir.file("music/one.flac")});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["duration_seconds"].get<double>(), 5.0, 0.01);
  for (const char* k : {"bpm", "key", "key_name", "track_id", "energy", "loudness_lufs"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_FALSE(fs::exists(db)) << "probe stores nothing";
}

TEST_F(Cli, ProbeParamOverridesADeclaredParameterAndRejectsBadOnes) {
  // The sine gets a key by default; raising the key analyzer's fit gate to its maximum leaves it
  // without one.
  CmdResult r = run_codex({"probe", dir.file("music/two.mp3")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["key"].is_null()) << r.out;
  r = run_codex({"probe", "--param", "key.min_strength=1", dir.file("music/two.mp3")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["key"].is_null()) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["param_overrides"][0], "key.min_strength=1");
  for (const char* bad : {"key.min_strength=2", "key.no_such=1", "nokey.min_strength=0.3", "key.min_strength=abc",
                          "key.min_strength=", "min_strength=0.3", "key.min_strength=nan", "key.min_strength=0.3\nsecond line"}) {
    r = run_codex({"probe", "--param", bad, dir.file("music/two.mp3")});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(line_count(r.err), 1u) << bad << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
}

TEST_F(Cli, ErrorsAreOneLineWithTheRightExitStatus) {
  CmdResult r = run_codex({"probe", dir.file("music/missing.mp3")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("codex: ", 0), 0u) << r.err;
  EXPECT_TRUE(r.out.empty());

  EXPECT_EQ(run_codex({}).status, 2);
  EXPECT_EQ(run_codex({"frobnicate"}).status, 2);
  EXPECT_EQ(run_codex({"analyze"}).status, 2);
  EXPECT_EQ(run_codex({"analyze", "--jobs", "many", dir.file("music")}).status, 2);
  EXPECT_EQ(run_codex({"--help"}).status, 0);
}

TEST_F(Cli, AnalyzeListShowWithABadFile) {
  test::write_bytes(dir.file("music/broken.mp3"), std::string(3000, '\x55'));
  CmdResult r = run_codex({"analyze", "--db", db, dir.file("music")});
  EXPECT_EQ(r.status, 1) << "some files failed";
  EXPECT_NE(r.err.find("broken.mp3"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.out.find("Analysed 2 of 3"), std::string::npos) << r.out;

  r = run_codex({"list", "--db", db, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list.size(), 2u);
  const std::string id = list[0]["track_id"];

  r = run_codex({"show", id.substr(0, 6), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(id), std::string::npos);
  EXPECT_NE(r.out.find("loudness"), std::string::npos);

  r = run_codex({"list"}, {"CODEX_DB=" + db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("2 tracks"), std::string::npos) << r.out;

  // Second run: nothing to do but the broken file, which is reported again.
  r = run_codex({"analyze", "--json", "--db", db, dir.file("music")});
  EXPECT_EQ(r.status, 1);
  std::istringstream lines(r.out);
  std::string line, last;
  int up_to_date = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.value("status", "") == "up-to-date") ++up_to_date;
    last = line;
  }
  EXPECT_EQ(up_to_date, 2);
  const auto summary = nlohmann::json::parse(last)["summary"];
  EXPECT_EQ(summary["failed"].get<int>(), 1);
  EXPECT_TRUE(r.err.empty()) << "--json keeps stderr quiet: " << r.err;
}

TEST_F(Cli, SettingsFileOptsInToTheLlmAndMalformedSettingsStopTheRun) {
  const std::string settings = dir.file("settings");
  const std::string env = "CODEX_CONFIG=" + settings;
  test::write_bytes(settings, "llm = gemini\nmax_cost_usd = 0.5\n");
  // Opted in by the file, no key anywhere: analysis runs, then the LLM step stops before sending.
  CmdResult r = run_codex({"analyze", "--db", db, dir.file("music")}, {env, "GEMINI_API_KEY="});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("Analysed 2 of 2"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("needs your API key"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  // A dry run needs no key and shows what would be sent.
  r = run_codex({"analyze", "--db", db, "--dry-run", dir.file("music")}, {env, "GEMINI_API_KEY="});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Dry run for"), std::string::npos) << r.out;
  // --no-llm overrides the file.
  r = run_codex({"analyze", "--db", db, "--no-llm", dir.file("music")}, {env, "GEMINI_API_KEY="});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("Dry run"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("LLM"), std::string::npos) << r.out;
  // A malformed settings file: one line naming the file and line, nothing analysed.
  test::write_bytes(settings, "llm = gemini\nmax_cost = 3\n");
  r = run_codex({"analyze", "--db", db, dir.file("music")}, {env});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find(settings + ":2: unknown setting \"max_cost\""), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, ConfigShowsTheSettingsInEffectWithTheKeyMasked) {
  const std::string settings = dir.file("settings");
  test::write_bytes(settings, "llm = gemini\ngemini_api_key = AIzaSecretKeyValue987\n");
  CmdResult r = run_codex({"config", "--json"}, {"CODEX_CONFIG=" + settings, "GEMINI_API_KEY=",
                                                 "CODEX_GEMINI_MODEL=gemini-test"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("SecretKeyValue"), std::string::npos) << "the key is never printed: " << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["path"], settings);
  EXPECT_EQ(j["settings"]["llm"]["value"], "gemini");
  EXPECT_EQ(j["settings"]["gemini_model"]["from"], "env CODEX_GEMINI_MODEL");
  EXPECT_TRUE(j["settings"].contains("gemini_api_key"));
  r = run_codex({"config"}, {"CODEX_CONFIG=" + dir.file("absent")});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("not present"), std::string::npos) << r.out;
  test::write_bytes(settings, "volume = 11\n");
  r = run_codex({"config"}, {"CODEX_CONFIG=" + settings});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
}

TEST_F(Cli, ImportReportsBadLinesAndExportRoundTrips) {
  test::write_bytes(dir.file("in.jsonl"),
                    "{\"track_id\":\"t1\",\"title\":\"One\",\"artist\":\"A\",\"bpm\":128,\"key\":\"8A\",\"energy\":7,\"x\":1}\n"
                    "{broken\n");
  CmdResult r = run_codex({"import", "--db", db, dir.file("in.jsonl")});
  EXPECT_EQ(r.status, 1) << "a rejected line makes the exit status 1";
  EXPECT_NE(r.err.find("in.jsonl:2: skipped: not valid JSON"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1u);
  EXPECT_NE(r.out.find("Imported 1 records"), std::string::npos) << r.out;
  r = run_codex({"export", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rec = nlohmann::json::parse(r.out);
  EXPECT_EQ(rec["track_id"], "t1");
  EXPECT_EQ(rec["x"], 1);
  EXPECT_EQ(run_codex({"import", "--db", db, dir.file("missing.jsonl")}).status, 1);
  r = run_codex({"list", "--db", db});
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("imported"), std::string::npos) << "imported records are listed: " << r.out;
  EXPECT_NE(r.out.find("1 tracks"), std::string::npos) << r.out;
  // show finds an imported record too (by id and by prefix), with its fields.
  r = run_codex({"show", "--db", db, "t1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("A — One"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8A"), std::string::npos) << r.out;
  r = run_codex({"show", "--db", db, "--json", "t"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["record"]["x"], 1);
  EXPECT_EQ(run_codex({"show", "--db", db, "t2"}).status, 1);
  r = run_codex({"schema"});
  ASSERT_EQ(r.status, 0);
  EXPECT_TRUE(nlohmann::json::parse(r.out).contains("properties"));
}

TEST_F(Cli, RecommendPrintsTheJsonContract) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  CmdResult r = run_codex({"recommend", "--db", db, "--current", "Clicker - One", "--prompt", "darker", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["current"]["title"], "One");
  EXPECT_EQ(j["intent"]["vibe"], "dark");
  ASSERT_EQ(j["results"].size(), 1u) << "the only other track";
  for (const char* k : {"track_id", "title", "artist", "score", "bpm", "key", "energy", "vibe", "reasons", "valence", "arousal"}) {
    EXPECT_TRUE(j["results"][0].contains(k)) << k;
  }
  EXPECT_TRUE(j["current"]["valence"].is_number()) << "an analysed track carries the mood heard in it";
  EXPECT_EQ(j["intent"]["valence"], "down") << "darker moves valence down";
  // A session remembers what was played: "Two" was current, so it is not suggested after "One".
  ASSERT_EQ(run_codex({"recommend", "--db", db, "--current", "Sine - Two", "--session", "friday"}).status, 0);
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One", "--session", "friday", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["results"].empty());
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One", "--session", "saturday", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["results"].size(), 1u);
  r = run_codex({"recommend", "--db", db, "--current", "nobody - nothing"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_EQ(run_codex({"recommend", "--db", db}).status, 2) << "--current is required";
}

TEST_F(Cli, AnEvaluationMoodModelMustLoadAndIsUsed) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const std::string bad = dir.file("bad-mood.json");
  std::ofstream(bad) << "{\"format\": \"codex-mood-model\", \"version\": 1}";
  CmdResult r = run_codex({"list", "--db", db}, {"CODEX_MOOD_MODEL=" + bad});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("bad-mood.json"), std::string::npos) << r.err;
  // Another model (the built-in one with its arousal bias moved) gives other readings, and the
  // cached records and the snapshot follow it.
  auto model = nlohmann::json::parse(std::string(semantic::MoodModel::builtin_text()));
  model["arousal"]["bias"] = model["arousal"]["bias"].get<double>() + 6.0;
  const std::string other = dir.file("other-mood.json");
  std::ofstream(other) << model.dump();
  auto arousal_of = [&](const std::vector<std::string>& env) {
    CmdResult e = run_codex({"export", "--db", db}, env);
    EXPECT_EQ(e.status, 0) << e.err;
    std::vector<double> a;
    std::istringstream lines(e.out);
    for (std::string line; std::getline(lines, line);) {
      const auto rec = nlohmann::json::parse(line);
      a.push_back(rec.value("arousal", -9.0));
    }
    return a;
  };
  const auto plain = arousal_of({}), moved = arousal_of({"CODEX_MOOD_MODEL=" + other});
  ASSERT_EQ(plain.size(), moved.size());
  int higher = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_GE(moved[i], plain[i]);
    higher += moved[i] > plain[i];
  }
  EXPECT_GT(higher, 0);
  EXPECT_EQ(arousal_of({}), plain) << "back to the built-in model";
}

int64_t query_int(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_type(st, 0) == SQLITE_TEXT
            ? (std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "ok" ? 1 : 0)
            : sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

TEST_F(Cli, RunKilledMidWayIsResumedWithoutDuplicates) {
  const int n = 24;
  for (int i = 0; i < n; ++i) {
    test::write_audio(dir.file("music/t" + std::to_string(i) + ".wav"),
                      test::to_stereo(demo::render_sine(200.0 + 10 * i, 0.3, 20.0, 44100)), 2, 44100);
  }
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    const std::string music = dir.file("music");
    execl(CODEX_BIN, CODEX_BIN, "analyze", "--json", "--jobs", "1", "--db", db.c_str(), music.c_str(), nullptr);
    _exit(127);
  }
  close(pipefd[1]);
  FILE* out = fdopen(pipefd[0], "r");
  char buf[4096];
  int analysed = 0;
  while (analysed < 3 && fgets(buf, sizeof buf, out)) {
    if (std::string(buf).find("\"analyzed\"") != std::string::npos) ++analysed;
  }
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  fclose(out);
  ASSERT_TRUE(WIFSIGNALED(st)) << "the run should have been killed mid-way";

  EXPECT_EQ(query_int(db, "PRAGMA integrity_check"), 1);
  const int64_t before = query_int(db, "SELECT COUNT(*) FROM tracks");
  EXPECT_GE(before, 3);
  EXPECT_LT(before, n + 2);

  const CmdResult r = run_codex({"analyze", "--json", "--db", db, dir.file("music")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM tracks"), n + 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM locations"), n + 2);
  const int64_t analyzers = query_int(db, "SELECT COUNT(DISTINCT analyzer) FROM analyses");
  EXPECT_GE(analyzers, 3);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM analyses"), analyzers * (n + 2));
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM (SELECT track_id FROM analyses GROUP BY track_id HAVING COUNT(*) != " +
                              std::to_string(analyzers) + ")"),
            0);
  EXPECT_EQ(query_int(db, "PRAGMA integrity_check"), 1);
}

}  // namespace
}  // namespace codex

namespace codex {
namespace {

TEST(CliOutsideText, EscapeSequencesInTagsAreShownNotObeyed) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("music"));
  const std::string evil_title = "Evil\x1b]0;pwned\x07\x1b[2J";
  test::write_audio(dir.file("music/a.flac"), test::to_stereo(demo::render_clicks(128, 5.0, 44100)), 2, 44100,
                    audio::Format::kFlac, {{"title", evil_title}, {"artist", "Row\nforged"}});
  test::write_audio(dir.file("music/b.flac"), test::to_stereo(demo::render_clicks(126, 5.0, 44100)), 2, 44100,
                    audio::Format::kFlac, {{"title", "Plain"}, {"artist", "Other"}});
  const std::string db = dir.file("c.db");
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"list", "--db", db}, {"recommend", "--db", db, "--current", "Other - Plain"}}) {
    const CmdResult r = run_codex(args);
    ASSERT_EQ(r.status, 0) << args[0] << ": " << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << args[0] << " printed a raw ESC";
    EXPECT_EQ(r.out.find('\x07'), std::string::npos) << args[0];
    EXPECT_NE(r.out.find("Evil\\x1b]0;pwned"), std::string::npos) << args[0] << ": " << r.out;
    EXPECT_EQ(r.out.find("Row\nforged"), std::string::npos) << args[0] << " let a tag forge a line";
  }
  // JSON stays exact (escaped by JSON itself).
  const CmdResult j = run_codex({"list", "--db", db, "--json"});
  ASSERT_EQ(j.status, 0);
  bool found = false;
  for (const auto& t : nlohmann::json::parse(j.out)) found |= t["title"] == evil_title;
  EXPECT_TRUE(found) << j.out;
}

}  // namespace
}  // namespace codex

namespace codex {
namespace {

using test::damage_table;

TEST_F(Cli, ADamagedCorpusFailsWithOneLineInsteadOfAShortAnswer) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const std::vector<std::string> recommend = {"recommend", "--db", db, "--current", "Clicker - One"};
  const CmdResult sound = run_codex(recommend);
  ASSERT_EQ(sound.status, 0) << sound.err;
  damage_table(db, "tracks");
  for (const auto& args : std::vector<std::vector<std::string>>{{"list", "--db", db},
                                                                {"export", "--db", db},
                                                                {"show", "--db", db, "Clicker"}}) {
    const CmdResult r = run_codex(args);
    EXPECT_EQ(r.status, 1) << args[0] << " exited " << r.status << " with: " << r.out;
    EXPECT_EQ(line_count(r.err), 1u) << args[0] << ": " << r.err;
  }
  // recommend reads the library snapshot, made from the corpus while it was sound (the damage
  // wrote nothing, so it is still current, and recommend reads no damaged table): the whole
  // answer it gave before.
  const CmdResult r = run_codex(recommend);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, sound.out);
  // A backup is never partial: export to a file writes nothing.
  const CmdResult e = run_codex({"export", "--db", db, "-o", dir.file("backup.jsonl")});
  EXPECT_EQ(e.status, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.file("backup.jsonl")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("backup.jsonl.part")));
}

TEST_F(Cli, OutputThatCannotBeWrittenFailsWithOneLine) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  for (const auto& args : std::vector<std::vector<std::string>>{{"export", "--db", db},
                                                                {"list", "--db", db},
                                                                {"list", "--db", db, "--json"},
                                                                {"show", "--db", db, dir.file("music/one.flac")},
                                                                {"recommend", "--db", db, "--current", "Clicker - One"},
                                                                {"schema"}}) {
    const CmdResult r = run_codex(args, {}, "/dev/full");  // `codex ... > file` on a full disk
    EXPECT_EQ(r.status, 1) << args[0];
    EXPECT_EQ(line_count(r.err), 1u) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("No space left"), std::string::npos) << r.err;
  }
}

TEST_F(Cli, ACorpusThatCannotBeWrittenIsStillRead) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const std::string list = run_codex({"list", "--db", db}).out;
  const std::string exported = run_codex({"export", "--db", db}).out;
  const std::string bytes = test::read_bytes(db);
  // Read-only to whoever runs codex: as root (who may write anything) codex runs as nobody.
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  std::vector<std::string> as;
  if (geteuid() == 0) as.push_back("CODEX_TEST_UID=65534");
  CmdResult r = run_codex({"list", "--db", db}, as);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, list);
  r = run_codex({"export", "--db", db}, as);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, exported);
  r = run_codex({"check", "--db", db}, as);
  EXPECT_EQ(r.status, 0) << r.err;
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One"}, as);
  EXPECT_EQ(r.status, 0) << r.err;
  // A command that must write says so in one line.
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One", "--session", "fri"}, as);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("readonly"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_bytes(db), bytes) << "the file was changed";
  fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(Cli, AFifoIsNeverWaitedOn) {
  // open() of a FIFO waits for a writer: each path CODEX reads is checked to be a regular file.
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CmdResult r = run_codex({"recommend", "--db", db, "--current", "Clicker - One", "--weights", fifo});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("is not a regular file"), std::string::npos) << r.err;
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One"}, {"CODEX_MOOD_MODEL=" + fifo});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("is not a regular file"), std::string::npos) << r.err;
  r = run_codex({"list", "--db", fifo});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("is not a regular file"), std::string::npos) << r.err;
  // A FIFO where a model would be is listed as unreadable; the embedding goes on without it.
  fs::create_directories(dir.file("models"));
  ASSERT_EQ(::mkfifo((dir.file("models") + "/corpus.db.embed.cxm").c_str(), 0600), 0);
  r = run_codex({"models", "--db", db});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("not a regular file"), std::string::npos) << r.out;
  std::remove((dir.file("models") + "/corpus.db.embed.cxm").c_str());
  // A FIFO where the snapshot should be is replaced by the snapshot.
  const std::string snap = db + ".snapshot";
  std::remove(snap.c_str());
  ASSERT_EQ(::mkfifo(snap.c_str(), 0600), 0);
  r = run_codex({"recommend", "--db", db, "--current", "Clicker - One"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(snap));
}

TEST_F(Cli, AFilePathThatIsNotUtf8SurvivesExportAndImport) {
  const std::string odd = dir.file("music/bad\xff\xfe" "name.flac");
  fs::copy_file(dir.file("music/one.flac"), odd);
  fs::remove(dir.file("music/one.flac"));
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const CmdResult e = run_codex({"export", "--db", db});
  ASSERT_EQ(e.status, 0) << e.err;
  bool found = false;
  std::istringstream lines(e.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (!j.contains("file_path_bytes")) continue;
    found = true;
    EXPECT_EQ(base64_decode(j["file_path_bytes"].get<std::string>()).value_or(""), odd);
  }
  EXPECT_TRUE(found) << e.out;
  // Export, import, export: the same bytes.
  test::write_bytes(dir.file("a.jsonl"), e.out);
  ASSERT_EQ(run_codex({"import", "--db", dir.file("b.db"), dir.file("a.jsonl")}).status, 0);
  EXPECT_EQ(run_codex({"export", "--db", dir.file("b.db")}).out, e.out);
  // Bytes that are not base64 are refused, line by line.
  test::write_bytes(dir.file("bad.jsonl"),
                    R"({"track_id":"aaaa1111","title":"T","artist":"A","bpm":120,"key":"8A","energy":5,"file_path_bytes":"not base64!"})" "\n"
                    R"({"track_id":"aaaa2222","title":"T","artist":"A","bpm":120,"key":"8A","energy":5,"file_path_bytes":42})" "\n"
                    R"({"track_id":"aaaa3333","title":"T","artist":"A","bpm":120,"key":"8A","energy":5,"file_path_bytes":"L20vYQ=="})" "\n"
                    R"({"track_id":"aaaa4444","title":"T","artist":"A","bpm":120,"key":"8A","energy":5,"file_path":"/x","file_path_bytes":"L20vYQ=="})" "\n");
  const CmdResult i = run_codex({"import", "--db", dir.file("c.db"), dir.file("bad.jsonl")});
  EXPECT_EQ(i.status, 1);
  EXPECT_EQ(line_count(i.err), 3u) << i.err;
  EXPECT_NE(i.err.find("not the same path"), std::string::npos) << i.err;
  EXPECT_NE(i.out.find("Imported 1 records"), std::string::npos) << i.out;
}

TEST_F(Cli, CheckFindsDamageAndRepairSavesWhatIsReadableAndAnalysesTheRest) {
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  const std::string before = run_codex({"list", "--db", db, "--json"}).out;
  CmdResult c = run_codex({"check", "--db", db});
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("is sound: 2 tracks"), std::string::npos) << c.out;

  for (const char* table : {"analyses", "tracks"}) {
    SCOPED_TRACE(table);
    damage_table(db, table);
    c = run_codex({"check", "--db", db});
    EXPECT_EQ(c.status, 1);
    EXPECT_NE(c.out.find("is damaged"), std::string::npos) << c.out;
    EXPECT_EQ(line_count(c.err), 1u) << c.err;
    EXPECT_NE(c.err.find("--repair"), std::string::npos) << c.err;
    // The other commands say what to do about it.
    const CmdResult l = run_codex({"list", "--db", db});
    EXPECT_EQ(l.status, 1);
    EXPECT_NE(l.err.find("codex check --repair"), std::string::npos) << l.err;

    const CmdResult r = run_codex({"check", "--db", db, "--repair", "--json"});
    ASSERT_EQ(r.status, 0) << r.err << r.out;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["analysed_again"], 2) << r.out;
    EXPECT_TRUE(fs::exists(j["damaged_copy"].get<std::string>())) << "the damaged file is kept";
    EXPECT_EQ(run_codex({"check", "--db", db}).status, 0);
    // Everything came back: the same tracks with the same analysis.
    EXPECT_EQ(run_codex({"list", "--db", db, "--json"}).out, before);
  }
  // A file with nothing readable (its first page gone) is left as it is: no empty corpus in its place.
  {
    std::string bytes = test::read_bytes(db);
    std::fill(bytes.begin(), bytes.begin() + 4096, '\0');
    test::write_bytes(db, bytes);
    const CmdResult r = run_codex({"check", "--db", db, "--repair"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("left as it is"), std::string::npos) << r.err;
    EXPECT_EQ(test::read_bytes(db), bytes);
    fs::remove(db);
  }
  ASSERT_EQ(run_codex({"analyze", "--db", db, dir.file("music")}).status, 0);
  // A sound corpus has nothing to repair; a missing one is an error.
  EXPECT_EQ(run_codex({"check", "--db", db, "--repair"}).status, 0);
  const CmdResult none = run_codex({"check", "--db", dir.file("nope.db")});
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(line_count(none.err), 1u);
  EXPECT_FALSE(fs::exists(dir.file("nope.db"))) << "check creates nothing";
}

}  // namespace
}  // namespace codex

namespace codex {
namespace {

TEST_F(Cli, TwoAnalyzeRunsStartedTogetherOnANewCorpusBothSucceed) {
  // Both create and migrate the same new file at once: the second must wait for the first.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::string fresh = dir.file("race" + std::to_string(attempt) + ".db");
    CmdResult a, b;
    std::thread ta([&] { a = run_codex({"analyze", "--db", fresh, dir.file("music/one.flac")}); });
    std::thread tb([&] { b = run_codex({"analyze", "--db", fresh, dir.file("music/two.mp3")}); });
    ta.join();
    tb.join();
    EXPECT_EQ(a.status, 0) << a.err;
    EXPECT_EQ(b.status, 0) << b.err;
    const CmdResult l = run_codex({"list", "--db", fresh});
    EXPECT_NE(l.out.find("2 tracks"), std::string::npos) << l.out;
  }
}

}  // namespace
}  // namespace codex
