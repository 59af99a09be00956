// Tempo: the octave candidates of a stored result, the adaptation as JSON, and moving a stored
// result (BPM, beats, downbeats, grid, segments) to the octave it picks (tag_adapt.h).
#include <algorithm>
#include <cmath>

#include "codex/analysis/choice_model.h"
#include "codex/analysis/rounding.h"
#include "codex/analysis/tag_adapt.h"
#include "codex/core/checksum.h"
#include "codex/core/text.h"

namespace codex::analysis {
namespace {

const std::vector<const char*> kTempoFields = {"bpm", "beats", "downbeats", "beat_grid", "tempo_segments"};

double number_or(const nlohmann::json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() && std::isfinite(it->get<double>()) ? it->get<double>() : fallback;
}

std::vector<double> times(const nlohmann::json& j) {
  std::vector<double> t;
  if (!j.is_array()) return t;
  for (const auto& v : j) {
    if (v.is_number() && std::isfinite(v.get<double>())) t.push_back(v.get<double>());
  }
  return t;
}

nlohmann::json rounded(const std::vector<double>& t) {
  nlohmann::json a = nlohmann::json::array();
  for (double v : t) a.push_back(round_step(v, 0.001));
  return a;
}

// Every other time, starting at `first`.
std::vector<double> every_other(const std::vector<double>& t, size_t first) {
  std::vector<double> out;
  for (size_t i = first; i < t.size(); i += 2) out.push_back(t[i]);
  return out;
}

// The times with the midpoint of each neighbouring pair between them.
std::vector<double> with_midpoints(const std::vector<double>& t) {
  std::vector<double> out;
  for (size_t i = 0; i < t.size(); ++i) {
    out.push_back(t[i]);
    if (i + 1 < t.size()) out.push_back(0.5 * (t[i] + t[i + 1]));
  }
  return out;
}

Result<TempoWindow> parse_window(const nlohmann::json& j, const char* what) {
  if (!j.is_number() || !std::isfinite(j.get<double>()) || j.get<double>() < 0 || j.get<double>() > 1000) {
    return Status::Error(std::string("tempo adaptation: ") + what + " must be a BPM between 0 and 1000");
  }
  return TempoWindow{j.get<double>()};
}

}  // namespace

TempoWindow fit_tempo_window(std::vector<double> bpms) {
  bpms.erase(std::remove_if(bpms.begin(), bpms.end(), [](double b) { return !(b > 0) || !std::isfinite(b); }),
             bpms.end());
  if (bpms.empty()) return {};
  std::sort(bpms.begin(), bpms.end());
  size_t best_first = 0, best_count = 0;
  for (size_t i = 0, j = 0; i < bpms.size(); ++i) {
    while (j < bpms.size() && bpms[j] < 2.0 * bpms[i]) ++j;
    if (j - i > best_count) {
      best_count = j - i;
      best_first = i;
    }
  }
  // Centred on the geometric middle of the tags it holds, so that a reading a little off the
  // lowest or highest tag still falls inside.
  const double lo = bpms[best_first], hi = bpms[best_first + best_count - 1];
  return TempoWindow{std::sqrt(lo * hi) / std::sqrt(2.0)};
}

std::string genre_key(const std::string& genre) {
  std::string g = ascii_lower(genre);
  const auto first = g.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return g.substr(first, g.find_last_not_of(" \t") - first + 1);
}

std::vector<double> analyzer_tempo_theta() { return {3.0, 0.0, 0.0, 0.0, 0.0}; }

std::optional<double> analyzed_bpm(const nlohmann::json& values) {
  const auto ta = values.find("tempo_analyzed");
  const nlohmann::json& from = ta != values.end() && ta->is_object() ? *ta : values;
  const double b = number_or(from, "bpm", 0.0);
  if (b <= 0) return std::nullopt;
  return b;
}

TempoAdaptation::Candidates TempoAdaptation::candidates(const nlohmann::json& values, const std::string& genre) const {
  Candidates c;
  const auto own = analyzed_bpm(values);
  if (!own) return c;
  double half = 0.01, dbl = 0.01;  // comb scores relative to the analyzer's pick (floor: not listed)
  if (const auto alts = values.find("bpm_alternatives"); alts != values.end() && alts->is_array()) {
    for (const auto& a : *alts) {
      if (!a.is_object()) continue;
      const std::string rel = string_field(a, "relation");
      const double s = std::max(number_or(a, "score", 0.0), 0.01);
      if (rel == "half") half = std::max(half, s);
      if (rel == "double") dbl = std::max(dbl, s);
    }
  }
  // The window of the track's genre where its tags made one, else the whole library's.
  const auto g = genres.find(genre_key(genre));
  const TempoWindow& window = g != genres.end() ? g->second : library;
  const double bpms[3] = {*own, *own / 2.0, *own * 2.0}, scores[3] = {1.0, half, dbl};
  for (int i = 0; i < 3; ++i) {
    const double u = std::log2(bpms[i] / 120.0);
    c.bpm.push_back(bpms[i]);
    c.features.push_back({i == 0 ? 1.0 : 0.0, std::log(scores[i]), u, u * u, window.contains(bpms[i]) ? 1.0 : 0.0});
  }
  return c;
}

std::optional<double> TempoAdaptation::decide(const nlohmann::json& values, const std::string& genre) const {
  const Candidates c = candidates(values, genre);
  const int best = best_choice(c.features, theta);
  if (best < 0) return std::nullopt;
  return c.bpm[static_cast<size_t>(best)];
}

std::string TempoAdaptation::id() const {
  std::vector<double> v = theta;
  v.push_back(library.lo);
  for (const auto& [g, w] : genres) {
    v.push_back(static_cast<double>(checksum64(g.data(), g.size())));
    v.push_back(w.lo);
  }
  return adaptation_id("ta", v);
}

nlohmann::json TempoAdaptation::to_json() const {
  nlohmann::json g = nlohmann::json::object();
  for (const auto& [name, w] : genres) g[name] = w.lo;
  return {{"format", "codex-tag-adaptation"}, {"kind", "tempo"}, {"version", 1}, {"id", id()},
          {"analyzer_version", analyzer_version}, {"theta", theta}, {"library_window_lo", library.lo},
          {"genre_window_lo", g}, {"report", report}};
}

Result<TempoAdaptation> TempoAdaptation::parse(const nlohmann::json& j) {
  auto common = parse_adaptation_common(j, "tempo", kTempoFeatures);
  if (!common) return common.status();
  TempoAdaptation a;
  static_cast<AdaptationCommon&>(a) = std::move(*common);
  const auto lo = j.find("library_window_lo");
  auto lib = parse_window(lo != j.end() ? *lo : nlohmann::json(), "library_window_lo");
  if (!lib) return lib.status();
  a.library = *lib;
  const auto g = j.find("genre_window_lo");
  if (g != j.end()) {
    if (!g->is_object()) return Status::Error("tempo adaptation: genre_window_lo must be an object");
    for (auto it = g->begin(); it != g->end(); ++it) {
      auto w = parse_window(it.value(), "a genre window");
      if (!w) return w.status();
      a.genres[it.key()] = *w;
    }
  }
  return a;
}

nlohmann::json apply_tempo_adaptation(const nlohmann::json& values, const TempoAdaptation* adaptation,
                                      const std::string& genre) {
  nlohmann::json out = values;
  if (!out.is_object()) return out;
  restore_analyzed(out, "tempo_analyzed", "bpm_adapted", kTempoFields);
  if (!adaptation) return out;
  const auto own = analyzed_bpm(out);
  const auto decided = adaptation->decide(out, genre);
  if (!own || !decided || std::fabs(*decided / *own - 1.0) < 0.01) return out;
  const bool halve = *decided < *own;
  keep_analyzed(out, "tempo_analyzed", kTempoFields);
  out["bpm"] = round_step(*decided, 0.01);
  out["bpm_adapted"] = adaptation->id();
  const std::vector<double> beats = times(out.value("beats", nlohmann::json())),
                            downs = times(out.value("downbeats", nlohmann::json()));
  if (halve) {
    // Keep the beats on the downbeats' side: the first downbeat's parity among the beats.
    size_t parity = 0;
    if (!downs.empty()) {
      for (size_t i = 0; i < beats.size(); ++i) {
        if (std::fabs(beats[i] - downs.front()) < 0.002) {
          parity = i % 2;
          break;
        }
      }
    }
    out["beats"] = rounded(every_other(beats, parity));
    out["downbeats"] = rounded(every_other(downs, 0));  // a bar of the slow beat spans two of the fast
  } else {
    out["beats"] = rounded(with_midpoints(beats));
    out["downbeats"] = rounded(with_midpoints(downs));
  }
  const double factor = *decided / *own;
  if (auto g = out.find("beat_grid"); g != out.end() && g->is_object()) {
    if (g->contains("bpm") && (*g)["bpm"].is_number()) (*g)["bpm"] = round_step((*g)["bpm"].get<double>() * factor, 0.001);
    // Halving may drop the first beat: the grid starts where the kept beats do.
    if (g->contains("first_beat_s") && !out["beats"].empty()) (*g)["first_beat_s"] = out["beats"][0];
  }
  if (auto s = out.find("tempo_segments"); s != out.end() && s->is_array()) {
    for (auto& seg : *s) {
      if (seg.is_object() && seg.contains("bpm") && seg["bpm"].is_number()) {
        seg["bpm"] = round_step(seg["bpm"].get<double>() * factor, 0.01);
      }
    }
  }
  return out;
}

}  // namespace codex::analysis
