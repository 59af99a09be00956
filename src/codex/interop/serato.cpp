// Serato's own files, after the layout open readers document (Mixxx's Serato feature and Jan
// Holthuis's serato-tags notes): `_Serato_/database V2`, `_Serato_/Subcrates/*.crate` and
// `_Serato_/History/Sessions/*.session` are each a run of fields, a 4-byte ASCII tag, a 4-byte
// big-endian length and the value; tags starting with "o" (otrk, oent) hold nested fields, "t" and
// "p" hold UTF-16BE text ("pfil"/"ptrk" a path relative to the root of the drive the `_Serato_`
// folder is on), "u" a 32-bit and "s" a 16-bit number, "b" a byte. In a session, each "oent" holds
// an "adat" whose fields are tagged by number (2: the file's path, 28: when it started, Unix time).
// A crate file's name gives its place: "Parent%%Child.crate". The beat grid and cue points live in
// the audio files themselves (apply_serato_objects): read for every database track found here.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "codex/core/files.h"
#include "codex/core/text.h"
#include "codex/interop/dj_library.h"
#include "codex/interop/dj_paths.h"
#include "codex/interop/tags.h"
#include "codex/interop/util.h"

namespace codex::interop {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxSeratoFile = 256u << 20;

struct Field {
  std::string tag;  // 4 ASCII characters, or a decimal number inside "adat"
  std::string_view value;
};

uint32_t be32(const unsigned char* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// The fields of one level; false when the bytes do not parse (a length past the end).
bool fields(std::string_view data, bool numeric_tags, std::vector<Field>& out) {
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 8) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + at);
    std::string tag;
    if (numeric_tags) {
      tag = std::to_string(be32(p));
    } else {
      for (int i = 0; i < 4; ++i) {
        if (p[i] < 0x20 || p[i] > 0x7E) return false;
        tag.push_back(static_cast<char>(p[i]));
      }
    }
    const uint32_t len = be32(p + 4);
    if (len > data.size() - at - 8) return false;
    out.push_back({tag, data.substr(at + 8, len)});
    at += 8 + len;
  }
  return true;
}

std::string utf16be(std::string_view v) {
  std::string out;
  for (size_t i = 0; i + 1 < v.size(); i += 2) {
    uint32_t c = uint32_t(static_cast<unsigned char>(v[i])) << 8 | static_cast<unsigned char>(v[i + 1]);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < v.size()) {
      const uint32_t lo = uint32_t(static_cast<unsigned char>(v[i + 2])) << 8 | static_cast<unsigned char>(v[i + 3]);
      if (lo >= 0xDC00 && lo < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    if (c == 0) break;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return to_valid_utf8(out);
}


}  // namespace

std::string serato_drive_root(const std::string& serato_parent) {
  std::error_code ec;
  const std::string p = normalize_path(fs::absolute(serato_parent, ec).string());
  const auto parts = path_parts(p);
  auto join = [&](size_t n) {
    std::string r;
    for (size_t i = 0; i < n && i < parts.size(); ++i) r += "/" + parts[i];
    return r;
  };
  if (!parts.empty() && parts[0].size() == 2 && parts[0][1] == ':') return parts[0];
  if (parts.size() >= 2 && (parts[0] == "Volumes" || parts[0] == "mnt")) return join(2);
  if (parts.size() >= 3 && parts[0] == "media") return join(3);
  if (parts.size() >= 4 && parts[0] == "run" && parts[1] == "media") return join(4);
  return "";
}

namespace {

std::string under(const std::string& root, const std::string& rel) {
  if (rel.empty()) return "";
  if (rel[0] == '/' || (rel.size() > 1 && rel[1] == ':')) return normalize_path(rel);
  return normalize_path(root + "/" + rel);
}

Status read_database(const std::string& file, const std::string& root, DjLibrary& lib) {
  auto data = files::read_regular(file, "Serato file", kMaxSeratoFile);
  if (!data) return data.status();
  std::vector<Field> top;
  if (!fields(*data, false, top) || top.empty() || top[0].tag != "vrsn") return Status::Error(file + ": not a Serato database (bad field layout)");
  for (const auto& f : top) {
    if (f.tag != "otrk") continue;
    std::vector<Field> in;
    if (!fields(f.value, false, in)) continue;
    DjTrack t;
    for (const auto& g : in) {
      if (g.tag == "pfil") t.location = utf16be(g.value);
      else if (g.tag == "tsng") t.title = utf16be(g.value);
      else if (g.tag == "tart") t.artist = utf16be(g.value);
      else if (g.tag == "talb") t.album = utf16be(g.value);
      else if (g.tag == "tgen") t.genre = utf16be(g.value);
      else if (g.tag == "tcom") t.comment = utf16be(g.value);
      else if (g.tag == "tbpm") t.bpm = detail::number(utf16be(g.value));
      else if (g.tag == "tkey") t.key_text = utf16be(g.value);
    }
    t.path = under(root, t.location);
    t.key = camelot_from_text(t.key_text);
    if (t.bpm && *t.bpm <= 0) t.bpm.reset();
    if (t.path.empty()) continue;
    // The grid and cues live in the audio file's own tags: read them when the file is here.
    std::error_code ec;
    if (fs::is_regular_file(t.path, ec)) {
      if (Status s = apply_serato_objects(read_serato_objects(t.path), t); !s) {
        lib.warnings.push_back(t.path + ": " + s.message());
      }
    }
    lib.tracks.push_back(std::move(t));
  }
  return Status::Ok();
}

Status read_crate(const std::string& file, const std::string& root, DjLibrary& lib) {
  auto data = files::read_regular(file, "Serato file", kMaxSeratoFile);
  if (!data) return data.status();
  std::vector<Field> top;
  if (!fields(*data, false, top) || top.empty() || top[0].tag != "vrsn") return Status::Error(file + ": not a Serato crate (bad field layout)");
  DjList l;
  l.kind = "crate";
  std::string name = fs::path(file).stem().string();
  size_t at;
  while ((at = name.find("%%")) != std::string::npos) {
    l.folder.push_back(name.substr(0, at));
    name.erase(0, at + 2);
  }
  l.name = name;
  for (const auto& f : top) {
    if (f.tag != "otrk") continue;
    std::vector<Field> in;
    if (!fields(f.value, false, in)) continue;
    for (const auto& g : in) {
      if (g.tag != "ptrk") continue;
      if (std::string p = under(root, utf16be(g.value)); !p.empty()) {
        l.paths.push_back(p);
        l.played_at.emplace_back();
      }
    }
  }
  lib.lists.push_back(std::move(l));
  return Status::Ok();
}

Status read_session(const std::string& file, const std::string& root, DjLibrary& lib) {
  auto data = files::read_regular(file, "Serato file", kMaxSeratoFile);
  if (!data) return data.status();
  std::vector<Field> top;
  if (!fields(*data, false, top) || top.empty() || top[0].tag != "vrsn") return Status::Error(file + ": not a Serato session (bad field layout)");
  DjList l;
  l.kind = "history";
  l.name = fs::path(file).stem().string();
  for (const auto& f : top) {
    if (f.tag != "oent") continue;
    std::vector<Field> in;
    if (!fields(f.value, false, in)) continue;
    for (const auto& g : in) {
      if (g.tag != "adat") continue;
      std::vector<Field> rows;
      if (!fields(g.value, true, rows)) continue;
      std::string p, when;
      for (const auto& r : rows) {
        if (r.tag == "2") p = under(root, utf16be(r.value));
        if (r.tag == "28" && r.value.size() == 4) {
          const std::time_t t = be32(reinterpret_cast<const unsigned char*>(r.value.data()));
          std::tm tm{};
          gmtime_r(&t, &tm);
          char buf[32];
          std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
          when = buf;
        }
      }
      if (p.empty()) continue;
      l.paths.push_back(p);
      l.played_at.push_back(when);
      if (l.date.empty() && !when.empty()) l.date = when.substr(0, 10);
    }
  }
  if (!l.paths.empty()) lib.lists.push_back(std::move(l));
  return Status::Ok();
}

float be_float(const unsigned char* p) {
  const uint32_t u = be32(p);
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

std::string base64_decode(std::string_view in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\0') break;
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;  // line breaks
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

Status apply_beatgrid(std::string_view b, DjTrack& t) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data());
  if (b.size() < 6 || p[0] != 1 || p[1] != 0) return Status::Error("Serato BeatGrid: not version 1.0");
  const uint32_t n = be32(p + 2);
  if (n == 0 || n > (b.size() - 6) / 8) return Status::Error("Serato BeatGrid: marker count past the end");
  std::vector<GridMarker> grid;
  for (uint32_t i = 0; i < n; ++i) {
    const unsigned char* m = p + 6 + 8 * i;
    const double pos = be_float(m);
    if (!std::isfinite(pos)) return Status::Error("Serato BeatGrid: a marker is not a number");
    if (i + 1 < n) {
      const double next = be_float(m + 8);
      const uint32_t beats = be32(m + 4);
      if (!(next > pos) || beats == 0 || beats > 100000) return Status::Error("Serato BeatGrid: markers out of order");
      const double bpm = 60.0 * beats / (next - pos);
      if (!(bpm > 0 && bpm < 1000)) return Status::Error("Serato BeatGrid: the BPM between two markers is not a tempo");
      grid.push_back({pos, bpm, 1});
    } else {
      const double bpm = be_float(m + 4);
      if (!(bpm > 0 && bpm < 1000)) return Status::Error("Serato BeatGrid: the BPM is not a tempo");
      grid.push_back({pos, bpm, 1});
    }
  }
  t.grid = std::move(grid);
  return Status::Ok();
}

Status apply_markers2(std::string_view b, DjTrack& t) {
  if (b.size() < 2 || b[0] != 1 || b[1] != 1) return Status::Error("Serato Markers2: not version 1.1");
  const std::string d = base64_decode(b.substr(2));
  if (d.size() < 2 || d[0] != 1 || d[1] != 1) return Status::Error("Serato Markers2: not version 1.1 inside");
  size_t at = 2;
  std::vector<Cue> cues;
  while (at < d.size() && d[at] != '\0') {
    const size_t end = d.find('\0', at);
    if (end == std::string::npos || end - at > 64 || d.size() - end < 5) return Status::Error("Serato Markers2: an entry runs past the end");
    const std::string name = d.substr(at, end - at);
    const uint32_t len = be32(reinterpret_cast<const unsigned char*>(d.data() + end + 1));
    if (len > d.size() - end - 5) return Status::Error("Serato Markers2: an entry runs past the end");
    const auto* e = reinterpret_cast<const unsigned char*>(d.data() + end + 5);
    auto text_at = [&](size_t from) {
      if (from >= len) return std::string();
      const std::string_view rest(reinterpret_cast<const char*>(e) + from, len - from);
      return to_valid_utf8(rest.substr(0, rest.find('\0')));
    };
    if (name == "CUE" && len >= 13) {
      Cue c;
      c.hotcue = e[1] <= 7 ? e[1] : -1;
      c.position_s = be32(e + 2) / 1000.0;
      c.color = uint32_t(e[7]) << 16 | uint32_t(e[8]) << 8 | e[9];
      c.name = text_at(12);
      cues.push_back(std::move(c));
    } else if (name == "LOOP" && len >= 21) {
      Cue c;
      c.kind = "loop";
      c.hotcue = e[1] <= 7 ? e[1] : -1;
      c.position_s = be32(e + 2) / 1000.0;
      const double end_s = be32(e + 6) / 1000.0;
      if (end_s > c.position_s) c.length_s = end_s - c.position_s;
      c.name = text_at(20);
      cues.push_back(std::move(c));
    }
    at = end + 5 + len;
  }
  t.cues.insert(t.cues.end(), cues.begin(), cues.end());
  return Status::Ok();
}

}  // namespace

Status apply_serato_objects(const std::map<std::string, std::string>& objects, DjTrack& t) {
  if (auto it = objects.find("Serato Autotags"); it != objects.end()) {
    const std::string& b = it->second;
    if (b.size() < 3 || b[0] != 1 || b[1] != 1) return Status::Error("Serato Autotags: not version 1.1");
    const auto bpm = detail::number(std::string_view(b).substr(2, b.find('\0', 2) - 2));
    if (bpm && *bpm > 0 && *bpm < 1000 && !t.bpm) t.bpm = *bpm;
  }
  if (auto it = objects.find("Serato BeatGrid"); it != objects.end()) {
    if (Status s = apply_beatgrid(it->second, t); !s) return s;
  }
  if (auto it = objects.find("Serato Markers2"); it != objects.end()) {
    if (Status s = apply_markers2(it->second, t); !s) return s;
  }
  return Status::Ok();
}

Result<DjLibrary> read_serato(const std::string& path) {
  DjLibrary lib;
  lib.source = "serato";
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec) && fs::is_directory(p / "_Serato_", ec)) p /= "_Serato_";
  if (fs::is_directory(p, ec)) {
    const std::string root = serato_drive_root(p.parent_path().string());
    bool any = false;
    if (fs::is_regular_file(p / "database V2", ec)) {
      any = true;
      if (Status s = read_database((p / "database V2").string(), root, lib); !s) lib.warnings.push_back(s.message());
    }
    std::vector<fs::path> files;
    for (const char* sub : {"Subcrates", "History/Sessions"}) {
      if (!fs::is_directory(p / sub, ec)) continue;
      for (const auto& e : fs::directory_iterator(p / sub, ec)) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string ext = ascii_lower(f.extension().string());
      if (ext != ".crate" && ext != ".session") continue;
      any = true;
      Status s = ext == ".crate" ? read_crate(f.string(), root, lib) : read_session(f.string(), root, lib);
      if (!s) lib.warnings.push_back(s.message());
    }
    if (!any) return Status::Error(path + ": no Serato database, crates or sessions found");
    return lib;
  }
  const std::string root = serato_drive_root(p.parent_path().parent_path().string());
  const std::string ext = ascii_lower(p.extension().string());
  Status s = ext == ".crate"     ? read_crate(path, serato_drive_root(p.parent_path().parent_path().parent_path().string()), lib)
             : ext == ".session" ? read_session(path, serato_drive_root(p.parent_path().parent_path().parent_path().parent_path().string()), lib)
                                 : read_database(path, root, lib);
  if (!s) return s;
  return lib;
}

}  // namespace codex::interop
