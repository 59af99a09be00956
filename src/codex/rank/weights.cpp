#include "codex/rank/weights.h"
#include "codex/core/files.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codex/core/text.h"

namespace codex::rank {

const std::vector<Factor>& default_weights() {
  // energy, affect and affect_move fitted on the real dev clips (bench/rank_fit.py: the mood-labelled
  // songs' continuity and steers, with the EDM dev segments' subgenre continuity held at or above
  // what it was before the mood factors); the rest set by hand.
  static const std::vector<Factor> k = {{"energy", 0.10}, {"key", 0.18}, {"tempo", 0.15}, {"vibe", 0.15},
                                        {"genre", 0.12},  {"mix", 0.05}, {"vocals", 0.05}, {"mood", 0.05},
                                        {"groove", 0.06}, {"narrative", 0.08}, {"affect", 0.10},
                                        {"affect_move", 1.0}};
  return k;
}

Result<std::vector<Factor>> load_weights(const std::string& path) {
  auto read = files::read_regular(path, "weights file", 16u << 20);
  if (!read) return Status::Error(to_valid_utf8(read.status().message()));
  const std::string text = std::move(read).value();
  if (to_valid_utf8(text) != text) return Status::Error("weights file is not valid UTF-8");
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Error("weights file is not a JSON object");
  if (j.value("format", "") != "codex-rank-weights") return Status::Error("weights file has no \"format\": \"codex-rank-weights\"");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != 1) {
    return Status::Error("unsupported weights version (this codex reads version 1)");
  }
  if (!j.contains("weights") || !j["weights"].is_object()) return Status::Error("weights file has no \"weights\" object");
  std::vector<Factor> w = default_weights();
  for (auto it = j["weights"].begin(); it != j["weights"].end(); ++it) {
    auto f2 = std::find_if(w.begin(), w.end(), [&](const Factor& x) { return it.key() == x.name; });
    if (f2 == w.end()) return Status::Error("unknown factor '" + it.key() + "' in weights file");
    // Weights are relative: anything past a million only overflows the sums (1e308 made every score NaN).
    if (!it->is_number() || it->get<double>() < 0 || !std::isfinite(it->get<double>()) || it->get<double>() > 1e6) {
      return Status::Error("weight of '" + it.key() + "' must be a number from 0 to 1000000");
    }
    f2->weight = it->get<double>();
  }
  double total = 0;
  for (const auto& x : w) total += x.weight;
  if (total <= 0) return Status::Error("all weights are zero");
  return w;
}

}  // namespace codex::rank
