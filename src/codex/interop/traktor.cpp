// Traktor's collection.nml and its history archives (History/history_*.nml), read and written after
// the NML layout that Native Instruments' files show and that open readers document (Mixxx's Traktor
// feature, traktor-nml-utils): COLLECTION/ENTRY with LOCATION (VOLUME + DIR in "/:" form + FILE),
// INFO (KEY in Open Key, RANKING 0..255, COMMENT, GENRE, PLAYTIME), TEMPO BPM, MUSICAL_KEY VALUE
// (0..11 C..B major, 12..23 C..B minor), CUE_V2 (START and LEN in milliseconds; TYPE 0 cue,
// 1 fade-in, 2 fade-out, 3 load, 4 grid with a GRID BPM child, 5 loop; HOTCUE -1 or 0..7), and
// PLAYLISTS/NODE trees whose PLAYLIST ENTRY/PRIMARYKEY KEY is "VOLUME/:dir/:file"; history entries
// carry EXTENDEDDATA STARTDATE (year<<16 | month<<8 | day) and STARTTIME (seconds into the day).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/util.h"
#include "codex/interop/xml.h"
#include "codex/core/text.h"
#include "codex/music/key.h"

namespace codex::interop {

using detail::number;

namespace {

std::string key_path(std::string_view key) {
  const size_t at = key.find("/:");
  if (at == std::string_view::npos) return normalize_path(key);
  std::string_view vol = key.substr(0, at), rest = key.substr(at);
  const size_t last = rest.rfind("/:");
  return traktor_path(vol, rest.substr(0, last + 2), rest.substr(last + 2));
}

const char* traktor_kind_name(int type) {
  switch (type) {
    case 1: return "fade-in";
    case 2: return "fade-out";
    case 3: return "load";
    case 4: return "grid";
    case 5: return "loop";
    default: return "cue";
  }
}

int traktor_kind_type(const std::string& kind) {
  if (kind == "fade-in") return 1;
  if (kind == "fade-out") return 2;
  if (kind == "load") return 3;
  if (kind == "grid") return 4;
  if (kind == "loop") return 5;
  return 0;
}

// "history_2024y05m01d_21h30m00s.nml" (Traktor's archive names) or any YYYY-MM-DD.
std::string history_date(std::string_view name) {
  int y = 0, m = 0, d = 0;
  const size_t at = name.find("history_");
  if (at != std::string_view::npos && std::sscanf(std::string(name.substr(at + 8)).c_str(), "%4dy%2dm%2dd", &y, &m, &d) == 3 &&
      m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  return detail::find_date(name);
}

}  // namespace

Result<DjLibrary> read_traktor_nml(const std::string& path) {
  DjLibrary lib;
  lib.source = "traktor";
  const std::string file_name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const bool archive = ascii_lower(file_name).rfind("history", 0) == 0;
  bool seen_root = false, in_collection = false, in_playlists = false;
  DjTrack* track = nullptr;
  Cue* grid_cue = nullptr;
  struct Open {
    std::string name;
    size_t depth = 0;
    long list = -1;
  };
  std::vector<Open> nodes;
  long entry_list = -1;  // the list whose ENTRY is open

  XmlHandler h;
  h.start = [&](const XmlElement& e) {
    if (e.depth == 1) {
      seen_root = e.name == "NML";
      return;
    }
    if (!seen_root) return;
    if (e.depth == 2) {
      in_collection = e.name == "COLLECTION";
      in_playlists = e.name == "PLAYLISTS";
      return;
    }
    if (in_collection) {
      if (e.depth == 3 && e.name == "ENTRY") {
        DjTrack t;
        t.title = std::string(e.attr("TITLE"));
        t.artist = std::string(e.attr("ARTIST"));
        t.app_id = std::string(e.attr("AUDIO_ID")).substr(0, 64);
        lib.tracks.push_back(std::move(t));
        track = &lib.tracks.back();
        grid_cue = nullptr;
        return;
      }
      if (!track) return;
      if (e.depth == 4) {
        if (e.name == "LOCATION") {
          track->location = std::string(e.attr("VOLUME")) + std::string(e.attr("DIR")) + std::string(e.attr("FILE"));
          track->path = traktor_path(e.attr("VOLUME"), e.attr("DIR"), e.attr("FILE"));
          if (std::string(e.attr("FILE")).empty()) track->path.clear();
        } else if (e.name == "ALBUM") {
          track->album = std::string(e.attr("TITLE"));
        } else if (e.name == "INFO") {
          track->genre = std::string(e.attr("GENRE"));
          track->comment = std::string(e.attr("COMMENT"));
          if (track->key_text.empty()) {
            track->key_text = std::string(e.attr("KEY"));
            track->key = camelot_from_text(track->key_text);
          }
          if (auto r = number(e.attr("RANKING"))) track->rating = std::clamp(static_cast<int>(std::lround(*r / 51.0)), 0, 5);
          track->duration_s = number(e.attr("PLAYTIME_FLOAT"));
          if (!track->duration_s) track->duration_s = number(e.attr("PLAYTIME"));
          if (auto pc = number(e.attr("PLAYCOUNT"))) track->play_count = static_cast<int>(std::max(0.0, *pc));
        } else if (e.name == "TEMPO") {
          track->bpm = number(e.attr("BPM"));
          if (track->bpm && *track->bpm <= 0) track->bpm.reset();
        } else if (e.name == "MUSICAL_KEY") {
          // The number is Traktor's own reading; it wins over the display text.
          if (auto v = number(e.attr("VALUE")); v && *v >= 0 && *v < 24) {
            const int k = static_cast<int>(*v);
            track->key_text = std::to_string(k);
            track->key = music::Key{k % 12, k >= 12}.camelot();
          }
        } else if (e.name == "CUE_V2") {
          auto start = number(e.attr("START"));
          if (!start) return;
          Cue c;
          c.name = std::string(e.attr("NAME"));
          c.position_s = *start / 1000.0;
          c.kind = traktor_kind_name(static_cast<int>(number(e.attr("TYPE")).value_or(0)));
          if (auto len = number(e.attr("LEN")); len && *len > 0) c.length_s = *len / 1000.0;
          c.hotcue = static_cast<int>(number(e.attr("HOTCUE")).value_or(-1));
          if (c.hotcue < -1 || c.hotcue > 7) c.hotcue = -1;
          track->cues.push_back(std::move(c));
          grid_cue = track->cues.back().kind == "grid" ? &track->cues.back() : nullptr;
        }
      } else if (e.depth == 5 && e.name == "GRID" && grid_cue) {
        if (auto bpm = number(e.attr("BPM")); bpm && *bpm > 0) track->grid.push_back({grid_cue->position_s, *bpm, 1});
      }
      return;
    }
    if (in_playlists) {
      if (e.name == "NODE") {
        Open o;
        o.name = std::string(e.attr("NAME"));
        o.depth = e.depth;
        if (e.attr("TYPE") == "PLAYLIST") {
          DjList l;
          for (const auto& n : nodes) {
            if (n.name != "$ROOT") l.folder.push_back(n.name);
          }
          l.name = o.name;
          if (archive || ascii_lower(o.name).rfind("history", 0) == 0) {  // "HISTORY", "History 2024-05-01"
            l.kind = "history";
            l.date = history_date(archive ? file_name : o.name);
          }
          lib.lists.push_back(std::move(l));
          o.list = static_cast<long>(lib.lists.size() - 1);
        }
        nodes.push_back(std::move(o));
      } else if (e.name == "ENTRY" && !nodes.empty() && nodes.back().list >= 0) {
        entry_list = nodes.back().list;
      } else if (e.name == "PRIMARYKEY" && entry_list >= 0) {
        std::string p = key_path(e.attr("KEY"));
        if (p.empty()) return;
        auto& l = lib.lists[static_cast<size_t>(entry_list)];
        l.paths.push_back(std::move(p));
        l.played_at.emplace_back();
      } else if (e.name == "EXTENDEDDATA" && entry_list >= 0) {
        auto& l = lib.lists[static_cast<size_t>(entry_list)];
        auto date = number(e.attr("STARTDATE")), time = number(e.attr("STARTTIME"));
        if (!l.played_at.empty() && date && *date > 0) {
          const long d = static_cast<long>(*date);
          const long t = time ? std::clamp(static_cast<long>(*time), 0L, 86399L) : 0;
          char buf[64];
          std::snprintf(buf, sizeof buf, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", (d >> 16) & 0xFFFF, (d >> 8) & 0xFF, d & 0xFF,
                        t / 3600, t / 60 % 60, t % 60);
          l.played_at.back() = buf;
          if (l.date.empty()) l.date = std::string(buf).substr(0, 10);
        }
      }
    }
  };
  h.end = [&](std::string_view name, size_t depth) {
    if (in_collection && depth == 3 && name == "ENTRY") track = nullptr, grid_cue = nullptr;
    if (in_collection && depth == 4 && name == "CUE_V2") grid_cue = nullptr;
    if (name == "ENTRY" && in_playlists) entry_list = -1;
    if (name == "NODE" && !nodes.empty() && nodes.back().depth == depth) nodes.pop_back();
    if (depth == 2) in_collection = in_playlists = false;
  };
  if (Status s = parse_xml_file(path, h); !s) return s;
  if (!seen_root) return Status::Error(path + ": not a Traktor collection (no NML element)");
  detail::warn_unlocated(lib, "entries");
  return lib;
}

Status write_traktor_nml(const DjLibrary& lib, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error("cannot write " + path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n<!-- " << kWrittenByCodex << " -->\n<NML VERSION=\"19\">"
      << "<HEAD COMPANY=\"www.native-instruments.com\" PROGRAM=\"Traktor\"></HEAD>\n"
      << "<COLLECTION ENTRIES=\"" << lib.tracks.size() << "\">\n";
  for (const DjTrack& t : lib.tracks) {
    const TraktorLocation loc = traktor_location(t.path);
    out << "<ENTRY TITLE=\"" << xml_escape(t.title) << "\" ARTIST=\"" << xml_escape(t.artist) << "\">"
        << "<LOCATION DIR=\"" << xml_escape(loc.dir) << "\" FILE=\"" << xml_escape(loc.file) << "\" VOLUME=\""
        << xml_escape(loc.volume) << "\" VOLUMEID=\"\"></LOCATION>";
    if (!t.album.empty()) out << "<ALBUM TITLE=\"" << xml_escape(t.album) << "\"></ALBUM>";
    out << "<INFO GENRE=\"" << xml_escape(t.genre) << "\" COMMENT=\"" << xml_escape(t.comment) << "\"";
    if (!t.key.empty()) out << " KEY=\"" << traktor_key_text(t.key) << "\"";
    if (t.rating) out << " RANKING=\"" << std::clamp(*t.rating, 0, 5) * 51 << "\"";
    if (t.duration_s) out << " PLAYTIME=\"" << static_cast<long>(std::lround(*t.duration_s)) << "\" PLAYTIME_FLOAT=\"" << detail::fixed(*t.duration_s, 6) << "\"";
    out << "></INFO>";
    if (t.bpm) out << "<TEMPO BPM=\"" << detail::fixed(*t.bpm, 6) << "\" BPM_QUALITY=\"100.000000\"></TEMPO>";
    if (const int v = traktor_key_value(t.key); v >= 0) out << "<MUSICAL_KEY VALUE=\"" << v << "\"></MUSICAL_KEY>";
    int order = 0;
    for (const auto& g : t.grid) {
      out << "<CUE_V2 NAME=\"AutoGrid\" DISPL_ORDER=\"" << order++ << "\" TYPE=\"4\" START=\"" << detail::fixed(g.position_s * 1000.0, 6)
          << "\" LEN=\"0.000000\" REPEATS=\"-1\" HOTCUE=\"-1\"><GRID BPM=\"" << detail::fixed(g.bpm, 6) << "\"></GRID></CUE_V2>";
    }
    for (const auto& c : t.cues) {
      if (c.kind == "grid") continue;  // written from the grid above
      out << "<CUE_V2 NAME=\"" << xml_escape(c.name) << "\" DISPL_ORDER=\"" << order++ << "\" TYPE=\"" << traktor_kind_type(c.kind)
          << "\" START=\"" << detail::fixed(c.position_s * 1000.0, 6) << "\" LEN=\"" << detail::fixed(c.length_s.value_or(0.0) * 1000.0, 6)
          << "\" REPEATS=\"-1\" HOTCUE=\"" << c.hotcue << "\"></CUE_V2>";
    }
    out << "</ENTRY>\n";
  }
  out << "</COLLECTION>\n<SETS ENTRIES=\"0\"></SETS>\n<PLAYLISTS><NODE TYPE=\"FOLDER\" NAME=\"$ROOT\"><SUBNODES COUNT=\""
      << lib.lists.size() << "\">\n";
  for (const auto& l : lib.lists) {
    std::string name = l.name;
    for (size_t i = l.folder.size(); i-- > 0;) name = l.folder[i] + " / " + name;
    out << "<NODE TYPE=\"PLAYLIST\" NAME=\"" << xml_escape(name) << "\"><PLAYLIST ENTRIES=\"" << l.paths.size()
        << "\" TYPE=\"LIST\" UUID=\"\">\n";
    for (const auto& p : l.paths) {
      const TraktorLocation loc = traktor_location(p);
      out << "<ENTRY><PRIMARYKEY TYPE=\"TRACK\" KEY=\"" << xml_escape(loc.volume + loc.dir + loc.file) << "\"></PRIMARYKEY></ENTRY>\n";
    }
    out << "</PLAYLIST></NODE>\n";
  }
  out << "</SUBNODES></NODE></PLAYLISTS>\n</NML>\n";
  out.flush();
  if (!out) return Status::Error("cannot write " + path);
  return Status::Ok();
}

}  // namespace codex::interop
