// The booth page's files (server/page/), compiled into the binary so it works offline.
#pragma once

#include <string>
#include <string_view>

namespace codex::server {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// "/" is index.html; null for a path that is not a page file.
const Asset* page_asset(const std::string& path);

}  // namespace codex::server
