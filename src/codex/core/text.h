// Small text helpers shared by the front ends and the corpus.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace codex {

// Replaces bytes that are not valid UTF-8 with U+FFFD so a path or tag can be printed or put in JSON.
std::string to_valid_utf8(std::string_view bytes);

// Outside text (titles, tags, file names, error text) for a terminal: valid UTF-8, and every
// control character — C0 (newline, ESC ...), DEL and C1 — shown as an escape (\x1b, \u009b)
// instead of acting on the terminal. The one policy for human-readable output; JSON stays exact.
std::string printable(std::string_view bytes);

// Whether the bytes are valid UTF-8 (what to_valid_utf8 would leave unchanged).
bool is_valid_utf8(std::string_view bytes);

// Standard base64 (RFC 4648, with padding); decode returns nullopt for anything else.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// Lower-case ASCII copy.
std::string ascii_lower(std::string_view s);

// Current UTC time as ISO 8601 ("2026-11-25T18:07:23Z").
std::string utc_now_iso8601();

// Lower-case hex of bytes.
std::string to_hex(const unsigned char* data, size_t n);

}  // namespace codex
