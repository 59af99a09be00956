#include "codex/schema/record.h"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace codex::schema {
namespace {

using nlohmann::json;

// Reading one value; false when it does not fit the type (the caller keeps it verbatim).
bool decode(const json& j, std::string* out) {
  if (!j.is_string()) return false;
  *out = j.get<std::string>();
  return true;
}
bool decode(const json& j, double* out) {
  if (!j.is_number()) return false;
  *out = j.get<double>();
  return std::isfinite(*out);
}
bool decode(const json& j, int64_t* out) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return false;
    }
    *out = j.get<int64_t>();
    return true;
  }
  // A whole number written as a float (7.0) is the integer it names.
  if (!j.is_number_float()) return false;
  const double d = j.get<double>();
  if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return false;
  *out = static_cast<int64_t>(d);
  return true;
}
bool decode(const json& j, music::Key* out) {
  if (!j.is_string()) return false;
  const std::string s = j.get<std::string>();
  auto k = music::parse_key(s);
  if (!k || k->camelot() != s) return false;  // only the Camelot spelling round-trips
  *out = *k;
  return true;
}
template <typename T>
bool decode(const json& j, std::vector<T>* out) {
  if (!j.is_array()) return false;
  std::vector<T> v;
  v.reserve(j.size());
  for (const auto& item : j) {
    T x{};
    if (!decode(item, &x)) return false;
    v.push_back(std::move(x));
  }
  *out = std::move(v);
  return true;
}

json encode(const std::string& v) { return v; }
json encode(double v) { return v; }
json encode(int64_t v) { return v; }
json encode(const music::Key& v) { return v.camelot(); }
template <const auto& V>
json encode(const Choice<V>& v) {
  return v.str();
}
template <typename T>
json encode(const std::vector<T>& v) {
  json a = json::array();
  for (const auto& x : v) a.push_back(encode(x));
  return a;
}

template <typename T>
void read_field(const json& value, const char* name, FieldId id, Value<T>* field, json* extra, uint64_t* spelling) {
  const json* it = &value;
  if (it->is_null()) {
    field->set_null();
    return;
  }
  if constexpr (std::is_same_v<T, Sections>) {
    // Enum arrays (Choice has no default value).
    Sections v;
    if (it->is_array()) {
      bool ok = true;
      for (const auto& item : *it) {
        auto c = item.is_string() ? Section::parse(item.get_ref<const std::string&>()) : std::nullopt;
        if (!c) {
          ok = false;
          break;
        }
        v.push_back(*c);
      }
      if (ok) {
        field->set(std::move(v));
        return;
      }
    }
    (*extra)[name] = *it;
  } else if constexpr (std::is_default_constructible_v<T>) {
    T v{};
    if (decode(*it, &v)) {
      field->set(std::move(v));
      if constexpr (std::is_same_v<T, double>) {
        if (it->is_number_integer()) *spelling |= uint64_t{1} << static_cast<int>(id);
      } else if constexpr (std::is_same_v<T, int64_t>) {
        if (it->is_number_float()) *spelling |= uint64_t{1} << static_cast<int>(id);
      }
    } else {
      (*extra)[name] = *it;
    }
  } else {
    // Enums.
    auto c = it->is_string() ? T::parse(it->template get_ref<const std::string&>()) : std::nullopt;
    if (c) field->set(*c);
    else (*extra)[name] = *it;
  }
}

template <typename T>
void write_field(const Value<T>& field, const char* name, FieldId id, uint64_t spelling, json* out) {
  if (!field.present()) return;
  if (!field) {
    (*out)[name] = nullptr;
    return;
  }
  const bool other = (spelling >> static_cast<int>(id)) & 1u;
  if constexpr (std::is_same_v<T, double>) {
    if (other && *field == std::floor(*field) && std::fabs(*field) < 9.0e15) {
      (*out)[name] = static_cast<int64_t>(*field);
      return;
    }
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (other) {
      (*out)[name] = static_cast<double>(*field);
      return;
    }
  }
  (*out)[name] = encode(*field);
}

// Field name -> its place in the table.
const std::unordered_map<std::string_view, FieldId>& field_index() {
  static const std::unordered_map<std::string_view, FieldId> kIndex = {
#define CODEX_INDEX_ENTRY(n, ...) {#n, FieldId::n},
      CODEX_SCHEMA_FIELDS(CODEX_INDEX_ENTRY)
#undef CODEX_INDEX_ENTRY
  };
  return kIndex;
}

}  // namespace

TrackRecord from_json(const json& j) {
  TrackRecord r;
  if (!j.is_object()) return r;
  const auto& index = field_index();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (auto f = index.find(k); f != index.end()) {
      switch (f->second) {
#define CODEX_READ_FIELD(n, type, kind, req, nul, lo, hi, values, group, desc) \
  case FieldId::n:                                                             \
    read_field(*it, #n, FieldId::n, &r.n, &r.extra, &r.other_spelling);       \
    break;
        CODEX_SCHEMA_FIELDS(CODEX_READ_FIELD)
#undef CODEX_READ_FIELD
        case FieldId::kCount: break;
      }
      continue;
    }
    if (k == "provenance" && it->is_object()) {
      std::map<std::string, std::string> p;
      bool ok = true;
      for (auto f = it->begin(); f != it->end() && ok; ++f) {
        if (f->is_string()) p[f.key()] = f->get<std::string>();
        else ok = false;
      }
      if (ok) {
        r.provenance = std::move(p);
        continue;
      }
    }
    if (k == "field_confidence" && it->is_object()) {
      std::map<std::string, double> c;
      bool ok = true;
      for (auto f = it->begin(); f != it->end() && ok; ++f) {
        if (f->is_number_float()) c[f.key()] = f->get<double>();
        else ok = false;
      }
      if (ok) {
        r.field_confidence = std::move(c);
        continue;
      }
    }
    r.extra[k] = *it;
  }
  return r;
}

json to_json(const TrackRecord& r) {
  json out = r.extra.is_object() ? r.extra : json::object();
#define CODEX_WRITE_FIELD(n, type, kind, req, nul, lo, hi, values, group, desc) \
  write_field(r.n, #n, FieldId::n, r.other_spelling, &out);
  CODEX_SCHEMA_FIELDS(CODEX_WRITE_FIELD)
#undef CODEX_WRITE_FIELD
  if (r.provenance) out["provenance"] = *r.provenance;
  if (r.field_confidence) out["field_confidence"] = *r.field_confidence;
  return out;
}

bool has_field(const TrackRecord& r, std::string_view name) {
#define CODEX_HAS_FIELD(n, type, kind, req, nul, lo, hi, values, group, desc) \
  if (name == #n) return r.n.present();
  CODEX_SCHEMA_FIELDS(CODEX_HAS_FIELD)
#undef CODEX_HAS_FIELD
  return false;
}

}  // namespace codex::schema
