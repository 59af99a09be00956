// Key: the features of each key from a stored result's evidence, the adaptation as JSON, and
// applying it to a stored result (tag_adapt.h).
#include <cmath>
#include <cstdio>

#include "codex/analysis/choice_model.h"
#include "codex/analysis/tag_adapt.h"
#include "codex/core/checksum.h"

namespace codex::analysis {
namespace {

constexpr int kKeys = 24;
int index_of(const music::Key& k) { return k.tonic * 2 + (k.minor ? 1 : 0); }

// 24 finite numbers, or empty.
std::vector<double> key_array(const nlohmann::json& j) {
  if (!j.is_array() || j.size() != kKeys) return {};
  std::vector<double> v;
  for (const auto& x : j) {
    if (!x.is_number() || !std::isfinite(x.get<double>())) return {};
    v.push_back(x.get<double>());
  }
  return v;
}

// The opening chord's (1) and closing chord's (0.5) support per key, where they fit a triad well.
std::vector<double> chord_evidence(const nlohmann::json& values) {
  std::vector<double> e(kKeys, 0.0);
  for (const auto& [field, weight] : {std::pair{"opening_chord", 1.0}, std::pair{"closing_chord", 0.5}}) {
    const auto it = values.find(field);
    if (it == values.end() || !it->is_object()) continue;
    const auto chord = it->find("chord"), fit = it->find("fit");
    if (chord == it->end() || !chord->is_string() || fit == it->end() || !fit->is_number()) continue;
    if (fit->get<double>() <= 0.5) continue;
    if (auto k = music::parse_key(chord->get<std::string>())) e[static_cast<size_t>(index_of(*k))] += weight;
  }
  return e;
}

const std::vector<const char*> kKeyFields = {"key", "key_name", "key_open", "key_segments", "key_decided_by"};

}  // namespace

std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<AdaptationCommon> parse_adaptation_common(const nlohmann::json& j, const std::string& kind, size_t features) {
  const std::string what = kind + " adaptation";
  if (string_field(j, "format") != "codex-tag-adaptation" || string_field(j, "kind") != kind) {
    return Status::Error("not a " + what + " (format codex-tag-adaptation, kind " + kind + ")");
  }
  auto whole = [&](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  if (whole("version") != 1) return Status::Error(what + ": unknown version");
  AdaptationCommon c;
  c.analyzer_version = whole("analyzer_version");
  const auto t = j.find("theta");
  if (t == j.end() || !t->is_array() || t->size() != features) {
    return Status::Error(what + ": theta must hold " + std::to_string(features) + " numbers");
  }
  for (const auto& v : *t) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) return Status::Error(what + ": theta must be finite numbers");
    c.theta.push_back(v.get<double>());
  }
  if (const auto r = j.find("report"); r != j.end() && r->is_object()) c.report = *r;
  return c;
}

std::string adaptation_id(const char* prefix, const std::vector<double>& numbers) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s-%012llx", prefix,
                static_cast<unsigned long long>(checksum64(numbers.data(), numbers.size() * sizeof(double)) & 0xffffffffffffull));
  return buf;
}

void restore_analyzed(nlohmann::json& values, const char* kept_as, const char* marker, const std::vector<const char*>& fields) {
  const auto it = values.find(kept_as);
  if (it == values.end()) return;
  const nlohmann::json kept = *it;
  values.erase(kept_as);
  values.erase(marker);
  if (!kept.is_object()) return;
  for (const char* f : fields) {
    if (kept.contains(f)) values[f] = kept[f];
    else values.erase(f);
  }
}

void keep_analyzed(nlohmann::json& values, const char* kept_as, const std::vector<const char*>& fields) {
  nlohmann::json kept = nlohmann::json::object();
  for (const char* f : fields) {
    if (values.contains(f)) kept[f] = values[f];
  }
  values[kept_as] = kept;
}

double mirex_key_score(const music::Key& e, const music::Key& r) {
  if (e == r) return 1.0;
  if (e.minor == r.minor && ((e.tonic - r.tonic + 12) % 12 == 7 || (r.tonic - e.tonic + 12) % 12 == 7)) return 0.5;
  if (e.minor != r.minor) {
    const int rel = r.minor ? (r.tonic + 3) % 12 : (r.tonic + 9) % 12;
    if (e.tonic == rel) return 0.3;
    if (e.tonic == r.tonic) return 0.2;
  }
  return 0.0;
}

std::optional<std::vector<std::vector<double>>> key_features(const nlohmann::json& values, double scale) {
  const auto ev = values.find("key_evidence");
  if (ev == values.end() || !ev->is_object()) return std::nullopt;
  const auto field = [&](const char* key) {
    const auto it = ev->find(key);
    return it != ev->end() ? *it : nlohmann::json();
  };
  const std::vector<double> p = key_array(field("profile"));
  if (p.empty()) return std::nullopt;
  std::vector<double> m = key_array(field("model"));
  const nlohmann::json w = field("learned_weight");
  const double weight = w.is_number() && std::isfinite(w.get<double>()) ? w.get<double>() : 0.0;
  if (m.empty()) m.assign(kKeys, 0.0);
  for (double& v : m) v *= weight;
  const std::vector<double> chords = chord_evidence(values);
  std::vector<std::vector<double>> out(kKeys);
  for (int i = 0; i < kKeys; ++i) {
    const int t = i / 2;
    const bool minor = i % 2 == 1;
    const int rel = minor ? ((t + 3) % 12) * 2 : ((t + 9) % 12) * 2 + 1;
    const int dom = ((t + 7) % 12) * 2 + (minor ? 1 : 0), sub = ((t + 5) % 12) * 2 + (minor ? 1 : 0);
    const auto u = [](int k) { return static_cast<size_t>(k); };
    out[u(i)] = {p[u(i)], m[u(i)], minor ? 1.0 : 0.0, p[u(rel)], m[u(rel)], p[u(dom)] + p[u(sub)], m[u(dom)] + m[u(sub)],
                 chords[u(i)]};
    for (double& v : out[u(i)]) v *= scale;
  }
  return out;
}

std::vector<double> analyzer_key_theta() { return {1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}; }

std::string KeyAdaptation::id() const {
  std::vector<double> v{scale};
  v.insert(v.end(), theta.begin(), theta.end());
  return adaptation_id("ka", v);
}

nlohmann::json KeyAdaptation::to_json() const {
  return {{"format", "codex-tag-adaptation"}, {"kind", "key"}, {"version", 1}, {"id", id()},
          {"analyzer_version", analyzer_version}, {"scale", scale}, {"theta", theta}, {"report", report}};
}

Result<KeyAdaptation> KeyAdaptation::parse(const nlohmann::json& j) {
  auto common = parse_adaptation_common(j, "key", kKeyFeatures);
  if (!common) return common.status();
  KeyAdaptation a;
  static_cast<AdaptationCommon&>(a) = std::move(*common);
  const auto s = j.find("scale");
  if (s == j.end() || !s->is_number() || !std::isfinite(s->get<double>()) || s->get<double>() <= 0) {
    return Status::Error("key adaptation: scale must be a positive number");
  }
  a.scale = s->get<double>();
  return a;
}

std::optional<music::Key> KeyAdaptation::decide(const nlohmann::json& values) const {
  const auto f = key_features(values, scale);
  if (!f) return std::nullopt;
  const int best = best_choice(*f, theta);
  if (best < 0) return std::nullopt;
  return music::Key{best / 2, best % 2 == 1};
}

std::optional<music::Key> analyzed_key(const nlohmann::json& values) {
  const auto ka = values.find("key_analyzed");
  const nlohmann::json& from = ka != values.end() && ka->is_object() ? *ka : values;
  const auto k = from.find("key");
  if (k == from.end() || !k->is_string()) return std::nullopt;
  return music::parse_key(k->get<std::string>());
}

nlohmann::json apply_key_adaptation(const nlohmann::json& values, const KeyAdaptation* adaptation) {
  nlohmann::json out = values;
  if (!out.is_object()) return out;
  restore_analyzed(out, "key_analyzed", "key_adapted", kKeyFields);
  if (!adaptation || !out.contains("key") || !out["key"].is_string()) return out;  // "no key" stays
  const auto decided = adaptation->decide(out);
  const auto own = analyzed_key(out);
  if (!decided || (own && *decided == *own)) return out;
  keep_analyzed(out, "key_analyzed", kKeyFields);
  out["key"] = decided->camelot();
  out["key_name"] = decided->name();
  out["key_open"] = decided->open_key();
  out["key_decided_by"] = "adapted to your tags (codex train key)";
  out["key_adapted"] = adaptation->id();
  if (auto segs = out.find("key_segments"); segs != out.end() && segs->is_array() && segs->size() == 1 &&
                                              (*segs)[0].is_object()) {
    (*segs)[0]["key"] = out["key"];
    (*segs)[0]["key_name"] = out["key_name"];
    (*segs)[0]["key_open"] = out["key_open"];
  }
  return out;
}

}  // namespace codex::analysis
