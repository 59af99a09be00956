#include "codex/library/dj_export.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <cmath>
#include <filesystem>
#include <set>

#include "codex/analysis/results.h"
#include "codex/interop/dj_paths.h"
#include "codex/library/catalog.h"
#include "codex/library/records.h"
#include "codex/semantic/structure.h"

namespace codex::library {

namespace {

double nearest(const std::vector<double>& grid, double t) {
  if (grid.empty()) return t;
  auto it = std::lower_bound(grid.begin(), grid.end(), t);
  if (it == grid.end()) return grid.back();
  if (it == grid.begin()) return *it;
  return (t - *(it - 1) <= *it - t) ? *(it - 1) : *it;
}

// The mean level (dB) of the envelope over [t0, t1), each envelope cell weighted by its overlap. A
// mean of decibels, not of power: a loud cell reaching a fraction into a quiet bar barely moves it.
double level_db(const std::vector<double>& env, double hop, double t0, double t1) {
  double sum = 0.0, w = 0.0;
  for (auto i = static_cast<size_t>(std::max(0.0, t0) / hop); i < env.size() && static_cast<double>(i) * hop < t1; ++i) {
    const double a = std::max(t0, static_cast<double>(i) * hop), b = std::min(t1, static_cast<double>(i + 1) * hop);
    if (b <= a) continue;
    sum += (b - a) * std::max(env[i], -90.0);
    w += b - a;
  }
  return w > 0 ? sum / w : -90.0;
}

// The downbeat within a bar of `at` where the loudness steps most (up when `rising`, else down):
// the structure is read a bar at a time from an envelope of one value a second, so a boundary may
// land a bar early or late; the step between the bar before and the bar after places it.
double sharpen(const std::vector<double>& downbeats, const std::vector<double>& env, double hop, double at, bool rising) {
  auto it = std::lower_bound(downbeats.begin(), downbeats.end(), at - 1e-6);
  if (it == downbeats.end()) return at;
  const auto k = static_cast<size_t>(it - downbeats.begin());
  double best = at, best_step = -1e9;
  for (size_t j = k > 0 ? k - 1 : k; j <= k + 1 && j < downbeats.size(); ++j) {
    const double bar = j + 1 < downbeats.size() ? downbeats[j + 1] - downbeats[j] : downbeats[j] - downbeats[j - 1];
    const double step = level_db(env, hop, downbeats[j], downbeats[j] + bar) - level_db(env, hop, downbeats[j] - bar, downbeats[j]);
    // The structure's own choice wins unless a neighbour steps clearly more (1 dB).
    const double score = (rising ? step : -step) + (j == k ? 1.0 : 0.0);
    if (score > best_step) best_step = score, best = downbeats[j];
  }
  return best;
}

// Cue colours as Rekordbox shows them (hot cue palette).
constexpr uint32_t kGreen = 0x28E214, kBlue = 0x305AFF, kRed = 0xE62828, kOrange = 0xFFA000, kPurple = 0xB432FF;

}  // namespace

GridAndCues grid_and_cues(const nlohmann::json& analyses) {
  GridAndCues out;
  const analysis::Results r = analysis::read_results(analyses);
  std::vector<double> beats = r.beats, downbeats = r.downbeats;
  std::sort(beats.begin(), beats.end());
  std::sort(downbeats.begin(), downbeats.end());
  const double grid_bpm = r.grid_bpm.value_or(0.0);
  const double first_beat = r.first_beat_s.value_or(beats.empty() ? 0.0 : beats.front());
  const bool steady = r.steady_grid.value_or(true);
  if (!(grid_bpm > 0) || beats.size() < 8) return out;  // no steady pulse: no grid, no phrase cues
  // The grid starts on the first downbeat; before it, a beat that is one, two or three beats earlier
  // would put the bar's "1" in the wrong place in the DJ's program.
  const double first_down = downbeats.empty() ? first_beat : downbeats.front();
  if (steady || r.tempo_segments.empty()) {
    out.grid.push_back({first_down, grid_bpm, 1});
  } else {
    for (const auto& s : r.tempo_segments) {
      const double at = out.grid.empty() ? first_down : nearest(downbeats.empty() ? beats : downbeats, s.start_s);
      if (!out.grid.empty() && at <= out.grid.back().position_s) continue;
      if (s.bpm > 0) out.grid.push_back({at, s.bpm, 1});
    }
    if (out.grid.empty()) out.grid.push_back({first_down, grid_bpm, 1});
  }
  const std::vector<double>& bars = downbeats.size() >= 4 ? downbeats : beats;
  out.cues.push_back({"Start", first_down, std::nullopt, 0, "cue", kGreen});
  // Sections from the loudness envelope, read a bar at a time from the first beat.
  const std::vector<double>& env = r.envelope_db;
  const double hop = r.envelope_hop_s;
  const std::optional<double> bpm = r.bpm;
  // Read a bar at a time from the first downbeat, so that no bar straddles a section boundary.
  const auto sections = semantic::find_structure(env, hop, grid_bpm > 0 ? std::optional<double>(grid_bpm) : bpm, first_down).sections;
  bool intro_end = false, drop = false, breakdown = false, outro = false;
  for (size_t i = 0; i < sections.size(); ++i) {
    const auto& s = sections[i];
    auto add = [&](const char* name, int hot, uint32_t color, bool rising) {
      const double at = downbeats.size() >= 4 ? sharpen(downbeats, env, hop, nearest(bars, s.start_s), rising) : nearest(bars, s.start_s);
      for (const auto& c : out.cues) {
        if (std::abs(c.position_s - at) < 1e-6) return;  // two names for one downbeat: keep the first
      }
      out.cues.push_back({name, at, std::nullopt, hot, "cue", color});
    };
    if (i > 0 && sections[i - 1].name == schema::Section::named("intro") && !intro_end) {
      add("Intro end", 1, kBlue, true);
      intro_end = true;
    }
    if (s.name == schema::Section::named("drop") && !drop) {
      add("Drop", 2, kRed, true);
      drop = true;
    } else if (s.name == schema::Section::named("breakdown") && !breakdown) {
      add("Breakdown", 3, kPurple, false);
      breakdown = true;
    } else if (s.name == schema::Section::named("outro") && !outro) {
      add("Outro", 4, kOrange, false);
      outro = true;
    }
  }
  std::sort(out.cues.begin(), out.cues.end(), [](const auto& a, const auto& b) { return a.hotcue < b.hotcue; });
  return out;
}

Result<interop::DjLibrary> dj_library_of_corpus(corpus::Corpus& corpus, const std::string& list) {
  interop::DjLibrary lib;
  lib.source = "codex";
  auto files = corpus.tracks().with_files();
  if (!files) return files.status();
  std::set<std::string> wanted;
  if (!list.empty()) {
    auto members = corpus.dj().members(list);
    if (!members) return members.status();
    wanted.insert(members->begin(), members->end());
    auto plays = corpus.history().plays(list);
    if (!plays) return plays.status();
    for (const auto& p : *plays) wanted.insert(p.track_id);
    if (wanted.empty()) return Status::Error("no set, playlist or crate called \"" + list + "\" with analysed tracks");
  }
  std::map<std::string, std::string> path_of;
  for (const auto& [id, path] : *files) {
    if (!list.empty() && !wanted.count(id)) continue;
    auto rec = build_record(corpus, id);
    if (!rec) continue;  // a track whose record cannot be built is left out, not the export
    auto detail = find_track(corpus, id);
    if (!detail) continue;
    interop::DjTrack t;
    t.path = interop::normalize_path(path);
    if (t.path.empty()) continue;
    t.location = path;
    t.app_id = id;
    t.title = rec->title.value_or("");
    t.artist = rec->artist.value_or("");
    t.genre = rec->genre ? *rec->genre : "";
    if (rec->bpm) t.bpm = *rec->bpm;
    if (rec->key) t.key = rec->key->camelot();
    t.duration_s = rec->duration_seconds.value_or(0.0);
    GridAndCues gc = grid_and_cues(detail->analyses);
    // The grid's BPM is the beat CODEX tracked; the track's BPM the tempo it is felt at.
    if (!gc.grid.empty() && !t.bpm) t.bpm = gc.grid.front().bpm;
    t.grid = std::move(gc.grid);
    t.cues = std::move(gc.cues);
    std::string comment;
    if (rec->energy) comment = "Energy " + std::to_string(*rec->energy);
    if (rec->key) comment += std::string(comment.empty() ? "" : " · ") + rec->key->camelot();
    if (rec->vibe) comment += std::string(comment.empty() ? "" : " · ") + rec->vibe->str();
    t.comment = comment.empty() ? "" : "CODEX: " + comment;
    path_of[id] = t.path;
    lib.tracks.push_back(std::move(t));
  }
  // CODEX's sets, then the lists imported from the DJ's programs, with the tracks exported here.
  auto plays = corpus.history().all_plays();
  if (!plays) return plays.status();
  std::map<std::string, interop::DjList> sets;
  for (const auto& [session, id] : *plays) {
    if (!list.empty() && session != list) continue;
    auto it = path_of.find(id);
    if (it == path_of.end()) continue;
    auto& l = sets[session];
    l.folder = {"CODEX sets"};
    l.name = session;
    if (l.paths.empty() || l.paths.back() != it->second) l.paths.push_back(it->second);
  }
  for (auto& [_, l] : sets) lib.lists.push_back(std::move(l));
  auto imported = corpus.dj().lists(true);
  if (!imported) return imported.status();
  for (const auto& row : *imported) {
    const std::string full = row.folder.empty() ? row.name : row.folder + " / " + row.name;
    if (!list.empty() && row.name != list && full != list) continue;
    interop::DjList l;
    l.kind = row.kind;
    l.folder = {std::string(row.source == "rekordbox" ? "Rekordbox" : row.source == "traktor" ? "Traktor" : row.source == "serato" ? "Serato"
                            : row.source == "mixxx" ? "Mixxx" : row.source == "engine" ? "Engine DJ" : "Playlists")};
    if (!row.folder.empty()) l.folder.push_back(row.folder);
    l.name = row.name;
    for (const auto& e : row.entries) {
      if (!e.track_id) continue;
      if (auto it = path_of.find(*e.track_id); it != path_of.end()) l.paths.push_back(it->second);
    }
    if (!l.paths.empty()) lib.lists.push_back(std::move(l));
  }
  return lib;
}

Result<DjFormat> dj_format(const std::string& name) {
  if (name == "rekordbox") return DjFormat::kRekordbox;
  if (name == "traktor") return DjFormat::kTraktor;
  if (name == "m3u8" || name == "m3u") return DjFormat::kM3u8;
  return Status::Error("unknown format \"" + name + "\" (rekordbox, traktor or m3u8)");
}

Result<DjExportSummary> export_dj_library(corpus::Corpus& corpus, DjFormat format, const std::string& out,
                                          const std::string& list, bool overwrite) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) {
    if (!overwrite) return Status::Error(out + " exists; CODEX writes a new file (--force replaces a file CODEX wrote)");
    // Only a file an earlier export wrote: never the DJ's own collection.
    std::ifstream in(out, std::ios::binary);
    std::string head(512, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
    if (head.find(interop::kWrittenByCodex) == std::string::npos) {
      return Status::Error(out + " was not written by CODEX; CODEX replaces only files it wrote (choose a new file)");
    }
  }
  auto lib = dj_library_of_corpus(corpus, list);
  if (!lib) return lib.status();
  DjExportSummary sum;
  sum.tracks = lib->tracks.size();
  sum.lists = lib->lists.size();
  for (const auto& t : lib->tracks) {
    sum.cues += t.cues.size();
    sum.grids += t.grid.empty() ? 0 : 1;
  }
  // Written beside (a new file of its own), then published: a reader never sees half a file.
  std::string tmpl = out + ".XXXXXX";
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return Status::Error("cannot write beside " + out + ": " + std::strerror(errno));
  ::close(fd);
  const std::string tmp = tmpl;
  Status s;
  if (format == DjFormat::kRekordbox) {
    s = interop::write_rekordbox_xml(*lib, tmp);
    sum.how_to_import = "in Rekordbox: Preferences > Advanced > Database > rekordbox xml > Imported Library: choose " + out +
                        ", then drag tracks or playlists from the rekordbox xml tree into your collection";
  } else if (format == DjFormat::kTraktor) {
    s = interop::write_traktor_nml(*lib, tmp);
    sum.how_to_import = "in Traktor: right-click Track Collection > Import Another Collection, choose " + out;
  } else {
    std::vector<const interop::DjTrack*> order;
    if (list.empty() || lib->lists.empty()) {
      for (const auto& t : lib->tracks) order.push_back(&t);
    } else {
      std::map<std::string, const interop::DjTrack*> by_path;
      for (const auto& t : lib->tracks) by_path[t.path] = &t;
      for (const auto& p : lib->lists.front().paths) order.push_back(by_path[p]);
    }
    s = interop::write_m3u8(order, tmp);
    sum.how_to_import = "open " + out + " in any DJ program or player, or drag it onto its playlists";
    sum.lists = 1;
  }
  if (!s) {
    std::filesystem::remove(tmp, ec);
    return s;
  }
  if (!overwrite) {
    // Never over a file that appeared meanwhile: a hard link fails when the name is taken (a file
    // system without hard links, such as a FAT stick, gets a rename after a last look).
    if (::link(tmp.c_str(), out.c_str()) == 0) {
      std::filesystem::remove(tmp, ec);
      return sum;
    }
    const int err = errno;
    if (err == EEXIST || std::filesystem::exists(out, ec)) {
      std::filesystem::remove(tmp, ec);
      return Status::Error(out + " exists; CODEX writes a new file (--force replaces a file CODEX wrote)");
    }
  }
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status::Error("cannot write " + out + ": " + ec.message());
  }
  return sum;
}

}  // namespace codex::library
