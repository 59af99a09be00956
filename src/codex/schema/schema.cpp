#include "codex/schema/schema.h"

#include <algorithm>
#include <cmath>

#include "codex/music/key.h"

namespace codex::schema {

const std::vector<FieldSpec>& fields() {
  using T = FieldType;
  static const std::vector<FieldSpec> kFields = {
      {"track_id", T::kString, true, false, 1, 256, {}, "identity", "stable id (hash of the audio stream)"},
      {"title", T::kString, true, false, 0, 1000, {}, "identity", "track title"},
      {"artist", T::kString, true, false, 0, 1000, {}, "identity", "artist"},
      {"file_path", T::kString, false, true, 0, 4096, {}, "identity", "where the file was found"},
      {"duration_seconds", T::kNumber, true, false, 0, 7200, {}, "identity", "length in seconds"},
      {"bpm", T::kNumber, true, true, 60, 200, {}, "fundamentals", "felt tempo; null when there is no steady beat"},
      {"key", T::kCamelot, true, true, 0, 0, {}, "fundamentals", "Camelot key, 1A..12B; null when atonal"},
      {"audio_fidelity", T::kInteger, true, false, 1, 10, {}, "fundamentals", "audio quality 1-10"},
      {"energy", T::kInteger, true, false, 1, 10, {}, "energy", "energy 1-10"},
      {"danceability", T::kInteger, true, false, 1, 10, {}, "energy", "danceability 1-10"},
      {"intensity", T::kEnum, true, false, 0, 0, {"opener", "journey", "peak", "closer"}, "energy", "place in a set"},
      {"vibe", T::kEnum, true, false, 0, 0, {"dark", "bright", "hypnotic", "euphoric", "chill", "aggressive"}, "vibe",
       "overall vibe"},
      {"mood_tags", T::kStringArray, true, false, 3, 7, {}, "vibe", "3-7 mood words"},
      {"groove_style", T::kEnum, true, false, 0, 0, {"four-on-floor", "broken", "swung", "syncopated", "linear"},
       "rhythm", "drum groove"},
      {"tempo_feel", T::kEnum, true, false, 0, 0, {"straight", "double-time", "half-time"}, "rhythm",
       "how the tempo feels"},
      {"mix_in_ease", T::kInteger, true, false, 1, 10, {}, "mixability", "how easy to mix in, 1-10"},
      {"mix_out_ease", T::kInteger, true, false, 1, 10, {}, "mixability", "how easy to mix out of, 1-10"},
      {"mixability_notes", T::kString, false, true, 0, 2000, {}, "mixability", "tips for mixing"},
      {"vocal_presence", T::kEnum, true, false, 0, 0, {"instrumental", "male", "female", "mixed", "group"}, "vocals",
       "who sings"},
      {"vocal_style", T::kEnum, true, false, 0, 0, {"rap", "singing", "both", "chant", "spoken", "none"}, "vocals",
       "how"},
      {"language", T::kString, false, true, 0, 100, {}, "vocals", "language of the vocals"},
      {"structure", T::kEnumArray, true, false, 1, 64,
       {"intro", "verse", "prechorus", "chorus", "drop", "breakdown", "bridge", "outro", "build", "instrumental"},
       "structure", "ordered sections"},
      {"drop_intensity", T::kInteger, true, true, 1, 10, {}, "structure", "1-10, or null without a drop"},
      {"instrumentation", T::kStringArray, true, false, 3, 8, {}, "production", "3-8 instruments"},
      {"production_style", T::kEnum, true, false, 0, 0,
       {"clean", "distorted", "filtered", "lo-fi", "polished", "raw", "layered", "minimal", "maximalist"},
       "production", "production style"},
      {"production_quality", T::kInteger, true, false, 1, 10, {}, "production", "1-10"},
      {"genre", T::kString, true, false, 1, 200, {}, "genre", "genre"},
      {"subgenre", T::kString, false, true, 0, 200, {}, "genre", "subgenre"},
      {"similar_artists", T::kStringArray, true, false, 2, 5, {}, "genre", "2-5 artists"},
      {"description", T::kString, true, false, 1, 2000, {}, "description", "1-3 sentences"},
      {"created_at", T::kString, true, false, 0, 64, {}, "metadata", "ISO 8601"},
      {"updated_at", T::kString, true, false, 0, 64, {}, "metadata", "ISO 8601"},
      {"analyzer_version", T::kString, true, false, 0, 64, {}, "metadata", "CODEX version that analysed it"},
      {"analyzer_model", T::kString, false, true, 0, 200, {}, "metadata", "LLM model, if any"},
      {"codex_schema_version", T::kString, true, false, 1, 16, {}, "metadata", "\"1.0\""},
  };
  return kFields;
}

const FieldSpec* find_field(const std::string& name) {
  for (const auto& f : fields()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const std::vector<std::string>& import_required() {
  static const std::vector<std::string> kRequired = {"track_id", "title", "artist", "bpm", "key", "energy"};
  return kRequired;
}

namespace {

std::string describe(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string range_text(double lo, double hi) {
  auto num = [](double d) {
    return d == std::floor(d) ? std::to_string(static_cast<long long>(d)) : std::to_string(d);
  };
  return num(lo) + "-" + num(hi);
}

void check_value(const FieldSpec& f, const nlohmann::json& v, std::vector<Issue>* out) {
  auto bad = [&](const std::string& why) { out->push_back({f.name, why}); };
  if (v.is_null()) {
    if (!f.nullable) bad("must not be null");
    return;
  }
  switch (f.type) {
    case FieldType::kString:
      if (!v.is_string()) return bad("must be a string, got " + describe(v));
      if (v.get_ref<const std::string&>().size() < f.min) return bad("must not be empty");
      if (v.get_ref<const std::string&>().size() > f.max) return bad("is longer than " + range_text(f.max, f.max) + " bytes");
      return;
    case FieldType::kNumber:
    case FieldType::kInteger: {
      if (!v.is_number()) return bad("must be a number, got " + describe(v));
      const double d = v.get<double>();
      if (!std::isfinite(d) || d < f.min || d > f.max) return bad("must be within " + range_text(f.min, f.max) + ", got " + describe(v));
      if (f.type == FieldType::kInteger && d != std::floor(d)) return bad("must be a whole number, got " + describe(v));
      return;
    }
    case FieldType::kEnum:
      if (!v.is_string()) return bad("must be a string, got " + describe(v));
      if (std::find(f.values.begin(), f.values.end(), v.get<std::string>()) == f.values.end()) {
        return bad("unknown value " + describe(v));
      }
      return;
    case FieldType::kCamelot: {
      if (!v.is_string()) return bad("must be a Camelot key string, got " + describe(v));
      const std::string s = v.get<std::string>();
      auto k = music::parse_key(s);
      if (!k || k->camelot() != s) return bad("must be a Camelot key (1A-12B), got " + describe(v));
      return;
    }
    case FieldType::kStringArray:
    case FieldType::kEnumArray: {
      if (!v.is_array()) return bad("must be an array, got " + describe(v));
      if (v.size() < f.min || v.size() > f.max) {
        return bad("must have " + range_text(f.min, f.max) + " items, has " + std::to_string(v.size()));
      }
      for (const auto& item : v) {
        if (!item.is_string()) return bad("items must be strings, got " + describe(item));
        if (f.type == FieldType::kEnumArray &&
            std::find(f.values.begin(), f.values.end(), item.get<std::string>()) == f.values.end()) {
          return bad("unknown item " + describe(item));
        }
      }
      return;
    }
  }
}

}  // namespace

std::vector<Issue> validate(const nlohmann::json& record, Mode mode) {
  std::vector<Issue> out;
  if (!record.is_object()) {
    out.push_back({"", "a record must be a JSON object"});
    return out;
  }
  for (const auto& f : fields()) {
    auto it = record.find(f.name);
    if (it == record.end()) {
      const bool needed = mode == Mode::kComplete
                              ? f.required
                              : std::find(import_required().begin(), import_required().end(), f.name) !=
                                    import_required().end();
      if (needed) out.push_back({f.name, "is missing"});
      continue;
    }
    check_value(f, *it, &out);
  }
  if (auto it = record.find("codex_schema_version"); it != record.end() && it->is_string()) {
    const std::string v = it->get<std::string>();
    if (v.empty() || v.substr(0, v.find('.')) != "1") out.push_back({"codex_schema_version", "unsupported version " + describe(*it)});
  }
  return out;
}

nlohmann::json json_schema() {
  nlohmann::json props = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& f : fields()) {
    nlohmann::json p;
    switch (f.type) {
      case FieldType::kString: p = {{"type", "string"}}; break;
      case FieldType::kNumber: p = {{"type", "number"}, {"minimum", f.min}, {"maximum", f.max}}; break;
      case FieldType::kInteger: p = {{"type", "integer"}, {"minimum", f.min}, {"maximum", f.max}}; break;
      case FieldType::kEnum: p = {{"type", "string"}, {"enum", f.values}}; break;
      case FieldType::kCamelot: p = {{"type", "string"}, {"pattern", "^(1[0-2]|[1-9])[AB]$"}}; break;
      case FieldType::kStringArray:
        p = {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", f.min}, {"maxItems", f.max}};
        break;
      case FieldType::kEnumArray:
        p = {{"type", "array"}, {"items", {{"type", "string"}, {"enum", f.values}}}, {"minItems", f.min},
             {"maxItems", f.max}};
        break;
    }
    if (f.nullable) p["nullable"] = true;
    p["description"] = f.description;
    props[f.name] = p;
    if (f.required) required.push_back(f.name);
  }
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"title", "CODEX track features"},
          {"version", kSchemaVersion},
          {"type", "object"},
          {"properties", props},
          {"required", required},
          {"additionalProperties", true}};
}

}  // namespace codex::schema
