#include "codex/demo/demo_library.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace codex::demo {
namespace {

constexpr int kDemoVersion = 3;  // 2: vocals; 3: rap density and timing

struct Style {
  const char* genre;
  Pattern pattern;
  double bpm_lo, bpm_hi;
  bool dense_hats;
  double swing;
  double bright_lo, bright_hi;
};

const Style kStyles[] = {
    {"house", Pattern::kFourOnFloor, 120, 126, false, 0.0, 0.45, 0.8},
    {"techno", Pattern::kFourOnFloor, 126, 134, true, 0.0, 0.1, 0.45},
    {"hip-hop", Pattern::kBreakbeat, 85, 95, false, 0.25, 0.2, 0.6},
    {"drum & bass", Pattern::kHalfTime, 170, 176, true, 0.0, 0.3, 0.8},
    {"deep house", Pattern::kFourOnFloor, 118, 124, false, 0.2, 0.2, 0.5},
    {"breaks", Pattern::kBreakbeat, 128, 136, true, 0.0, 0.4, 0.8},
    {"dubstep", Pattern::kHalfTime, 140, 140, true, 0.0, 0.1, 0.4},
    {"trance", Pattern::kFourOnFloor, 136, 142, true, 0.0, 0.6, 0.95},
    {"downtempo", Pattern::kHalfTime, 88, 100, false, 0.15, 0.2, 0.5},
    {"ambient", Pattern::kNone, 90, 110, false, 0.0, 0.2, 0.6},
};

const char* kArtists[] = {"Nightdrive", "Lumen Field", "Basswerk", "Kollektiv Ost", "Mara Voss", "Tidal Static",
                          "Orbit Theory", "Sable & Finch", "Hollow Pines", "DJ Kestrel", "Velvet Circuit",
                          "Anouk Reyes"};
const char* kWords1[] = {"Midnight", "Neon", "Velvet", "Iron", "Golden", "Hollow", "Electric", "Silent",
                         "Crimson", "Paper", "Deep", "Lucid", "Broken", "Solar"};
const char* kWords2[] = {"Signal", "Garden", "Motion", "Tide", "Engine", "Mirror", "Horizon", "Pulse",
                         "Cathedral", "Drift", "Voltage", "Echo", "Harbour", "Frequency"};

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

double pattern_density(Pattern p) {
  switch (p) {
    case Pattern::kFourOnFloor: return 0.7;
    case Pattern::kBreakbeat: return 0.6;
    case Pattern::kHalfTime: return 0.45;
    case Pattern::kNone: return 0.0;
  }
  return 0.0;
}

audio::Format format_for(int i) {
  if (i == 7) return audio::Format::kOggVorbis;
  if (i == 13) return audio::Format::kOpus;
  if (i == 19) return audio::Format::kAiff;
  switch (i % 5) {
    case 0: case 4: return audio::Format::kMp3;
    case 1: return audio::Format::kFlac;
    case 2: return audio::Format::kM4aAac;
    default: return audio::Format::kWav16;
  }
}

}  // namespace

std::vector<DemoTrack> demo_catalog(int count, double min_s, double max_s) {
  std::vector<DemoTrack> out;
  Rng rng(20261125);
  const int nstyles = static_cast<int>(sizeof kStyles / sizeof kStyles[0]);
  const double gains[] = {-16.0, -10.0, -5.0, -2.0};
  for (int i = 0; i < count; ++i) {
    const Style& st = kStyles[i % nstyles];
    DemoTrack t;
    char id[16];
    std::snprintf(id, sizeof id, "demo-%02d", i + 1);
    t.id = id;
    t.genre = st.genre;
    t.artist = kArtists[rng.next() % (sizeof kArtists / sizeof kArtists[0])];
    t.title = std::string(kWords1[rng.next() % (sizeof kWords1 / sizeof kWords1[0])]) + " " +
              kWords2[rng.next() % (sizeof kWords2 / sizeof kWords2[0])];
    TrackSpec& s = t.spec;
    s.bpm = std::round(rng.uniform(st.bpm_lo, st.bpm_hi + 0.999) - 0.5);
    if (i % 11 == 5) s.bpm += 0.5;  // a few fractional tempos
    const int k = (i * 7) % 24;     // walk the circle so all 24 keys appear
    s.key = music::Key{k % 12, k >= 12};
    s.pattern = st.pattern;
    s.seconds = std::round(rng.uniform(min_s, max_s));
    s.gain_db = gains[(i * 3 + i / nstyles) % 4];
    s.brightness = rng.uniform(st.bright_lo, st.bright_hi);
    s.sixteenth_hats = st.dense_hats;
    s.swing = st.swing;
    s.intro_bars = (i % 3 == 0) ? 8 : 4;
    s.breakdown = st.pattern != Pattern::kNone;
    s.seed = static_cast<uint64_t>(i + 1);
    // Vocals on some styles: sung house, trance and downtempo, rapped hip-hop, some deep house.
    const int style = i % nstyles, round = i / nstyles;
    if (style == 0 || style == 7) s.voice = Voice::kFemale;
    if (style == 8 || (style == 4 && round == 1)) s.voice = Voice::kMale;
    if (style == 2) {
      s.voice = round % 2 == 0 ? Voice::kMale : Voice::kFemale;
      s.vocal_style = VocalStyle::kRap;
    }
    t.format = format_for(i);
    if (st.pattern != Pattern::kNone) t.bpm = s.bpm;
    // Designed energy: level, rhythmic density, tempo and brightness, as a DJ would weigh them.
    const double level = clamp01((s.gain_db + 18.0) / 16.0);
    const double density = clamp01(pattern_density(s.pattern) + (s.sixteenth_hats ? 0.3 : 0.0));
    const double tempo = clamp01((s.bpm - 80.0) / 95.0) * (st.pattern == Pattern::kNone ? 0.0 : 1.0);
    t.energy_design = std::round((1.0 + 9.0 * (0.35 * level + 0.30 * density + 0.15 * tempo + 0.20 * s.brightness)) * 10) / 10;
    if (t.energy_design < 4.0) t.vibe = "chill";
    else if (s.brightness < 0.35 && s.key.minor) t.vibe = t.energy_design > 7.0 ? "aggressive" : "dark";
    else if (!s.key.minor && t.energy_design > 6.5) t.vibe = "euphoric";
    else if (s.brightness > 0.6) t.vibe = "bright";
    else t.vibe = "hypnotic";
    char file[256];
    std::snprintf(file, sizeof file, "%02d - %s - %s.%s", i + 1, t.artist.c_str(), t.title.c_str(),
                  audio::format_extension(t.format));
    t.file = file;
    out.push_back(std::move(t));
  }
  return out;
}

Status write_demo_library(const std::string& dir, const std::vector<DemoTrack>& tracks,
                          const DemoWriteOptions& options) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "annotations", ec);
  if (ec) return Status::Error("cannot create " + dir + ": " + ec.message());

  // Files from an older demo generator are rendered again rather than trusted.
  const std::string version_file = (fs::path(dir) / ".demo-version").string();
  bool current = false;
  {
    std::ifstream vf(version_file);
    int v = 0;
    current = (vf >> v) && v == kDemoVersion;
  }
  std::atomic<size_t> next{0}, done{0};
  std::mutex mu;
  Status first_error;
  std::vector<Rendered> meta(tracks.size());
  auto worker = [&]() {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= tracks.size()) return;
      const DemoTrack& t = tracks[i];
      Rendered r = render_track(t.spec);
      const std::string path = (fs::path(dir) / t.file).string();
      Status s;
      if (!current || !fs::exists(path)) {
        audio::EncodeOptions eo;
        eo.format = t.format;
        eo.tags = {{"title", t.title}, {"artist", t.artist}, {"genre", t.genre}, {"album", "CODEX Demo"}};
        s = audio::encode_file(path, r.samples, r.channels, r.rate_hz, eo);
      }
      r.samples.clear();
      r.samples.shrink_to_fit();
      std::lock_guard<std::mutex> lock(mu);
      if (!s && first_error.ok()) first_error = Status::Error(t.file + ": " + s.message());
      meta[i] = std::move(r);
      if (options.progress) options.progress(++done, tracks.size());
    }
  };
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (int j = 1; j < std::max(1, jobs); ++j) threads.emplace_back(worker);
  worker();
  for (auto& th : threads) th.join();
  if (!first_error) return first_error;

  nlohmann::json truth = nlohmann::json::array(), manifest = nlohmann::json::array();
  for (size_t i = 0; i < tracks.size(); ++i) {
    const DemoTrack& t = tracks[i];
    const Rendered& r = meta[i];
    nlohmann::json sections = nlohmann::json::array();
    for (const auto& s : r.sections) sections.push_back({{"label", s.label}, {"start_s", s.start_s}, {"end_s", s.end_s}});
    const std::string beats_file = "annotations/" + t.id + ".beats";
    if (t.bpm) {
      std::ofstream bf((fs::path(dir) / beats_file).string());
      for (size_t b = 0; b < r.beats.size(); ++b) {
        char line[64];
        std::snprintf(line, sizeof line, "%.6f\t%zu\n", r.beats[b], b % 4 + 1);
        bf << line;
      }
    }
    truth.push_back({{"id", t.id},
                     {"file", t.file},
                     {"title", t.title},
                     {"artist", t.artist},
                     {"genre", t.genre},
                     {"bpm", t.bpm ? nlohmann::json(*t.bpm) : nlohmann::json(nullptr)},
                     {"key", t.spec.key.name()},
                     {"camelot", t.spec.key.camelot()},
                     {"pattern", pattern_name(t.spec.pattern)},
                     {"duration_s", t.spec.seconds},
                     {"gain_db", t.spec.gain_db},
                     {"brightness", std::round(t.spec.brightness * 1000) / 1000},
                     {"swing", t.spec.swing},
                     {"energy_design", t.energy_design},
                     {"vibe", t.vibe},
                     {"vocal_presence", voice_name(t.spec.voice)},
                     {"vocal_style", t.spec.voice == Voice::kNone ? "none" : vocal_style_name(t.spec.vocal_style)},
                     {"sections", sections},
                     {"beats_file", t.bpm ? nlohmann::json(beats_file) : nlohmann::json(nullptr)}});
    manifest.push_back({{"id", t.id},
                        {"file", t.file},
                        {"duration_s", t.spec.seconds},
                        {"tempo_bpm", t.bpm ? nlohmann::json(*t.bpm) : nlohmann::json(nullptr)},
                        {"tempo_quality", t.bpm ? nlohmann::json("annotation") : nlohmann::json(nullptr)},
                        {"key", t.spec.key.name()},
                        {"camelot", t.spec.key.camelot()},
                        {"key_quality", "annotation"},
                        {"beats_file", t.bpm ? nlohmann::json(beats_file) : nlohmann::json(nullptr)},
                        {"beats_complete", t.bpm.has_value()},
                        {"genre", t.genre}});
  }
  for (const auto& [name, doc] : {std::pair{"ground_truth.json", &truth}, std::pair{"manifest.json", &manifest}}) {
    std::ofstream f((fs::path(dir) / name).string());
    f << doc->dump(1) << "\n";
    if (!f) return Status::Error(std::string("cannot write ") + name);
  }
  std::ofstream vf(version_file);
  vf << kDemoVersion << "\n";
  return Status::Ok();
}

}  // namespace codex::demo
