#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "codex/core/paths.h"
#include "codex/core/text.h"
#include "codex/library/live.h"
#include "codex/demo/demo_library.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {

int run_demo(const GlobalArgs& g, const DemoArgs& a) {
  const std::string dir = a.dir.empty() ? paths::default_demo_dir() : a.dir;
  const auto tracks = demo::demo_catalog(a.tracks);
  {
    ProgressBar bar(!g.json && ProgressBar::stderr_is_terminal());
    bar.begin(tracks.size(), "tracks synthesised");
    demo::DemoWriteOptions wo;
    wo.jobs = a.jobs;
    wo.progress = [&](size_t, size_t) { bar.advance(); };
    if (Status s = demo::write_demo_library(dir, tracks, wo); !s) {
      bar.end();
      print_error("demo: " + s.message());
      return 1;
    }
  }
  std::printf("Demo library: %zu tracks in %s (ground truth in ground_truth.json)\n", tracks.size(),
              printable(dir).c_str());
  if (!a.analyze) return 0;
  // The demo keeps its own corpus beside the files unless one is named.
  GlobalArgs demo_g = g;
  if (demo_g.db.empty() && !std::getenv("CODEX_DB")) demo_g.db = (std::filesystem::path(dir) / "corpus.db").string();
  AnalyzeArgs aa;
  aa.paths = {dir};
  aa.jobs = a.jobs;
  if (int rc = run_analyze(demo_g, aa); rc != 0) return rc;
  std::printf("\n");
  if (int rc = run_list(demo_g); rc != 0) return rc;
  // Then what CODEX is for: what to play next, plainly and with a prompt, from the track with the
  // most tempo- and key-compatible neighbours in this small library.
  auto live = library::LiveLibrary::open(resolve_db(demo_g));
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  auto loaded = library::load_library((*live)->corpus(), library::RecordDetail::kFull);
  if (!loaded) {
    print_error(loaded.status().message());
    return 1;
  }
  const std::vector<rank::TrackFeatures>& lib = loaded->features;
  size_t best = 0, best_n = 0;
  for (size_t i = 0; i < lib.size(); ++i) {
    size_t n = 0;
    for (size_t j = 0; j < lib.size(); ++j) {
      if (i == j || !lib[i].bpm || !lib[j].bpm || !lib[i].key || !lib[j].key) continue;
      if (std::fabs(*lib[j].bpm / *lib[i].bpm - 1.0) <= 0.06 &&
          music::camelot_compatibility(*lib[i].key, *lib[j].key) >= 0.6) {
        ++n;
      }
    }
    if (n > best_n) best_n = n, best = i;
  }
  if (lib.empty()) return 0;
  // What CODEX made of that track, from its own analysis (no LLM): the record's descriptive fields.
  {
    const nlohmann::json r = schema::to_json(loaded->records[best]);
    auto str = [&](const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : std::string("-"); };
    auto num = [&](const char* k) { return r.contains(k) && r[k].is_number() ? std::to_string(r[k].get<int>()) : std::string("-"); };
    auto list = [&](const char* k, const char* sep) {
      std::string out;
      if (r.contains(k) && r[k].is_array()) {
        for (const auto& v : r[k]) out += (out.empty() ? "" : sep) + (v.is_string() ? v.get<std::string>() : v.dump());
      }
      return out.empty() ? std::string("-") : out;
    };
    std::printf("\nThe CODEX record of one track, filled from CODEX's own analysis (all of it: codex show %s):\n",
                lib[best].track_id.substr(0, 8).c_str());
    std::printf("  %s — %s: %s\n", str("artist").c_str(), str("title").c_str(), str("description").c_str());
    std::printf("  vibe %s · energy %s · danceability %s · groove %s · vocals %s (%s)\n", str("vibe").c_str(),
                num("energy").c_str(), num("danceability").c_str(), str("groove_style").c_str(),
                str("vocal_presence").c_str(), str("vocal_style").c_str());
    std::printf("  moods: %s\n  instrumentation: %s\n  structure: %s\n", list("mood_tags", ", ").c_str(),
                list("instrumentation", ", ").c_str(), list("structure", " → ").c_str());
    std::printf("  mixing: %s\n  similar artists in this library: %s\n", str("mixability_notes").c_str(),
                list("similar_artists", ", ").c_str());
  }
  RecommendArgs ra;
  ra.current = lib[best].track_id;
  ra.top = 5;
  for (const char* prompt : {"", "darker but keep the energy", "more energy, change up the genre"}) {
    ra.prompt = prompt;
    std::printf("\n$ codex recommend --current \"%s - %s\"%s%s%s\n", lib[best].artist.c_str(), lib[best].title.c_str(),
                *prompt ? " --prompt \"" : "", prompt, *prompt ? "\"" : "");
    if (int rc = print_recommendations(demo_g, ra, &*loaded, **live); rc != 0) return rc;
  }
  return 0;
}

}  // namespace codex::cli
