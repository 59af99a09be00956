// The learned fallback of the mood lexicon (lexicon.h): multinomial naive Bayes over character
// 3-5-grams of one word, with word boundaries, as bench/phrasing_fit.py fits it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "codex/prompt/lexicon.h"

namespace codex::prompt {

extern const char* const kBuiltinPhrasingModel;  // generated from models/phrasing.json

namespace {

struct PhrasingModel {
  std::vector<MoodClass> classes;
  std::vector<double> logprior;
  std::unordered_map<std::string, std::vector<double>> logp;  // n-gram -> per class
  double threshold = 1.0;
  bool ok = false;
};

std::optional<MoodClass> class_of(const std::string& name) {
  static const std::unordered_map<std::string, MoodClass> k = {
      {"energy_up", MoodClass::kEnergyUp}, {"energy_down", MoodClass::kEnergyDown}, {"calm", MoodClass::kCalm},
      {"sad", MoodClass::kSad},            {"happy", MoodClass::kHappy},           {"aggressive", MoodClass::kAggressive},
      {"chill", MoodClass::kChill},        {"hypnotic", MoodClass::kHypnotic},     {"euphoric", MoodClass::kEuphoric}};
  auto it = k.find(name);
  return it == k.end() ? std::nullopt : std::optional<MoodClass>(it->second);
}

// The compiled-in model; an unreadable one leaves the fallback off (tests check that it loads).
const PhrasingModel& model() {
  static const PhrasingModel m = [] {
    PhrasingModel out;
    const auto j = nlohmann::json::parse(kBuiltinPhrasingModel, nullptr, false);
    if (!j.is_object() || j.value("format", "") != "codex-phrasing-model" || j.value("version", 0) != 1) return out;
    try {
      const auto names = j.at("classes").get<std::vector<std::string>>();
      const auto grams = j.at("ngrams").get<std::vector<std::string>>();
      std::vector<std::vector<double>> per;
      for (const auto& n : names) {
        const auto c = class_of(n);
        auto lp = j.at("logp").at(n).get<std::vector<double>>();
        if (!c || lp.size() != grams.size()) return out;
        out.classes.push_back(*c);
        out.logprior.push_back(j.at("logprior").at(n).get<double>());
        per.push_back(std::move(lp));
      }
      for (size_t g = 0; g < grams.size(); ++g) {
        std::vector<double> v;
        for (const auto& p : per) v.push_back(p[g]);
        out.logp.emplace(grams[g], std::move(v));
      }
      out.threshold = j.at("threshold").get<double>();
      out.ok = !out.classes.empty() && out.threshold > 0.5 && out.threshold <= 1.0;
    } catch (const nlohmann::json::exception&) {
      out = PhrasingModel{};
    }
    return out;
  }();
  return m;
}

}  // namespace

std::optional<WordReading> learned_mood_word(const std::string& token) {
  const PhrasingModel& m = model();
  if (!m.ok || token.size() < 4) return std::nullopt;
  const std::string w = "<" + token + ">";
  std::vector<double> score = m.logprior;
  int seen = 0;
  for (size_t n = 3; n <= 5; ++n) {
    for (size_t i = 0; i + n <= w.size(); ++i) {
      auto it = m.logp.find(w.substr(i, n));
      if (it == m.logp.end()) continue;
      ++seen;
      for (size_t c = 0; c < score.size(); ++c) score[c] += it->second[c];
    }
  }
  if (seen < 2) return std::nullopt;  // too little of the word is known to say anything
  size_t best = 0;
  for (size_t c = 1; c < score.size(); ++c) best = score[c] > score[best] ? c : best;
  double z = 0;
  for (double s : score) z += std::exp(s - score[best]);
  const double p = 1.0 / z;
  if (p < m.threshold) return std::nullopt;
  char via[64];
  std::snprintf(via, sizeof via, "learned from DJ phrasings (p %.2f)", p);
  return WordReading{token, m.classes[best], via};
}

}  // namespace codex::prompt
