// The audio files' own tags, through TagLib: what a DJ program reads for key, BPM and comment (ID3v2
// TKEY/TBPM/COMM in MP3, WAV and AIFF; Vorbis comments INITIALKEY/BPM/COMMENT in FLAC and Ogg; the
// MP4 atoms tmpo/©cmt and iTunes' initialkey in M4A), read and written through TagLib's property
// interface so each format gets its own frames. Writing is atomic: a copy is edited, checked by the
// caller's `verify`, flushed to disk and renamed over the file; every other tag and the audio bytes
// are left as they were.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "codex/core/status.h"

namespace codex::interop {

// Field -> value, for the fields CODEX writes: "key", "bpm", "comment", "energy".
using TagValues = std::map<std::string, std::string>;

// The file's current values of those fields ("" when absent); an error for a file TagLib cannot open.
Result<TagValues> read_dj_tags(const std::string& path);

// Writes `values` (only the fields given) into a copy of the file beside it, calls `verify(copy)`
// (e.g. that the audio is unchanged), then replaces the file with the copy. The file is untouched
// when anything fails.
Status write_dj_tags(const std::string& path, const TagValues& values,
                     const std::function<Status(const std::string& copy)>& verify = {});

// Serato's own data inside an audio file, by object name ("Serato BeatGrid", "Serato Markers2",
// "Serato Autotags"): the payload of an ID3v2 GEOB frame of that description (MP3, AIFF, WAV), or
// of the base64 Vorbis comment (SERATO_BEATGRID, SERATO_MARKERS_V2, SERATO_AUTOTAGS in FLAC;
// Ogg is not read) or MP4 free-form atom (----:com.serato.dj:beatgrid, markersv2, autotags) after its
// "application/octet-stream" header. Empty when the file has none or TagLib cannot read it.
std::map<std::string, std::string> read_serato_objects(const std::string& path);

}  // namespace codex::interop
