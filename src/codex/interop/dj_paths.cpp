#include "codex/interop/dj_paths.h"

#include <utf8proc.h>

#include <cctype>
#include <cstdlib>

#include "codex/core/text.h"

namespace codex::interop {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_drive(std::string_view s) {
  return s.size() == 2 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == ':';
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string percent_encode_path(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string nfc(std::string_view text) {
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c < 0x80;
  if (ascii || !is_valid_utf8(text)) return std::string(text);
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0 || out == nullptr) {
    std::free(out);
    return std::string(text);
  }
  std::string s(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return s;
}

std::vector<std::string> path_parts(std::string_view path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

std::string normalize_path(std::string_view location) {
  std::string s(location);
  // Trim spaces and line ends (playlists written on Windows end lines with \r).
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\t')) ++start;
  s.erase(0, start);
  if (s.empty() || s.find('\0') != std::string::npos) return "";
  const std::string lower = ascii_lower(s.substr(0, std::min<size_t>(s.size(), 17)));
  if (lower.rfind("file://", 0) == 0) {
    s = s.substr(7);
    if (ascii_lower(s.substr(0, std::min<size_t>(s.size(), 10))).rfind("localhost", 0) == 0) s = s.substr(9);
    s = percent_decode(s);
    if (s.find('\0') != std::string::npos) return "";  // "%00": no file has that name
    // "file:///C:/x" -> "/C:/x": drop the slash before a drive letter.
    if (s.size() >= 3 && s[0] == '/' && is_drive(s.substr(1, 2))) s.erase(0, 1);
  } else if (lower.find("://") != std::string::npos && lower.find("://") < 10) {
    return "";  // http://, spotify:// ...: not a file
  }
  for (char& c : s) {
    if (c == '\\') c = '/';
  }
  const bool absolute = !s.empty() && s[0] == '/';
  const bool unc = s.rfind("//", 0) == 0;
  std::vector<std::string> parts;
  for (auto& p : path_parts(s)) {
    if (p == ".") continue;
    if (p == "..") {
      if (parts.empty() || (parts.size() == 1 && is_drive(parts[0]))) return "";  // climbs above its root
      parts.pop_back();
      continue;
    }
    parts.push_back(p);
  }
  if (parts.empty()) return "";
  if (is_drive(parts[0])) parts[0][0] = static_cast<char>(std::toupper(static_cast<unsigned char>(parts[0][0])));
  std::string out = unc ? "//" : (absolute && !is_drive(parts[0]) ? "/" : "");
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out += parts[i];
  }
  return nfc(out);
}

std::string traktor_path(std::string_view volume, std::string_view dir, std::string_view file) {
  // DIR is "/:" separated: "/:Users/:me/:Music/:".
  std::string d;
  for (size_t i = 0; i < dir.size(); ++i) {
    if (dir[i] == '/' && i + 1 < dir.size() && dir[i + 1] == ':') {
      d.push_back('/');
      ++i;
    } else {
      d.push_back(dir[i]);
    }
  }
  std::string vol(volume);
  std::string prefix;
  if (is_drive(vol)) {
    prefix = vol;
  } else if (!vol.empty() && vol != "Macintosh HD") {
    // A Mac's other volumes are mounted under /Volumes; its start-up disk is "/".
    prefix = "/Volumes/" + vol;
  }
  std::string joined = prefix + (d.empty() || d[0] != '/' ? "/" : "") + d;
  if (joined.empty() || joined.back() != '/') joined.push_back('/');
  joined += file;
  return normalize_path(joined);
}

TraktorLocation traktor_location(std::string_view path) {
  TraktorLocation loc;
  std::vector<std::string> parts = path_parts(path);
  if (parts.empty()) return loc;
  loc.file = parts.back();
  parts.pop_back();
  size_t first = 0;
  if (!parts.empty() && is_drive(parts[0])) {
    loc.volume = parts[0];
    first = 1;
  } else if (parts.size() >= 2 && parts[0] == "Volumes") {
    loc.volume = parts[1];
    first = 2;
  } else {
    loc.volume = "Macintosh HD";  // Traktor's name for the start-up disk; a Linux path is read back the same
  }
  loc.dir = "/:";
  for (size_t i = first; i < parts.size(); ++i) loc.dir += parts[i] + "/:";
  return loc;
}

}  // namespace codex::interop
