// The audio CODEX sends to an LLM: the track decoded, mixed to mono, resampled, and re-encoded at
// a modest bit rate in a format Gemini accepts — with no tags, no cover art, no file name, no
// title or artist. Built from the file's decoded samples only, so nothing of the container's
// metadata can leak.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codex/audio/encoder.h"
#include "codex/core/status.h"

namespace codex::semantic {

struct RenditionOptions {
  audio::Format format = audio::Format::kMp3;
  int rate_hz = 16000;        // Gemini listens at 16 kHz
  int bit_rate = 48000;
  double max_seconds = 0.0;   // 0 = the whole track
};

struct Rendition {
  std::vector<uint8_t> bytes;
  std::string mime;           // "audio/mp3", "audio/ogg", "audio/flac", "audio/wav"
  double seconds = 0.0;
};

Result<Rendition> render_for_llm(const std::string& path, const RenditionOptions& options = {});

}  // namespace codex::semantic
