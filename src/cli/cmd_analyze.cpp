#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "codex/core/settings.h"
#include "codex/core/text.h"
#include "codex/library/analyze_job.h"
#include "codex/library/live.h"
#include "codex/library/llm_job.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {
namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted.store(true); }

std::string minutes(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f min", s / 60.0);
  return buf;
}

// What each file's analysis prints: a JSON line per file with --json, else the progress bar and a
// line for each file skipped or flagged. The ids of the tracks analysed are collected.
library::AnalyzeCallbacks file_reports(const GlobalArgs& g, ProgressBar& bar, std::vector<std::string>& track_ids) {
  library::AnalyzeCallbacks cb;
  cb.on_scanned = [&g, &bar](const std::vector<std::pair<std::string, std::string>>& problems) {
    for (const auto& [path, why] : problems) {
      if (g.json) {
        std::printf("%s\n", json_text({{"path", path}, {"status", "failed"}, {"error", why}}).c_str());
      } else {
        bar.message("codex: skipped " + printable(path) + ": " + why);
      }
    }
  };
  cb.on_begin = [&bar](size_t total) { bar.begin(total, "files"); };
  cb.on_file_start = [&bar](const std::string& path) { bar.set_current(path); };
  cb.on_file_done = [&g, &bar, &track_ids](const library::FileEvent& ev) {
    if (!ev.track_id.empty()) track_ids.push_back(ev.track_id);
    if (g.json) {
      nlohmann::json j = {{"path", ev.path}, {"status", library::outcome_name(ev.outcome)}};
      if (!ev.track_id.empty()) j["track_id"] = ev.track_id;
      if (!ev.error.empty()) j["error"] = ev.error;
      if (!ev.flags.empty()) j["flags"] = ev.flags;
      if (ev.outcome == library::Outcome::kAnalyzed) j["audio_s"] = std::round(ev.audio_s * 1000) / 1000;
      std::printf("%s\n", json_text(j).c_str());
      std::fflush(stdout);
    } else if (ev.outcome == library::Outcome::kFailed) {
      bar.message("codex: skipped " + printable(ev.path) + ": " + ev.error);
    } else if (!ev.flags.empty()) {
      std::string flags;
      for (const auto& f : ev.flags) flags += (flags.empty() ? "" : ", ") + f;
      bar.message("codex: warning: " + printable(ev.path) + ": analysed, flagged " + flags);
    }
    bar.advance();
  };
  return cb;
}

// The run's totals: one JSON object, or one sentence and the corpus's size.
void print_summary(const GlobalArgs& g, const library::AnalyzeRun& run, library::LiveLibrary& lib,
                   const std::string& db_path, size_t failed) {
  const library::AnalyzeSummary& s = run.summary;
  if (g.json) {
    nlohmann::json j = {{"summary",
                         {{"files", s.total},           {"analyzed", s.analyzed},       {"up_to_date", s.up_to_date},
                          {"new_location", s.new_location}, {"failed", failed},         {"flagged", s.flagged.size()},
                          {"audio_s", std::round(s.audio_s * 10) / 10}, {"wall_s", std::round(s.wall_s * 1000) / 1000},
                          {"cpu_s", std::round(s.cpu_s * 1000) / 1000}, {"interrupted", s.cancelled},
                          {"corpus", db_path}}}};
    std::printf("%s\n", json_text(j).c_str());
    return;
  }
  std::printf("Analysed %zu of %zu files (%s of audio) in %.1f s", s.analyzed, s.total + run.scan_problems.size(),
              minutes(s.audio_s).c_str(), s.wall_s);
  if (s.up_to_date) std::printf("; %zu already up to date", s.up_to_date);
  if (s.new_location) std::printf("; %zu known tracks at new paths", s.new_location);
  if (!s.flagged.empty()) std::printf("; %zu flagged", s.flagged.size());
  if (failed) std::printf("; %zu failed (listed above)", failed);
  const auto n_tracks = lib.corpus().tracks().count();
  std::printf(".\nCorpus: %s (%lld tracks)\n", printable(db_path).c_str(),
              static_cast<long long>(n_tracks ? *n_tracks : -1));
}

// `--llm`: the semantic features of the tracks just analysed, from the user's own LLM key. The
// exit status of the whole command.
int describe_with_llm(const GlobalArgs& g, const AnalyzeArgs& a, const Settings& settings, library::LiveLibrary& lib,
                      const std::vector<std::string>& track_ids) {
  library::LlmJobOptions lo;
  lo.gemini = semantic::gemini_config_from(settings);
  lo.usd_per_million_tokens = settings.usd_per_million_tokens;
  lo.concurrency = settings.llm_concurrency;
  lo.requests_per_minute = settings.llm_requests_per_minute;
  lo.dry_run = a.dry_run;
  lo.refresh = a.refresh;
  lo.max_cost_usd = settings.max_cost_usd;
  lo.cancel = &g_interrupted;
  if (!a.dry_run && lo.gemini.api_key.empty()) {
    print_error("--llm gemini needs your API key in GEMINI_API_KEY or gemini_api_key in " + settings.path +
                " (nothing was sent)");
    return 1;
  }
  const library::LlmJobSummary ls = library::run_llm_job(lib.corpus(), track_ids, lo);
  if (g.json) {
    std::printf("%s\n", json_text({{"llm", {{"model", lo.gemini.model}, {"dry_run", a.dry_run}, {"tracks", ls.tracks},
                                             {"sent", ls.sent}, {"cached", ls.cached}, {"failed", ls.failed},
                                             {"over_budget", ls.over_budget}, {"audio_s", ls.audio_s},
                                             {"bytes", ls.bytes}, {"estimated_tokens", ls.estimated_tokens},
                                             {"estimated_cost_usd", ls.estimated_cost_usd},
                                             {"prompt_tokens", ls.prompt_tokens},
                                             {"output_tokens", ls.output_tokens}}}})
                               .c_str());
  } else {
    std::printf("%s %s: %zu tracks, %zu already described, %s %.1f min of audio (%.1f MB), ~%lld tokens, ~$%.2f "
                "(at $%.2f per million tokens; CODEX_GEMINI_USD_PER_MTOK sets it)",
                a.dry_run ? "Dry run for" : "LLM", lo.gemini.model.c_str(), ls.tracks, ls.cached,
                a.dry_run ? "would send" : "sent", ls.audio_s / 60.0, static_cast<double>(ls.bytes) / 1e6,
                static_cast<long long>(ls.estimated_tokens), ls.estimated_cost_usd, lo.usd_per_million_tokens);
    if (ls.over_budget) std::printf("; %zu not sent to stay within --max-cost", ls.over_budget);
    if (ls.failed) std::printf("; %zu failed (tried again next run)", ls.failed);
    std::printf(".\n");
    for (const auto& [id, why] : ls.failures) print_error("llm: " + id + ": " + printable(why));
  }
  if (ls.sent > 0) (void)lib.snapshot(true);  // re-warm the cache and the snapshot
  if (ls.cancelled) {
    print_error("interrupted; run the same command again to describe the rest");
    return 1;
  }
  return ls.failed ? 1 : 0;
}

}  // namespace

int run_analyze(const GlobalArgs& g, const AnalyzeArgs& a) {
  if (Status s = library::check_analyzer_params(a.params); !s) {
    print_error(s.message());
    return 2;
  }
  SettingFlags flags;
  if (a.no_llm) flags.llm = false;
  else if (!a.llm.empty()) flags.llm = true;
  if (a.max_cost >= 0) flags.max_cost_usd = a.max_cost;
  auto settings = resolve_settings(flags);
  if (!settings) {
    print_error(settings.status().message());
    return 1;
  }
  for (const auto& w : settings->warnings) print_error("warning: " + w);
  const std::string db_path = resolve_db(g);
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  library::LiveLibrary& lib = **live;
  ProgressBar bar(!g.json && ProgressBar::stderr_is_terminal());
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);

  library::AnalyzeOptions opt;
  opt.jobs = a.jobs;
  opt.force = a.force;
  opt.params = a.params;
  std::vector<std::string> track_ids;
  const library::AnalyzeCallbacks cb = file_reports(g, bar, track_ids);
  // Scan, analyse, and bring the snapshot up to date (so the first `codex recommend` is as quick
  // as the rest): the library service's one analysis, as the booth's jobs run it.
  const library::AnalyzeRun run = lib.analyze(a.paths, opt, cb, &g_interrupted);
  const library::AnalyzeSummary& s = run.summary;
  bar.end();
  if (run.scan_cancelled) {
    print_error("interrupted while looking for audio files; nothing was analysed");
    return 1;
  }
  const size_t failed = s.failed + run.scan_problems.size();
  if (!s.corpus_error.empty()) {
    // One line, not one per remaining file: every later file would fail the same way.
    print_error("stopped after " + std::to_string(s.analyzed + s.up_to_date + s.new_location + s.failed) + " of " +
                std::to_string(s.total) + " files: the corpus " + db_path + " failed (" + s.corpus_error +
                "); what was stored before is kept; run the same command again to resume");
    return 1;
  }
  print_summary(g, run, lib, db_path, failed);
  if (s.cancelled) {
    print_error("interrupted; run the same command again to finish the rest");
    return 1;
  }
  if (settings->llm) {
    if (const int rc = describe_with_llm(g, a, *settings, lib, track_ids); rc != 0) return rc;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace codex::cli
