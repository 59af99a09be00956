// `codex tag`: CODEX's key, BPM and energy written into the audio files' own tags (and a comment),
// so every DJ program sees them. A dry run by default; with `write`, each file is tagged through a
// copy that must keep the audio exactly (the track id, a hash of the audio, is checked before the
// copy replaces the file).
#pragma once

#include <string>
#include <vector>

#include "codex/core/status.h"
#include "codex/corpus/corpus.h"
#include "codex/interop/tags.h"

namespace codex::library {

struct TagOptions {
  std::string key_notation = "camelot";  // camelot | musical ("Am", as ID3's TKEY describes) | open-key
  bool write = false;
};

struct TagItem {
  std::string track_id, path;
  interop::TagValues before, after;  // the fields that change: their old and new values
  bool written = false;
  std::string error;  // why this file was not (or could not be) tagged
};

// The comment CODEX writes: its part first ("8A - Energy 6 (CODEX)"), then what the DJ wrote, kept;
// an earlier CODEX part is replaced, not repeated.
std::string codex_comment(const std::string& camelot, std::optional<int64_t> energy, const std::string& old_comment);

// For the tracks named (ids, prefixes or paths; every analysed track with a file when empty).
Result<std::vector<TagItem>> tag_tracks(corpus::Corpus& corpus, const std::vector<std::string>& tracks, const TagOptions& options);

}  // namespace codex::library
