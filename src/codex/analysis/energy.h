// Energy: a loudness envelope over time (1 value per second, dB) and a 1-10 energy estimate in
// the DJ's sense, from level, onset density (log-spectral flux), and brightness (spectral centroid).
// The mapping from features to the 1-10 scale is a plain function so it can be tested and tuned.
#pragma once

#include <memory>
#include <vector>

#include "codex/analysis/analyzer.h"
#include "codex/analysis/shared_stft.h"

namespace codex::analysis {

struct EnergyFeatures {
  double level_db = -200.0;     // mean power of active frames, dBFS
  double flux = 0.0;            // mean positive log-spectral flux per frame
  double onset_rate_hz = 0.0;   // flux peaks per second
  double centroid_hz = 0.0;     // mean spectral centroid of active frames
  double active_ratio = 0.0;    // share of frames above the activity gate
};

// Continuous energy score in [1, 10].
double energy_score(const EnergyFeatures& f);

class EnergyAnalyzer final : public BasicAnalyzer {
 public:
  // With `shared`, STFT frames of the same size and hop come from it; otherwise its own.
  explicit EnergyAnalyzer(std::shared_ptr<SharedStft> shared = nullptr);
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  void analyse_frame(const SharedStft::Frame& frame);

  int rate_ = 22050;
  int frame_ = 2048;
  int hop_ = 1024;
  StftLink stft_;
  std::vector<float> prev_log_mag_;
  // per-frame series
  std::vector<float> power_;
  std::vector<float> flux_;
  std::vector<float> centroid_;
};

}  // namespace codex::analysis
