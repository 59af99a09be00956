// Prints the onset autocorrelation and comb salience of one file, for tuning the tempo estimator.
// Usage: codex_tempo_debug FILE [BPM...]
#include <cstdio>
#include <cstdlib>

#include "codex/analysis/onset.h"
#include "codex/analysis/tempo_estimate.h"
#include "codex/audio/decoder.h"

int main(int argc, char** argv) {
  using namespace codex;
  if (argc < 2) return 2;
  auto mono = audio::decode_mono(argv[1], 22050);
  if (!mono) return 1;
  analysis::OnsetOptions o;
  analysis::OnsetDetector od(22050, o);
  od.process(mono->data(), static_cast<int64_t>(mono->size()));
  const double fps = od.frames_per_second();
  const std::vector<float> odf = analysis::combine_onsets(od.flux(), od.low_flux());
  const auto x = analysis::detrend_onsets(odf, fps);
  const auto acf = analysis::windowed_autocorrelation(x, 1000, 600);
  std::printf("acf peaks (lag frames -> bpm, value):\n");
  for (size_t l = 2; l + 1 < acf.size() && l < 400; ++l) {
    if (acf[l] > acf[l - 1] && acf[l] >= acf[l + 1] && acf[l] > 0.05)
      std::printf("  %4zu  %7.2f  %.3f\n", l, 60.0 * fps / l, acf[l]);
  }
  for (int i = 2; i < argc; ++i) {
    const double b = std::atof(argv[i]);
    std::printf("S(%.2f) = %.3f\n", b, analysis::comb_salience(acf, fps, b));
  }
  const auto est = analysis::estimate_tempo(odf, fps);
  std::printf("estimate %.2f periodicity %.3f conf %.3f\n", est.bpm, est.periodicity, est.confidence);
}
