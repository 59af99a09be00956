// Blocks of decoded audio as the analyzers see them, without the decoder: every analysis kernel
// includes this, not decoder.h. Each block carries two views of the same stretch of audio — mono at
// the analysis rate, and interleaved float at the file's own rate with at most two channels.
#pragma once

#include <cstdint>

namespace codex::audio {

struct AudioBlock {
  const float* mono = nullptr;    // analysis rate
  int64_t mono_frames = 0;
  const float* native = nullptr;  // interleaved, native rate
  int64_t native_frames = 0;
  int native_channels = 0;
  int64_t mono_offset = 0;        // index of this block's first mono frame in the track
};

}  // namespace codex::audio
