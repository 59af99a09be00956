// Retrieval alone (top 50 by inner product over 384-d unit track embeddings), CODEX's exact and
// compact (8-bit) scans beside FAISS IndexFlatIP and IndexHNSWFlat on the same vectors, one thread, in one run.
// Also the filtered case (a tempo band x compatible keys, ~5% of the library) for CODEX, which
// filters first. Usage: codex_retrieval_bench [N...]  (default 10000 100000)
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "codex/demo/synth.h"
#include "codex/embed/feature_embedding.h"
#include "codex/schema/record.h"
#include "codex/index/vector_index.h"

namespace {
template <class F>
std::pair<double, double> time_queries(int nq, F f) {
  std::vector<double> ms;
  for (int q = 0; q < nq; ++q) {
    const auto a = std::chrono::steady_clock::now();
    f(q);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
}
}  // namespace

int main(int argc, char** argv) {
  using namespace codex;
  omp_set_num_threads(1);
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(static_cast<size_t>(std::atol(argv[i])));
  if (sizes.empty()) sizes = {10000, 100000};
  const char* genres[] = {"techno", "house", "drum & bass", "hip-hop", "trance", "breaks", "dubstep", "disco"};
  const char* vibes[] = {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"};
  const double base[] = {130, 124, 174, 90, 138, 132, 140, 118};
  const int d = embed::kDims, k = 50, nq = 200;
  std::printf("%9s  %-22s %9s %9s %9s\n", "tracks", "method", "build_s", "p50_ms", "p99_ms");
  for (size_t n : sizes) {
    demo::Rng rng(n);
    std::vector<float> xs(n * d);
    std::vector<uint8_t> band(n);
    for (size_t i = 0; i < n; ++i) {
      const size_t g = rng.next() % 8;
      const nlohmann::json r = {{"bpm", std::round(base[g] + rng.uniform(-6, 6))},
                                {"key", std::to_string(1 + rng.next() % 12) + (rng.uniform() < 0.6 ? "A" : "B")},
                                {"energy", 1 + rng.next() % 10}, {"vibe", vibes[rng.next() % 6]}, {"genre", genres[g]}};
      const auto v = embed::embed_record(schema::from_json(r));
      std::copy(v.begin(), v.end(), xs.begin() + static_cast<std::ptrdiff_t>(i * d));
      band[i] = rng.uniform() < 0.05;  // the ~5% a tempo band and compatible keys leave
    }
    auto row = [&](size_t i) { return xs.data() + i * d; };
    auto report = [&](const char* name, double build, std::pair<double, double> t) {
      std::printf("%9zu  %-22s %9.2f %9.3f %9.3f\n", n, name, build, t.first, t.second);
    };
    auto timed_build = [](auto f) {
      const auto a = std::chrono::steady_clock::now();
      f();
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    };
    std::unique_ptr<index::VectorIndex> exact = index::make_exact_index(d), compact = index::make_compact_index(d);
    double b = timed_build([&] {
      for (size_t i = 0; i < n; ++i) exact->add(static_cast<uint32_t>(i), row(i));
    });
    report("codex exact", b, time_queries(nq, [&](int q) { exact->search(row((q * 7919) % n), k); }));
    report("codex exact, filtered", b, time_queries(nq, [&](int q) {
             exact->search(row((q * 7919) % n), k, [&](uint32_t id) { return band[id] != 0; });
           }));
    b = timed_build([&] {
      for (size_t i = 0; i < n; ++i) compact->add(static_cast<uint32_t>(i), row(i));
    });
    report("codex compact", b, time_queries(nq, [&](int q) { compact->search(row((q * 7919) % n), k); }));
    faiss::IndexFlatIP flat(d);
    b = timed_build([&] { flat.add(static_cast<faiss::Index::idx_t>(n), xs.data()); });
    std::vector<float> dist(k);
    std::vector<faiss::Index::idx_t> ids(k);
    report("faiss IndexFlatIP", b, time_queries(nq, [&](int q) { flat.search(1, row((q * 7919) % n), k, dist.data(), ids.data()); }));
    faiss::IndexHNSWFlat fh(d, 16, faiss::METRIC_INNER_PRODUCT);
    fh.hnsw.efConstruction = 200;
    fh.hnsw.efSearch = 128;
    b = timed_build([&] { fh.add(static_cast<faiss::Index::idx_t>(n), xs.data()); });
    report("faiss IndexHNSWFlat", b, time_queries(nq, [&](int q) { fh.search(1, row((q * 7919) % n), k, dist.data(), ids.data()); }));
  }
  return 0;
}
