// Dumps the key analyzer's pitch features for offline study of key scoring (profiles, register
// weights, gating) without decoding again: per file, OUT/<name>.bin holds int32 frames, int32
// semitones, float tuning (semitones), float frame seconds, then frames x semitones floats of the
// tonal pitch energy (after whitening and median) and the same of the raw semitone energy.
// Usage: codex_key_features OUTDIR FILE...
#include <cstdio>
#include <filesystem>
#include <string>

#include "codex/analysis/chroma.h"
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
  }
  return failed ? 1 : 0;
}
