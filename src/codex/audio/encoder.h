// Writes float PCM to an audio file with FFmpeg's encoders: WAV (16-bit or float), AIFF, FLAC,
// MP3, AAC in M4A, ALAC in M4A, OGG Vorbis and Opus. Used by the demo library, the test fixtures
// and (later) the audio rendition sent to an LLM. Tags are written as container metadata.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::audio {

enum class Format { kWav16, kWavFloat, kAiff, kFlac, kMp3, kM4aAac, kM4aAlac, kOggVorbis, kOpus, kAdtsAac };

struct EncodeOptions {
  Format format = Format::kWav16;
  int bit_rate = 192000;  // lossy formats only
  std::map<std::string, std::string> tags;  // e.g. {"title", "..."}, {"artist", "..."}
};

// File extension (without dot) conventionally used for a format.
const char* format_extension(Format f);
// Parses "wav", "flac", "mp3", "m4a", "alac", "ogg", "opus", "aiff", "wavf".
bool parse_format(const std::string& name, Format* out);

// `interleaved` holds frames * channels samples in [-1, 1].
Status encode_file(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                   const EncodeOptions& options);

}  // namespace codex::audio
