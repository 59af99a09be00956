// The phrasing suite's figures: the share of phrasings understood as meant, per category, on the
// tuning two thirds and on the held-out third (tests/support/phrasings.h).
//   build/bench/codex_phrasing_eval [tests/prompt/data/phrasings.json] [--show-train-misses]
#include <cstdio>
#include <cstring>
#include <array>
#include <map>

#include "codex/prompt/lexicon.h"
#include "support/phrasings.h"

int main(int argc, char** argv) {
  std::string path = "tests/prompt/data/phrasings.json";
  bool show = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--show-train-misses") == 0) show = true;
    else path = argv[i];
  }
  const auto suite = codex::testing::load_phrasings(path);
  if (suite.empty()) {
    std::fprintf(stderr, "no phrasings in %s\n", path.c_str());
    return 1;
  }
  std::map<std::string, std::array<int, 4>> by;  // train ok, train n, held ok, held n
  for (const auto& p : suite) {
    const auto intent = codex::prompt::parse_intent(p.text);
    const std::string wrong = codex::testing::misread(intent, p.expect);
    auto& c = by[p.category];
    c[p.held_out ? 2 : 0] += wrong.empty();
    c[p.held_out ? 3 : 1] += 1;
    if (show && !p.held_out && !wrong.empty()) std::printf("  miss  %-12s %-45s %s\n", p.category.c_str(), p.text.c_str(), wrong.c_str());
  }
  std::printf("WordNet %s\n%-12s %14s %14s\n", codex::prompt::wordnet_available() ? "available" : "NOT available",
              "category", "tuning 2/3", "held-out 1/3");
  std::array<int, 4> all{};
  for (const auto& [name, c] : by) {
    std::printf("%-12s %6d/%-3d %.3f %6d/%-3d %.3f\n", name.c_str(), c[0], c[1], double(c[0]) / c[1], c[2], c[3],
                double(c[2]) / c[3]);
    for (int k = 0; k < 4; ++k) all[k] += c[k];
  }
  std::printf("%-12s %6d/%-3d %.3f %6d/%-3d %.3f\n", "all", all[0], all[1], double(all[0]) / all[1], all[2], all[3],
              double(all[2]) / all[3]);
  return 0;
}
