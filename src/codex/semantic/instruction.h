// The versioned instruction sent with every track's audio to the LLM. A reply is cached by
// (track, model, prompt version): change the text, change the version.
#pragma once

#include <string>

namespace codex::semantic {

inline constexpr const char* kPromptVersion = "dj-1";
const std::string& instruction_prompt();  // the versioned instruction text

}  // namespace codex::semantic
