// Which DJ program a file or folder comes from, read from its content, not its name alone.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "codex/core/text.h"
#include "codex/core/files.h"
#include "codex/interop/dj_library.h"

namespace codex::interop {

namespace fs = std::filesystem;

namespace {

std::string head(const std::string& path, size_t n) {
  if (!files::require_regular(path, "the file")) return "";
  std::ifstream in(path, std::ios::binary);
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<DjLibrary> read_dj_library(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) return Status::Error(path + ": no such file or folder");
  if (fs::is_directory(p, ec)) {
    if (fs::is_directory(p / "_Serato_", ec) || p.filename() == "_Serato_") return read_serato(path);
    for (const char* sub : {"Database2/m.db", "m.db", "Engine Library/Database2/m.db"}) {
      if (fs::is_regular_file(p / sub, ec)) return read_engine_db(path);
    }
    if (fs::is_regular_file(p / "mixxxdb.sqlite", ec)) return read_mixxx_db((p / "mixxxdb.sqlite").string());
    if (fs::is_regular_file(p / "collection.nml", ec)) {
      // Traktor's folder: the collection, and the history archives beside it (History/history_*.nml).
      auto lib = read_traktor_nml((p / "collection.nml").string());
      if (!lib || !fs::is_directory(p / "History", ec)) return lib;
      std::vector<fs::path> archives;
      for (const auto& e : fs::directory_iterator(p / "History", ec)) {
        if (e.is_regular_file(ec) && ascii_lower(e.path().extension().string()) == ".nml") archives.push_back(e.path());
      }
      std::sort(archives.begin(), archives.end());
      for (const auto& a : archives) {
        auto h = read_traktor_nml(a.string());
        if (!h) {
          lib->warnings.push_back(h.status().message());
          continue;
        }
        for (auto& l : h->lists) lib->lists.push_back(std::move(l));
      }
      return lib;
    }
    return Status::Error(path + ": a folder of no DJ program CODEX reads (Serato's _Serato_, Engine DJ's Engine Library, Mixxx's "
                                "mixxxdb.sqlite, Traktor's collection.nml)");
  }
  const std::string lower = ascii_lower(p.filename().string());
  const std::string start = head(path, 4096);
  if (start.rfind("SQLite format 3", 0) == 0) {
    // Mixxx keeps `library` and `track_locations`; Engine DJ a `Track` table: try the one the name suggests first.
    const bool engine_name = lower == "m.db" || lower == "hm.db";
    auto first = engine_name ? read_engine_db(path) : read_mixxx_db(path);
    if (first) return first;
    auto second = engine_name ? read_mixxx_db(path) : read_engine_db(path);
    if (second) return second;
    return Status::Error(path + ": an SQLite file of neither Mixxx's nor Engine DJ's layout");
  }
  if (start.find("<DJ_PLAYLISTS") != std::string::npos) return read_rekordbox_xml(path);
  if (start.find("<NML") != std::string::npos) return read_traktor_nml(path);
  if (start.size() >= 8 && start.compare(0, 4, "vrsn") == 0) return read_serato(path);
  if (ends_with(lower, ".m3u") || ends_with(lower, ".m3u8") || ends_with(lower, ".pls") || start.rfind("#EXTM3U", 0) == 0) {
    return read_playlist_file(path);
  }
  if (start.find("<?xml") != std::string::npos || (!start.empty() && start[0] == '<')) {
    return Status::Error(path + ": XML, but neither a Rekordbox collection (DJ_PLAYLISTS) nor a Traktor collection (NML)");
  }
  return Status::Error(path + ": not a DJ library CODEX reads (Rekordbox XML, Traktor NML, Serato, Mixxx, Engine DJ, M3U/M3U8/PLS)");
}

}  // namespace codex::interop
