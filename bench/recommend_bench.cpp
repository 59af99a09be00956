// Recommendation latency on synthetic feature corpora (no audio): builds N tracks in memory with
// their 384-d embeddings (features plus an acoustic block, as a learned space gives: a style
// direction plus the track's own, unit length) and the library's energy and vibe directions, then times the full recommend path (constraints, scoring of every
// candidate, reasons for the top 10) for random current tracks and prompts; p50/p99 on one core.
// Usage: codex_recommend_bench [N...]   (default 10000 100000)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "codex/core/half.h"
#include "codex/demo/synth.h"
#include "codex/library/embedding.h"
#include "codex/rank/recommend.h"

namespace {
long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace codex;
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(static_cast<size_t>(std::atol(argv[i])));
  if (sizes.empty()) sizes = {10000, 100000};
  const char* genres[] = {"techno", "house", "drum & bass", "hip-hop", "trance", "breaks", "dubstep", "disco"};
  const char* vibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
  const double base[] = {130, 124, 174, 90, 138, 132, 140, 118};
  const char* prompts[] = {"", "darker but keep the energy", "more energy", "same key, no vocals", "128 bpm",
                           "change up the genre", "wind down", "more techno, faster"};
  std::printf("%10s %12s %10s %10s %10s %14s\n", "tracks", "build_s", "p50_ms", "p99_ms", "pool_avg", "rss_MB");
  for (size_t n : sizes) {
    demo::Rng rng(n);
    std::vector<rank::TrackFeatures> lib(n);
    std::vector<embed::Vector> emb(n);
    auto small = index::make_compact_index(embed::kDims);
    std::vector<std::vector<float>> style(8, std::vector<float>(embed::kAcousticDims));
    for (auto& st : style) {
      for (float& x : st) x = static_cast<float>(rng.uniform(-1, 1));
    }
    std::vector<schema::TrackRecord> records(n);
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
      auto& t = lib[i];
      const size_t g = rng.next() % 8;
      t.track_id = std::to_string(i);
      t.genre = genres[g];
      t.bpm = std::round(base[g] + rng.uniform(-6, 6));
      t.key = music::Key{static_cast<int>(rng.next() % 12), rng.uniform() < 0.6};
      t.energy = static_cast<double>(1 + rng.next() % 10);
      t.vibe = vibes[rng.next() % 6];
      t.vocal_presence = rng.uniform() < 0.5 ? "instrumental" : "female";
      const nlohmann::json r = {{"bpm", *t.bpm}, {"key", t.key->camelot()}, {"energy", *t.energy},
                                {"vibe", *t.vibe}, {"genre", t.genre}};
      records[i] = schema::from_json(r);
      std::vector<float> a(embed::kAcousticDims);
      double norm = 0;
      for (int d = 0; d < embed::kAcousticDims; ++d) {
        a[d] = style[g][d] + static_cast<float>(rng.uniform(-1, 1)) + 0.05f * static_cast<float>(*t.energy);
        norm += a[d] * a[d];
      }
      for (float& x : a) x /= static_cast<float>(std::sqrt(norm));
      records[i].extra["acoustic"] = {{"model", "codex-embed-bench"}, {"vector", halves_base64(a)}};
      emb[i] = embed::embed_record(records[i]);
      small->add(static_cast<uint32_t>(i), emb[i].data());
    }
    const rank::PackedAttributes packed = rank::pack_attributes(lib);
    const embed::AcousticDirections directions = library::acoustic_directions(records);
    const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> ms;
    double pool = 0;
    for (int q = 0; q < 200; ++q) {
      const size_t cur = rng.next() % n;
      const auto intent = prompt::parse_intent(prompts[q % 8]);
      rank::RecommendOptions o;
      o.top = 10;
      o.mode = rank::Mode::kFull;
      o.embeddings = &emb;
      o.index = small.get();
      o.packed = &packed;
      o.directions = &directions;
      o.records = &records;
      const auto a = std::chrono::steady_clock::now();
      const auto res = rank::recommend(lib, cur, intent, o);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
      pool += static_cast<double>(res.results.size());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%10zu %12.2f %10.2f %10.2f %10.0f %14.1f\n", n, build_s, ms[ms.size() / 2], ms[ms.size() * 99 / 100],
                pool / 200.0, static_cast<double>(max_rss_kb()) / 1024.0);
  }
  return 0;
}
