// Key notations of the DJ programs.
#include "codex/interop/dj_library.h"
#include "codex/music/key.h"

namespace codex::interop {

namespace {
const char* const kShortNames[12] = {"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
}

std::string camelot_from_text(const std::string& text) {
  auto k = music::parse_key(text);
  return k ? k->camelot() : "";
}

std::string rekordbox_key(const std::string& camelot) {
  auto k = music::parse_key(camelot);
  if (!k) return "";
  return std::string(kShortNames[k->tonic]) + (k->minor ? "m" : "");
}

std::string traktor_key_text(const std::string& camelot) {
  auto k = music::parse_key(camelot);
  return k ? k->open_key() : "";
}

int traktor_key_value(const std::string& camelot) {
  auto k = music::parse_key(camelot);
  if (!k) return -1;
  return k->tonic + (k->minor ? 12 : 0);
}

}  // namespace codex::interop
