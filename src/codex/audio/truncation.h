// Whether a file stops before its own structure says it ends — the cases the decoder cannot see,
// because the container's reader stops quietly at the end of the bytes: a WAV whose data chunk
// promises more bytes than the file holds, an Ogg stream (Vorbis, Opus) whose last page is cut or
// is not marked end-of-stream, an ADTS (AAC) stream whose last frame is cut. For other containers
// (and when the structure cannot be read) the answer is false: the decoder's own checks cover them.
#pragma once

#include <string>
#include <string_view>

namespace codex::audio {

// `container` is FFmpeg's short name for the format ("wav", "ogg", "aac", ...).
bool ends_early(const std::string& path, std::string_view container);

}  // namespace codex::audio
