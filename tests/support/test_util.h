// Test helpers: a temporary folder that cleans itself up, and writers for synthesised audio.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "codex/analysis/analyzer.h"
#include "codex/audio/encoder.h"

namespace codex::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes interleaved samples with the encoder; fails the current test on error.
void write_audio(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                 audio::Format format = audio::Format::kWav16, const std::map<std::string, std::string>& tags = {});

// Interleaved stereo to mono (the mean of both sides).
std::vector<float> to_mono(const std::vector<float>& stereo);

// Runs one analyzer over a mono signal at 22.05 kHz in the pass's 4096-sample blocks.
analysis::AnalyzerOutput run_mono(analysis::Analyzer& analyzer, const std::vector<float>& mono);

// Mono to interleaved stereo (same signal both sides).
std::vector<float> to_stereo(const std::vector<float>& mono);

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);

}  // namespace codex::test
