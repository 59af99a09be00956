#include "codex/interop/util.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace codex::interop::detail {

std::optional<double> number(std::string_view text) {
  std::string s(text.substr(0, std::min<size_t>(text.size(), 64)));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<uint32_t> hex_color(std::string_view text) {
  if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text.remove_prefix(2);
  else if (text.rfind("#", 0) == 0) text.remove_prefix(1);
  if (text.empty() || text.size() > 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return v & 0xFFFFFFu;
}

std::string hex_color_text(uint32_t rgb, const char* prefix) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%06X", prefix, rgb & 0xFFFFFFu);
  return buf;
}

std::string find_date(std::string_view t) {
  for (size_t i = 0; i + 8 <= t.size(); ++i) {
    auto digits = [&](size_t at, size_t n, int& out) {
      out = 0;
      size_t k = 0;
      for (; k < n && at + k < t.size() && std::isdigit(static_cast<unsigned char>(t[at + k])); ++k) out = out * 10 + (t[at + k] - '0');
      return k;
    };
    if (i > 0 && std::isdigit(static_cast<unsigned char>(t[i - 1]))) continue;
    int y = 0, m = 0, d = 0;
    if (digits(i, 4, y) != 4 || y < 1990 || y > 2100) continue;
    size_t at = i + 4;
    if (at >= t.size() || (t[at] != '-' && t[at] != '/' && t[at] != '_' && t[at] != '.')) continue;
    const char sep = t[at];
    const size_t nm = digits(at + 1, 2, m);
    if (nm == 0 || m < 1 || m > 12) continue;
    at += 1 + nm;
    if (at >= t.size() || t[at] != sep) continue;
    const size_t nd = digits(at + 1, 2, d);
    if (nd == 0 || d < 1 || d > 31) continue;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  return "";
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void warn_unlocated(DjLibrary& lib, const std::string& what) {
  size_t n = 0;
  for (const auto& t : lib.tracks) n += t.path.empty() ? 1 : 0;
  if (n) lib.warnings.push_back(std::to_string(n) + " " + what + " have no file location (streaming or unreadable): skipped");
}

}  // namespace codex::interop::detail
