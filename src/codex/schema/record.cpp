#include "codex/schema/record.h"

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

namespace codex::schema {
namespace {

using nlohmann::json;

// Reading one value of type T; nullopt when it does not fit (the caller keeps it verbatim).
template <typename T>
struct Tag {};

std::optional<std::string> decode(const json& j, Tag<std::string>) {
  if (!j.is_string()) return std::nullopt;
  return j.get<std::string>();
}
std::optional<double> decode(const json& j, Tag<double>) {
  if (!j.is_number()) return std::nullopt;
  const double d = j.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}
std::optional<int64_t> decode(const json& j, Tag<int64_t>) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return j.get<int64_t>();
  }
  // A whole number written as a float (7.0) is the integer it names.
  if (!j.is_number_float()) return std::nullopt;
  const double d = j.get<double>();
  if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return std::nullopt;
  return static_cast<int64_t>(d);
}
std::optional<music::Key> decode(const json& j, Tag<music::Key>) {
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  auto k = music::parse_key(s);
  if (!k || k->camelot() != s) return std::nullopt;  // only the Camelot spelling round-trips
  return k;
}
template <const auto& V>
std::optional<Choice<V>> decode(const json& j, Tag<Choice<V>>) {
  if (!j.is_string()) return std::nullopt;
  return Choice<V>::parse(j.get_ref<const std::string&>());
}
template <typename T>
std::optional<std::vector<T>> decode(const json& j, Tag<std::vector<T>>) {
  if (!j.is_array()) return std::nullopt;
  std::vector<T> v;
  v.reserve(j.size());
  for (const auto& item : j) {
    auto x = decode(item, Tag<T>{});
    if (!x) return std::nullopt;
    v.push_back(std::move(*x));
  }
  return v;
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
  if (value.is_null()) {
    field->set_null();
    return;
  }
  auto v = decode(value, Tag<T>{});
  if (!v) {
    (*extra)[name] = value;
    return;
  }
  field->set(std::move(*v));
  // A number spelled the other way is written back the same way.
  if ((std::is_same_v<T, double> && value.is_number_integer()) || (std::is_same_v<T, int64_t> && value.is_number_float())) {
    *spelling |= uint64_t{1} << static_cast<int>(id);
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

std::optional<Mood> mood_of(const TrackRecord& r) {
  auto number = [&](const char* name) -> std::optional<double> {
    const auto it = r.extra.find(name);
    if (it == r.extra.end()) return std::nullopt;
    const nlohmann::json* v = &*it;
    if (v->is_object()) {
      const auto inner = v->find("value");
      if (inner == v->end()) return std::nullopt;
      v = &*inner;
    }
    if (!v->is_number()) return std::nullopt;
    const double x = v->get<double>();
    if (!std::isfinite(x) || x < -1.0 || x > 1.0) return std::nullopt;
    return x;
  };
  const auto v = number("valence"), a = number("arousal");
  if (!v || !a) return std::nullopt;
  return Mood{*v, *a};
}

}  // namespace codex::schema
