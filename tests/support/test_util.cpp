#include "support/test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace codex::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "codex-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_audio(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                 audio::Format format, const std::map<std::string, std::string>& tags) {
  audio::EncodeOptions opt;
  opt.format = format;
  opt.tags = tags;
  const Status s = audio::encode_file(path, interleaved, channels, rate_hz, opt);
  ASSERT_TRUE(s.ok()) << path << ": " << s.message();
}

std::vector<float> to_mono(const std::vector<float>& stereo) {
  std::vector<float> out(stereo.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = 0.5f * (stereo[2 * i] + stereo[2 * i + 1]);
  return out;
}

analysis::AnalyzerOutput run_mono(analysis::Analyzer& analyzer, const std::vector<float>& mono) {
  EXPECT_TRUE(analyzer.start({22050, 22050, 1}).ok());
  for (size_t i = 0; i < mono.size(); i += 4096) {
    audio::AudioBlock b;
    b.mono = mono.data() + i;
    b.mono_frames = static_cast<int64_t>(std::min<size_t>(4096, mono.size() - i));
    b.mono_offset = static_cast<int64_t>(i);
    analyzer.process(b);
  }
  return analyzer.finish();
}

std::vector<float> to_stereo(const std::vector<float>& mono) {
  std::vector<float> out(mono.size() * 2);
  for (size_t i = 0; i < mono.size(); ++i) out[2 * i] = out[2 * i + 1] = mono[i];
  return out;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace codex::test
