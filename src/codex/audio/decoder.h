// Decoding at the edge: any container/codec FFmpeg reads (MP3, AAC/M4A/ALAC, FLAC, WAV, AIFF,
// OGG Vorbis, Opus) becomes float PCM, streamed in fixed blocks so a two-hour mix is never held
// whole in memory. Each block carries two views of the same stretch of audio:
//   - mono at the analysis rate (the view most analyzers want), exactly `block_frames` long except
//     for the last block;
//   - interleaved float at the file's own rate with at most two channels (for loudness, which
//     must see the channels and the native rate).
// The decoder also hashes the audio stream's compressed packets as they pass: that hash is the
// track id, the same across tag edits, renames and moves.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codex/audio/pcm.h"
#include "codex/core/status.h"

namespace codex::audio {

struct DecodeOptions {
  int analysis_rate_hz = 22050;   // rate of the mono view
  int block_frames = 4096;        // frames of the mono view per block
  int max_native_channels = 2;    // more channels are downmixed to stereo
};

struct AudioInfo {
  std::string container;            // e.g. "mp3", "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;                // e.g. "mp3", "aac", "flac"
  int native_rate_hz = 0;
  int source_channels = 0;          // channels in the file
  int native_channels = 0;          // channels in the native view (<= max_native_channels)
  int64_t bit_rate = 0;
  double header_duration_s = -1.0;  // what the container claims; < 0 when unknown
  std::map<std::string, std::string> tags;  // lower-case keys, container and stream tags merged
};

struct DecodeStats {
  int64_t native_frames = 0;
  int64_t mono_frames = 0;
  int64_t packets = 0;
  int64_t decode_errors = 0;      // packets or frames the codec rejected
  double duration_s = 0.0;        // from decoded samples
  std::string track_id;           // hash of the audio stream's packets
  bool truncated = false;         // decoded much less than the header promised
};

// Decoding runs in the FFmpeg module (module.h), loaded when first needed: the calls below reach
// it through its function table and the object's virtual functions.
class Decoder {
 public:
  virtual ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Opens a file and finds its audio stream. Fails with one clear line for missing files,
  // directories, empty files, and files FFmpeg cannot read as audio.
  static Result<std::unique_ptr<Decoder>> open(const std::string& path,
                                               const DecodeOptions& options = {});

  const AudioInfo& info() const { return info_; }

  // Decodes to the end, handing each block to `sink`. `sink` returns false to cancel (the run then
  // returns an error "cancelled", code kCancelled). Can be called once.
  using Sink = std::function<bool(const AudioBlock&)>;
  virtual Status run(const Sink& sink, DecodeStats* stats);

 private:
  struct Impl;
  explicit Decoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  AudioInfo info_;
};

// The track id of a file without decoding it: reads the audio stream's packets only (fast).
// Equals DecodeStats::track_id of a full decode of the same file.
Result<std::string> compute_track_id(const std::string& path);

// Silences FFmpeg's own log output (CODEX_FFMPEG_LOG=1 keeps it). Called by decoder and encoder.
void quiet_ffmpeg_logs();

// Convenience for tests and small tools: decodes a whole file to mono at `rate_hz`.
Result<std::vector<float>> decode_mono(const std::string& path, int rate_hz);

}  // namespace codex::audio
