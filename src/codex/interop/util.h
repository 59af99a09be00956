// Small helpers the format readers share (internal to interop).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codex/interop/dj_library.h"

namespace codex::interop::detail {

// A finite number from the start of the text ("128.00"), or nullopt.
std::optional<double> number(std::string_view text);
// "0xFF0000", "#FF0000" or "FF0000" -> 0xFF0000.
std::optional<uint32_t> hex_color(std::string_view text);
std::string hex_color_text(uint32_t rgb, const char* prefix);  // ("0x") -> "0xFF0000"
// "2024-05-01" found anywhere in the text (also "2024/5/1", "2024_05_01"), as YYYY-MM-DD, or "".
std::string find_date(std::string_view text);
// The number formatted without trailing noise: 128 -> "128.00" with `decimals` places.
std::string fixed(double v, int decimals);

// One warning for the tracks read without a usable file location ("12 tracks have no file location
// (streaming or unreadable): skipped"); `what` names them in the program's terms.
void warn_unlocated(DjLibrary& library, const std::string& what);

}  // namespace codex::interop::detail
