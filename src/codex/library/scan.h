// Turns the paths a user names into the list of audio files to analyse: folders are walked
// recursively (without following folder links, so link loops cannot trap us), audio is picked by
// file extension, and anything that cannot be read as a file (a FIFO, a broken link, a missing
// path) is reported instead of being handed to the decoder.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

namespace codex::library {

struct ScanResult {
  std::vector<std::string> files;                              // absolute, sorted, unique
  std::vector<std::pair<std::string, std::string>> problems;   // path, reason
  bool cancelled = false;  // stopped by `cancel`: the lists hold what was found until then
};

bool has_audio_extension(const std::string& path);
// `cancel` is checked at every entry of a folder walk (a large library takes a while to walk).
ScanResult scan_paths(const std::vector<std::string>& paths, const std::atomic<bool>* cancel = nullptr);

}  // namespace codex::library
