#include "codex/semantic/repair.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "codex/core/text.h"
#include "codex/music/key.h"
#include "codex/schema/schema.h"

namespace codex::semantic {
namespace {

// The outermost {...} of the text, ignoring code fences and any prose around them.
std::string extract_object(const std::string& text) {
  const size_t open = text.find('{');
  const size_t close = text.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return text.substr(open, close - open + 1);
}

std::string normalise_enum(std::string s) {
  s = ascii_lower(s);
  for (auto& c : s) {
    if (c == ' ' || c == '_') c = '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  while (!s.empty() && s.front() == '-') s.erase(s.begin());
  return s;
}

}  // namespace

Repaired repair_reply(const std::string& raw) {
  Repaired out;
  const std::string text = to_valid_utf8(raw);
  const std::string body = extract_object(text);
  if (body.empty()) {
    out.errors.push_back("the reply holds no JSON object");
    return out;
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    out.errors.push_back("the reply's JSON does not parse");
    return out;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const schema::FieldSpec* f = schema::find_field(it.key());
    nlohmann::json v = it.value();
    if (!f) {  // extra fields are kept as they are
      out.record[it.key()] = v;
      continue;
    }
    const std::string name = f->name;
    using T = schema::FieldType;
    // Numbers sent as strings.
    if ((f->type == T::kNumber || f->type == T::kInteger) && v.is_string()) {
      const std::string s = v.get<std::string>();
      char* end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() && *end == '\0' && std::isfinite(d)) {
        v = d;
        out.warnings.push_back(name + ": number given as text");
      }
    }
    if ((f->type == T::kNumber || f->type == T::kInteger) && v.is_number()) {
      double d = v.get<double>();
      if (f->type == T::kInteger && d != std::floor(d)) {
        d = std::round(d);
        out.warnings.push_back(name + ": rounded to a whole number");
      }
      if (d < f->min || d > f->max) {
        const double c = std::clamp(d, f->min, f->max);
        out.warnings.push_back(name + ": " + std::to_string(d) + " clamped to " + std::to_string(c));
        d = c;
      }
      v = f->type == T::kInteger ? nlohmann::json(static_cast<int64_t>(d)) : nlohmann::json(d);
    }
    if (f->type == T::kCamelot && v.is_string()) {
      if (auto k = music::parse_key(v.get<std::string>()); k && k->camelot() != v.get<std::string>()) {
        out.warnings.push_back(name + ": \"" + v.get<std::string>() + "\" written as " + k->camelot());
        v = k->camelot();
      }
    }
    if (f->type == T::kEnum && v.is_string()) {
      const std::string n = normalise_enum(v.get<std::string>());
      if (n != v.get<std::string>() && std::find(f->values.begin(), f->values.end(), n) != f->values.end()) {
        out.warnings.push_back(name + ": \"" + v.get<std::string>() + "\" read as " + n);
        v = n;
      }
    }
    if ((f->type == T::kStringArray || f->type == T::kEnumArray) && v.is_array()) {
      if (f->type == T::kEnumArray) {
        for (auto& item : v) {
          if (item.is_string()) item = normalise_enum(item.get<std::string>());
        }
      }
      if (v.size() > f->max) {
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(f->max), v.end());
        out.warnings.push_back(name + ": trimmed to " + std::to_string(static_cast<int>(f->max)) + " items");
      }
    }
    // Whatever still fails its check is dropped with the reason.
    nlohmann::json probe = {{name, v}};
    bool bad = false;
    for (const auto& issue : schema::validate(probe, schema::Mode::kImport)) {
      if (issue.field == name) {
        out.errors.push_back(name + " " + issue.message);
        bad = true;
      }
    }
    if (!bad) out.record[name] = v;
  }
  out.ok = true;
  return out;
}

}  // namespace codex::semantic
