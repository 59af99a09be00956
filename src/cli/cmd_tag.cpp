// `codex tag`: key, BPM and energy into the audio files' own tags; a dry run unless --write.
#include <cstdio>

#include "codex/core/text.h"
#include "codex/library/tag_job.h"
#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {

int run_tag(const GlobalArgs& g, const TagArgs& a) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  library::TagOptions opt;
  opt.key_notation = a.key_notation;
  opt.write = a.write;
  auto items = library::tag_tracks(corpus, a.tracks, opt);
  if (!items) {
    print_error(items.status().message());
    return 1;
  }
  size_t changing = 0, written = 0, failed = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& it : *items) {
    changing += it.after.empty() ? 0 : 1;
    written += it.written ? 1 : 0;
    failed += it.error.empty() ? 0 : 1;
    if (g.json) {
      nlohmann::json changes = nlohmann::json::object();
      for (const auto& [field, value] : it.after) changes[field] = {{"from", it.before.at(field)}, {"to", value}};
      out.push_back({{"track_id", it.track_id}, {"path", it.path}, {"changes", changes}, {"written", it.written},
                     {"error", it.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(it.error)}});
      continue;
    }
    if (!it.error.empty()) {
      print_error(printable(it.path) + ": not tagged: " + printable(it.error));
      continue;
    }
    if (it.after.empty()) continue;
    std::printf("%s %s\n", it.written ? "tagged" : "would tag", printable(it.path).c_str());
    for (const auto& [field, value] : it.after) {
      const std::string& from = it.before.at(field);
      std::printf("    %-7s %s -> %s\n", field.c_str(), from.empty() ? "(none)" : printable(from).c_str(), printable(value).c_str());
    }
  }
  if (g.json) {
    std::printf("%s\n", json_text({{"dry_run", !a.write}, {"files", out}}).c_str());
  } else if (a.write) {
    std::printf("Tagged %zu of %zu files (%zu already up to date, %zu not tagged).\n", written, items->size(),
                items->size() - changing, failed);
  } else {
    std::printf("Dry run: %zu of %zu files would change (%zu already up to date). Nothing was written; add --write to write them.\n",
                changing, items->size(), items->size() - changing);
  }
  return failed ? 1 : 0;
}

}  // namespace codex::cli
