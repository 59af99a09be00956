// codex train embed, codex models, and the embedding part of codex probe.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "codex/core/text.h"
#include "codex/library/embedding.h"
#include "codex/library/records.h"
#include "codex/library/snapshot.h"
#include "codex/library/live.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {
namespace {

std::string when(int64_t t) {
  if (t <= 0) return "";
  char buf[32];
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json describe(const embed::AcousticModel& m, const std::string& path) {
  return {{"path", path},
          {"id", m.id()},
          {"kind", m.is_learned() ? "codex-embed" : "summary"},
          {"format_version", embed::AcousticModel::kFormatVersion},
          {"shape", {embed::kSummaryDims, m.hidden(), embed::kAcousticDims}},
          {"trained_tracks", m.info().trained_tracks},
          {"trained_windows", m.info().trained_windows},
          {"trained_at", when(m.info().trained_at)},
          {"train_seconds", std::round(m.info().train_seconds * 10) / 10},
          {"final_loss", std::round(m.info().final_loss * 1000) / 1000},
          {"window_top1", std::round(m.info().window_top1 * 1000) / 1000}};
}

}  // namespace

int run_train_embed(const GlobalArgs& g, const TrainEmbedArgs& a) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  embed::TrainOptions opt;
  opt.steps = a.steps;
  opt.hidden = a.hidden;
  opt.batch = a.batch;
  opt.temperature = static_cast<float>(a.temperature);
  opt.seed = a.seed;
  opt.min_tracks = static_cast<size_t>(a.min_tracks);
  ProgressBar bar(!g.json && ProgressBar::stderr_is_terminal());
  int last = 0;
  opt.progress = [&](int step, int steps, double) {
    if (last == 0) bar.begin(static_cast<size_t>(steps), "steps");
    bar.advance(static_cast<size_t>(step - last));
    last = step;
    return true;
  };
  auto report = library::train_embed(corpus, opt);
  bar.end();
  if (!report) {
    print_error(report.status().message());
    return 1;
  }
  // The records cache holds each track's block in the model's space: rebuild it now, so the next
  // recommend is not the one that waits (a cache: if it cannot be written now, it is rebuilt later).
  if (!g.json && ProgressBar::stderr_is_terminal()) std::fprintf(stderr, "Placing every track in the new space...\n");
  (void)(*live)->snapshot(true);  // the records and the snapshot, in the new space
  const auto& m = report->model;
  if (g.json) {
    nlohmann::json j = describe(m, report->path);
    j["partnered_tracks"] = report->partnered_tracks;
    std::printf("%s\n", json_text(j).c_str());
  } else {
    std::printf("Trained %s on %llu tracks (%llu windows) in %.1f s: first and last windows of a track find each other %.0f%% of the time\n", m.id().c_str(),
                static_cast<unsigned long long>(m.info().trained_tracks),
                static_cast<unsigned long long>(m.info().trained_windows), m.info().train_seconds,
                100.0 * m.info().window_top1);
    std::printf("Installed %s; recommend, export and probe now use it.\n", printable(report->path).c_str());
  }
  return 0;
}

int run_models(const GlobalArgs& g) {
  const std::string db = resolve_db(g);
  const std::string dir = library::models_dir_for(db), active = library::model_path_for(db);
  nlohmann::json list = nlohmann::json::array();
  std::error_code ec;
  if (!dir.empty() && std::filesystem::is_directory(dir, ec)) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".cxm") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto m = embed::AcousticModel::load(f);
      nlohmann::json j = m ? describe(*m, f) : nlohmann::json{{"path", f}, {"error", m.status().message()}};
      j["active"] = f == active;
      list.push_back(j);
    }
  }
  if (g.json) {
    std::printf("%s\n", json_text(list).c_str());
    return 0;
  }
  if (list.empty()) {
    std::printf("No models in %s. Without one, the acoustic embedding is the standardised acoustic summary;\n"
                "run `codex train embed` to learn one from this library.\n",
                printable(dir.empty() ? "(no folder)" : dir).c_str());
    return 0;
  }
  for (const auto& j : list) {
    if (j.contains("error")) {
      std::printf("  %s  unreadable: %s\n", printable(j["path"].get<std::string>()).c_str(),
                  printable(j["error"].get<std::string>()).c_str());
      continue;
    }
    std::printf("%s %s  %s  %d-%d-%d  %llu tracks  %s  %s\n", j["active"].get<bool>() ? "*" : " ",
                j["id"].get<std::string>().c_str(), j["kind"].get<std::string>().c_str(), embed::kSummaryDims,
                j["shape"][1].get<int>(), embed::kAcousticDims, j["trained_tracks"].get<unsigned long long>(),
                j["trained_at"].get<std::string>().c_str(), printable(j["path"].get<std::string>()).c_str());
  }
  return 0;
}

}  // namespace codex::cli
