// A streaming XML reader over expat with the limits a file from elsewhere needs: no DTD (so no
// entity expansion, internal or external), bounded nesting depth and attribute size, and one clear
// error line with the line number for a malformed or truncated file. DJ collections reach tens of
// megabytes; nothing is kept but what the handler keeps.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codex/core/status.h"

namespace codex::interop {

struct XmlElement {
  std::string_view name;
  const char** attrs = nullptr;  // expat's name/value pairs, null-terminated
  size_t depth = 0;              // 1 for the root
  // The attribute's value, or "" when absent.
  std::string_view attr(std::string_view key) const;
  bool has(std::string_view key) const;
};

struct XmlHandler {
  std::function<void(const XmlElement&)> start;
  std::function<void(std::string_view name, size_t depth)> end;
};

struct XmlLimits {
  size_t max_depth = 64;
  size_t max_attribute_bytes = 1 << 20;
};

// Parses the file, calling the handler; an error names the file's problem and line.
Status parse_xml_file(const std::string& path, const XmlHandler& handler, const XmlLimits& limits = {});
Status parse_xml_text(std::string_view text, const XmlHandler& handler, const XmlLimits& limits = {});

// Escapes text for an attribute value (&, <, >, ", and control characters dropped).
std::string xml_escape(std::string_view text);

}  // namespace codex::interop
