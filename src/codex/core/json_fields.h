// Reading optional fields from JSON objects (records, analyzer results) without exceptions:
// a missing key, a value of another type, or a non-object gives nullopt.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace codex {

inline std::optional<double> json_number(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

inline std::optional<std::string> json_string(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
}

}  // namespace codex
