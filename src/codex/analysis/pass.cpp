#include "codex/analysis/pass.h"

#include <algorithm>

namespace codex::analysis {

std::vector<AnalyzerStamp> stamps_of(const std::vector<std::unique_ptr<Analyzer>>& analyzers) {
  std::vector<AnalyzerStamp> out;
  for (const auto& a : analyzers) out.push_back({std::string(a->id()), a->version(), a->stamp_hash()});
  return out;
}

Result<TrackAnalysis> analyze_file(const std::string& path, std::vector<std::unique_ptr<Analyzer>>& analyzers,
                                   const PassOptions& options) {
  auto dec = audio::Decoder::open(path, options.decode);
  if (!dec) return dec.status();
  TrackAnalysis out;
  out.info = (*dec)->info();
  StreamFormat fmt{options.decode.analysis_rate_hz, out.info.native_rate_hz, out.info.native_channels};
  for (auto& a : analyzers) {
    if (Status s = a->start(fmt); !s) return Status::Error(std::string(a->id()) + ": " + s.message());
  }
  const double rate = options.decode.analysis_rate_hz;
  Status s = (*dec)->run(
      [&](const audio::AudioBlock& b) {
        for (auto& a : analyzers) a->process(b);
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) return false;
        if (options.progress) return options.progress(static_cast<double>(b.mono_offset + b.mono_frames) / rate);
        return true;
      },
      &out.stats);
  if (!s) return s;
  for (auto& a : analyzers) {
    AnalyzerResult r{{std::string(a->id()), a->version(), a->stamp_hash()}, a->finish()};
    for (const auto& f : r.output.flags) {
      if (std::find(out.flags.begin(), out.flags.end(), f) == out.flags.end()) out.flags.push_back(f);
    }
    out.results.push_back(std::move(r));
  }
  if (out.stats.truncated) out.flags.push_back("truncated");
  return out;
}

}  // namespace codex::analysis
