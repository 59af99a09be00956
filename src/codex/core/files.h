// Reading the files CODEX is pointed at (models, weights, DJ libraries, its own snapshot): only
// regular files. A FIFO or a device at such a path would block a reader forever (open() of a FIFO
// waits for a writer), so it is refused with one clear line instead.
#pragma once

#include <string>

#include "codex/core/status.h"

namespace codex::files {

// OK when `path` is a regular file (after symlinks); else "<what> <path> is not a regular file" or
// the reason it cannot be read. Never opens the path.
Status require_regular(const std::string& path, const std::string& what);

// The whole of a regular file of at most `max_bytes`.
Result<std::string> read_regular(const std::string& path, const std::string& what, size_t max_bytes);

}  // namespace codex::files
