#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "codex/core/text.h"
#include "codex/demo/demo_library.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {
namespace {
std::string default_demo_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/codex/demo";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/codex/demo";
}
}  // namespace

int run_demo(const GlobalArgs& g, const DemoArgs& a) {
  const std::string dir = a.dir.empty() ? default_demo_dir() : a.dir;
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
              to_valid_utf8(dir).c_str());
  if (!a.analyze) return 0;
  // The demo keeps its own corpus beside the files unless one is named.
  GlobalArgs demo_g = g;
  if (demo_g.db.empty() && !std::getenv("CODEX_DB")) demo_g.db = (std::filesystem::path(dir) / "corpus.db").string();
  AnalyzeArgs aa;
  aa.paths = {dir};
  aa.jobs = a.jobs;
  if (int rc = run_analyze(demo_g, aa); rc != 0) return rc;
  std::printf("\n");
  return run_list(demo_g);
}

}  // namespace codex::cli
