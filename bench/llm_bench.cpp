// The opt-in LLM pass against a fake Gemini server on 127.0.0.1 with injected latency: wall time
// for N tracks at several concurrency levels, and the share of imperfect replies (fences, prose,
// key names, numbers as text, wrong case, out-of-range values, garbage) that still gave a record.
// Usage: codex_llm_bench [N tracks, default 100] [latency ms, default 300]
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "codex/audio/encoder.h"
#include "codex/demo/synth.h"
#include "codex/library/analyze_job.h"
#include "codex/library/scan.h"
#include "codex/library/llm_job.h"

int main(int argc, char** argv) {
  using namespace codex;
  const int n = argc > 1 ? std::atoi(argv[1]) : 100;
  const int latency_ms = argc > 2 ? std::atoi(argv[2]) : 300;
  const std::string dir = (std::filesystem::temp_directory_path() / "codex-llm-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (int i = 0; i < n; ++i) {
    const auto tone = demo::render_sine(200.0 + i, 0.3, 5.0, 22050);
    audio::encode_file(dir + "/t" + std::to_string(i) + ".wav", tone, 1, 22050, {});
  }
  auto corpus = std::move(corpus::Corpus::open(dir + "/c.db")).value();
  library::analyze_files(*corpus, library::scan_paths({dir}).files, {});

  // Replies as a real model sends them now and then.
  const char* replies[] = {
      R"({"vibe":"dark","energy":7,"mood_tags":["a","b","c"]})",
      "```json\n{\"vibe\":\"bright\",\"energy\":6}\n```",
      "Here you go:\n{\"vibe\":\"Hypnotic\",\"key\":\"A minor\",\"bpm\":\"124\"}\nEnjoy!",
      R"({"vibe":"euphoric","energy":12,"danceability":7.5})",
      R"({"vibe":"moody","energy":"high","mood_tags":["x"]})",
      "I'm sorry, I can't analyse this audio.",
      R"({"groove_style":"Four on floor","structure":["Intro","Drop","Outro"]})",
      R"({"vibe": "chill", "energy": 3)"};
  const int kinds = 8;
  std::atomic<int> calls{0};
  httplib::Server server;
  server.Post(R"(/v1beta/models/([^/]+):generateContent)", [&](const httplib::Request&, httplib::Response& res) {
    const int k = calls++ % kinds;
    std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
    nlohmann::json body = {{"candidates", {{{"content", {{"parts", {{{"text", replies[k]}}}}}}}}},
                           {"usageMetadata", {{"promptTokenCount", 400}, {"candidatesTokenCount", 60}}}};
    res.set_content(body.dump(), "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::printf("%d tracks, %d ms per reply\n%12s %10s %8s %8s\n", n, latency_ms, "concurrency", "wall_s", "usable", "failed");
  for (int conc : {1, 2, 4, 8}) {
    library::LlmJobOptions o;
    o.gemini.api_key = "bench";
    o.gemini.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.gemini.max_retries = 0;
    o.concurrency = conc;
    o.requests_per_minute = 100000;
    o.refresh = true;
    calls = 0;
    const auto a = std::chrono::steady_clock::now();
    const auto s = library::run_llm_job(*corpus, {}, o);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    std::printf("%12d %10.2f %8zu %8zu\n", conc, wall, s.sent - s.failed, s.failed);
  }
  std::printf("imperfect reply kinds: %d of %d are malformed in some way; usable share = usable / sent\n", kinds - 1, kinds);
  server.stop();
  t.join();
  std::filesystem::remove_all(dir);
  return 0;
}
