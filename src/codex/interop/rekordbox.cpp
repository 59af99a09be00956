// Rekordbox's collection XML ("File > Export Collection in xml format"), read and written after
// AlphaTheta's published "rekordbox XML format" document: COLLECTION/TRACK (Location is a
// file://localhost URL, Tonality the key, AverageBpm, Rating 0..255 in steps of 51, Colour
// 0xRRGGBB), TRACK/TEMPO (Inizio seconds, Bpm, Metro, Battito = beat of the bar), TRACK/POSITION_MARK
// (Type 0 cue, 1 fade-in, 2 fade-out, 3 load, 4 loop; Start/End seconds; Num -1 memory cue, 0..7
// hot cue; Red/Green/Blue), and PLAYLISTS/NODE (Type 0 folder, 1 playlist; TRACK Key = TrackID for
// KeyType 0, the Location for KeyType 1). Rekordbox's history playlists sit in a folder named HISTORY.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/util.h"
#include "codex/interop/xml.h"

namespace codex::interop {

using detail::number;

namespace {

const char* rekordbox_kind_name(int type) {
  switch (type) {
    case 1: return "fade-in";
    case 2: return "fade-out";
    case 3: return "load";
    case 4: return "loop";
    default: return "cue";
  }
}

int rekordbox_kind_type(const std::string& kind) {
  if (kind == "fade-in") return 1;
  if (kind == "fade-out") return 2;
  if (kind == "load") return 3;
  if (kind == "loop") return 4;
  return 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

Result<DjLibrary> read_rekordbox_xml(const std::string& path) {
  DjLibrary lib;
  lib.source = "rekordbox";
  bool seen_root = false, in_collection = false, in_playlists = false;
  std::map<std::string, size_t> by_id;  // TrackID -> index
  DjTrack* track = nullptr;             // the TRACK being read
  // The PLAYLISTS tree: the open NODEs (name, type), the list being filled.
  struct Open {
    std::string name;
    int type = 0;
    size_t depth = 0;
    int key_type = 0;
    long list = -1;  // index into lib.lists for a playlist
  };
  std::vector<Open> nodes;
  size_t skipped_entries = 0;

  XmlHandler h;
  h.start = [&](const XmlElement& e) {
    if (e.depth == 1) {
      seen_root = e.name == "DJ_PLAYLISTS";
      return;
    }
    if (!seen_root) return;
    if (e.depth == 2) {
      in_collection = e.name == "COLLECTION";
      in_playlists = e.name == "PLAYLISTS";
      return;
    }
    if (in_collection) {
      if (e.depth == 3 && e.name == "TRACK") {
        DjTrack t;
        t.app_id = std::string(e.attr("TrackID"));
        t.location = std::string(e.attr("Location"));
        t.path = normalize_path(t.location);
        t.title = std::string(e.attr("Name"));
        t.artist = std::string(e.attr("Artist"));
        t.album = std::string(e.attr("Album"));
        t.genre = std::string(e.attr("Genre"));
        t.comment = std::string(e.attr("Comments"));
        t.bpm = number(e.attr("AverageBpm"));
        if (t.bpm && *t.bpm <= 0) t.bpm.reset();
        t.duration_s = number(e.attr("TotalTime"));
        t.key_text = std::string(e.attr("Tonality"));
        t.key = camelot_from_text(t.key_text);
        if (auto r = number(e.attr("Rating"))) t.rating = std::clamp(static_cast<int>(std::lround(*r / 51.0)), 0, 5);
        t.color = detail::hex_color(e.attr("Colour"));
        if (auto pc = number(e.attr("PlayCount"))) t.play_count = static_cast<int>(std::max(0.0, *pc));
        lib.tracks.push_back(std::move(t));
        track = &lib.tracks.back();
        if (!track->app_id.empty()) by_id[track->app_id] = lib.tracks.size() - 1;
        return;
      }
      if (e.depth == 4 && track) {
        if (e.name == "TEMPO") {
          auto at = number(e.attr("Inizio"));
          auto bpm = number(e.attr("Bpm"));
          if (at && bpm && *bpm > 0) {
            int beat = 1;
            if (auto b = number(e.attr("Battito"))) beat = std::clamp(static_cast<int>(*b), 1, 4);
            track->grid.push_back({*at, *bpm, beat});
          }
        } else if (e.name == "POSITION_MARK") {
          auto start = number(e.attr("Start"));
          if (!start) return;
          Cue c;
          c.name = std::string(e.attr("Name"));
          c.position_s = *start;
          const int type = static_cast<int>(number(e.attr("Type")).value_or(0));
          c.kind = rekordbox_kind_name(type);
          if (auto end = number(e.attr("End")); end && *end > *start) c.length_s = *end - *start;
          c.hotcue = static_cast<int>(number(e.attr("Num")).value_or(-1));
          if (c.hotcue < -1 || c.hotcue > 7) c.hotcue = -1;
          if (e.has("Red") && e.has("Green") && e.has("Blue")) {
            auto clamp8 = [](std::optional<double> v) { return static_cast<uint32_t>(std::clamp(v.value_or(0.0), 0.0, 255.0)); };
            c.color = clamp8(number(e.attr("Red"))) << 16 | clamp8(number(e.attr("Green"))) << 8 | clamp8(number(e.attr("Blue")));
          }
          track->cues.push_back(std::move(c));
        }
      }
      return;
    }
    if (in_playlists) {
      if (e.name == "NODE") {
        Open o;
        o.name = std::string(e.attr("Name"));
        o.type = static_cast<int>(number(e.attr("Type")).value_or(0));
        o.depth = e.depth;
        o.key_type = static_cast<int>(number(e.attr("KeyType")).value_or(0));
        if (o.type == 1) {
          DjList l;
          // The ROOT node is not a folder the DJ made.
          for (size_t i = 0; i < nodes.size(); ++i) {
            if (i == 0 && nodes[i].name == "ROOT") continue;
            l.folder.push_back(nodes[i].name);
          }
          l.name = o.name;
          bool history = false;
          for (const auto& f : l.folder) history = history || iequals(f, "HISTORY");
          if (history || (l.folder.empty() && o.name.rfind("HISTORY", 0) == 0 && !detail::find_date(o.name).empty())) {
            l.kind = "history";
            l.date = detail::find_date(o.name);
          }
          lib.lists.push_back(std::move(l));
          o.list = static_cast<long>(lib.lists.size() - 1);
        }
        nodes.push_back(std::move(o));
      } else if (e.name == "TRACK" && !nodes.empty() && nodes.back().list >= 0 && e.depth == nodes.back().depth + 1) {
        const std::string key(e.attr("Key"));
        DjList& l = lib.lists[static_cast<size_t>(nodes.back().list)];
        std::string p;
        if (nodes.back().key_type == 1) {
          p = normalize_path(key);
        } else if (auto it = by_id.find(key); it != by_id.end()) {
          p = lib.tracks[it->second].path;
        }
        if (p.empty()) {
          ++skipped_entries;
          return;
        }
        l.paths.push_back(p);
        l.played_at.emplace_back();
      }
    }
  };
  h.end = [&](std::string_view name, size_t depth) {
    if (in_collection && depth == 3 && name == "TRACK") track = nullptr;
    if (name == "NODE" && !nodes.empty() && nodes.back().depth == depth) nodes.pop_back();
    if (depth == 2) in_collection = in_playlists = false;
  };
  if (Status s = parse_xml_file(path, h); !s) return s;
  if (!seen_root) return Status::Error(path + ": not a Rekordbox collection (no DJ_PLAYLISTS element)");
  detail::warn_unlocated(lib, "tracks");
  if (skipped_entries) lib.warnings.push_back(std::to_string(skipped_entries) + " playlist entries name no track in the collection: skipped");
  return lib;
}

Status write_rekordbox_xml(const DjLibrary& lib, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error("cannot write " + path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- " << kWrittenByCodex << " -->\n<DJ_PLAYLISTS Version=\"1.0.0\">\n"
      << "  <PRODUCT Name=\"CODEX\" Version=\"1\" Company=\"CODEX\"/>\n"
      << "  <COLLECTION Entries=\"" << lib.tracks.size() << "\">\n";
  std::map<std::string, size_t> id_of;  // path -> TrackID (1-based)
  for (size_t i = 0; i < lib.tracks.size(); ++i) {
    const DjTrack& t = lib.tracks[i];
    id_of.emplace(t.path, i + 1);
    std::string loc = "file://localhost" + std::string(t.path.empty() || t.path[0] != '/' ? "/" : "") + percent_encode_path(t.path);
    out << "    <TRACK TrackID=\"" << (i + 1) << "\" Name=\"" << xml_escape(t.title) << "\" Artist=\"" << xml_escape(t.artist)
        << "\" Album=\"" << xml_escape(t.album) << "\" Genre=\"" << xml_escape(t.genre) << "\"";
    if (t.duration_s) out << " TotalTime=\"" << static_cast<long>(std::lround(*t.duration_s)) << "\"";
    if (t.bpm) out << " AverageBpm=\"" << detail::fixed(*t.bpm, 2) << "\"";
    if (!t.key.empty()) out << " Tonality=\"" << rekordbox_key(t.key) << "\"";
    if (t.rating) out << " Rating=\"" << std::clamp(*t.rating, 0, 5) * 51 << "\"";
    if (t.color) out << " Colour=\"" << detail::hex_color_text(*t.color, "0x") << "\"";
    out << " Comments=\"" << xml_escape(t.comment) << "\" Location=\"" << xml_escape(loc) << "\">\n";
    for (const auto& g : t.grid) {
      out << "      <TEMPO Inizio=\"" << detail::fixed(g.position_s, 3) << "\" Bpm=\"" << detail::fixed(g.bpm, 2)
          << "\" Metro=\"4/4\" Battito=\"" << std::clamp(g.beat, 1, 4) << "\"/>\n";
    }
    for (const auto& c : t.cues) {
      if (c.kind == "grid") continue;  // Rekordbox's grid is its TEMPO markers
      out << "      <POSITION_MARK Name=\"" << xml_escape(c.name) << "\" Type=\"" << rekordbox_kind_type(c.kind) << "\" Start=\""
          << detail::fixed(c.position_s, 3) << "\"";
      if (c.length_s) out << " End=\"" << detail::fixed(c.position_s + *c.length_s, 3) << "\"";
      out << " Num=\"" << c.hotcue << "\"";
      if (c.color) out << " Red=\"" << ((*c.color >> 16) & 255) << "\" Green=\"" << ((*c.color >> 8) & 255) << "\" Blue=\"" << (*c.color & 255) << "\"";
      out << "/>\n";
    }
    out << "    </TRACK>\n";
  }
  out << "  </COLLECTION>\n  <PLAYLISTS>\n    <NODE Type=\"0\" Name=\"ROOT\" Count=\"" << lib.lists.size() << "\">\n";
  // One level of folders (a list's first folder); deeper folders are joined into its name.
  std::map<std::string, std::vector<const DjList*>> folders;
  std::vector<const DjList*> top;
  for (const auto& l : lib.lists) {
    if (l.folder.empty()) top.push_back(&l);
    else folders[l.folder[0]].push_back(&l);
  }
  auto write_list = [&](const DjList& l, const std::string& indent) {
    std::string name = l.name;
    for (size_t i = l.folder.size(); i-- > 1;) name = l.folder[i] + " / " + name;
    size_t n = 0;
    for (const auto& p : l.paths) n += id_of.count(p);
    out << indent << "<NODE Name=\"" << xml_escape(name) << "\" Type=\"1\" KeyType=\"0\" Entries=\"" << n << "\">\n";
    for (const auto& p : l.paths) {
      if (auto it = id_of.find(p); it != id_of.end()) out << indent << "  <TRACK Key=\"" << it->second << "\"/>\n";
    }
    out << indent << "</NODE>\n";
  };
  for (const auto* l : top) write_list(*l, "      ");
  for (const auto& [name, lists] : folders) {
    out << "      <NODE Type=\"0\" Name=\"" << xml_escape(name) << "\" Count=\"" << lists.size() << "\">\n";
    for (const auto* l : lists) write_list(*l, "        ");
    out << "      </NODE>\n";
  }
  out << "    </NODE>\n  </PLAYLISTS>\n</DJ_PLAYLISTS>\n";
  out.flush();
  if (!out) return Status::Error("cannot write " + path);
  return Status::Ok();
}

}  // namespace codex::interop
