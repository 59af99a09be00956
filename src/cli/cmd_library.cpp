// `codex library import|export|lists`: the DJ's programs' libraries in, CODEX's analysis back out.
#include <cstdio>

#include "codex/core/text.h"
#include "codex/library/dj_export.h"
#include "codex/library/analyze_job.h"
#include "codex/library/dj_import.h"
#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {

namespace {

constexpr size_t kShown = 12;  // lines of a long list printed before "... and N more"

void print_some(const char* heading, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  std::printf("%s\n", heading);
  for (size_t i = 0; i < lines.size() && i < kShown; ++i) std::printf("  %s\n", printable(lines[i]).c_str());
  if (lines.size() > kShown) std::printf("  ... and %zu more (--json lists them all)\n", lines.size() - kShown);
}

}  // namespace

int run_library_import(const GlobalArgs& g, const LibraryImportArgs& a) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  auto sum = library::import_dj_library(corpus, a.source);
  if (!sum) {
    print_error(sum.status().message());
    return 1;
  }
  size_t analysed_now = 0;
  std::vector<std::string> failures;  // with --json: files that could not be analysed
  if (a.analyze && !sum->unmatched_here.empty()) {
    if (g.json) {
      // One JSON object in the end: the analysis runs quietly, its failures listed in it.
      library::AnalyzeOptions opt;
      opt.jobs = a.jobs;
      const auto s = library::analyze_files(corpus, sum->unmatched_here, opt);
      if (!s.corpus_error.empty()) {
        print_error(s.corpus_error);
        return 1;
      }
      for (const auto& f : s.failures) failures.push_back(f.path + ": " + f.error);
    } else {
      AnalyzeArgs aa;
      aa.paths = sum->unmatched_here;
      aa.jobs = a.jobs;
      if (int rc = run_analyze(g, aa); rc != 0 && rc != 1) return rc;  // 1: some files failed, reported
    }
    auto n = library::rematch_dj_paths(corpus);
    if (!n) {
      print_error(n.status().message());
      return 1;
    }
    analysed_now = *n;
    auto again = library::import_dj_library(corpus, a.source);  // the summary, comparisons and transitions as they now are
    if (!again) {
      print_error(again.status().message());
      return 1;
    }
    sum = std::move(again);
  }
  if (g.json) {
    nlohmann::json j = sum->to_json();
    j["matched_after_analysis"] = analysed_now;
    j["analysis_failures"] = failures;
    std::printf("%s\n", json_text(j).c_str());
    return 0;
  }
  const std::string program = library::program_name(sum->source);
  for (const auto& w : sum->warnings) print_error(program + ": " + w);
  std::printf("%s: %zu tracks, %zu matched to analysed tracks", program.c_str(), sum->tracks, sum->matched);
  if (!sum->matched_by.empty()) {
    std::string how;
    for (const auto& [k, n] : sum->matched_by) how += (how.empty() ? "" : ", ") + std::to_string(n) + " by " + k;
    std::printf(" (%s)", how.c_str());
  }
  std::printf("\n");
  for (const char* kind : {"playlist", "crate", "history"}) {
    auto it = sum->lists.find(kind);
    if (it == sum->lists.end()) continue;
    const std::string noun = std::string(kind) == "history" ? "history set" : kind;
    std::printf("%s: %zu %s%s\n", program.c_str(), it->second, noun.c_str(), it->second == 1 ? "" : "s");
  }
  if (sum->cues || sum->grids) std::printf("%s: %zu cue points, %zu beat grids kept\n", program.c_str(), sum->cues, sum->grids);
  std::printf("Transitions known (what was played after what, every source): %lld\n", static_cast<long long>(sum->transitions));
  if (sum->bpm_compared || sum->key_compared) {
    std::printf("Compared with CODEX: %zu BPMs, %zu keys; %zu disagree\n", sum->bpm_compared, sum->key_compared, sum->disagreements.size());
  }
  print_some("Where they disagree:", sum->disagreements);
  if (!sum->unmatched.empty()) {
    std::printf("Not analysed yet: %zu files (%zu of them are on this machine)\n", sum->unmatched.size(), sum->unmatched_here.size());
    print_some("", sum->unmatched_here.empty() ? sum->unmatched : sum->unmatched_here);
    if (!sum->unmatched_here.empty() && !a.analyze) {
      std::printf("Analyse them with: codex library import %s --analyze\n", printable(a.source).c_str());
    }
  }
  return 0;
}

int run_library_export(const GlobalArgs& g, const LibraryExportArgs& a) {
  auto format = library::dj_format(a.format);
  if (!format) {
    print_error(format.status().message());
    return 2;
  }
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  auto sum = library::export_dj_library(corpus, *format, a.out, a.list, a.force);
  if (!sum) {
    print_error(sum.status().message());
    return 1;
  }
  if (g.json) {
    std::printf("%s\n", json_text({{"file", a.out}, {"tracks", sum->tracks}, {"lists", sum->lists}, {"cues", sum->cues},
                                   {"grids", sum->grids}, {"how_to_import", sum->how_to_import}}).c_str());
    return 0;
  }
  std::printf("Wrote %s: %zu tracks (%zu beat grids, %zu cue points), %zu playlists\n", printable(a.out).c_str(), sum->tracks,
              sum->grids, sum->cues, sum->lists);
  std::printf("To use it %s\n", sum->how_to_import.c_str());
  return 0;
}

int run_library_lists(const GlobalArgs& g) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  auto lists = corpus.dj().lists(true);
  if (!lists) {
    print_error(lists.status().message());
    return 1;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : *lists) {
    size_t matched = 0;
    for (const auto& e : l.entries) matched += e.track_id ? 1 : 0;
    out.push_back({{"source", l.source}, {"kind", l.kind}, {"folder", l.folder}, {"name", l.name}, {"date", l.date},
                   {"entries", l.entries.size()}, {"analysed", matched}});
  }
  if (g.json) {
    std::printf("%s\n", json_text(out).c_str());
    return 0;
  }
  if (out.empty()) std::printf("No playlists, crates or history imported yet (codex library import SOURCE).\n");
  for (const auto& l : out) {
    std::string name = l["folder"].get<std::string>().empty() ? l["name"].get<std::string>()
                                                              : l["folder"].get<std::string>() + " / " + l["name"].get<std::string>();
    std::printf("%-10s %-8s %s  (%zu tracks, %zu analysed)%s\n", library::program_name(l["source"]).c_str(),
                l["kind"].get<std::string>().c_str(), printable(name).c_str(), l["entries"].get<size_t>(), l["analysed"].get<size_t>(),
                l["date"].get<std::string>().empty() ? "" : ("  " + l["date"].get<std::string>()).c_str());
  }
  return 0;
}

}  // namespace codex::cli
