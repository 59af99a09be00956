#include "codex/library/scan.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "codex/core/text.h"

namespace fs = std::filesystem;

namespace codex::library {

bool has_audio_extension(const std::string& path) {
  static const std::set<std::string> kExt = {".mp3", ".m4a", ".mp4", ".aac", ".alac", ".flac", ".wav",
                                             ".wave", ".aif", ".aiff", ".aifc", ".ogg", ".oga", ".opus",
                                             ".wma", ".mka", ".webm"};
  return kExt.count(ascii_lower(fs::path(path).extension().string())) > 0;
}

namespace {

// Classifies one path that is to be analysed as a file.
void consider_file(const fs::path& p, bool named_explicitly, ScanResult* out) {
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);  // follows links
  if (ec || st.type() == fs::file_type::not_found) {
    // A broken link found in a folder matters only if it was meant to be audio (a dangling link to
    // a cover image is not a failed track).
    if (!named_explicitly && !has_audio_extension(p.string())) return;
    const bool dangling = fs::is_symlink(fs::symlink_status(p, ec));
    out->problems.emplace_back(p.string(), dangling ? "broken link" : "no such file or directory");
    return;
  }
  if (st.type() == fs::file_type::regular) {
    if (named_explicitly || has_audio_extension(p.string())) out->files.push_back(p.string());
    return;
  }
  if (named_explicitly || has_audio_extension(p.string())) out->problems.emplace_back(p.string(), "not a regular file");
}

}  // namespace

ScanResult scan_paths(const std::vector<std::string>& paths, const std::atomic<bool>* cancel) {
  ScanResult out;
  auto stop = [&] { return cancel && cancel->load() && (out.cancelled = true); };
  for (const auto& arg : paths) {
    if (stop()) break;
    std::error_code ec;
    const fs::path p = fs::absolute(fs::path(arg), ec).lexically_normal();
    if (fs::is_directory(p, ec)) {
      auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        out.problems.emplace_back(p.string(), "cannot read folder: " + ec.message());
        continue;
      }
      for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
        if (ec) {
          out.problems.emplace_back(p.string(), "cannot read folder: " + ec.message());
          break;
        }
        if (stop()) break;
        std::error_code ec2;
        if (it->is_directory(ec2)) continue;
        consider_file(it->path(), false, &out);
      }
    } else {
      consider_file(p, true, &out);
    }
  }
  std::sort(out.files.begin(), out.files.end());
  out.files.erase(std::unique(out.files.begin(), out.files.end()), out.files.end());
  return out;
}

}  // namespace codex::library
