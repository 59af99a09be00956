#include <cstdio>

#include "codex/core/paths.h"
#include "codex/core/text.h"
#include "codex/library/live.h"
#include "commands.h"
#include "progress.h"

namespace codex::cli {

int exit_code(const Status& s) {
  if (s.ok()) return 0;
  return s.code() == Code::kInvalid || s.code() == Code::kAmbiguous ? 2 : 1;
}

std::string resolve_db(const GlobalArgs& g) { return g.db.empty() ? paths::default_corpus_path() : g.db; }

Result<std::unique_ptr<library::LiveLibrary>> open_library(const GlobalArgs& g) {
  library::LiveOptions lo;
  lo.on_build = snapshot_progress(g);
  return library::LiveLibrary::open(resolve_db(g), lo);
}

// Messages carry outside text (paths, tags, server replies): one line, nothing the terminal acts on.
void print_error(const std::string& message) { std::fprintf(stderr, "codex: %s\n", printable(message).c_str()); }

std::string json_text(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::function<void(const std::string& why)> snapshot_progress(const GlobalArgs& g) {
  if (g.json || !ProgressBar::stderr_is_terminal()) return {};
  return [](const std::string& why) {
    std::fprintf(stderr, "Updating the library snapshot (%s)...\n", why == "missing" ? "first use" : why.c_str());
  };
}

}  // namespace codex::cli
