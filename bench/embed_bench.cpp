// codex-embed training and inference cost on a synthetic library of the size the issue names:
// N tracks x 16 windows of acoustic summaries (8 style clusters, a per-track offset and window
// noise), trained with the defaults `codex train embed` uses, on this machine's cores as the CLI
// runs it (one thread). Prints the training time, the model file's size, and the time to embed
// one track. Timing only: the summaries are synthetic, so no accuracy is claimed from them
// (bench/embed_eval.py measures retrieval on real recordings).
// Usage: codex_embed_bench [TRACKS]   (default 10000)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "codex/embed/train.h"

int main(int argc, char** argv) {
  using namespace codex;
  const size_t n = argc > 1 ? static_cast<size_t>(std::atol(argv[1])) : 10000;
  std::mt19937_64 rng(1);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<std::vector<float>> styles(8, std::vector<float>(embed::kSummaryDims));
  for (auto& s : styles) {
    for (float& x : s) x = 2.0f * g(rng);
  }
  std::vector<embed::TrainTrack> tracks(n);
  for (size_t t = 0; t < n; ++t) {
    const auto& s = styles[t % 8];
    std::vector<float> own(embed::kSummaryDims);
    for (int d = 0; d < embed::kSummaryDims; ++d) own[d] = s[d] + g(rng);
    for (int w = 0; w < 16; ++w) {
      for (int d = 0; d < embed::kSummaryDims; ++d) tracks[t].windows.push_back(own[d] + 0.7f * g(rng));
    }
  }
  embed::TrainOptions opt;
  int last_pct = -1;
  opt.progress = [&](int step, int steps, double loss) {
    const int pct = 100 * step / steps;
    if (pct / 10 != last_pct / 10) std::fprintf(stderr, "  step %d/%d loss %.3f\n", step, steps, loss), last_pct = pct;
    return true;
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto model = embed::train_acoustic(tracks, opt);
  const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!model) {
    std::fprintf(stderr, "%s\n", model.status().message().c_str());
    return 1;
  }
  const std::string path = (std::filesystem::temp_directory_path() / "codex_embed_bench.cxm").string();
  (void)model->save(path);
  const auto size = std::filesystem::file_size(path);
  std::filesystem::remove(path);
  const auto t1 = std::chrono::steady_clock::now();
  double sink = 0;
  for (size_t t = 0; t < n; ++t) sink += model->embed(tracks[t].windows.data())[0];
  const double embed_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t1).count() / n;
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("tracks %zu, windows %zu, steps %s\n", n, n * 16, "default");
  std::printf("train_s %.1f  (loss %.3f, first/last-window top-1 %.3f)\n", train_s, model->info().final_loss,
              model->info().window_top1);
  std::printf("model_bytes %ju  embed_us_per_track %.1f  peak_rss_MB %.1f  (%g)\n", static_cast<uintmax_t>(size),
              embed_us, static_cast<double>(u.ru_maxrss) / 1024.0, sink > 1e30 ? sink : 0.0);
  return 0;
}
