// Acoustic: how the track sounds, as numbers a model can compare (acoustic_summary.h has the
// layout). Reads the shared 2048-point, hop-1024 STFT frames (40 mel bands -> 20 MFCCs, spectral
// contrast, flatness, centroid, roll-off, chroma, bass/high band flux, level) and a finer onset
// envelope of its own (hop 256: the rise of the high-passed signal's energy). At the end, one
// summary per 10-s window (up to kMaxWindows, spread over the track) and their mean for the whole
// track, stored as base64 float16 so a library's summaries stay small.
#pragma once

#include <memory>
#include <vector>

#include "codex/analysis/acoustic_summary.h"
#include "codex/analysis/analyzer.h"
#include "codex/analysis/shared_stft.h"

namespace codex::analysis {

class AcousticAnalyzer final : public BasicAnalyzer {
 public:
  static constexpr int kMaxWindows = 16;
  explicit AcousticAnalyzer(std::shared_ptr<SharedStft> shared = nullptr);
  Status start(const StreamFormat& format) override;
  void process(const audio::AudioBlock& block) override;
  AnalyzerOutput finish() override;

 private:
  struct Band {
    int first = 0;
    std::vector<float> weights;
  };
  int rate_ = 22050, frame_ = 2048, hop_ = 1024, env_hop_ = 256;
  StftLink stft_;
  std::vector<Band> mel_;                 // triangular filters over the power bins
  std::vector<float> dct_;                // kMfcc x mels, orthonormal DCT-II
  std::vector<int> pitch_class_;          // per bin, -1 outside 180 Hz - 5 kHz
  std::vector<int> contrast_edges_;       // kContrastBands + 1 bin edges
  std::vector<float> bin_log2_hz_;        // per bin
  int bass_mels_ = 0, high_mel_ = 0;      // mel bands below 150 Hz; first band above 5 kHz
  std::vector<float> mel_db_, prev_mel_db_, scratch_;
  acoustic::FrameSeries series_;
  acoustic::Envelope env_;
  // The onset envelope's running state.
  float last_sample_ = 0.0f, prev_env_db_ = 0.0f;
  double env_acc_ = 0.0;
  float env_peak_ = 0.0f;
  int env_fill_ = 0;
  bool have_prev_env_ = false, have_prev_mel_ = false;
};

}  // namespace codex::analysis
