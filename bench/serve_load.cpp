// A bounded load test of `codex serve` on loopback: C clients (threads, each with its own
// keep-alive connection) send R requests each — recommend with a random current track and prompt,
// and every fourth a library search — and the latency of every request is kept; prints p50/p99,
// the request rate and any error. The track ids come from the server's own library listing.
// Usage: codex_serve_load PORT [CLIENTS=50] [REQUESTS_PER_CLIENT=40]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: codex_serve_load PORT [CLIENTS] [REQUESTS_PER_CLIENT]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int clients = argc > 2 ? std::atoi(argv[2]) : 50;
  const int per_client = argc > 3 ? std::atoi(argv[3]) : 40;
  std::vector<std::string> ids;
  {
    httplib::Client c("127.0.0.1", port);
    c.set_tcp_nodelay(true);
    for (const char* sort : {"bpm", "-bpm", "title", "energy", "-energy", "key"}) {
      auto r = c.Get((std::string("/api/library?limit=1000&sort=") + sort).c_str());
      if (!r || r->status != 200) {
        std::fprintf(stderr, "cannot list the library\n");
        return 1;
      }
      const nlohmann::json page = nlohmann::json::parse(r->body);
      for (const auto& t : page["items"]) ids.push_back(t["track_id"]);
    }
  }
  const char* prompts[] = {"", "darker but keep the energy", "more energy", "same key, no vocals", "128 bpm",
                           "change up the genre", "wind down", "more techno, faster"};
  const char* searches[] = {"track%201", "artist%2042", "techno", "house", "trance%207"};
  std::mutex mu;
  std::vector<double> rec_ms, lib_ms;
  std::atomic<int> errors{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(60, 0);
      std::mt19937 rng(static_cast<unsigned>(t));
      std::vector<double> mine_rec, mine_lib;
      for (int i = 0; i < per_client; ++i) {
        const auto s = std::chrono::steady_clock::now();
        const bool search = i % 4 == 3;
        const nlohmann::json body = {{"current", ids[rng() % ids.size()]}, {"prompt", prompts[rng() % 8]}, {"top", 5}};
        httplib::Result r = search ? c.Get((std::string("/api/library?limit=100&q=") + searches[rng() % 5]).c_str())
                                   : c.Post("/api/recommend", body.dump(), "application/json");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
        if (!r || r->status != 200) {
          ++errors;
          continue;
        }
        (search ? mine_lib : mine_rec).push_back(ms);
      }
      std::lock_guard<std::mutex> lock(mu);
      rec_ms.insert(rec_ms.end(), mine_rec.begin(), mine_rec.end());
      lib_ms.insert(lib_ms.end(), mine_lib.begin(), mine_lib.end());
    });
  }
  for (auto& th : threads) th.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto pct = [](std::vector<double>& v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
  };
  const size_t total = rec_ms.size() + lib_ms.size();
  std::printf("%d clients x %d requests: %zu ok, %d errors in %.2f s (%.0f requests/s)\n", clients, per_client, total,
              errors.load(), wall, static_cast<double>(total) / wall);
  std::printf("recommend: p50 %.1f ms, p99 %.1f ms (%zu)\n", pct(rec_ms, 0.5), pct(rec_ms, 0.99), rec_ms.size());
  std::printf("library search: p50 %.1f ms, p99 %.1f ms (%zu)\n", pct(lib_ms, 0.5), pct(lib_ms, 0.99), lib_ms.size());
  return errors.load() == 0 ? 0 : 1;
}
