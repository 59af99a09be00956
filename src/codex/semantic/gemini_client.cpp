// HTTP lives in this translation unit only: httplib.h pulls in <resolv.h>, whose macros clash
// with numeric headers (docs/ARCHITECTURE.md section 7).
#include "codex/semantic/gemini_client.h"

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "codex/schema/schema.h"

namespace codex::semantic {
namespace {

nlohmann::json gemini_type(const schema::FieldSpec& f) {
  using T = schema::FieldType;
  nlohmann::json p;
  switch (f.type) {
    case T::kString: p = {{"type", "STRING"}}; break;
    case T::kNumber: p = {{"type", "NUMBER"}}; break;
    case T::kInteger: p = {{"type", "INTEGER"}}; break;
    case T::kEnum: p = {{"type", "STRING"}, {"enum", f.values}}; break;
    case T::kCamelot: p = {{"type", "STRING"}, {"description", "Camelot key, 1A-12B"}}; break;
    case T::kStringArray: p = {{"type", "ARRAY"}, {"items", {{"type", "STRING"}}}}; break;
    case T::kEnumArray: p = {{"type", "ARRAY"}, {"items", {{"type", "STRING"}, {"enum", f.values}}}}; break;
  }
  if (f.nullable) p["nullable"] = true;
  if (!p.contains("description")) p["description"] = f.description;
  return p;
}

}  // namespace

GeminiConfig gemini_config_from(const Settings& settings) {
  GeminiConfig c;
  c.api_key = settings.gemini_api_key;
  c.model = settings.gemini_model;
  c.base_url = settings.gemini_base_url;
  return c;
}

Result<GeminiReply> parse_generate_content(const std::string& body) {
  using nlohmann::json;
  const auto j = json::parse(body, nullptr, false);
  if (!j.is_object()) return Status::Error("Gemini reply is not a JSON object");
  GeminiReply reply;
  const auto cand = j.find("candidates");
  const json* content = nullptr;
  if (cand != j.end() && cand->is_array() && !cand->empty() && (*cand)[0].is_object()) {
    auto c = (*cand)[0].find("content");
    if (c != (*cand)[0].end() && c->is_object()) content = &*c;
  }
  if (!content) {
    std::string why = "Gemini reply has no candidate content";
    if (auto f = j.find("promptFeedback"); f != j.end()) why += " (blocked: " + f->dump().substr(0, 200) + ")";
    return Status::Error(why);
  }
  if (auto parts = content->find("parts"); parts != content->end() && parts->is_array()) {
    for (const auto& part : *parts) {
      if (!part.is_object()) continue;
      auto t = part.find("text");
      if (t != part.end() && t->is_string()) reply.text += t->get<std::string>();
    }
  }
  // Token counts are for the cost report only: a count of the wrong type or size is taken as 0.
  auto count = [](const json& u, const char* key) -> int64_t {
    auto it = u.find(key);
    if (it == u.end() || !it->is_number_integer()) return 0;
    const auto v = it->get<int64_t>();
    return v >= 0 && v < (int64_t{1} << 40) ? v : 0;
  };
  if (auto u = j.find("usageMetadata"); u != j.end() && u->is_object()) {
    reply.prompt_tokens = count(*u, "promptTokenCount");
    reply.output_tokens = count(*u, "candidatesTokenCount");
    reply.total_tokens = count(*u, "totalTokenCount");
  }
  if (reply.total_tokens == 0) reply.total_tokens = reply.prompt_tokens + reply.output_tokens;
  return reply;
}

nlohmann::json gemini_response_schema() {
  // Identity and bookkeeping fields are CODEX's own, never asked of the model.
  static const std::vector<std::string> kLocalOnly = {"track_id", "title", "artist", "file_path", "duration_seconds",
                                                      "created_at", "updated_at", "analyzer_version",
                                                      "analyzer_model", "codex_schema_version"};
  nlohmann::json props = nlohmann::json::object(), required = nlohmann::json::array();
  for (const auto& f : schema::fields()) {
    if (std::find(kLocalOnly.begin(), kLocalOnly.end(), f.name) != kLocalOnly.end()) continue;
    props[f.name] = gemini_type(f);
    if (f.required) required.push_back(f.name);
  }
  return {{"type", "OBJECT"}, {"properties", props}, {"required", required}};
}

nlohmann::json gemini_request_body(const GeminiRequest& r) {
  const nlohmann::json audio =
      r.file_uri.empty() ? nlohmann::json{{"inline_data", {{"mime_type", r.audio_mime}, {"data", base64_encode(r.audio)}}}}
                         : nlohmann::json{{"file_data", {{"mime_type", r.audio_mime}, {"file_uri", r.file_uri}}}};
  return {{"contents", {{{"role", "user"}, {"parts", {{{"text", r.instruction}}, audio}}}}},
          {"generationConfig", {{"responseMimeType", "application/json"}, {"responseSchema", r.response_schema}}}};
}

Result<std::string> gemini_upload(const GeminiConfig& c, const std::string& mime, const std::vector<uint8_t>& bytes) {
  if (c.api_key.empty()) return Status::Error("no Gemini API key: set GEMINI_API_KEY or gemini_api_key in the settings file");
  httplib::Client http(c.base_url);
  http.set_read_timeout(c.timeout_s, 0);
  http.set_write_timeout(c.timeout_s, 0);
  const httplib::Headers start_headers = {{"x-goog-api-key", c.api_key},
                                          {"X-Goog-Upload-Protocol", "resumable"},
                                          {"X-Goog-Upload-Command", "start"},
                                          {"X-Goog-Upload-Header-Content-Length", std::to_string(bytes.size())},
                                          {"X-Goog-Upload-Header-Content-Type", mime}};
  auto start = http.Post("/upload/v1beta/files", start_headers, R"({"file":{"display_name":"codex-audio"}})",
                         "application/json");
  if (!start) return Status::Error("Files API upload failed to start: " + httplib::to_string(start.error()));
  if (start->status != 200 || !start->has_header("X-Goog-Upload-URL")) {
    return Status::Error("Files API answered " + std::to_string(start->status) + " to the upload start");
  }
  // The session URL is absolute: split it into origin and path.
  const std::string url = start->get_header_value("X-Goog-Upload-URL");
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (slash == std::string::npos) return Status::Error("Files API gave an unusable upload URL");
  httplib::Client session(url.substr(0, slash));
  session.set_read_timeout(c.timeout_s, 0);
  session.set_write_timeout(c.timeout_s, 0);
  const httplib::Headers upload_headers = {{"x-goog-api-key", c.api_key},
                                           {"X-Goog-Upload-Offset", "0"},
                                           {"X-Goog-Upload-Command", "upload, finalize"}};
  auto done = session.Post(url.substr(slash), upload_headers, reinterpret_cast<const char*>(bytes.data()), bytes.size(),
                           mime);
  if (!done) return Status::Error("Files API upload failed: " + httplib::to_string(done.error()));
  if (done->status != 200) return Status::Error("Files API answered " + std::to_string(done->status) + " to the upload");
  const auto j = nlohmann::json::parse(done->body, nullptr, false);
  if (!j.is_object() || !j.contains("file") || !j["file"].is_object() || !j["file"].contains("uri") ||
      !j["file"]["uri"].is_string()) {
    return Status::Error("Files API reply has no file URI");
  }
  return j["file"]["uri"].get<std::string>();
}

Result<GeminiReply> gemini_generate(const GeminiConfig& c, const GeminiRequest& r) {
  if (c.api_key.empty()) return Status::Error("no Gemini API key: set GEMINI_API_KEY or gemini_api_key in the settings file");
  GeminiRequest req = r;
  if (req.file_uri.empty() && req.audio.size() > c.inline_limit_bytes) {
    auto uri = gemini_upload(c, req.audio_mime, req.audio);
    if (!uri) return uri.status();
    req.file_uri = *uri;
  }
  httplib::Client http(c.base_url);
  http.set_connection_timeout(std::min(c.timeout_s, 30), 0);
  http.set_read_timeout(c.timeout_s, 0);
  http.set_write_timeout(c.timeout_s, 0);
  const std::string path = "/v1beta/models/" + c.model + ":generateContent";
  const std::string body = gemini_request_body(req).dump();
  const httplib::Headers headers = {{"x-goog-api-key", c.api_key}};
  std::mt19937 jitter(std::random_device{}());
  auto sleep = c.sleep ? c.sleep : [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); };

  auto cancelled = [&] { return c.cancel && c.cancel->load(); };
  GeminiReply reply;
  std::string last_error;
  for (int attempt = 0; attempt <= c.max_retries; ++attempt) {
    if (cancelled()) return Status::Cancelled("cancelled");
    reply.attempts = attempt + 1;
    // A watcher breaks the request off when the user cancels (httplib's stop() is meant for this).
    std::atomic<bool> done{false};
    std::thread watcher;
    if (c.cancel) {
      watcher = std::thread([&] {
        while (!done.load()) {
          if (cancelled()) {
            http.stop();
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      });
    }
    auto res = http.Post(path, headers, body, "application/json");
    done = true;
    if (watcher.joinable()) watcher.join();
    if (cancelled()) return Status::Cancelled("cancelled");
    double wait = -1.0;
    if (!res) {
      last_error = "Gemini request failed: " + httplib::to_string(res.error());
      wait = c.backoff_base_s * std::pow(2.0, attempt);
    } else if (res->status == 200) {
      auto parsed = parse_generate_content(res->body);
      if (!parsed) return parsed.status();
      parsed->attempts = reply.attempts;
      return parsed;
    } else if (res->status == 429 || res->status >= 500) {
      last_error = "Gemini answered " + std::to_string(res->status);
      wait = c.backoff_base_s * std::pow(2.0, attempt);
      if (res->has_header("Retry-After")) {
        const double ra = std::atof(res->get_header_value("Retry-After").c_str());
        if (ra > 0) wait = ra;
      }
    } else {
      // 4xx other than 429: our request or key is wrong; retrying will not help.
      std::string msg;
      const auto j = nlohmann::json::parse(res->body, nullptr, false);
      if (j.is_object() && j.contains("error") && j["error"].is_object()) {
        const auto& e = j["error"];
        if (auto m = e.find("message"); m != e.end() && m->is_string()) msg = m->get<std::string>().substr(0, 300);
      }
      return Status::Error("Gemini answered " + std::to_string(res->status) + (msg.empty() ? "" : ": " + msg));
    }
    if (attempt == c.max_retries) break;
    wait = std::min(wait, c.max_wait_s);
    std::uniform_real_distribution<double> jit(0.0, 0.25 * wait);
    if (c.cancel && !c.sleep) {
      // Wait in steps, so a cancel is heard.
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait + jit(jitter));
      while (std::chrono::steady_clock::now() < until && !cancelled()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    } else {
      sleep(wait + jit(jitter));
    }
  }
  return Status::Error(last_error + " (gave up after " + std::to_string(reply.attempts) + " attempts)");
}

}  // namespace codex::semantic
