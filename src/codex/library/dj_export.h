// Giving CODEX's analysis back to the DJ's programs: for every analysed track with a file, its beat
// grid (first downbeat and BPM, in each program's marker form), cue points at phrase boundaries
// (start, intro end, first drop, breakdown, outro start: on the downbeat grid, named and coloured),
// its key in the program's notation, its energy (in the comment), and CODEX's sets and the imported
// playlists and crates as playlists. Written to a new file; the DJ's own library files are never
// touched.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/interop/dj_library.h"

namespace codex::library {

// The grid and phrase cues of one track from its stored analyses (analyzer id -> result object, or
// -> {"result": object}): one marker on the first downbeat (a marker per tempo segment when the
// tempo moves) and the cues, each on the downbeat nearest its section boundary.
struct GridAndCues {
  std::vector<interop::GridMarker> grid;
  std::vector<interop::Cue> cues;
};
GridAndCues grid_and_cues(const nlohmann::json& analyses);

// Everything CODEX knows, as a DJ program's library. `list` restricts it to one list (a CODEX set
// or an imported playlist or crate) and its tracks.
Result<interop::DjLibrary> dj_library_of_corpus(corpus::Corpus& corpus, const std::string& list = "");

enum class DjFormat { kRekordbox, kTraktor, kM3u8 };
Result<DjFormat> dj_format(const std::string& name);  // rekordbox | traktor | m3u8 (m3u)

// Writes the library in `format` to a new file `out` (refusing a file that exists unless
// `overwrite`); how many tracks and lists were written.
struct DjExportSummary {
  size_t tracks = 0, lists = 0, cues = 0, grids = 0;
  std::string how_to_import;  // one line, in the program's menus
};
Result<DjExportSummary> export_dj_library(corpus::Corpus& corpus, DjFormat format, const std::string& out,
                                          const std::string& list = "", bool overwrite = false);

}  // namespace codex::library
