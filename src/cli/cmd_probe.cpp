#include <cstdio>

#include "codex/core/text.h"
#include "codex/library/live.h"
#include "codex/library/probe.h"
#include "commands.h"

namespace codex::cli {

int run_probe(const GlobalArgs& g, const std::string& file, const std::vector<std::string>& params, bool embedding) {
  std::unique_ptr<library::LiveLibrary> live;
  if (embedding) {
    auto opened = open_library(g);
    if (!opened) {
      print_error(opened.status().message());
      return 1;
    }
    live = std::move(opened).value();
  }
  auto out = library::probe_file(file, params, live ? &live->corpus() : nullptr);
  if (!out) {
    print_error(out.status().message());
    return exit_code(out.status());
  }
  std::printf("%s\n", json_text(*out).c_str());
  return 0;
}

}  // namespace codex::cli
