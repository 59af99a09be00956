// Paths as DJ programs write them, made comparable across systems: `file://localhost` URLs and
// percent-encoding, Windows drive letters and backslashes, Traktor's `VOLUME` + `/:dir/:` form, and
// Unicode normalised to NFC (macOS writes NFD).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codex::interop {

// "file://localhost/C:/Music/a%20b.mp3" -> "C:/Music/a b.mp3"; "C:\\Music\\x.mp3" -> "C:/Music/x.mp3";
// "/Users/me/M%C3%BAsica/x.mp3" (NFD or NFC) -> NFC. "." and ".." components are resolved; "" when
// the text is not a path (empty, a URL of another scheme, or climbing above its root with "..").
std::string normalize_path(std::string_view location);

// Percent-decoding ("%20" -> " "); a malformed escape is kept as written.
std::string percent_decode(std::string_view text);
// The inverse for a file URL's path (RFC 3986 unreserved characters and "/" kept).
std::string percent_encode_path(std::string_view path);

// Unicode NFC of UTF-8 text (invalid UTF-8 is returned as it came).
std::string nfc(std::string_view text);

// Traktor's location: VOLUME="Macintosh HD" DIR="/:Users/:me/:Music/:" FILE="a.mp3" ->
// "/Users/me/Music/a.mp3"; VOLUME="C:" -> "C:/..."; another Mac volume -> "/Volumes/NAME/...".
std::string traktor_path(std::string_view volume, std::string_view dir, std::string_view file);
// The reverse, for export: {volume, dir, file}.
struct TraktorLocation {
  std::string volume, dir, file;
};
TraktorLocation traktor_location(std::string_view path);

// The path's components ("C:/a/b.mp3" -> {"C:", "a", "b.mp3"}).
std::vector<std::string> path_parts(std::string_view path);

}  // namespace codex::interop
