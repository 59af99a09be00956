#include <cstdio>

#include "codex/core/paths.h"
#include "codex/core/text.h"
#include "commands.h"

namespace codex::cli {

std::string resolve_db(const GlobalArgs& g) { return g.db.empty() ? paths::default_corpus_path() : g.db; }

// Messages carry outside text (paths, tags, server replies): one line, nothing the terminal acts on.
void print_error(const std::string& message) { std::fprintf(stderr, "codex: %s\n", printable(message).c_str()); }

std::string json_text(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace codex::cli
