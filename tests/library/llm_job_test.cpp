// The opt-in LLM pass over a corpus, against a fake Gemini server on 127.0.0.1.
#include "codex/library/llm_job.h"
#include "codex/semantic/instruction.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "codex/demo/synth.h"
#include "codex/library/analyze_job.h"
#include "codex/library/records.h"
#include "codex/library/scan.h"
#include "support/test_util.h"

namespace codex::library {

using namespace semantic;
namespace {

class LlmJob : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post(R"(/v1beta/models/([^/]+):generateContent)", [this](const httplib::Request& req, httplib::Response& res) {
      ++calls_;
      bodies_ += req.body.size();
      if (req.body.find("Hidden") != std::string::npos) leaked_ = true;
      reply_(res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (int i = 0; i < 3; ++i) {
      demo::TrackSpec s;
      s.seconds = 8;
      s.seed = static_cast<uint64_t>(i + 1);
      test::write_audio(dir_.file("Hidden Name " + std::to_string(i) + ".wav"), demo::render_track(s).samples, 2,
                        44100, audio::Format::kWav16, {{"title", "Hidden Title"}});
    }
    corpus_ = std::move(corpus::Corpus::open(dir_.file("c.db"))).value();
    library::AnalyzeOptions ao;
    ao.jobs = 2;
    library::analyze_files(*corpus_, library::scan_paths({dir_.path()}).files, ao);
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  LlmJobOptions options() {
    LlmJobOptions o;
    o.gemini.api_key = "k";
    o.gemini.base_url = "http://127.0.0.1:" + std::to_string(port_);
    o.gemini.timeout_s = 5;
    o.gemini.max_retries = 1;
    o.gemini.sleep = [](double) {};
    o.requests_per_minute = 1000;
    return o;
  }
  std::function<void(httplib::Response&)> reply_ = [](httplib::Response& res) {
    res.set_content(R"({"candidates":[{"content":{"parts":[{"text":"```json\n{\"vibe\":\"Euphoric\",\"bpm\":90,\"energy\":9,\"mood_tags\":[\"a\",\"b\",\"c\"]}\n```"}]}}],
                        "usageMetadata":{"promptTokenCount":500,"candidatesTokenCount":50}})",
                    "application/json");
  };
  test::TempDir dir_;
  std::unique_ptr<corpus::Corpus> corpus_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::atomic<size_t> bodies_{0};
  std::atomic<bool> leaked_{false};
};

TEST_F(LlmJob, SendsOnceCachesMergesAndNeverLeaksNames) {
  LlmJobSummary s = run_llm_job(*corpus_, {}, options());
  EXPECT_EQ(s.tracks, 3u);
  EXPECT_EQ(s.sent, 3u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.prompt_tokens, 1500);
  EXPECT_EQ(calls_.load(), 3);
  EXPECT_FALSE(leaked_) << "no file name or title in any request";
  // Cached: nothing is sent again unless refreshed.
  s = run_llm_job(*corpus_, {}, options());
  EXPECT_EQ(s.cached, 3u);
  EXPECT_EQ(calls_.load(), 3);
  // The export carries the LLM's fields with their provenance; measured bpm wins and the
  // disagreement is kept.
  const auto typed = library::all_records(*corpus_);
  ASSERT_TRUE(typed.ok());
  ASSERT_EQ(typed->size(), 3u);
  for (const auto& t : *typed) {
    const nlohmann::json r = schema::to_json(t);
    EXPECT_EQ(r["vibe"], "euphoric");
    EXPECT_EQ(r["provenance"]["vibe"], "llm:gemini-2.5-flash");
    EXPECT_EQ(r["provenance"]["bpm"], "local");
    EXPECT_NE(r["bpm"], 90);
    EXPECT_TRUE(r.contains("llm_disagreements"));
  }
  auto o = options();
  o.refresh = true;
  run_llm_job(*corpus_, {}, o);
  EXPECT_EQ(calls_.load(), 6);
}

TEST_F(LlmJob, DryRunSendsNothingAndEstimates) {
  auto o = options();
  o.dry_run = true;
  const LlmJobSummary s = run_llm_job(*corpus_, {}, o);
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_NEAR(s.audio_s, 24.0, 0.5);
  EXPECT_GT(s.bytes, 0);
  EXPECT_GT(s.estimated_tokens, static_cast<int64_t>(24 * 32));
  EXPECT_GT(s.estimated_cost_usd, 0.0);
}

TEST_F(LlmJob, BudgetStopsBeforeItIsExceeded) {
  auto o = options();
  o.usd_per_million_tokens = 1000.0;  // ~1 USD a track at this price
  o.max_cost_usd = 2.5;
  o.concurrency = 1;
  const LlmJobSummary s = run_llm_job(*corpus_, {}, o);
  EXPECT_EQ(s.sent, 2u);
  EXPECT_EQ(s.over_budget, 1u);
  EXPECT_LE(s.estimated_cost_usd, 2.5);
}

TEST_F(LlmJob, FailuresAreRecordedAndRetriedNextRun) {
  reply_ = [](httplib::Response& res) {
    res.set_content(R"({"candidates":[{"content":{"parts":[{"text":"I cannot help with that."}]}}]})", "application/json");
  };
  LlmJobSummary s = run_llm_job(*corpus_, {}, options());
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(s.failures.size(), 3u);
  reply_ = [](httplib::Response& res) {
    res.set_content(R"({"candidates":[{"content":{"parts":[{"text":"{\"vibe\":\"dark\"}"}]}}]})", "application/json");
  };
  s = run_llm_job(*corpus_, {}, options());
  EXPECT_EQ(s.sent, 3u) << "failed tracks are tried again";
  EXPECT_EQ(s.failed, 0u);
}

TEST_F(LlmJob, AnalyzingWithoutOptInMakesNoConnection) {
  // A plain analysis pass with the fake server configured in the environment sends nothing.
  setenv("CODEX_GEMINI_BASE_URL", ("http://127.0.0.1:" + std::to_string(port_)).c_str(), 1);
  setenv("GEMINI_API_KEY", "k", 1);
  library::AnalyzeOptions ao;
  ao.force = true;
  library::analyze_files(*corpus_, library::scan_paths({dir_.path()}).files, ao);
  ASSERT_TRUE(library::all_records(*corpus_).ok());
  EXPECT_EQ(calls_.load(), 0);
  unsetenv("CODEX_GEMINI_BASE_URL");
  unsetenv("GEMINI_API_KEY");
}

TEST_F(LlmJob, ACancelBreaksOffARequestThatNeverAnswers) {
  // The server holds every request (as a hung proxy would); the 120 s timeout and the retries
  // must not keep the user waiting after Ctrl-C.
  std::atomic<bool> release{false};
  reply_ = [&](httplib::Response& res) {
    for (int i = 0; i < 300 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    res.status = 503;
  };
  LlmJobOptions o = options();
  o.gemini.timeout_s = 120;
  o.gemini.max_retries = 4;
  o.gemini.sleep = nullptr;
  std::atomic<bool> cancel{false};
  o.cancel = &cancel;
  // Cancel once a request is in flight (however slow the build is at getting there).
  std::atomic<double> cancelled_at{0.0};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    for (int i = 0; i < 3000 && calls_.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancelled_at = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cancel = true;
  });
  const LlmJobSummary s = run_llm_job(*corpus_, {}, o);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stopper.join();
  release = true;
  EXPECT_GE(calls_.load(), 1);
  EXPECT_TRUE(s.cancelled);
  EXPECT_LT(took - cancelled_at.load(), 2.0) << "the job must stop soon after the cancel";
  // Nothing was stored for the broken-off tracks: the next run asks again.
  auto cached = corpus_->llm_replies().has(corpus_->tracks().with_files().value()[0].first, o.gemini.model, kPromptVersion);
  ASSERT_TRUE(cached.ok());
  EXPECT_FALSE(*cached);
}

}  // namespace
}  // namespace codex::library
