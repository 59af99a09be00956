#include "codex/schema/schema.h"

#include <string_view>

#include <algorithm>
#include <cmath>

#include "codex/music/key.h"

namespace codex::schema {

namespace {
template <size_t N>
std::vector<std::string> value_list(const std::array<std::string_view, N>& values) {
  return {values.begin(), values.end()};
}
}  // namespace

const std::vector<FieldSpec>& fields() {
  static const std::vector<FieldSpec> kFields = {
#define CODEX_FIELD_SPEC(n, type, kind, req, nul, lo, hi, values, group, desc) \
  {#n, FieldType::kind, req, nul, lo, hi, value_list(values), group, desc},
      CODEX_SCHEMA_FIELDS(CODEX_FIELD_SPEC)
#undef CODEX_FIELD_SPEC
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
      if (v.get_ref<const std::string&>().size() > f.max) return bad("is longer than " + std::to_string(static_cast<long long>(f.max)) + " bytes");
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

void fit_to_limits(nlohmann::json& record) {
  if (!record.is_object()) return;
  for (const FieldSpec& f : fields()) {
    auto it = record.find(f.name);
    if (it == record.end()) continue;
    if (f.type == FieldType::kString && it->is_string()) {
      std::string& text = it->get_ref<std::string&>();
      const size_t max = static_cast<size_t>(f.max);
      if (text.size() <= max) continue;
      size_t cut = max;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      text.resize(cut);
    } else if ((f.type == FieldType::kStringArray || f.type == FieldType::kEnumArray) && it->is_array()) {
      const size_t max = static_cast<size_t>(f.max);
      if (it->size() > max) it->erase(it->begin() + static_cast<std::ptrdiff_t>(max), it->end());
    } else if (f.type == FieldType::kNumber && std::string_view(f.name) == "duration_seconds" && it->is_number()) {
      const double d = it->get<double>();
      if (std::isfinite(d) && d > f.max) *it = f.max;
    }
  }
}

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
  // A track id names a track in paths, URLs and terminals: no control characters, no path separators.
  if (auto it = record.find("track_id"); it != record.end() && it->is_string()) {
    for (unsigned char c : it->get_ref<const std::string&>()) {
      if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') {
        out.push_back({"track_id", "must not contain control characters or path separators"});
        break;
      }
    }
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
