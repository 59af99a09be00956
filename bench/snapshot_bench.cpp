// The library snapshot at scale: imports N synthetic records (each with an acoustic summary, so
// every track has the 384-d vector with its acoustic block) into a new corpus, then measures the
// snapshot's build time and size, the time to map it, and in-process recommend latency from the
// mapped snapshot (p50/p99 over 200 random tracks and prompts) with the process's RSS. The corpus
// is kept at DB for the command-line and server benches (bench/booth_bench.sh).
// Usage: codex_snapshot_bench N DB [--reuse]   (--reuse: DB already holds the library; queries only)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "codex/core/half.h"
#include "codex/demo/synth.h"
#include "codex/library/jsonl.h"
#include "codex/library/recommend.h"
#include "codex/library/snapshot.h"

namespace {

long rss_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  }
  return -1;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace codex;
  if (argc != 3 && !(argc == 4 && std::string(argv[3]) == "--reuse")) {
    std::fprintf(stderr, "usage: codex_snapshot_bench N DB [--reuse]\n");
    return 2;
  }
  const size_t n = static_cast<size_t>(std::atol(argv[1]));
  const std::string db = argv[2];
  const bool reuse = argc == 4;
  if (!reuse) {
    for (const char* suffix : {"", "-wal", "-shm", ".snapshot"}) std::filesystem::remove(db + suffix);
  }
  const char* genres[] = {"techno", "house", "drum & bass", "hip-hop", "trance", "breaks", "dubstep", "disco"};
  const char* vibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
  const char* moods[] = {"driving", "melancholic", "uplifting", "tense", "warm", "playful"};
  const double base[] = {130, 124, 174, 90, 138, 132, 140, 118};
  demo::Rng rng(n);
  // Style centres of the acoustic summary: tracks of one genre sound alike.
  std::vector<std::vector<float>> style(8, std::vector<float>(90));
  for (auto& st : style) {
    for (float& x : st) x = static_cast<float>(rng.uniform(-2, 2));
  }
  const std::string jsonl = db + ".import.jsonl";
  auto t = std::chrono::steady_clock::now();
  if (!reuse) {
    std::ofstream out(jsonl);
    std::vector<float> summary(90);
    for (size_t i = 0; i < n; ++i) {
      const size_t g = rng.next() % 8;
      for (size_t k = 0; k < 90; ++k) summary[k] = style[g][k] + static_cast<float>(rng.uniform(-1, 1));
      char id[32];
      std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(rng.next() ^ (i * 0x9E3779B97F4A7C15ull)));
      const nlohmann::json r = {{"track_id", id},
                                {"title", "Track " + std::to_string(i)},
                                {"artist", "Artist " + std::to_string(rng.next() % 5000)},
                                {"bpm", std::round(base[g] + rng.uniform(-6, 6))},
                                {"key", std::to_string(1 + rng.next() % 12) + (rng.uniform() < 0.6 ? "A" : "B")},
                                {"energy", 1 + rng.next() % 10},
                                {"vibe", vibes[rng.next() % 6]},
                                {"genre", genres[g]},
                                {"mood_tags", {moods[i % 6], moods[(i + 1) % 6], moods[(i + 3) % 6]}},
                                {"duration_seconds", 180 + rng.next() % 300},
                                {"valence", std::round(1000.0 * rng.uniform(-1, 1)) / 1000.0},
                                {"arousal", std::round(1000.0 * rng.uniform(-1, 1)) / 1000.0},
                                {"acoustic_summary", halves_base64(summary)}};
      out << r.dump() << "\n";
    }
  }
  std::printf("tracks %zu: wrote the import file in %.1f s\n", n, seconds_since(t));
  auto corpus = corpus::Corpus::open(db);
  if (!corpus) {
    std::fprintf(stderr, "%s\n", corpus.status().message().c_str());
    return 1;
  }
  t = std::chrono::steady_clock::now();
  library::ImportOptions io;
  auto rep = reuse ? Result<library::ImportReport>(library::ImportReport{}) : library::import_jsonl(**corpus, jsonl, io);
  std::filesystem::remove(jsonl);
  if (!reuse && (!rep || rep->imported != n)) {
    std::fprintf(stderr, "import failed: %s\n", rep ? rep->errors.empty() ? "?" : rep->errors[0].reason.c_str()
                                                    : rep.status().message().c_str());
    return 1;
  }
  std::printf("import: %.1f s\n", seconds_since(t));
  t = std::chrono::steady_clock::now();
  library::SnapshotInfo info;
  auto snap = library::open_snapshot(**corpus, &info);
  if (!snap) {
    std::fprintf(stderr, "%s\n", snap.status().message().c_str());
    return 1;
  }
  const double build_s = seconds_since(t);
  std::printf("snapshot build: %.2f s (%s), %.1f MB (%.0f bytes a track); peak RSS while building %ld MB\n", build_s,
              info.why.c_str(), static_cast<double>((*snap)->file_bytes()) / 1e6,
              static_cast<double>((*snap)->file_bytes()) / static_cast<double>(n), rss_kb("VmHWM:") / 1024);
  snap->reset();
  // A fresh map, as a new process would: time it and recommend from it.
  t = std::chrono::steady_clock::now();
  auto stamp = library::snapshot_stamp(**corpus);
  if (!stamp) return 1;
  auto mapped = library::Snapshot::map(library::snapshot_path_for(db), *stamp);
  const double map_s = seconds_since(t);
  if (!mapped) {
    std::fprintf(stderr, "%s\n", mapped.status().message().c_str());
    return 1;
  }
  const long rss_before = rss_kb("VmRSS:");
  const char* prompts[] = {"", "darker but keep the energy", "more energy", "same key, no vocals", "128 bpm",
                           "change up the genre", "calmer", "a touch sadder", "wind down", "more techno, faster"};
  std::vector<double> ms;
  std::vector<std::vector<double>> by_prompt(10);
  for (int q = 0; q < 200; ++q) {
    library::RecommendRequest req;
    req.current = std::string((*mapped)->field(rng.next() % n, library::SnapField::kTrackId));
    req.prompt = prompts[q % 10];
    req.top = 10;
    const auto s = std::chrono::steady_clock::now();
    auto out = library::recommend(**mapped, req);
    ms.push_back(1000.0 * seconds_since(s));
    by_prompt[q % 10].push_back(ms.back());
    if (!out) {
      std::fprintf(stderr, "recommend failed: %s\n", out.status().message().c_str());
      return 1;
    }
  }
  std::sort(ms.begin(), ms.end());
  for (int p = 0; p < 10; ++p) {
    auto& v = by_prompt[static_cast<size_t>(p)];
    std::sort(v.begin(), v.end());
    std::printf("  p50 %.2f ms  \"%s\"\n", v[v.size() / 2], prompts[p]);
  }
  std::printf("map (with checks): %.1f ms; recommend in process: p50 %.2f ms, p99 %.2f ms; RSS %ld MB after map, "
              "%ld MB after 200 queries\n",
              1000.0 * map_s, ms[ms.size() / 2], ms[ms.size() * 99 / 100], rss_before / 1024, rss_kb("VmRSS:") / 1024);
  return 0;
}
