// Fault injection on the real binary: for every command that touches the corpus, SQLite's file
// operations fail from the Nth on (read error, write error, full disk, busy lock, zeroed page;
// from every point, and once only), through the corpus's fault VFS (CODEX_FAULTS). Each run must
// either complete with exactly the output of a run without faults, or fail with one line and a
// non-zero exit — never a partial answer with exit 0 — and leave a corpus that passes SQLite's
// integrity check and gives the right answer to the same command run again.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codex/corpus/corpus.h"
#include "codex/library/jsonl.h"
#include "support/damage.h"
#include "support/run_codex.h"
#include "support/test_util.h"

namespace codex {
namespace {

namespace fs = std::filesystem;
using test::CmdResult;
using test::run_codex;

using test::line_count;

std::string integrity(const std::string& db) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return "cannot open";
  }
  std::string out;
  sqlite3_exec(
      h, "PRAGMA integrity_check",
      [](void* o, int, char** v, char**) {
        *static_cast<std::string*>(o) += v[0] ? v[0] : "";
        return 0;
      },
      &out, nullptr);
  sqlite3_close(h);
  return out;
}

// The corpus's records as `codex export` writes them (in this process: quicker than a run).
std::string export_of(const std::string& db) {
  auto corpus = corpus::Corpus::open(db);
  if (!corpus) return "cannot open: " + corpus.status().message();
  std::ostringstream out;
  auto n = library::export_jsonl(**corpus, out);
  if (!n) return "cannot export: " + n.status().message();
  // Times of writing say when, not what: a re-analysis a second later is the same state.
  static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  return std::regex_replace(out.str(), kTime, "<time>");
}

// A demo library of four analysed tracks, made once for every test here.
struct Library {
  test::TempDir dir;
  std::string base, music, records, track_id, one;
};
Library& library() {
  static Library* lib = [] {
    auto* l = new Library;
    l->base = l->dir.file("base.db");
    l->music = l->dir.file("demo");
    const CmdResult d = run_codex({"demo", "--dir", l->music, "--tracks", "4", "--db", l->base, "-j", "2"});
    EXPECT_EQ(d.status, 0) << d.err;
    const CmdResult e = run_codex({"export", "--db", l->base, "-o", l->dir.file("records.jsonl")});
    EXPECT_EQ(e.status, 0) << e.err;
    l->records = l->dir.file("records.jsonl");
    const auto tracks = nlohmann::json::parse(run_codex({"list", "--db", l->base, "--json"}).out);
    l->track_id = tracks.at(0).at("track_id");
    for (const auto& e : fs::directory_iterator(l->music)) {
      if (e.path().extension() == ".mp3") l->one = e.path().string();
    }
    return l;
  }();
  return *lib;
}

struct Command {
  std::string name;
  // Arguments, with "{db}" and "{out}" replaced per run.
  std::vector<std::string> args;
  bool partial_stdout_on_failure = false;  // export to stdout streams; its exit status tells
  bool same_output = true;                 // false: the output names the corpus and times itself
};

// Fills in the placeholders (the library is made when the first test runs, not when the tests are
// listed).
std::vector<std::string> fill(const std::vector<std::string>& args, const std::string& db, const std::string& out) {
  const Library& lib = library();
  const std::map<std::string, std::string> values = {
      {"{db}", db}, {"{out}", out}, {"{track}", lib.track_id}, {"{records}", lib.records}, {"{one}", lib.one}};
  std::vector<std::string> a;
  for (const auto& s : args) a.push_back(values.count(s) ? values.at(s) : s);
  return a;
}

class Faults : public ::testing::TestWithParam<Command> {};

TEST_P(Faults, EveryFaultEndsInTheRightAnswerOrOneLineAndANonZeroExit) {
  const Library& lib = library();
  const Command& cmd = GetParam();
  test::TempDir work;
  auto fresh_copy = [&](const std::string& name) {
    const std::string db = work.file(name);
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
    fs::copy_file(lib.base, db);
    return db;
  };
  // What a run without faults prints and leaves behind.
  // (At the same path as the runs with faults, so that outputs naming it compare equal.)
  const std::string clean_db = fresh_copy("t.db");
  const std::string clean_out = work.file("t.out");
  const CmdResult clean = run_codex(fill(cmd.args, clean_db, clean_out));
  ASSERT_EQ(clean.status, 0) << cmd.name << ": " << clean.err;
  const std::string clean_file = fs::exists(clean_out) ? test::read_bytes(clean_out) : "";
  fs::remove(clean_out);
  const std::string clean_export = export_of(clean_db);
  fs::remove(clean_db + "-wal");
  fs::remove(clean_db + "-shm");
  const std::string start_export = export_of(fresh_copy("start.db"));

  std::map<std::string, int> outcomes;
  for (const char* kind : {"read", "write", "full", "busy", "corrupt"}) {
    for (const std::string when : {"0", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89", "2+once", "13+once"}) {
      // The first write lock a fresh connection takes is WAL recovery's, which SQLite retries for
      // ten seconds before it gives up ("locking protocol"): right, but too slow to sweep.
      if (std::string(kind) == "busy" && when == "0") continue;
      const std::string plan = std::string(kind) + "@" + when;
      const std::string db = fresh_copy("t.db");
      const std::string out = work.file("t.out");
      fs::remove(out);
      const CmdResult r = run_codex(fill(cmd.args, db, out), {"CODEX_FAULTS=" + plan});
      SCOPED_TRACE(cmd.name + " with " + plan + "\nstdout: " + r.out.substr(0, 400) + "\nstderr: " + r.err);
      ASSERT_NE(r.status, -1) << "crashed";
      if (r.status == 0) {
        ++outcomes["completed"];
        if (cmd.same_output) {
          EXPECT_EQ(r.out, clean.out) << "exit 0 with a different answer";
          EXPECT_EQ(r.err, clean.err);
        }
        if (!clean_file.empty()) {
          EXPECT_EQ(test::read_bytes(out), clean_file);
        }
      } else {
        ++outcomes["failed"];
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(line_count(r.err), 1u) << "not one line";
        EXPECT_EQ(r.err.rfind("codex: ", 0), 0u);
        if (!cmd.partial_stdout_on_failure) {
          EXPECT_EQ(r.out, "") << "a partial answer";
        }
        EXPECT_FALSE(fs::exists(out)) << "a partial output file";
        EXPECT_FALSE(fs::exists(out + ".part"));
      }
      // Whatever happened, the corpus is whole and holds the state before or after the command...
      EXPECT_EQ(integrity(db), "ok");
      const std::string after = export_of(db);
      EXPECT_TRUE(after == start_export || after == clean_export) << "the corpus holds a third state";
      // ...and after a failure the same command run again without faults gives the right answer.
      if (r.status == 0) continue;
      fs::remove(out);
      const CmdResult again = run_codex(fill(cmd.args, db, out));
      EXPECT_EQ(again.status, 0) << again.err;
      if (cmd.name != "recommend_session" && cmd.same_output) {
        EXPECT_EQ(again.out, clean.out);
      }
    }
  }
  // The sweep must have reached both ends: faults that stop the command and runs that complete.
  EXPECT_GT(outcomes["failed"], 0) << cmd.name;
  EXPECT_GT(outcomes["completed"], 0) << cmd.name;
  std::printf("[ %s: %d completed, %d failed with one line ]\n", cmd.name.c_str(), outcomes["completed"],
              outcomes["failed"]);
}

std::vector<Command> commands() {
  return {
      {"list", {"list", "--db", "{db}"}},
      {"show", {"show", "--db", "{db}", "--json", "{track}"}},
      {"export_stdout", {"export", "--db", "{db}"}, true},
      {"export_file", {"export", "--db", "{db}", "-o", "{out}"}},
      {"recommend", {"recommend", "--db", "{db}", "--current", "{track}", "--json"}},
      {"recommend_session", {"recommend", "--db", "{db}", "--current", "{track}", "--session", "set1", "--json"}},
      {"import", {"import", "--db", "{db}", "{records}"}},
      {"check", {"check", "--db", "{db}"}, true},  // a damage report is its answer
      {"analyze", {"analyze", "--db", "{db}", "--force", "-j", "1", "{one}"}, false, false},
  };
}

INSTANTIATE_TEST_SUITE_P(Cli, Faults, ::testing::ValuesIn(commands()),
                         [](const ::testing::TestParamInfo<Command>& p) { return p.param.name; });

}  // namespace
}  // namespace codex

namespace codex {
namespace {

TEST(CliFaults, AFullDiskStopsAnalyzeWithOneLineInsteadOfOnePerFile) {
  const Library& lib = library();
  test::TempDir work;
  const std::string db = work.file("t.db");
  fs::copy_file(lib.base, db);
  // Room for the corpus to open, not for the first track's results.
  const CmdResult r = run_codex({"analyze", "--db", db, "--force", "-j", "2", lib.music}, {"CODEX_FAULTS=full@5"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("database or disk is full"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("run the same command again"), std::string::npos) << r.err;
  EXPECT_EQ(integrity(db), "ok");
  // Nothing was marked failed: the next run with room analyses every file.
  const CmdResult again = run_codex({"analyze", "--db", db, lib.music, "--json"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("\"failed\":0"), std::string::npos) << again.out;
}

TEST(CliFaults, TheShippedBinaryHasNoInjector) {
  // The same full disk as above, asked of the shipped codex: it has no fault VFS and analyses.
  const Library& lib = library();
  test::TempDir work;
  const std::string db = work.file("t.db");
  fs::copy_file(lib.base, db);
  const CmdResult r = run_codex({"analyze", "--db", db, "--force", "-j", "2", lib.music},
                                {"CODEX_FAULTS=full@5", "CODEX_TEST_SHIPPED=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(integrity(db), "ok");
}

TEST(CliFaults, AnUnreadableFaultPlanIsRefused) {
  const CmdResult r = run_codex({"list", "--db", "/nonexistent/x.db"}, {"CODEX_FAULTS=full"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
}

// check --repair under every fault: it ends with a repaired, sound corpus, or fails with one line
// and leaves either the damaged file untouched or a sound corpus in its place — and a repair run
// again without faults always finishes the job.
TEST(CliFaults, RepairUnderEveryFaultEndsRepairedOrLeavesTheDamagedFile) {
  const Library& lib = library();
  test::TempDir work;
  const std::string damaged = work.file("damaged.db");
  fs::copy_file(lib.base, damaged);
  test::damage_table(damaged, "tags");  // repaired without analysing again: a quick sweep
  const std::string damaged_bytes = test::read_bytes(damaged);
  auto fresh_copy = [&](const std::string& dir_name) {
    const std::string dir = work.file(dir_name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(damaged, dir + "/t.db");
    return dir + "/t.db";
  };
  const std::string clean_db = fresh_copy("clean");
  const CmdResult clean = run_codex({"check", "--db", clean_db, "--repair"});
  ASSERT_EQ(clean.status, 0) << clean.err;
  const std::string want = export_of(clean_db);
  int completed = 0, failed = 0;
  for (const char* kind : {"read", "write", "full", "busy", "corrupt"}) {
    for (const std::string when : {"0", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89", "144", "5+once",
                                   "21+once"}) {
      if (std::string(kind) == "busy" && when == "0") continue;  // WAL recovery's lock: see above
      const std::string plan = std::string(kind) + "@" + when;
      const std::string db = fresh_copy("run");
      const CmdResult r = run_codex({"check", "--db", db, "--repair"}, {"CODEX_FAULTS=" + plan});
      SCOPED_TRACE(plan + "\nstdout: " + r.out + "\nstderr: " + r.err);
      ASSERT_NE(r.status, -1) << "crashed";
      if (r.status == 0) {
        ++completed;
        EXPECT_EQ(integrity(db), "ok");
        EXPECT_EQ(export_of(db), want);
      } else {
        ++failed;
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(line_count(r.err), 1u) << "not one line";
        const bool untouched = test::read_bytes(db) == damaged_bytes;
        EXPECT_TRUE(untouched || integrity(db) == "ok") << "neither the damaged file nor a sound corpus";
      }
      const CmdResult again = run_codex({"check", "--db", db, "--repair"});
      EXPECT_EQ(again.status, 0) << again.err;
      EXPECT_EQ(integrity(db), "ok");
      EXPECT_EQ(export_of(db), want);
    }
  }
  EXPECT_GT(completed, 0);
  EXPECT_GT(failed, 0);
  std::printf("[ repair: %d completed, %d failed with one line ]\n", completed, failed);
}

}  // namespace
}  // namespace codex
