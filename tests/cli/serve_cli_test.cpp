// `codex serve` as a user starts it: it prints its address, answers, stops cleanly on SIGTERM; on a
// network it needs its token; bad options and a port in use are one line and a non-zero exit.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "support/run_codex.h"

namespace codex {
namespace {

using test::CmdResult;
using test::line_count;
using test::run_codex;

struct Serving {
  pid_t pid = -1;
  std::string url;
  int port = 0;
};

// Starts `codex serve ARGS` with its output in `out`; waits for the address line.
Serving start(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  Serving s;
  s.pid = fork();
  if (s.pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> argv;
    std::vector<std::string> all = {CODEX_BIN, "serve"};
    all.insert(all.end(), args.begin(), args.end());
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(CODEX_BIN, argv.data());
    _exit(127);
  }
  const std::regex address(R"((http://[^ ]+:(\d+)/\S*))");
  for (int i = 0; i < 300; ++i) {
    std::ifstream f(out);
    std::string line;
    std::smatch m;
    if (std::getline(f, line) && std::regex_search(line, m, address)) {
      s.url = m[1];
      s.port = std::stoi(m[2]);
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return s;
}

int stop(const Serving& s) {
  kill(s.pid, SIGTERM);
  int status = 0;
  waitpid(s.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ServeCli, ServesAStopsCleanlyAndGuardsItsPort) {
  test::TempDir dir;
  const std::string db = dir.file("c.db");
  std::ofstream(dir.file("in.jsonl"))
      << R"({"track_id":"a1","title":"One","artist":"A","bpm":124,"key":"8A","energy":6,"vibe":"dark","genre":"techno","mood_tags":["driving","dark","tense"]})"
      << "\n"
      << R"({"track_id":"b2","title":"Two","artist":"B","bpm":125,"key":"9A","energy":7,"vibe":"dark","genre":"techno","mood_tags":["driving","dark","tense"]})"
      << "\n";
  ASSERT_EQ(run_codex({"import", "--db", db, dir.file("in.jsonl")}).status, 0);
  EXPECT_TRUE(std::filesystem::exists(db + ".snapshot")) << "import writes the snapshot";

  const Serving s = start({"--db", db, "--port", "0"}, dir.file("out"), dir.file("err"));
  ASSERT_GT(s.port, 0) << test::read_bytes(dir.file("err"));
  EXPECT_EQ(s.url.find("token"), std::string::npos) << "no token on loopback";
  httplib::Client c("127.0.0.1", s.port);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find("\"tracks\":2"), std::string::npos) << health->body;
  auto rec = c.Post("/api/recommend", R"({"current":"a1","prompt":"darker"})", "application/json");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->status, 200) << rec->body;

  // The same port again: one line, exit 1.
  const CmdResult again = run_codex({"serve", "--db", db, "--port", std::to_string(s.port)});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(line_count(again.err), 2u) << again.err;  // "opening ..." and the error
  EXPECT_NE(again.err.find("in use"), std::string::npos) << again.err;
  EXPECT_EQ(stop(s), 0) << "SIGTERM stops it cleanly";

  // On a network: a token, printed once, required.
  const Serving net = start({"--db", db, "--port", "0", "--host", "0.0.0.0"}, dir.file("out2"), dir.file("err2"));
  ASSERT_GT(net.port, 0) << test::read_bytes(dir.file("err2"));
  const size_t t = net.url.find("?token=");
  ASSERT_NE(t, std::string::npos) << net.url;
  const std::string token = net.url.substr(t + 7);
  EXPECT_EQ(token.size(), 32u);
  httplib::Client n("127.0.0.1", net.port);
  auto denied = n.Get("/api/health");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  auto allowed = n.Get("/api/health", {{"X-Codex-Token", token}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(stop(net), 0);

  // Bad usage.
  const CmdResult no_token = run_codex({"serve", "--db", db, "--host", "0.0.0.0", "--no-token"});
  EXPECT_EQ(no_token.status, 2);
  EXPECT_EQ(line_count(no_token.err), 1u) << no_token.err;
  EXPECT_EQ(run_codex({"serve", "--db", db, "--port", "70000"}).status, 2);
  std::filesystem::create_directory(dir.file("a-folder"));
  const CmdResult bad_db = run_codex({"serve", "--db", dir.file("a-folder"), "--port", "0"});
  EXPECT_EQ(bad_db.status, 1);
  EXPECT_EQ(line_count(bad_db.err), 2u) << bad_db.err;
}

}  // namespace
}  // namespace codex
