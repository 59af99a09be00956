// Dumps the key analyzer's pitch features for offline study of key scoring (profiles, register
// weights, gating) without decoding again: per file, OUT/<name>.bin holds int32 frames, int32
// semitones, float tuning (semitones), float frame seconds, then frames x semitones floats of the
// tonal pitch energy (after whitening and median) and the same of the raw semitone energy.
// Beside it, OUT/<name>.profile.txt holds the key profiles' 24 ranking scores (index tonic * 2 +
// minor), scored as the key analyzer scores them, for studies of fusing them with a learned model.
// Usage: codex_key_features OUTDIR FILE...
#include <cstdio>
#include <filesystem>
#include <string>

#include "codex/analysis/chroma.h"
#include "codex/analysis/key_estimate.h"
#include "codex/audio/decoder.h"

using namespace codex;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: codex_key_features OUTDIR FILE...\n");
    return 2;
  }
  const std::filesystem::path out_dir = argv[1];
  std::filesystem::create_directories(out_dir);
  int failed = 0;
  for (int i = 2; i < argc; ++i) {
    const auto pcm = audio::decode_mono(argv[i], 22050);
    if (!pcm.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], pcm.status().message().c_str());
      ++failed;
      continue;
    }
    analysis::ChromaExtractor ex(22050);
    ex.process(pcm.value().data(), static_cast<int64_t>(pcm.value().size()));
    ex.finish();
    const auto path = out_dir / (std::filesystem::path(argv[i]).stem().string() + ".bin");
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::fprintf(stderr, "%s: cannot write\n", path.c_str());
      return 1;
    }
    const int32_t frames = static_cast<int32_t>(ex.frames().size()), semis = analysis::ChromaExtractor::kSemitones;
    const float tuning = static_cast<float>(ex.tuning_semitones()), frame_s = static_cast<float>(ex.frame_seconds());
    std::fwrite(&frames, 4, 1, f);
    std::fwrite(&semis, 4, 1, f);
    std::fwrite(&tuning, 4, 1, f);
    std::fwrite(&frame_s, 4, 1, f);
    std::fwrite(ex.pitch().data(), 4, ex.pitch().size(), f);
    std::fwrite(ex.raw_pitch().data(), 4, ex.raw_pitch().size(), f);
    std::fclose(f);
    analysis::Chroma total{};
    for (const auto& c : ex.frames()) {
      for (int i = 0; i < 12; ++i) total[i] += c[i];
    }
    analysis::KeyScoring scoring;  // as the key analyzer's defaults
    scoring.bass = &ex.bass();
    scoring.bass_weight = 0.2;
    scoring.minor_bias = 0.1;
    double by_index[24] = {};
    for (const auto& k : analysis::score_keys(total, scoring)) by_index[k.key.tonic * 2 + (k.key.minor ? 1 : 0)] = k.score;
    const auto ppath = out_dir / (std::filesystem::path(argv[i]).stem().string() + ".profile.txt");
    if (FILE* p = std::fopen(ppath.c_str(), "w")) {
      for (double v : by_index) std::fprintf(p, "%.6f\n", v);
      std::fclose(p);
    }
  }
  return failed ? 1 : 0;
}
