#include "codex/library/dj_import.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <cstdio>
#include <set>

#include "codex/audio/decoder.h"
#include "codex/core/text.h"
#include "codex/interop/dj_paths.h"
#include "codex/library/analyze_job.h"
#include "codex/library/records.h"
#include "codex/music/key.h"

namespace codex::library {

namespace {

std::string lower_tail(const std::string& path, size_t parts) {
  const auto p = interop::path_parts(path);
  if (p.size() < parts) return "";
  std::string out;
  for (size_t i = p.size() - parts; i < p.size(); ++i) {
    if (!out.empty()) out.push_back('/');
    out += ascii_lower(p[i]);
  }
  return out;
}

bool exists_here(const std::string& path) {
  struct stat st {};
  return !path.empty() && path[0] == '/' && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

nlohmann::json grid_json(const std::vector<interop::GridMarker>& grid) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& g : grid) a.push_back({{"position_s", g.position_s}, {"bpm", g.bpm}, {"beat", g.beat}});
  return a;
}

nlohmann::json cues_json(const std::vector<interop::Cue>& cues) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : cues) {
    nlohmann::json j = {{"name", to_valid_utf8(c.name)}, {"position_s", c.position_s}, {"hotcue", c.hotcue}, {"kind", c.kind}};
    if (c.length_s) j["length_s"] = *c.length_s;
    if (c.color) j["color"] = *c.color;
    a.push_back(std::move(j));
  }
  return a;
}

}  // namespace

const char* matched_by_name(MatchedBy m) {
  switch (m) {
    case MatchedBy::kPath: return "path";
    case MatchedBy::kAudio: return "audio";
    case MatchedBy::kNameAndFolder: return "folder and name";
    case MatchedBy::kName: return "name";
    default: return "none";
  }
}

Result<PathMatcher> PathMatcher::load(corpus::Corpus& corpus) {
  PathMatcher m;
  m.corpus_ = &corpus;
  auto locs = corpus.tracks().all_locations();
  if (!locs) return locs.status();
  for (const auto& [path, id] : *locs) {
    const std::string p = interop::normalize_path(path);
    m.exact_[p.empty() ? path : p] = id;
    auto add = [&](std::map<std::string, std::vector<std::string>>& index, const std::string& key) {
      if (key.empty()) return;
      auto& v = index[key];
      if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
    };
    add(m.by_folder_file_, lower_tail(p, 2));
    add(m.by_file_, lower_tail(p, 1));
  }
  auto rows = corpus.tracks().rows();
  if (!rows) return rows.status();
  for (const auto& r : *rows) m.duration_[r.track_id] = r.duration_s;
  return m;
}

std::pair<std::string, MatchedBy> PathMatcher::match(const std::string& path, std::optional<double> duration_s) {
  if (path.empty()) return {"", MatchedBy::kNone};
  if (auto it = exact_.find(path); it != exact_.end()) return {it->second, MatchedBy::kPath};
  if (exists_here(path)) {
    // The file is here but not at a known location: its audio may be a track the corpus knows.
    if (auto id = audio::compute_track_id(path); id && duration_.count(*id)) {
      if (auto stamp = stamp_file(path)) (void)corpus_->tracks().add_location(*id, *stamp);
      exact_[path] = *id;
      return {*id, MatchedBy::kAudio};
    }
  }
  auto durations_agree = [&](const std::string& id) {
    if (!duration_s || *duration_s <= 0) return true;
    auto it = duration_.find(id);
    return it == duration_.end() || std::abs(it->second - *duration_s) <= 2.0;
  };
  if (auto it = by_folder_file_.find(lower_tail(path, 2)); it != by_folder_file_.end() && it->second.size() == 1 &&
                                                           durations_agree(it->second[0])) {
    return {it->second[0], MatchedBy::kNameAndFolder};
  }
  // The file name alone is weak evidence ("01 Intro.mp3"): only with a duration that agrees.
  if (auto it = by_file_.find(lower_tail(path, 1)); it != by_file_.end() && it->second.size() == 1 && duration_s &&
                                                    *duration_s > 0 && durations_agree(it->second[0])) {
    return {it->second[0], MatchedBy::kName};
  }
  return {"", MatchedBy::kNone};
}

std::string program_name(const std::string& source) {
  static const std::map<std::string, std::string> names = {
      {"rekordbox", "Rekordbox"}, {"traktor", "Traktor"}, {"serato", "Serato"}, {"mixxx", "Mixxx"},
      {"engine", "Engine DJ"},    {"m3u", "M3U"},         {"pls", "PLS"}};
  auto it = names.find(source);
  return it == names.end() ? source : it->second;
}

bool same_bpm(double a, double b) { return a > 0 && b > 0 && std::abs(a / b - 1.0) <= 0.01; }

std::string bpm_comparison(const std::string& program, double app, double codex) {
  auto fmt = [](double v) {
    char buf[32];
    if (std::abs(v - std::round(v)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%.1f", v);
    return std::string(buf);
  };
  std::string relation;
  const double r = codex / app;
  if (same_bpm(app, codex)) relation = "same tempo";
  else if (std::abs(r / 2.0 - 1.0) <= 0.01) relation = "double";
  else if (std::abs(r * 2.0 - 1.0) <= 0.01) relation = "half";
  else if (std::abs(r / 1.5 - 1.0) <= 0.01) relation = "three halves";
  else if (std::abs(r * 1.5 - 1.0) <= 0.01) relation = "two thirds";
  else {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%+.1f%%", (r - 1.0) * 100.0);
    relation = std::string("differs by ") + buf;
  }
  return program_name(program) + " " + fmt(app) + " BPM, CODEX " + fmt(codex) + ": " + relation;
}

std::string key_comparison(const std::string& program, const std::string& text, const std::string& app,
                           const std::string& codex) {
  auto a = music::parse_key(app), c = music::parse_key(codex);
  std::string relation = "not comparable";
  if (a && c) {
    relation = music::camelot_relation(*a, *c);
    if (relation == "relative") relation = "relative " + std::string(c->minor ? "minor" : "major");
    else if (relation != "same key" && relation != "clash") relation += " on the wheel";
  }
  return program_name(program) + " " + (text.empty() ? app : text) + ", CODEX " + codex + ": " + relation;
}

nlohmann::json DjImportSummary::to_json() const {
  return {{"source", source},
          {"tracks", tracks},
          {"matched", matched},
          {"matched_by", matched_by},
          {"unmatched", unmatched},
          {"unmatched_here", unmatched_here},
          {"lists", lists},
          {"list_entries", list_entries},
          {"history_entries", history_entries},
          {"cues", cues},
          {"grids", grids},
          {"transitions", transitions},
          {"bpm_compared", bpm_compared},
          {"key_compared", key_compared},
          {"disagreements", disagreements},
          {"warnings", warnings}};
}

Result<DjImportSummary> import_dj_library(corpus::Corpus& corpus, const std::string& given) {
  // One import per file or folder, named by its absolute path: importing it again replaces it,
  // other imports (another playlist, the program's history files) stay.
  std::error_code ec;
  std::string path = std::filesystem::weakly_canonical(std::filesystem::absolute(given, ec), ec).string();
  if (ec || path.empty()) path = given;
  auto read = interop::read_dj_library(path);
  if (!read) return read.status();
  interop::DjLibrary& lib = *read;
  auto matcher = PathMatcher::load(corpus);
  if (!matcher) return matcher.status();
  DjImportSummary sum;
  sum.source = lib.source;
  sum.warnings = lib.warnings;
  std::map<std::string, std::string> id_of;  // path -> track id
  std::set<std::string> unmatched;
  auto match = [&](const std::string& p, std::optional<double> duration) -> std::optional<std::string> {
    if (auto it = id_of.find(p); it != id_of.end()) return it->second;
    if (unmatched.count(p)) return std::nullopt;
    auto [id, how] = matcher->match(p, duration);
    if (id.empty()) {
      unmatched.insert(p);
      return std::nullopt;
    }
    id_of[p] = id;
    ++sum.matched_by[matched_by_name(how)];
    return id;
  };
  std::vector<corpus::DjTrackRow> rows;
  std::map<std::string, size_t> row_of;  // path -> index in rows (the last entry wins)
  for (const auto& t : lib.tracks) {
    if (t.path.empty()) continue;
    corpus::DjTrackRow r;
    r.path = t.path;
    r.location = to_valid_utf8(t.location);
    r.app_id = to_valid_utf8(t.app_id);
    r.track_id = match(t.path, t.duration_s);
    r.title = to_valid_utf8(t.title);
    r.artist = to_valid_utf8(t.artist);
    r.album = to_valid_utf8(t.album);
    r.genre = to_valid_utf8(t.genre);
    r.comment = to_valid_utf8(t.comment);
    r.bpm = t.bpm;
    r.duration_s = t.duration_s;
    r.key_text = to_valid_utf8(t.key_text);
    r.key = t.key;
    r.grid = grid_json(t.grid).dump();
    r.cues = cues_json(t.cues).dump();
    if (t.rating) r.rating = *t.rating;
    if (t.color) r.color = *t.color;
    r.play_count = t.play_count;
    sum.cues += t.cues.size();
    sum.grids += t.grid.empty() ? 0 : 1;
    if (auto it = row_of.find(t.path); it != row_of.end()) {
      rows[it->second] = std::move(r);
    } else {
      row_of[t.path] = rows.size();
      rows.push_back(std::move(r));
    }
  }
  std::vector<corpus::DjListRow> lists;
  for (const auto& l : lib.lists) {
    corpus::DjListRow row;
    row.kind = l.kind;
    for (const auto& f : l.folder) {
      if (!row.folder.empty()) row.folder += " / ";
      row.folder += to_valid_utf8(f);
    }
    row.name = to_valid_utf8(l.name);
    row.date = l.date;
    for (size_t i = 0; i < l.paths.size(); ++i) {
      row.entries.push_back({l.paths[i], match(l.paths[i], std::nullopt), i < l.played_at.size() ? l.played_at[i] : ""});
    }
    ++sum.lists[l.kind];
    sum.list_entries += l.paths.size();
    if (l.kind == "history") sum.history_entries += l.paths.size();
    lists.push_back(std::move(row));
  }
  if (Status s = corpus.dj().replace_import(path, lib.source, rows, lists); !s) return s;
  // Every file the program names, in its collection or only in a list (a history file names tracks
  // without a collection).
  std::set<std::string> named;
  for (const auto& r : rows) named.insert(r.path);
  for (const auto& l : lists) {
    for (const auto& e : l.entries) named.insert(e.path);
  }
  sum.tracks = named.size();
  for (const auto& p : named) sum.matched += id_of.count(p);
  sum.unmatched.assign(unmatched.begin(), unmatched.end());
  for (const auto& p : sum.unmatched) {
    if (exists_here(p)) sum.unmatched_here.push_back(p);
  }
  // The program's BPM and key beside CODEX's, for the tracks CODEX has analysed.
  for (const auto& r : rows) {
    if (!r.track_id) continue;
    auto rec = build_record(corpus, *r.track_id);
    if (!rec) continue;
    if (r.bpm && rec->bpm) {
      ++sum.bpm_compared;
      if (!same_bpm(*r.bpm, *rec->bpm)) sum.disagreements.push_back(r.path + ": " + bpm_comparison(lib.source, *r.bpm, *rec->bpm));
    }
    if (!r.key.empty() && rec->key) {
      ++sum.key_compared;
      if (r.key != rec->key->camelot()) {
        sum.disagreements.push_back(r.path + ": " + key_comparison(lib.source, r.key_text, r.key, rec->key->camelot()));
      }
    }
  }
  auto n = corpus.dj().transition_count();
  if (!n) return n.status();
  sum.transitions = *n;
  return sum;
}

Result<size_t> rematch_dj_paths(corpus::Corpus& corpus) {
  auto paths = corpus.dj().unmatched_paths();
  if (!paths) return paths.status();
  if (paths->empty()) return size_t{0};
  auto matcher = PathMatcher::load(corpus);
  if (!matcher) return matcher.status();
  std::map<std::string, std::string> found;
  for (const auto& p : *paths) {
    if (auto [id, how] = matcher->match(p); !id.empty()) found[p] = id;
  }
  if (found.empty()) return size_t{0};
  if (Status s = corpus.dj().set_matches(found); !s) return s;
  return found.size();
}

}  // namespace codex::library
