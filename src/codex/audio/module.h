// The FFmpeg module: CODEX's decoder and encoder (decoder.cpp, encoder.cpp) are built into their
// own shared library, libcodex_audio_ffmpeg.so, loaded with dlopen the first time a command
// decodes or encodes audio. FFmpeg and the hundred libraries it pulls in cost ~65 ms of process
// start; commands that never touch audio (recommend, serve, list ...) no longer pay it.
// The module exports one C function returning this table; the rest of the program calls the
// public functions of decoder.h and encoder.h, which forward to it (loader.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "codex/audio/decoder.h"
#include "codex/audio/encoder.h"

namespace codex::audio {

// The sizes of the types that cross the boundary, as the module and the program were each built:
// a module from another build (a stale file beside codex) is refused, not trusted.
struct AbiSizes {
  size_t decoder = sizeof(Decoder), info = sizeof(AudioInfo), stats = sizeof(DecodeStats),
         decode_options = sizeof(DecodeOptions), encode_options = sizeof(EncodeOptions),
         status = sizeof(Status), string = sizeof(std::string);
  bool operator==(const AbiSizes&) const = default;
};

struct ModuleTable {
  int version;
  AbiSizes sizes;
  Result<std::unique_ptr<Decoder>> (*open)(const std::string& path, const DecodeOptions& options);
  Result<std::string> (*compute_track_id)(const std::string& path);
  Result<std::vector<float>> (*decode_mono)(const std::string& path, int rate_hz);
  void (*quiet_ffmpeg_logs)();
  const char* (*format_extension)(Format f);
  bool (*parse_format)(const std::string& name, Format* out);
  Status (*encode_file)(const std::string& path, const std::vector<float>& interleaved, int channels, int rate_hz,
                        const EncodeOptions& options);
};

inline constexpr int kModuleVersion = 1;
inline constexpr const char* kModuleEntry = "codex_audio_module_v1";
inline constexpr const char* kModuleFile = "libcodex_audio_ffmpeg.so";

}  // namespace codex::audio
