#include <csignal>
#include <cstdio>
#include <filesystem>

#include "codex/core/text.h"
#include "codex/library/repair.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {
namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }
}  // namespace

int run_check(const GlobalArgs& g, bool repair) {
  const std::string db = resolve_db(g);
  if (std::error_code ec; !std::filesystem::exists(db, ec)) {
    print_error("no corpus at " + db + " (codex analyze makes one)");
    return 1;
  }
  auto report = library::check_corpus(db);
  if (!report) {
    print_error(report.status().message());
    return 1;
  }
  if (report->ok) {
    if (g.json) {
      std::printf("%s\n", json_text({{"corpus", db}, {"ok", true}, {"tracks", report->tracks}}).c_str());
    } else {
      std::printf("The corpus %s is sound: %lld tracks; SQLite's integrity and foreign-key checks pass.%s\n",
                  printable(db).c_str(), static_cast<long long>(report->tracks), repair ? " Nothing to repair." : "");
    }
    return 0;
  }
  if (!repair) {
    if (g.json) {
      std::printf("%s\n", json_text({{"corpus", db}, {"ok", false}, {"problems", report->problems}}).c_str());
    } else {
      std::printf("The corpus %s is damaged:\n", printable(db).c_str());
      const size_t shown = std::min<size_t>(report->problems.size(), 10);
      for (size_t i = 0; i < shown; ++i) std::printf("  %s\n", printable(report->problems[i]).c_str());
      if (shown < report->problems.size()) std::printf("  ... and %zu more\n", report->problems.size() - shown);
    }
    print_error("the corpus is damaged; codex check --repair saves what can be read, keeps the damaged file and "
                "analyses the rest again");
    return 1;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  ProgressBar bar(!g.json && ProgressBar::stderr_is_terminal());
  library::AnalyzeCallbacks cb;
  cb.on_begin = [&](size_t total) { bar.begin(total, "files"); };
  cb.on_file_start = [&](const std::string& path) { bar.set_current(path); };
  cb.on_file_done = [&](const library::FileEvent& ev) {
    if (ev.outcome == library::Outcome::kFailed && !g.json) {
      bar.message("codex: skipped " + printable(ev.path) + ": " + ev.error);
    }
    bar.advance();
  };
  auto r = library::repair_corpus(db, {}, cb, &g_interrupted);
  bar.end();
  if (!r) {
    print_error("repair failed: " + r.status().message());
    return 1;
  }
  int64_t lost_ranges = 0, dropped = 0;
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : r->salvage.tables) {
    lost_ranges += t.damaged;
    dropped += t.dropped;
    tables.push_back({{"table", t.table}, {"kept", t.kept}, {"dropped", t.dropped}, {"damaged_ranges", t.damaged},
                      {"unreadable", t.unreadable}});
  }
  const auto& a = r->analyze;
  if (g.json) {
    std::printf("%s\n", json_text({{"corpus", db},
                                   {"damaged_copy", r->damaged_copy},
                                   {"tables", tables},
                                   {"analysed_again", a.analyzed + a.new_location + a.up_to_date},
                                   {"failed", a.failed},
                                   {"missing_files", r->missing},
                                   {"stopped", a.cancelled || !a.corpus_error.empty()}})
                            .c_str());
  } else {
    std::printf("Repaired %s (the damaged file is kept as %s).\n", printable(db).c_str(),
                printable(r->damaged_copy).c_str());
    for (const auto& t : r->salvage.tables) {
      if (t.kept == 0 && t.dropped == 0 && t.damaged == 0 && !t.unreadable) continue;
      std::printf("  %-12s %lld rows kept", t.table.c_str(), static_cast<long long>(t.kept));
      if (t.unreadable) std::printf(", unreadable");
      else if (t.damaged) std::printf(", %lld damaged ranges skipped", static_cast<long long>(t.damaged));
      if (t.dropped) std::printf(", %lld rows of lost tracks dropped", static_cast<long long>(t.dropped));
      std::printf("\n");
    }
    std::printf("Analysed again: %zu of %zu files", a.analyzed + a.new_location + a.up_to_date, r->to_analyse.size());
    if (a.failed) std::printf(" (%zu failed, listed above)", a.failed);
    if (!r->missing.empty()) std::printf("; %zu files are gone and could not be analysed again", r->missing.size());
    std::printf(".\n");
  }
  if (a.cancelled) {
    print_error("interrupted; run codex analyze on your music folders to finish the rest");
    return 1;
  }
  if (!a.corpus_error.empty()) {
    print_error("the repaired corpus failed (" + a.corpus_error + "); run codex check --repair again");
    return 1;
  }
  return 0;
}

}  // namespace codex::cli
