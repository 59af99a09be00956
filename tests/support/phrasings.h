// The phrasing suite (tests/prompt/data/phrasings.json: DJ phrasings written before the parser was
// tuned, each with what it must be understood as) and the one check of an intent against it,
// shared by tests/prompt/phrasing_test.cpp and bench/phrasing_eval.cpp. Every third phrasing
// (index % 3 == 2) is held out: never used to tune the parser, only reported.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/prompt/intent.h"

namespace codex::testing {

struct Phrasing {
  std::string text, category;
  nlohmann::json expect;
  bool held_out = false;
};

inline std::vector<Phrasing> load_phrasings(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  std::vector<Phrasing> out;
  if (!j.is_object() || !j.contains("phrasings")) return out;
  size_t i = 0;
  for (const auto& p : j["phrasings"]) {
    out.push_back({p.value("text", ""), p.value("category", ""), p.value("expect", nlohmann::json::object()), i % 3 == 2});
    ++i;
  }
  return out;
}

// Empty when the intent says everything the phrasing expects; else what it got wrong.
inline std::string misread(const prompt::Intent& in, const nlohmann::json& expect) {
  using prompt::direction_name;
  std::string wrong;
  auto miss = [&](const std::string& what) { wrong += (wrong.empty() ? "" : "; ") + what; };
  for (auto it = expect.begin(); it != expect.end(); ++it) {
    const std::string k = it.key();
    const auto& v = it.value();
    if (k == "arousal" && direction_name(in.arousal) != v.get<std::string>()) miss("arousal " + std::string(direction_name(in.arousal)));
    if (k == "valence" && direction_name(in.valence) != v.get<std::string>()) miss("valence " + std::string(direction_name(in.valence)));
    if (k == "vibe" && in.vibe.value_or("") != v.get<std::string>()) miss("vibe " + in.vibe.value_or("none"));
    if (k == "avoid") {
      bool found = false;
      for (const auto& a : in.avoid_moods) found = found || a == v.get<std::string>();
      if (!found) miss("not avoided");
    }
    if (k == "strength") {
      const bool ok = v == "small" ? in.strength < 1.0 : v == "large" ? in.strength > 1.0 : in.strength == 1.0;
      if (!ok) miss("strength " + std::to_string(in.strength));
    }
    if (k == "genre" && in.genre.value_or("") != v.get<std::string>()) miss("genre " + in.genre.value_or("none"));
    if (k == "target_bpm" && (!in.target_bpm || *in.target_bpm != v.get<double>())) miss("target bpm");
    if (k == "tempo" && direction_name(in.tempo) != v.get<std::string>()) miss("tempo " + std::string(direction_name(in.tempo)));
    if (k == "key_rule" && prompt::key_rule_name(in.key_rule) != v.get<std::string>()) {
      miss("key rule " + std::string(prompt::key_rule_name(in.key_rule)));
    }
    if (k == "vocals" && in.vocals != std::optional<bool>(v.get<bool>())) miss("vocals");
  }
  return wrong;
}

}  // namespace codex::testing
