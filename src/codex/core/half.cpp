#include "codex/core/half.h"

#include <cmath>

#include "codex/core/text.h"

namespace codex {

std::string halves_base64(const float* v, size_t n) {
  std::string bytes(2 * n, '\0');
  for (size_t i = 0; i < n; ++i) {
    const uint16_t h = float_to_half(v[i]);
    bytes[2 * i] = static_cast<char>(h & 0xFF);
    bytes[2 * i + 1] = static_cast<char>(h >> 8);
  }
  return base64_encode(bytes);
}

std::optional<std::vector<float>> halves_from_base64(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->size() % 2 != 0) return std::nullopt;
  std::vector<float> v(bytes->size() / 2);
  for (size_t i = 0; i < v.size(); ++i) {
    const auto lo = static_cast<uint8_t>((*bytes)[2 * i]), hi = static_cast<uint8_t>((*bytes)[2 * i + 1]);
    v[i] = half_to_float(static_cast<uint16_t>(lo | (hi << 8)));
  }
  return v;
}

std::optional<std::vector<float>> finite_halves(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  auto v = halves_from_base64(it->get_ref<const std::string&>());
  if (!v) return std::nullopt;
  for (float x : *v) {
    if (!std::isfinite(x)) return std::nullopt;
  }
  return v;
}

}  // namespace codex
