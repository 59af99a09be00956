// Gemini REST client (generateContent) for semantic features, on the user's own API key. Sends
// the instruction text and an audio rendition CODEX made (no tags, no file name, no title or
// artist) as inline data, asks for JSON matching the CODEX schema, and returns the reply text
// with its token counts. Retries 429 and 5xx with exponential back-off and jitter, honouring
// Retry-After; times out slow replies. The key travels only in the x-goog-api-key header and
// is never printed. Nothing here runs unless the user opts in.
#pragma once

#include "codex/core/text.h"

#include <cstdint>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codex/core/settings.h"
#include "codex/core/status.h"

namespace codex::semantic {

struct GeminiConfig {
  std::string api_key;                                           // from GEMINI_API_KEY
  std::string model = "gemini-2.5-flash";
  std::string base_url = "https://generativelanguage.googleapis.com";  // CODEX_GEMINI_BASE_URL overrides
  int timeout_s = 120;
  int max_retries = 4;
  double backoff_base_s = 1.0;   // first retry waits about this long, doubling each time
  double max_wait_s = 60.0;
  size_t inline_limit_bytes = 20u * 1024 * 1024;  // larger audio goes through the Files API
  // Sleeps between retries; tests replace it to avoid waiting.
  std::function<void(double seconds)> sleep;
  // When set and it turns true, a request in flight is broken off and retries stop: the call
  // returns "cancelled" within about a tenth of a second (Ctrl-C during `analyze --llm`).
  const std::atomic<bool>* cancel = nullptr;
};

// The key, model and base URL of the settings in effect (file < environment, core/settings.h).
GeminiConfig gemini_config_from(const Settings& settings);

struct GeminiRequest {
  std::string instruction;        // the versioned instruction prompt
  std::string audio_mime;         // e.g. "audio/mp3"
  std::vector<uint8_t> audio;     // the rendition's bytes (inline below the limit, else uploaded)
  std::string file_uri;           // set when the audio was uploaded with the Files API
  nlohmann::json response_schema; // gemini_response_schema()
};

struct GeminiReply {
  std::string text;               // the model's JSON text
  int64_t prompt_tokens = 0, output_tokens = 0, total_tokens = 0;
  int attempts = 0;
};

// Reads a generateContent response body: the first candidate's text and the token counts. Any
// other shape (a string where an object belongs, counts as strings) is an error or a zero, never
// an exception.
Result<GeminiReply> parse_generate_content(const std::string& body);

// The CODEX schema in the OpenAPI subset Gemini's responseSchema accepts.
nlohmann::json gemini_response_schema();

// The request body that would be sent (for --dry-run, tests and cost estimates).
nlohmann::json gemini_request_body(const GeminiRequest& request);

// Sends the request; audio over config.inline_limit_bytes is first uploaded with the Files API
// (resumable upload, display name "codex-audio" — never the file's name).
Result<GeminiReply> gemini_generate(const GeminiConfig& config, const GeminiRequest& request);

// The Files API upload alone; returns the file's URI.
Result<std::string> gemini_upload(const GeminiConfig& config, const std::string& mime, const std::vector<uint8_t>& bytes);

inline std::string base64_encode(const std::vector<uint8_t>& bytes) {
  return codex::base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace codex::semantic
