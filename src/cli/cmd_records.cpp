#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "codex/core/text.h"
#include "codex/library/jsonl.h"
#include "codex/schema/schema.h"
#include "codex/library/snapshot.h"
#include "codex/library/live.h"
#include "commands.h"

namespace codex::cli {

int run_import(const GlobalArgs& g, const std::string& file) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  auto rep = library::import_jsonl(corpus, file);
  if (!rep) {
    print_error(rep.status().message());
    return 1;
  }
  for (const auto& e : rep->errors) {
    print_error(printable(file) + ":" + std::to_string(e.line) + ": skipped: " + printable(e.reason));
  }
  if (rep->imported > 0) (void)(*live)->snapshot(true);  // so the next recommend maps it
  if (g.json) {
    std::printf("%s\n", json_text({{"lines", rep->lines},
                                   {"imported", rep->imported},
                                   {"duplicates", rep->duplicates},
                                   {"rejected", rep->errors.size()}})
                            .c_str());
  } else {
    std::printf("Imported %zu records from %zu lines", rep->imported, rep->lines);
    if (rep->duplicates) std::printf(" (%zu repeated track ids: the later line won)", rep->duplicates);
    if (!rep->errors.empty()) std::printf("; %zu rejected (listed above)", rep->errors.size());
    std::printf(".\n");
  }
  return rep->errors.empty() ? 0 : 1;
}

int run_export(const GlobalArgs& g, const std::string& out_path, bool embeddings) {
  auto live = open_library(g);
  if (!live) {
    print_error(live.status().message());
    return 1;
  }
  corpus::Corpus& corpus = (*live)->corpus();
  if (out_path.empty() || out_path == "-") {
    auto n = library::export_jsonl(corpus, std::cout, embeddings);
    std::cout.flush();
    if (!n) {
      print_error(n.status().message());
      return 1;
    }
    if (!std::cout) {
      print_error(std::string("cannot write the export: ") + std::strerror(errno));
      return 1;
    }
    return 0;
  }
  const std::string tmp = out_path + ".part";
  std::ofstream out(tmp, std::ios::binary);
  Result<size_t> n = Status::Error("cannot write " + printable(out_path));
  if (out) n = library::export_jsonl(corpus, out, embeddings);
  out.close();
  if (!n || !out || std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    std::remove(tmp.c_str());
    print_error(!n ? n.status().message() : "cannot write " + printable(out_path));
    return 1;
  }
  std::fprintf(stderr, "Exported %zu records to %s\n", *n, printable(out_path).c_str());
  return 0;
}

int run_schema(const GlobalArgs&) {
  std::printf("%s\n", json_text(schema::json_schema(), 2).c_str());
  return 0;
}

}  // namespace codex::cli
