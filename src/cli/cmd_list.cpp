#include <cmath>
#include <cstdio>

#include "codex/core/text.h"
#include "codex/library/catalog.h"
#include "codex/library/records.h"
#include "codex/schema/schema.h"
#include "codex/library/dj_import.h"
#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {
namespace {

// Pads or cuts a UTF-8 string to `width` code points.
std::string fit(const std::string& raw, size_t width) {
  const std::string s = printable(raw);
  std::string out;
  size_t cps = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
    if (cps + 1 > width) break;
    out.append(s, i, len);
    i += len;
    ++cps;
  }
  if (cps == width && out.size() < s.size() && width > 0) {
    // mark the cut
    size_t back = out.size() - 1;
    while (back > 0 && (static_cast<unsigned char>(out[back]) & 0xC0) == 0x80) --back;
    out.resize(back);
    out += "\xE2\x80\xA6";
  }
  out.append(width - std::min(width, cps), ' ');
  return out;
}

std::string mmss(double s) {
  char buf[48];
  const long t = std::lround(s);
  std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

std::string num(const std::optional<double>& v, const char* fmt) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

nlohmann::json summary_json(const library::TrackSummary& t) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"track_id", t.track_id}, {"title", t.title},     {"artist", t.artist},       {"duration_s", t.duration_s},
          {"bpm", opt(t.bpm)},      {"key", opt(t.key)},    {"energy", opt(t.energy)},  {"loudness_lufs", opt(t.lufs)},
          {"flags", t.flags},       {"path", t.path}};
}

}  // namespace

int run_list(const GlobalArgs& g) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  auto listed = library::list_tracks(corpus);
  if (!listed) {
    print_error(listed.status().message());
    return 1;
  }
  const auto& tracks = *listed;
  if (g.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : tracks) arr.push_back(summary_json(t));
    std::printf("%s\n", json_text(arr, 1).c_str());
    return 0;
  }
  if (tracks.empty()) {
    std::printf("The corpus is empty. Add music with: codex analyze FOLDER\n");
    return 0;
  }
  std::printf("%s  %s  %s  %s  %6s  %4s  %6s  %6s  %s\n", fit("ID", 8).c_str(), fit("ARTIST", 18).c_str(),
              fit("TITLE", 24).c_str(), fit("TIME", 6).c_str(), "BPM", "KEY", "ENERGY", "LUFS", "FLAGS");
  for (const auto& t : tracks) {
    std::printf("%s  %s  %s  %s  %6s  %4s  %6s  %6s  %s\n", fit(t.track_id, 8).c_str(), fit(t.artist, 18).c_str(),
                fit(t.title, 24).c_str(), fit(mmss(t.duration_s), 6).c_str(), num(t.bpm, "%.1f").c_str(),
                t.key ? t.key->c_str() : "-", num(t.energy, "%.0f").c_str(), num(t.lufs, "%.1f").c_str(),
                t.flags.c_str());
  }
  std::printf("%zu tracks\n", tracks.size());
  return 0;
}

int run_show(const GlobalArgs& g, const std::string& track) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus* corpus = &(*live)->corpus();
  // The one resolver recommend uses (id, prefix, path, "Artist - Title", title); a file's other
  // locations are known to the corpus alone.
  auto id = (*live)->resolve_id(track);
  const bool unclear = !id && (id.status().code() == Code::kAmbiguous || id.status().code() == Code::kInvalid);
  auto d = id ? library::find_track(*corpus, *id)
              : unclear ? Result<library::TrackDetail>(id.status()) : library::find_track(*corpus, track);
  if (!d) {
    print_error(d.status().message());
    return exit_code(d.status());
  }
  nlohmann::json j = d->track;
  j["locations"] = d->locations;
  j["tags"] = d->tags;
  j["analyses"] = d->analyses;
  // The CODEX record as export gives it (local fill, LLM fields, similar artists from the library).
  auto records = library::all_records(*corpus);
  if (!records) {
    print_error(records.status().message());
    return 1;
  }
  const schema::TrackRecord* typed = nullptr;
  for (const auto& r : *records) {
    if (r.track_id.opt() == d->summary.track_id) typed = &r;
  }
  nlohmann::json record;
  if (typed) j["record"] = record = schema::to_json(*typed);
  // What the DJ's programs say of it (codex library import), beside CODEX's own reading.
  auto dj = corpus->dj().tracks_of(d->summary.track_id);
  if (!dj) {
    print_error(dj.status().message());
    return 1;
  }
  std::vector<std::string> dj_lines;
  nlohmann::json dj_json = nlohmann::json::array();
  for (const auto& t : *dj) {
    const auto cues = nlohmann::json::parse(t.cues, nullptr, false), grid = nlohmann::json::parse(t.grid, nullptr, false);
    nlohmann::json row = {{"source", t.source}, {"path", t.path}, {"bpm", t.bpm ? nlohmann::json(*t.bpm) : nlohmann::json(nullptr)},
                          {"key", t.key_text}, {"camelot", t.key}, {"cues", cues}, {"grid", grid}};
    std::string line = library::program_name(t.source) + ":";
    if (t.bpm && typed && typed->bpm) {
      row["bpm_comparison"] = library::bpm_comparison(t.source, *t.bpm, *typed->bpm);
      line += " " + row["bpm_comparison"].get<std::string>() + ";";
    }
    if (!t.key.empty() && typed && typed->key) {
      row["key_comparison"] = library::key_comparison(t.source, t.key_text, t.key, typed->key->camelot());
      line += " " + row["key_comparison"].get<std::string>() + ";";
    }
    line += " " + std::to_string(cues.is_array() ? cues.size() : 0) + " cue points";
    dj_json.push_back(std::move(row));
    dj_lines.push_back(line);
  }
  j["dj_software"] = dj_json;
  if (g.json) {
    std::printf("%s\n", json_text(j, 2).c_str());
    return 0;
  }
  const auto& s = d->summary;
  std::printf("%s — %s\n", printable(s.artist.empty() ? "(unknown artist)" : s.artist).c_str(),
              printable(s.title).c_str());
  std::printf("  track id   %s\n", s.track_id.c_str());
  std::printf("  duration   %s (%.3f s)\n", mmss(s.duration_s).c_str(), s.duration_s);
  if (!d->imported) {
    std::printf("  format     %s / %s, %lld Hz, %lld ch\n", printable(j.value("container", "")).c_str(),
                printable(j.value("codec", "")).c_str(), static_cast<long long>(j.value("sample_rate", int64_t{0})),
                static_cast<long long>(j.value("channels", int64_t{0})));
  }
  if (!s.flags.empty()) std::printf("  flags      %s\n", s.flags.c_str());
  for (const auto& l : d->locations) std::printf("  file       %s\n", printable(l).c_str());
  for (const auto& [k, v] : d->tags) std::printf("  tag        %s = %s\n", printable(k).c_str(), printable(v).c_str());
  if (typed) {
    for (const auto& f : schema::fields()) {
      const std::string name = f.name;
      if (!record.contains(name) || name == "track_id" || name == "title" || name == "artist" ||
          name == "file_path" || name == "duration_seconds" || name == "created_at" || name == "updated_at" ||
          name == "analyzer_version" || name == "codex_schema_version") {
        continue;
      }
      std::string origin;
      if (typed->provenance) {
        if (auto p = typed->provenance->find(name); p != typed->provenance->end()) origin = p->second;
      }
      if (typed->field_confidence && origin == "local") {
        if (auto c = typed->field_confidence->find(name); c != typed->field_confidence->end()) {
          char buf[16];
          std::snprintf(buf, sizeof buf, " %.2f", c->second);
          origin += buf;
        }
      }
      const nlohmann::json& v = record[name];
      std::printf("  %-18s %s%s%s\n", name.c_str(), printable(v.is_string() ? v.get<std::string>() : json_text(v)).c_str(),
                  origin.empty() ? "" : "  [", origin.empty() ? "" : printable(origin + "]").c_str());
    }
  }
  for (const auto& l : dj_lines) std::printf("  dj software %s\n", printable(l).c_str());
  for (const auto& [name, a] : d->analyses.items()) {
    nlohmann::json r = a["result"];
    if (r.is_object() && r.contains("envelope_db")) r["envelope_db"] = std::to_string(r["envelope_db"].size()) + " values";
    std::printf("  %-10s v%lld conf %.2f  %s\n", name.c_str(), static_cast<long long>(a["version"].get<int64_t>()),
                a["confidence"].get<double>(), json_text(r).c_str());
  }
  return 0;
}

}  // namespace codex::cli
