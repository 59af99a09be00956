// codex serve over a real socket on loopback: the limits (body, header), range requests for
// audio, concurrent clients, and a clean stop.
#include "server/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

#include <cmath>
#include <fstream>
#include <future>
#include <thread>

#include "codex/library/analyze_job.h"
#include "codex/library/jsonl.h"
#include "support/test_util.h"

namespace codex::server {
namespace {

// A raw client socket on loopback, for requests httplib's client will not send.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // What arrives within `ms`, until the peer closes ("" when nothing came).
  std::string receive(int ms) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false, closed_ = false;
};

// A booth with an empty corpus, served on a free port for the life of the fixture.
class Served {
 public:
  explicit Served(ServeOptions so) {
    BoothOptions bo;
    bo.db_path = dir_.file("c.db");
    auto booth = Booth::open(bo);
    EXPECT_TRUE(booth.ok()) << booth.status().message();
    booth_ = std::move(booth).value();
    so.port = 0;
    std::promise<int> bound;
    thread_ = std::thread([&, so] {
      (void)serve(*booth_, so, [&](int port) {
        booth_->allow_hosts({"127.0.0.1:" + std::to_string(port)});
        bound.set_value(port);
      });
    });
    port_ = bound.get_future().get();
  }
  ~Served() {
    stop_serving();
    thread_.join();
  }
  int port() const { return port_; }
  std::string host() const { return "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n"; }

 private:
  test::TempDir dir_;
  std::unique_ptr<Booth> booth_;
  std::thread thread_;
  int port_ = 0;
};

TEST(Http, AChunkedBodyIsRefusedUnread) {
  Served s({});
  RawClient raw(s.port());
  ASSERT_TRUE(raw.connected());
  // cpp-httplib 0.11 would read a chunked body of any size (a 400 MB one took the server to 900 MB).
  ASSERT_TRUE(raw.send("POST /api/recommend HTTP/1.1\r\n" + s.host() +
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "100000\r\n" + std::string(0x100000, ' ') + "\r\n";
  for (int i = 0; i < 4 && raw.send(chunk); ++i) {
  }
  const std::string answer = raw.receive(3000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer.substr(0, 200);
  EXPECT_TRUE(raw.closed());
  // The server goes on.
  httplib::Client c("127.0.0.1", s.port());
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(Http, SlowClientsNeitherHoldAWorkerForeverNorStopOthers) {
  ServeOptions so;
  so.request_seconds = 2;
  Served s(so);
  // 64 clients that send a header line every half second and never finish (httplib's timeout per
  // line would keep each forever; 64 of them took every worker of the old pool).
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->send("GET /api/health HTTP/1.1\r\n" + s.host()));
  }
  const auto t0 = std::chrono::steady_clock::now();
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(5, 0);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  // A dribbling client is cut off at the request deadline (2 s here), never answered.
  // (A line every half second would keep httplib's own per-line timeout from ever firing; the
  // bound here leaves room for a loaded machine.)
  RawClient& one = *slow.front();
  std::string got;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; !one.closed() && std::chrono::steady_clock::now() - start < std::chrono::seconds(12); ++i) {
    one.send("X-Slow: " + std::to_string(i) + "\r\n");
    got += one.receive(500);
  }
  EXPECT_TRUE(one.closed()) << "still open after 12 s; got: " << got.substr(0, 300);
  EXPECT_EQ(got.find("200 OK"), std::string::npos);
}

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
