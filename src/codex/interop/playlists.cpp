// M3U / M3U8 and PLS playlists. M3U: one location per line, "#" lines are comments except
// "#EXTINF:seconds,Artist - Title" before an entry (the extended M3U of Winamp); M3U8 is the same in
// UTF-8 (a plain .m3u is read as UTF-8 when it is valid, else as Latin-1). PLS: an INI file with
// [playlist], FileN=, TitleN=, LengthN=. A relative location is relative to the playlist's folder.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "codex/core/files.h"
#include "codex/core/text.h"
#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/util.h"

namespace codex::interop {

namespace {

constexpr size_t kMaxPlaylistBytes = 64u << 20;

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string folder_of(const std::string& path) {
  const size_t at = path.find_last_of('/');
  return at == std::string::npos ? "." : path.substr(0, at);
}

// A location made absolute against the playlist's folder (a URL or absolute path is kept).
std::string locate(const std::string& base, std::string loc) {
  for (char& c : loc) {
    if (c == '\\') c = '/';
  }
  const bool absolute = loc.rfind("/", 0) == 0 || loc.find("://") != std::string::npos ||
                        (loc.size() >= 2 && std::isalpha(static_cast<unsigned char>(loc[0])) && loc[1] == ':');
  return normalize_path(absolute ? loc : base + "/" + loc);
}

Result<std::string> read_playlist_text(const std::string& path) {
  auto read = files::read_regular(path, "playlist", kMaxPlaylistBytes);
  if (!read.ok()) return read.status();
  std::string text = std::move(read).value();
  if (text.find('\0') != std::string::npos) return Status::Error(path + ": binary data, not a text playlist");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (!is_valid_utf8(text)) text = latin1_to_utf8(text);
  return text;
}

}  // namespace

Result<DjLibrary> read_playlist_file(const std::string& path) {
  auto text = read_playlist_text(path);
  if (!text) return text.status();
  DjLibrary lib;
  const std::string lower = ascii_lower(path);
  const bool pls = lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".pls") == 0;
  lib.source = pls ? "pls" : "m3u";
  // Relative entries are relative to the playlist's own folder, wherever CODEX runs from.
  std::error_code ec;
  const std::string absolute = std::filesystem::absolute(path, ec).string();
  const std::string base = folder_of(normalize_path(absolute).empty() ? absolute : normalize_path(absolute));
  DjList list;
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (const size_t dot = name.find_last_of('.'); dot != std::string::npos && dot > 0) name.resize(dot);
  list.name = name;
  size_t skipped = 0;
  auto add = [&](const std::string& loc, const std::string& title, std::optional<double> seconds) {
    std::string p = locate(base, loc);
    if (p.empty()) {
      ++skipped;
      return;
    }
    DjTrack t;
    t.location = loc;
    t.path = p;
    if (const size_t sep = title.find(" - "); sep != std::string::npos) {
      t.artist = title.substr(0, sep);
      t.title = title.substr(sep + 3);
    } else {
      t.title = title;
    }
    if (seconds && *seconds > 0) t.duration_s = seconds;
    list.paths.push_back(p);
    list.played_at.emplace_back();
    lib.tracks.push_back(std::move(t));
  };
  std::istringstream in(*text);
  std::string line;
  if (pls) {
    std::map<long, std::string> files, titles;
    std::map<long, double> lengths;
    bool header = false;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (ascii_lower(line) == "[playlist]") header = true;
      const size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = ascii_lower(line.substr(0, eq)), value = line.substr(eq + 1);
      auto index = [&](const char* prefix) -> long {
        const size_t n = std::char_traits<char>::length(prefix);
        if (key.compare(0, n, prefix) != 0 || key.size() == n || key.size() > n + 7) return -1;
        for (size_t i = n; i < key.size(); ++i) {
          if (!std::isdigit(static_cast<unsigned char>(key[i]))) return -1;
        }
        return std::stol(key.substr(n));
      };
      if (long i = index("file"); i >= 0) files[i] = value;
      else if (long i = index("title"); i >= 0) titles[i] = value;
      else if (long i = index("length"); i >= 0) lengths[i] = detail::number(value).value_or(-1);
    }
    if (!header) return Status::Error(path + ": not a PLS playlist (no [playlist] section)");
    for (const auto& [i, f] : files) add(f, titles.count(i) ? titles[i] : "", lengths.count(i) ? std::optional<double>(lengths[i]) : std::nullopt);
  } else {
    std::string title;
    std::optional<double> seconds;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (line[0] == '#') {
        if (line.rfind("#EXTINF:", 0) == 0) {
          const size_t comma = line.find(',');
          seconds = detail::number(line.substr(8));
          title = comma == std::string::npos ? "" : line.substr(comma + 1);
        }
        continue;
      }
      add(line, title, seconds);
      title.clear();
      seconds.reset();
    }
  }
  if (skipped) lib.warnings.push_back(std::to_string(skipped) + " entries are not file locations: skipped");
  lib.lists.push_back(std::move(list));
  return lib;
}

Status write_m3u8(const std::vector<const DjTrack*>& tracks, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error("cannot write " + path);
  out << "#EXTM3U\n# " << kWrittenByCodex << "\n";
  for (const DjTrack* t : tracks) {
    std::string title = t->artist.empty() ? t->title : t->artist + " - " + t->title;
    for (char& c : title) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    out << "#EXTINF:" << (t->duration_s ? static_cast<long>(*t->duration_s + 0.5) : -1) << "," << title << "\n" << t->path << "\n";
  }
  out.flush();
  if (!out) return Status::Error("cannot write " + path);
  return Status::Ok();
}

}  // namespace codex::interop
