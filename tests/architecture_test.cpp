// The arrows of docs/ARCHITECTURE.md, checked on the sources: every #include "codex/<part>/..."
// must follow an allowed arrow, only the LLM client includes the HTTP and TLS libraries, only the
// corpus includes SQLite, and no analysis kernel includes the decoder (kernels see audio/pcm.h).
// The CMake targets enforce the same arrows at link time; this catches a header-only include too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

// part -> the parts it may include (its own always): the same arrows as the CMake targets'
// dependencies in src/CMakeLists.txt. The LLM client (semantic/gemini_client.*) is its own part.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> kAllowed = {
      {"core", {}},
      {"music", {"core"}},
      {"schema", {"music", "core"}},
      {"audio", {"core"}},
      {"analysis", {"audio", "music", "core"}},
      {"semantic", {"schema", "audio", "music", "core"}},
      {"llm", {"semantic", "schema", "audio", "music", "core"}},
      {"prompt", {"music", "core"}},
      {"embed", {"prompt", "schema", "music", "core"}},
      {"index", {"core"}},   // index uses nothing else
      {"rank", {"index", "embed", "prompt", "schema", "music", "core"}},
      {"corpus", {"core"}},  // stores what it is given, knows no semantics
      {"demo", {"audio", "music", "core"}},
      {"interop", {"corpus", "music", "core"}},  // DJ programs' files; SQLite ones through the corpus's connection
      {"library", {"analysis", "semantic", "llm", "rank", "embed", "index", "prompt", "interop", "corpus", "schema",
                   "audio", "music", "core"}},
      // The front ends: parse, call the library service, print or serialise. They may name the
      // value types they print (schema, music); everything else through library's headers. (Direct
      // includes are what is checked: the CLI still reaches a few lower types through them — the
      // corpus handle LiveLibrary::corpus() gives, rank's weights file, settings.)
      {"server", {"library", "schema", "music", "core"}},
      {"cli", {"server", "library", "demo", "schema", "music", "core"}},
  };
  return kAllowed;
}

struct Include {
  std::string file;  // relative to src/
  int line;
  std::string target;
};

std::vector<Include> includes_under(const fs::path& root) {
  std::vector<Include> out;
  const std::regex inc(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(e.path());
    std::string text;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      std::smatch m;
      if (std::regex_search(line, m, inc)) out.push_back({fs::relative(e.path(), root).string(), n, m[1]});
    }
  }
  return out;
}

// "codex/rank/x.cpp" -> "rank", "codex/semantic/gemini_client.h" -> "llm", "cli/..." -> "cli",
// "server/..." -> "server" (and a front end's include of "server/..." is to the server part)
std::string part_of(const std::string& rel) {
  if (rel.rfind("codex/semantic/gemini_client.", 0) == 0) return "llm";
  if (rel.rfind("codex/", 0) == 0) return rel.substr(6, rel.find('/', 6) - 6);
  return rel.substr(0, rel.find('/'));
}

TEST(Architecture, IncludesFollowTheAllowedArrows) {
  const auto incs = includes_under(CODEX_SRC_DIR);
  ASSERT_GT(incs.size(), 100u) << "sources not found under " << CODEX_SRC_DIR;
  std::set<std::string> seen_parts;
  for (const auto& i : incs) {
    const std::string from = part_of(i.file);
    seen_parts.insert(from);
    if (i.target.rfind("codex/", 0) != 0 && i.target.rfind("server/", 0) != 0) continue;
    const std::string to = part_of(i.target);
    if (from == to) continue;
    auto it = allowed().find(from);
    ASSERT_NE(it, allowed().end()) << "a part the architecture does not name: " << from << " (" << i.file << ")";
    EXPECT_TRUE(it->second.count(to)) << i.file << ":" << i.line << " includes " << i.target << ": " << from << " -> "
                                      << to << " is not an allowed arrow (docs/ARCHITECTURE.md)";
  }
  for (const auto& [part, _] : allowed()) EXPECT_TRUE(seen_parts.count(part)) << part << " has no sources";
}

TEST(Architecture, OnlyTheLlmClientTalksToTheNetworkAndOnlyTheCorpusToSqlite) {
  for (const auto& i : includes_under(CODEX_SRC_DIR)) {
    if (i.target.rfind("httplib", 0) == 0 || i.target.rfind("openssl/", 0) == 0) {
      // The LLM client talks out; the booth server (a front end) listens.
      const bool llm = i.file.rfind("codex/semantic/gemini_client.", 0) == 0;
      const bool server = i.file.rfind("server/http.", 0) == 0;
      EXPECT_TRUE(llm || server) << i.file << " includes " << i.target;
    }
    if (i.target == "sqlite3.h") {
      EXPECT_EQ(i.file.rfind("codex/corpus/", 0), 0u) << i.file << " includes sqlite3.h";
    }
    // One door each for the outside formats: XML through interop/xml, tags through interop/tags.
    if (i.target == "expat.h") {
      EXPECT_EQ(i.file.rfind("codex/interop/xml.", 0), 0u) << i.file << " includes expat.h";
    }
    if (i.target.rfind("taglib/", 0) == 0) {
      EXPECT_EQ(i.file.rfind("codex/interop/tags.", 0), 0u) << i.file << " includes " << i.target;
    }
  }
}

TEST(Architecture, AnalysisKernelsNeverSeeFiles) {
  for (const auto& i : includes_under(CODEX_SRC_DIR)) {
    if (part_of(i.file) != "analysis" || i.file.rfind("codex/analysis/pass.", 0) == 0) continue;
    EXPECT_NE(i.target, "codex/audio/decoder.h") << i.file << ": kernels take audio/pcm.h blocks";
    EXPECT_NE(i.target, "codex/audio/encoder.h") << i.file;
  }
}

}  // namespace
