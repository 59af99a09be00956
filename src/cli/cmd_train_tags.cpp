// codex train key, codex train tempo: the key and tempo decisions adapted to the DJ's own tags.
#include <cstdio>

#include "codex/library/live.h"
#include "codex/library/tag_training.h"
#include "commands.h"

namespace codex::cli {
namespace {

double num(const nlohmann::json& j, const char* a, const char* b, const char* c) {
  const auto& v = j[a][b][c];
  return v.is_number() ? v.get<double>() : 0.0;
}

void print_report(const nlohmann::json& r) {
  const bool key = r["kind"] == "key";
  const char* what = key ? "key" : "BPM";
  if (r.value("reset", false)) {
    std::printf("Removed the %s adaptation: %zu stored result(s) are back to the analyzer's own %s.\n",
                key ? "key" : "tempo", r.value("changed", size_t{0}), what);
    return;
  }
  std::printf("%zu analysed track(s) have a %s in their tags or an imported DJ program; %zu used", r.value("tagged_tracks", size_t{0}),
              what, r.value("used", size_t{0}));
  if (size_t n = r.value("conflicting_tags", size_t{0})) std::printf(", %zu left out (their sources disagree)", n);
  if (size_t n = r.value("without_evidence", size_t{0})) std::printf(", %zu analysed before CODEX kept key evidence (run codex analyze)", n);
  std::printf(".\n");
  const auto& h = r["held_out"];
  if (key) {
    std::printf("On held-out tagged tracks (%d folds by artist), agreement with your tags:\n", h.value("folds", 0));
    std::printf("  analyzer  MIREX %.3f  exact %.3f\n", num(r, "held_out", "before", "mirex"), num(r, "held_out", "before", "exact"));
    std::printf("  adapted   MIREX %.3f  exact %.3f\n", num(r, "held_out", "after", "mirex"), num(r, "held_out", "after", "exact"));
  } else {
    std::printf("On held-out tagged tracks (%d folds by artist), BPM within 4%% of your tags:\n", h.value("folds", 0));
    std::printf("  analyzer  %.3f\n  adapted   %.3f   (%.3f are right up to the octave)\n", num(r, "held_out", "before", "acc1"),
                num(r, "held_out", "after", "acc1"), h.value("within_an_octave", 0.0));
  }
  if (r.value("installed", false)) {
    std::printf("Installed %s: %zu stored result(s) changed; codex analyze applies it from now on. Your tags are unchanged.\n"
                "(`codex train %s --reset` removes it.)\n",
                r.value("id", "").c_str(), r.value("changed", size_t{0}), key ? "key" : "tempo");
  } else {
    std::printf("Not installed: %s.\n", r.value("reason", "").c_str());
  }
}

}  // namespace

int run_train_tags(const GlobalArgs& g, const TrainTagsArgs& a, bool key) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  library::TagTrainOptions opt;
  opt.reset = a.reset;
  opt.min_tracks = static_cast<size_t>(a.min_tracks);
  corpus::Corpus& corpus = (*live)->corpus();
  auto report = key ? library::train_key_from_tags(corpus, opt) : library::train_tempo_from_tags(corpus, opt);
  if (!report) {
    print_error(report.status().message());
    return 1;
  }
  if (report->value("changed", size_t{0}) > 0) (void)(*live)->snapshot(true);  // records in the new keys or tempi
  if (g.json) {
    std::printf("%s\n", json_text(*report).c_str());
  } else {
    print_report(*report);
  }
  return 0;
}

}  // namespace codex::cli
