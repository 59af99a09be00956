// The Gemini client against a fake Gemini server on 127.0.0.1: request shape and privacy, good
// replies, errors, 429 with Retry-After, 500, slow replies and dropped connections.
#include "codex/semantic/gemini_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

namespace codex::semantic {
namespace {

class FakeGemini : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post(R"(/v1beta/models/([^/]+):generateContent)", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = req.body;
      last_key_ = req.get_header_value("x-goog-api-key");
      last_path_ = req.path;
      const int n = ++calls_;
      handler_(n, req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  GeminiConfig config() {
    GeminiConfig c;
    c.api_key = "test-key-123";
    c.base_url = "http://127.0.0.1:" + std::to_string(port_);
    c.timeout_s = 2;
    c.max_retries = 3;
    c.sleep = [this](double s) { waits_.push_back(s); };
    return c;
  }
  static GeminiRequest request() {
    GeminiRequest r;
    r.instruction = "Listen to this track and describe it for a DJ.";
    r.audio_mime = "audio/mp3";
    r.audio = {0x49, 0x44, 0x33, 1, 2, 3, 4};
    r.response_schema = gemini_response_schema();
    return r;
  }
  static void good(httplib::Response& res) {
    res.set_content(R"({"candidates":[{"content":{"parts":[{"text":"{\"vibe\":\"dark\",\"energy\":7}"}]}}],
                        "usageMetadata":{"promptTokenCount":1200,"candidatesTokenCount":300,"totalTokenCount":1500}})",
                    "application/json");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::function<void(int, const httplib::Request&, httplib::Response&)> handler_ =
      [](int, const httplib::Request&, httplib::Response& res) { good(res); };
  std::string last_body_, last_key_, last_path_;
  std::vector<double> waits_;
};

TEST_F(FakeGemini, GoodReplyAndRequestShape) {
  auto r = gemini_generate(config(), request());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->text, R"({"vibe":"dark","energy":7})");
  EXPECT_EQ(r->total_tokens, 1500);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(last_key_, "test-key-123");
  EXPECT_EQ(last_path_, "/v1beta/models/gemini-2.5-flash:generateContent");
  const auto body = nlohmann::json::parse(last_body_);
  EXPECT_EQ(body["generationConfig"]["responseMimeType"], "application/json");
  EXPECT_EQ(body["generationConfig"]["responseSchema"]["type"], "OBJECT");
  const auto& parts = body["contents"][0]["parts"];
  EXPECT_EQ(parts[1]["inline_data"]["mime_type"], "audio/mp3");
  EXPECT_EQ(parts[1]["inline_data"]["data"], base64_encode(request().audio));
  EXPECT_EQ(last_body_.find("test-key-123"), std::string::npos) << "the key travels only in the header";
  // The schema asks nothing the model must not see or decide: no title, artist, path or id.
  for (const char* k : {"title", "artist", "file_path", "track_id"}) {
    EXPECT_FALSE(body["generationConfig"]["responseSchema"]["properties"].contains(k)) << k;
  }
}

TEST_F(FakeGemini, RetriesOn429HonouringRetryAfterAndOn500) {
  handler_ = [](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 1) {
      res.status = 429;
      res.set_header("Retry-After", "7");
    } else if (n == 2) {
      res.status = 500;
    } else {
      good(res);
    }
  };
  auto r = gemini_generate(config(), request());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->attempts, 3);
  ASSERT_EQ(waits_.size(), 2u);
  EXPECT_GE(waits_[0], 7.0);
  EXPECT_LE(waits_[0], 7.0 * 1.25);
  EXPECT_GE(waits_[1], 2.0) << "second back-off doubles the base";
}

TEST_F(FakeGemini, GivesUpAfterTheRetries) {
  handler_ = [](int, const httplib::Request&, httplib::Response& res) { res.status = 503; };
  auto r = gemini_generate(config(), request());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("503"), std::string::npos);
  EXPECT_EQ(calls_.load(), 4);
}

TEST_F(FakeGemini, ClientErrorsAreNotRetriedAndKeepTheMessage) {
  handler_ = [](int, const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(R"({"error":{"code":400,"message":"API key not valid"}})", "application/json");
  };
  auto r = gemini_generate(config(), request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_NE(r.status().message().find("API key not valid"), std::string::npos);
  EXPECT_EQ(r.status().message().find("test-key-123"), std::string::npos);
}

TEST_F(FakeGemini, MalformedAndEmptyReplies) {
  handler_ = [](int, const httplib::Request&, httplib::Response& res) { res.set_content("<html>oops", "text/html"); };
  EXPECT_FALSE(gemini_generate(config(), request()).ok());
  handler_ = [](int, const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"candidates":[],"promptFeedback":{"blockReason":"OTHER"}})", "application/json");
  };
  auto r = gemini_generate(config(), request());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("blocked"), std::string::npos);
}

TEST_F(FakeGemini, SlowRepliesTimeOutAndAreRetried) {
  handler_ = [](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 1) std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    good(res);
  };
  auto c = config();
  c.timeout_s = 1;
  auto r = gemini_generate(c, request());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->attempts, 2);
}

TEST_F(FakeGemini, LargeAudioGoesThroughTheFilesApi) {
  std::string start_headers, uploaded;
  server_.Post("/upload/v1beta/files", [&](const httplib::Request& req, httplib::Response& res) {
    start_headers = req.get_header_value("X-Goog-Upload-Command") + "|" + req.get_header_value("X-Goog-Upload-Protocol") +
                    "|" + req.get_header_value("X-Goog-Upload-Header-Content-Length") + "|" + req.body;
    res.set_header("X-Goog-Upload-URL", "http://127.0.0.1:" + std::to_string(port_) + "/upload-session/1?key=abc");
  });
  server_.Post("/upload-session/1", [&](const httplib::Request& req, httplib::Response& res) {
    uploaded = req.body;
    EXPECT_EQ(req.get_header_value("X-Goog-Upload-Command"), "upload, finalize");
    res.set_content(R"({"file":{"uri":"http://127.0.0.1/v1beta/files/abc","mimeType":"audio/mp3","state":"ACTIVE"}})",
                    "application/json");
  });
  auto c = config();
  c.inline_limit_bytes = 4;  // the 7-byte test audio is "large"
  auto r = gemini_generate(c, request());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(start_headers, R"(start|resumable|7|{"file":{"display_name":"codex-audio"}})");
  EXPECT_EQ(uploaded.size(), 7u);
  const auto body = nlohmann::json::parse(last_body_);
  EXPECT_EQ(body["contents"][0]["parts"][1]["file_data"]["file_uri"], "http://127.0.0.1/v1beta/files/abc");
  EXPECT_FALSE(body["contents"][0]["parts"][1].contains("inline_data"));
}

TEST(Gemini, NoKeyNoRequestAndNothingListening) {
  GeminiConfig c;
  c.base_url = "http://127.0.0.1:1";
  EXPECT_FALSE(gemini_generate(c, {}).ok());
  c.api_key = "k";
  c.max_retries = 1;
  c.timeout_s = 1;
  c.sleep = [](double) {};
  auto r = gemini_generate(c, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("gave up"), std::string::npos);
}

TEST(Base64, KnownVectors) {
  auto b = [](const std::string& s) { return base64_encode(std::vector<uint8_t>(s.begin(), s.end())); };
  EXPECT_EQ(b(""), "");
  EXPECT_EQ(b("f"), "Zg==");
  EXPECT_EQ(b("fo"), "Zm8=");
  EXPECT_EQ(b("foo"), "Zm9v");
  EXPECT_EQ(b("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace codex::semantic

namespace codex::semantic {
namespace {

TEST(GeminiReplyParse, MalformedRepliesAreErrorsOrZerosNeverExceptions) {
  const std::vector<std::string> errors = {
      "", "[]", "\"text\"", "{}", R"({"candidates": "x"})", R"({"candidates": []})", R"({"candidates": [3]})",
      R"({"candidates": [{"content": "not an object"}]})", R"({"candidates": [{"nocontent": 1}]})",
      R"({"promptFeedback": {"blockReason": "SAFETY"}})"};
  for (const auto& body : errors) {
    Result<GeminiReply> r = Status::Error("unset");
    EXPECT_NO_THROW(r = parse_generate_content(body)) << body;
    EXPECT_FALSE(r.ok()) << body;
  }
  const auto blocked = parse_generate_content(R"({"promptFeedback": {"blockReason": "SAFETY"}})");
  EXPECT_NE(blocked.status().message().find("SAFETY"), std::string::npos);
  const auto odd = parse_generate_content(
      R"({"candidates": [{"content": {"parts": [{"text": "{\"a\""}, 7, {"text": 5}, {"text": ": 1}"}]}}],
          "usageMetadata": {"promptTokenCount": "12", "candidatesTokenCount": -4, "totalTokenCount": 1e300}})");
  ASSERT_TRUE(odd.ok()) << odd.status().message();
  EXPECT_EQ(odd->text, R"({"a": 1})");
  EXPECT_EQ(odd->prompt_tokens, 0) << "a count as a string is 0";
  EXPECT_EQ(odd->output_tokens, 0);
  EXPECT_EQ(odd->total_tokens, 0);
  const auto good = parse_generate_content(
      R"({"candidates": [{"content": {"parts": [{"text": "{}"}]}}], "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5}})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->total_tokens, 15);
}

}  // namespace
}  // namespace codex::semantic
