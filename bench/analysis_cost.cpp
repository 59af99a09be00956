// CPU cost of each stage of the analysis pass, in CPU seconds per minute of audio, on one thread:
// decoding alone (CODEX's decoder: demux, decode, float conversion, mono resample), then each
// analyzer on top of decoding, then the full pass. Usage: codex_analysis_cost FILE_OR_FOLDER...
#include <time.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "codex/analysis/pass.h"
#include "codex/library/scan.h"

namespace {
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace codex;
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto files = library::scan_paths(args).files;
  if (files.empty()) {
    std::fprintf(stderr, "usage: codex_analysis_cost FILE_OR_FOLDER...\n");
    return 2;
  }
  std::vector<std::string> ids;
  for (const auto& a : analysis::default_analyzers()) ids.emplace_back(a->id());
  std::map<std::string, double> cpu;
  double audio_s = 0.0;
  for (const auto& f : files) {
    // Decode only.
    std::vector<std::unique_ptr<analysis::Analyzer>> none;
    double t0 = cpu_now();
    auto r = analysis::analyze_file(f, none);
    cpu["decode"] += cpu_now() - t0;
    if (!r) {
      std::fprintf(stderr, "skip %s: %s\n", f.c_str(), r.status().message().c_str());
      continue;
    }
    audio_s += r->stats.duration_s;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto all = analysis::default_analyzers();
      std::vector<std::unique_ptr<analysis::Analyzer>> one;
      one.push_back(std::move(all[i]));
      t0 = cpu_now();
      analysis::analyze_file(f, one);
      cpu[ids[i]] += cpu_now() - t0;
    }
    auto all = analysis::default_analyzers();
    t0 = cpu_now();
    analysis::analyze_file(f, all);
    cpu["full"] += cpu_now() - t0;
  }
  const double minutes = audio_s / 60.0;
  std::printf("files %zu, audio %.1f min\n", files.size(), minutes);
  std::printf("%-12s %10s %14s\n", "stage", "cpu_s/min", "beyond_decode");
  std::printf("%-12s %10.4f %14s\n", "decode", cpu["decode"] / minutes, "-");
  for (const auto& id : ids) {
    std::printf("%-12s %10.4f %14.4f\n", id.c_str(), cpu[id] / minutes, (cpu[id] - cpu["decode"]) / minutes);
  }
  std::printf("%-12s %10.4f %14.4f\n", "full", cpu["full"] / minutes, (cpu["full"] - cpu["decode"]) / minutes);
  return 0;
}
