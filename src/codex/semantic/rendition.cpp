#include "codex/semantic/rendition.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "codex/audio/decoder.h"

namespace codex::semantic {

Result<Rendition> render_for_llm(const std::string& path, const RenditionOptions& o) {
  auto mono = audio::decode_mono(path, o.rate_hz);
  if (!mono) return mono.status();
  std::vector<float> samples = std::move(mono).value();
  if (o.max_seconds > 0 && samples.size() > static_cast<size_t>(o.max_seconds * o.rate_hz)) {
    samples.resize(static_cast<size_t>(o.max_seconds * o.rate_hz));
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "codex-rendition-XXXXXX").string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) return Status::Error("cannot create a temporary file for the rendition");
  ::close(fd);
  const std::string out = tmpl + "." + audio::format_extension(o.format);
  std::filesystem::remove(tmpl);
  audio::EncodeOptions eo;
  eo.format = o.format;
  eo.bit_rate = o.bit_rate;  // and no tags at all
  Status s = audio::encode_file(out, samples, 1, o.rate_hz, eo);
  Rendition r;
  if (s) {
    std::ifstream in(out, std::ios::binary);
    r.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ec;
  std::filesystem::remove(out, ec);
  if (!s) return s;
  switch (o.format) {
    case audio::Format::kMp3: r.mime = "audio/mp3"; break;
    case audio::Format::kOggVorbis: case audio::Format::kOpus: r.mime = "audio/ogg"; break;
    case audio::Format::kFlac: r.mime = "audio/flac"; break;
    case audio::Format::kAiff: r.mime = "audio/aiff"; break;
    case audio::Format::kM4aAac: case audio::Format::kM4aAlac: case audio::Format::kAdtsAac: r.mime = "audio/aac"; break;
    default: r.mime = "audio/wav";
  }
  r.seconds = static_cast<double>(samples.size()) / o.rate_hz;
  return r;
}

}  // namespace codex::semantic
