// What a DJ program knows about a library, read from (or written to) its own files: tracks with
// their beat grid, cue points, key, BPM, rating, colour and comment; playlists, crates and play
// history. One shape for every program (Rekordbox, Traktor, Serato, Mixxx, Engine DJ, M3U/PLS), so
// the library can match it to the corpus and the exporters can write it back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codex/core/status.h"

namespace codex::interop {

// One beat-grid marker: a beat at `position_s` and the tempo from there on.
struct GridMarker {
  double position_s = 0.0;
  double bpm = 0.0;
  int beat = 1;  // its place in the bar, 1..4 (1: a downbeat)
};

struct Cue {
  std::string name;
  double position_s = 0.0;
  std::optional<double> length_s;  // a loop's length
  int hotcue = -1;                  // 0..7 a hot cue (pad), -1 a memory cue
  std::string kind = "cue";         // cue | loop | grid | fade-in | fade-out | load
  std::optional<uint32_t> color;    // 0xRRGGBB
};

struct DjTrack {
  std::string location;  // as the program wrote it
  std::string path;      // normalised (dj_paths.h): forward slashes, decoded, NFC
  std::string app_id;    // the program's own id for the track, when it has one
  std::string title, artist, album, genre, comment;
  std::optional<double> bpm, duration_s;
  std::string key_text;          // as the program wrote it ("Am", "8A", "21")
  std::string key;               // Camelot, "" when not a key
  std::vector<GridMarker> grid;  // in time order
  std::vector<Cue> cues;
  std::optional<int> rating;  // stars, 0..5
  std::optional<uint32_t> color;
  int play_count = 0;
};

struct DjList {
  std::string kind = "playlist";    // playlist | crate | history
  std::vector<std::string> folder;  // enclosing folders, outermost first
  std::string name;
  std::vector<std::string> paths;   // normalised paths of its tracks, in order
  std::vector<std::string> played_at;  // history: UTC ISO 8601 per entry when known, else ""
  std::string date;                    // history: the set's date (YYYY-MM-DD) when known
};

struct DjLibrary {
  std::string source;  // rekordbox | traktor | serato | mixxx | engine | m3u | pls
  std::vector<DjTrack> tracks;
  std::vector<DjList> lists;
  std::vector<std::string> warnings;  // parts skipped, one line each
};

// Reads any supported source, detected from its content (and for folders, their layout): a
// Rekordbox collection XML, a Traktor collection.nml or history .nml, a Serato folder (`_Serato_`
// or its parent), a Serato .crate or `database V2`, a Mixxx mixxxdb.sqlite, an Engine DJ database
// (m.db or its Engine Library folder), an M3U/M3U8/PLS playlist. One clear error when it is none.
Result<DjLibrary> read_dj_library(const std::string& path);

// The readers, for tests and callers that know the format.
Result<DjLibrary> read_rekordbox_xml(const std::string& path);
Result<DjLibrary> read_traktor_nml(const std::string& path);
Result<DjLibrary> read_playlist_file(const std::string& path);  // .m3u, .m3u8, .pls
Result<DjLibrary> read_serato(const std::string& path);         // folder, .crate or database V2
Result<DjLibrary> read_mixxx_db(const std::string& path);
Result<DjLibrary> read_engine_db(const std::string& path);

// Serato's objects inside an audio file (tags.h: read_serato_objects), read into `track` after the
// serato-tags notes: "Serato Autotags" (version 01 01, then the BPM as text) gives the BPM; "Serato
// BeatGrid" (01 00, a 32-bit marker count, 8-byte markers: position as a 32-bit float in seconds
// and the beats to the next marker, the last with the BPM as a float instead) gives the grid;
// "Serato Markers2" (01 01, then base64 of 01 01 and named entries "CUE" and "LOOP" with their
// index, position in milliseconds, colour and name) gives the cues. A malformed object is an error
// naming it; the objects before it are kept.
Status apply_serato_objects(const std::map<std::string, std::string>& objects, DjTrack& track);

// The drive root Serato's paths start from, for the folder holding `_Serato_`: a mount (/Volumes/NAME,
// /media/USER/NAME, /run/media/USER/NAME, /mnt/NAME, a drive letter) or "" for the start-up disk.
std::string serato_drive_root(const std::string& serato_parent);

// Every file the writers below make says so near its start (an XML or M3U comment): only such a
// file may be replaced by a later export.
inline constexpr const char* kWrittenByCodex = "Written by CODEX";

// Writers: a new file each (never a program's own library file in place: the caller picks a new
// path). UTF-8, the program's own notation for keys and its marker forms for the grid.
Status write_rekordbox_xml(const DjLibrary& library, const std::string& path);
Status write_traktor_nml(const DjLibrary& library, const std::string& path);
Status write_m3u8(const std::vector<const DjTrack*>& tracks, const std::string& path);

// Key notations.
std::string rekordbox_key(const std::string& camelot);  // "8A" -> "Am"
std::string traktor_key_text(const std::string& camelot);  // "8A" -> "1m" (Open Key: Traktor's INFO KEY)
int traktor_key_value(const std::string& camelot);  // MUSICAL_KEY VALUE: 0..11 C..B major, 12..23 minor; -1
std::string camelot_from_text(const std::string& text);  // any notation -> Camelot, or ""

}  // namespace codex::interop
