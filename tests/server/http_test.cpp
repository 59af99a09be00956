// codex serve over a real socket on loopback: the limits (body, header), range requests for
// audio, concurrent clients, and a clean stop.
#include "server/http.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <fstream>
#include <future>
#include <thread>

#include "codex/library/analyze_job.h"
#include "codex/library/jsonl.h"
#include "support/test_util.h"

namespace codex::server {
namespace {

TEST(Http, LimitsRangesAndConcurrentClients) {
  test::TempDir dir;
  // One analysed track with audio, and a few imported ones.
  std::vector<float> tone(22050 * 8);
  for (size_t i = 0; i < tone.size(); ++i) tone[i] = 0.3f * std::sin(static_cast<float>(i) * 0.05f);
  test::write_audio(dir.file("tone.wav"), test::to_stereo(tone), 2, 22050);
  {
    auto c = corpus::Corpus::open(dir.file("c.db"));
    ASSERT_TRUE(c.ok());
    library::AnalyzeOptions ao;
    ao.jobs = 1;
    const auto s = library::analyze_files(**c, {dir.file("tone.wav")}, ao);
    ASSERT_EQ(s.analyzed, 1u);
  }
  BoothOptions bo;
  bo.db_path = dir.file("c.db");
  auto booth = Booth::open(bo);
  ASSERT_TRUE(booth.ok()) << booth.status().message();
  ServeOptions so;
  so.port = 0;
  so.max_body_bytes = 64 * 1024;
  std::promise<int> bound;
  std::thread server([&] {
    Status s = serve(**booth, so, [&](int port) {
      (*booth)->allow_hosts({"127.0.0.1:" + std::to_string(port)});
      bound.set_value(port);
    });
    EXPECT_TRUE(s.ok()) << s.message();
  });
  const int port = bound.get_future().get();
  httplib::Client c("127.0.0.1", port);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->get_header_value("X-Content-Type-Options"), "nosniff");
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);

  // A body over the limit is refused before it reaches a handler.
  auto big = c.Post("/api/recommend", std::string(200 * 1024, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // A header line over cpp-httplib's limit ends the request unanswered (or refused); the server
  // goes on.
  httplib::Headers huge = {{"X-Big", std::string(20000, 'a')}};
  auto h = c.Get("/api/health", huge);
  EXPECT_FALSE(h && h->status == 200);
  httplib::Client after("127.0.0.1", port);
  auto still = after.Get("/api/health");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);

  // Audio by id, with ranges.
  auto lib = c.Get("/api/library");
  ASSERT_TRUE(lib);
  const std::string id = nlohmann::json::parse(lib->body)["items"][0]["track_id"];
  const auto size = std::filesystem::file_size(dir.file("tone.wav"));
  auto whole = c.Get(("/api/tracks/" + id + "/audio").c_str());
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body.size(), size);
  EXPECT_EQ(whole->body, test::read_bytes(dir.file("tone.wav")));
  auto part = c.Get(("/api/tracks/" + id + "/audio").c_str(), {{"Range", "bytes=100-199"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, whole->body.substr(100, 100));
  auto tail = c.Get(("/api/tracks/" + id + "/audio").c_str(), {{"Range", "bytes=-10"}});
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->body, whole->body.substr(size - 10));
  // A last byte past the end means the end; several ranges get the whole file.
  auto past = c.Get(("/api/tracks/" + id + "/audio").c_str(), {{"Range", "bytes=10-99999999999"}});
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 206);
  EXPECT_EQ(past->body, whole->body.substr(10));
  EXPECT_EQ(past->get_header_value("Content-Range"), "bytes 10-" + std::to_string(size - 1) + "/" + std::to_string(size));
  auto several = c.Get(("/api/tracks/" + id + "/audio").c_str(), {{"Range", "bytes=0-1,5-6,9-"}});
  ASSERT_TRUE(several);
  EXPECT_EQ(several->status, 200);
  EXPECT_EQ(several->body.size(), size);
  for (const char* bad : {"bytes=999999999-", "bytes=50-10"}) {
    auto r = c.Get(("/api/tracks/" + id + "/audio").c_str(), {{"Range", bad}});
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 416) << bad;
  }

  // Twenty clients at once, each with its own connection.
  std::vector<std::future<int>> answers;
  for (int i = 0; i < 20; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      httplib::Client ci("127.0.0.1", port);
      int ok = 0;
      for (int k = 0; k < 5; ++k) {
        auto r = ci.Post("/api/recommend", nlohmann::json({{"current", id}}).dump(), "application/json");
        ok += r && r->status == 200;
      }
      return ok;
    }));
  }
  int ok = 0;
  for (auto& a : answers) ok += a.get();
  EXPECT_EQ(ok, 100);

  stop_serving();
  server.join();
}

}  // namespace
}  // namespace codex::server
